/* test_config.c - the config.json parser over tests/unit/corpus:
 *   good/NAME.json     parses (and some have their values checked here)
 *   bad/NAME.json      fails with exactly the message in bad/NAME.expected
 * plus config_load, the standalone pieces (process.json for exec, the
 * resources of `update -r`), sysctl checks and the name tables. */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <linux/ioprio.h>
#include <linux/mount.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "../../libcontainer/config.h"
#include "../../libcontainer/json.h"
#include "../../libcontainer/log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static char *corpus;

struct corpus_case {
  char *name;      /* "bad/linux-namespaces-unknown" */
  char *path;      /* the .json */
  char *expected;  /* the message, or NULL for a good one */
};

static struct config *parse_file(const char *path, struct error **err) {
  size_t len = 0;
  char *text = unit_read_file(path, &len);
  if (text == NULL)
    fail_msg("cannot read %s", path);
  struct config *c = NULL;
  int r = config_parse(text, len, &c, err);
  free(text);
  if (r < 0) {
    assert_null(c);
    return NULL;
  }
  assert_non_null(c);
  return c;
}

static struct config *parse_good(const char *name) {
  autofree char *path = xasprintf("%s/good/%s", corpus, name);
  struct error *err = NULL;
  struct config *c = parse_file(path, &err);
  if (c == NULL)
    fail_msg("%s: %s", name, err ? err->msg : "?");
  return c;
}

static void test_bad_case(void **state) {
  struct corpus_case *cc = *state;
  struct error *err = NULL;
  struct config *c = parse_file(cc->path, &err);
  if (c != NULL) {
    config_free(c);
    fail_msg("%s was accepted; want: %s", cc->name, cc->expected);
  }
  assert_non_null(err);
  assert_int_not_equal(err->errnum, 0);
  assert_error_msg(err, cc->expected);
}

static void test_good_case(void **state) {
  struct corpus_case *cc = *state;
  struct error *err = NULL;
  struct config *c = parse_file(cc->path, &err);
  if (c == NULL)
    fail_msg("%s: %s", cc->name, err ? err->msg : "?");
  size_t len = 0;
  autofree char *text = unit_read_file(cc->path, &len);
  /* The exact document is kept for the state dir. */
  assert_int_equal(c->raw_len, len);
  assert_memory_equal(c->raw, text, len);
  config_free(c);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cases of corpus/<kind>, sorted by name. */
static struct corpus_case *load_cases(const char *kind, size_t *n) {
  autofree char *dir = xasprintf("%s/%s", corpus, kind);
  DIR *d = opendir(dir);
  *n = 0;
  if (d == NULL)
    return NULL;
  char **names = NULL;
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (str_has_suffix(de->d_name, ".json"))
      strv_push(&names, &nn, de->d_name);
  closedir(d);
  if (nn == 0)
    return NULL;
  qsort(names, nn, sizeof(char *), cmp_str);
  struct corpus_case *v = xcalloc(nn, sizeof(*v));
  for (size_t i = 0; i < nn; i++) {
    size_t l = strlen(names[i]) - 5;
    v[i].name = xasprintf("%s/%.*s", kind, (int)l, names[i]);
    v[i].path = xasprintf("%s/%s", dir, names[i]);
    if (strcmp(kind, "bad") == 0) {
      autofree char *ep = xasprintf("%s/%.*s.expected", dir, (int)l, names[i]);
      char *e = unit_read_file(ep, NULL);
      if (e == NULL)
        e = xasprintf("(missing %s)", ep);
      size_t el = strlen(e);
      while (el > 0 && e[el - 1] == '\n')
        e[--el] = '\0';
      v[i].expected = e;
    }
  }
  strv_free(names);
  *n = nn;
  return v;
}

static void free_cases(struct corpus_case *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].name);
    free(v[i].path);
    free(v[i].expected);
  }
  free(v);
}

/* The corpus is there, and every bad case has its message (and no message
 * is left without its case). */
static void test_corpus_complete(void **state) {
  (void)state;
  size_t nb = 0, ng = 0;
  struct corpus_case *bad = load_cases("bad", &nb);
  struct corpus_case *good = load_cases("good", &ng);
  if (nb < 250 || ng < 8)
    fail_msg("corpus %s: %zu bad and %zu good cases", corpus, nb, ng);
  for (size_t i = 0; i < nb; i++)
    if (str_has_prefix(bad[i].expected, "(missing "))
      fail_msg("%s: no .expected file", bad[i].name);
  autofree char *dir = xasprintf("%s/bad", corpus);
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (!str_has_suffix(de->d_name, ".expected"))
      continue;
    autofree char *json = xasprintf("%s/%.*s.json", dir, (int)(strlen(de->d_name) - 9), de->d_name);
    if (access(json, F_OK) != 0)
      fail_msg("%s has no case", de->d_name);
  }
  closedir(d);
  free_cases(bad, nb);
  free_cases(good, ng);
}

/* Every field of the spec, read into the right place. */
static void test_full_process(void **state) {
  (void)state;
  struct config *c = parse_good("full.json");
  assert_string_equal(c->oci_version, "1.3.0");
  assert_string_equal(c->root_path, "/var/lib/vessel/rootfs");
  assert_false(c->root_readonly);
  assert_string_equal(c->hostname, "box");
  assert_string_equal(c->domainname, "example.org");
  struct process_cfg *p = &c->process;
  assert_true(c->has_process);
  assert_true(p->terminal);
  assert_true(p->has_console_size);
  assert_int_equal(p->console_height, 25);
  assert_int_equal(p->console_width, 80);
  assert_int_equal(p->user.uid, 1);
  assert_int_equal(p->user.gid, 2);
  assert_true(p->user.has_umask);
  assert_int_equal(p->user.umask, 022);
  assert_int_equal(p->user.n_additional_gids, 3);
  assert_int_equal(p->user.additional_gids[0], 5);
  assert_int_equal(p->user.additional_gids[2], UINT32_MAX);
  assert_string_equal(p->user.username, "daemon");
  assert_int_equal(strv_len(p->args), 3);
  assert_string_equal(p->args[2], "echo hi");
  assert_string_equal(p->env[0], "PATH=/bin:/usr/bin");
  assert_string_equal(p->cwd, "/work");
  assert_true(p->has_caps);
  assert_true(p->caps.set[CAP_SET_BOUNDING] == ((1ULL << 0) | (1ULL << 21) | (1ULL << 40)));
  assert_true(p->caps.set[CAP_SET_EFFECTIVE] == 1ULL);
  assert_true(p->caps.has_set[CAP_SET_INHERITABLE]);
  assert_true(p->caps.set[CAP_SET_INHERITABLE] == 0);
  assert_true(p->caps.set[CAP_SET_PERMITTED] == ((1ULL << 0) | (1ULL << 5)));
  assert_true(p->caps.set[CAP_SET_AMBIENT] == (1ULL << 13));
  assert_int_equal(p->n_rlimits, 3);
  assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_string_equal(p->rlimits[0].name, "RLIMIT_NOFILE");
  assert_int_equal(p->rlimits[0].soft, 1024);
  assert_int_equal(p->rlimits[0].hard, 1048576);
  assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
  assert_true(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX);
  assert_true(p->rlimits[1].hard == (uint64_t)RLIM_INFINITY);
  assert_int_equal(p->rlimits[2].resource, RLIMIT_STACK);
  assert_int_equal(p->rlimits[2].hard, 0);
  assert_true(p->no_new_privileges);
  assert_string_equal(p->apparmor_profile, "vessel-default");
  assert_true(p->has_oom_score_adj);
  assert_int_equal(p->oom_score_adj, -999);
  assert_true(p->has_scheduler);
  assert_int_equal(p->scheduler.policy, 6 /* SCHED_DEADLINE */);
  assert_int_equal(p->scheduler.nice, -5);
  assert_int_equal(p->scheduler.priority, 0);
  assert_int_equal(p->scheduler.flags, 0x01 | 0x40);
  assert_int_equal(p->scheduler.runtime, 10000000);
  assert_int_equal(p->scheduler.deadline, 20000000);
  assert_int_equal(p->scheduler.period, 30000000);
  assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  assert_true(p->has_io_priority);
  assert_int_equal(p->io_priority_class, IOPRIO_CLASS_BE);
  assert_int_equal(p->io_priority, 4);
  assert_string_equal(p->exec_cpu_affinity_initial, "0");
  assert_string_equal(p->exec_cpu_affinity_final, "0-1,3");
  config_free(c);
}

static void test_full_mounts_hooks_annotations(void **state) {
  (void)state;
  struct config *c = parse_good("full.json");
  assert_int_equal(c->n_mounts, 4);
  struct mount_cfg *m = &c->mounts[0];
  assert_string_equal(m->destination, "/proc");
  assert_string_equal(m->type, "proc");
  assert_string_equal(m->source, "proc");
  assert_int_equal(m->flags, 0);
  assert_null(m->data);
  m = &c->mounts[1];
  assert_true(m->bind && m->rbind);
  assert_true(mount_is_bind(m));
  assert_int_equal(m->rec_attr_set, MOUNT_ATTR_RDONLY);
  assert_int_equal(m->flags, MS_NOSUID);
  assert_int_equal(m->propagation, MS_PRIVATE | MS_REC);
  assert_null(m->data);
  m = &c->mounts[2];
  assert_int_equal(m->flags, MS_NOSUID | MS_NODEV);
  assert_string_equal(m->data, "mode=1777,size=10m");
  assert_true(m->tmpcopyup);
  assert_false(m->bind);
  m = &c->mounts[3];
  assert_true(m->bind && m->idmap && !m->rbind);
  assert_int_equal(m->n_uid_mappings, 1);
  assert_int_equal(m->uid_mappings[0].host_id, 100000);
  assert_int_equal(m->gid_mappings[0].host_id, 200000);
  assert_int_equal(m->gid_mappings[0].size, 65536);

  struct hook_list *h = c->hooks;
  assert_int_equal(h[HOOK_PRESTART].n, 1);
  assert_string_equal(h[HOOK_PRESTART].v[0].path, "/usr/bin/hook");
  assert_string_equal(h[HOOK_PRESTART].v[0].args[1], "prestart");
  assert_string_equal(h[HOOK_PRESTART].v[0].env[0], "A=1");
  assert_true(h[HOOK_PRESTART].v[0].has_timeout);
  assert_int_equal(h[HOOK_PRESTART].v[0].timeout, 5);
  assert_int_equal(h[HOOK_CREATE_RUNTIME].n, 2);
  assert_false(h[HOOK_CREATE_RUNTIME].v[0].has_timeout);
  assert_null(h[HOOK_CREATE_RUNTIME].v[0].args);
  assert_int_equal(h[HOOK_CREATE_RUNTIME].v[1].timeout, 1);
  assert_string_equal(h[HOOK_CREATE_CONTAINER].v[0].path, "/bin/cc");
  assert_string_equal(h[HOOK_START_CONTAINER].v[0].args[0], "sc");
  assert_string_equal(h[HOOK_POSTSTART].v[0].path, "/bin/ps1");
  assert_int_equal(h[HOOK_POSTSTOP].v[0].timeout, 30);

  assert_int_equal(c->n_annotations, 2);
  assert_string_equal(c->annotation_keys[0], "org.opencontainers.image.os");
  assert_string_equal(c->annotation_values[0], "linux");
  assert_string_equal(c->annotation_keys[1], "com.example.empty");
  assert_string_equal(c->annotation_values[1], "");
  config_free(c);
}

/* fileMode as podman writes it (the type bits of stat(2)): accepted when they
 * match the type, and only the permission bits are kept. */
static void test_device_filemode_type_bits(void **state) {
  (void)state;
  struct config *c = parse_good("linux-devices-filemode-typebits.json");
  assert_true(c->linux.devices[0].has_file_mode);
  assert_int_equal(c->linux.devices[0].file_mode, 0620);
  config_free(c);
}

static void test_full_linux(void **state) {
  (void)state;
  struct config *c = parse_good("full.json");
  struct linux_cfg *l = &c->linux;
  assert_true(c->has_linux);
  for (int t = 0; t < NS_COUNT; t++)
    assert_true(l->ns[t].present);
  assert_string_equal(l->ns[NS_NET].path, "/var/run/netns/vessel-full");
  assert_null(l->ns[NS_PID].path);
  assert_null(l->ns[NS_USER].path);
  assert_int_equal(l->n_uid_mappings, 2);
  assert_int_equal(l->uid_mappings[1].container_id, 1);
  assert_int_equal(l->uid_mappings[1].host_id, 100000);
  assert_int_equal(l->uid_mappings[1].size, 65536);
  assert_int_equal(l->n_gid_mappings, 1);
  assert_true(l->time_monotonic.has);
  assert_int_equal(l->time_monotonic.secs, -86400);
  assert_int_equal(l->time_monotonic.nanosecs, 0);
  assert_true(l->time_boottime.has);
  assert_int_equal(l->time_boottime.secs, 31536000);
  assert_int_equal(l->time_boottime.nanosecs, 999999999);
  assert_int_equal(l->n_devices, 4);
  assert_string_equal(l->devices[0].path, "/dev/fuse");
  assert_int_equal(l->devices[0].type, 'c');
  assert_int_equal(l->devices[0].major, 10);
  assert_int_equal(l->devices[0].minor, 229);
  assert_true(l->devices[0].has_file_mode);
  assert_int_equal(l->devices[0].file_mode, 0666);
  assert_true(l->devices[0].has_uid && l->devices[0].has_gid);
  assert_int_equal(l->devices[1].type, 'b');
  assert_false(l->devices[1].has_file_mode);
  assert_false(l->devices[1].has_uid);
  assert_int_equal(l->devices[2].type, 'p');
  assert_int_equal(l->devices[3].type, 'u');
  assert_int_equal(l->devices[3].major, 4095);
  assert_int_equal(l->devices[3].minor, 1048575);
  assert_int_equal(l->devices[3].uid, UINT32_MAX);
  assert_int_equal(l->n_net_devices, 2);
  assert_string_equal(l->net_devices[0].host_name, "eth1");
  assert_string_equal(l->net_devices[0].name, "net0");
  assert_string_equal(l->net_devices[1].host_name, "dummy0");
  assert_null(l->net_devices[1].name);
  assert_string_equal(l->cgroups_path, "/vessel/full");
  assert_true(l->has_intel_rdt);
  assert_string_equal(l->intel_rdt.clos_id, "guaranteed");
  assert_string_equal(l->intel_rdt.l3_cache_schema, "L3:0=7f0");
  assert_string_equal(l->intel_rdt.mem_bw_schema, "MB:0=20");
  assert_string_equal(l->intel_rdt.schemata[0], "L2:0=ff");
  assert_true(l->intel_rdt.enable_monitoring);
  assert_int_equal(l->n_sysctl, 5);
  assert_string_equal(l->sysctl_keys[1], "net/ipv4/ping_group_range");
  assert_string_equal(l->sysctl_values[1], "0 0");
  assert_int_equal(l->rootfs_propagation, MS_SLAVE | MS_REC);
  assert_int_equal(strv_len(l->masked_paths), 2);
  assert_string_equal(l->readonly_paths[0], "/proc/sys");
  assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  assert_true(l->has_personality);
  assert_int_equal(l->personality, PER_LINUX32);
  assert_true(l->has_memory_policy);
  assert_int_equal(l->memory_policy.mode, 2 /* MPOL_BIND */);
  assert_string_equal(l->memory_policy.nodes, "0-1,3");
  assert_int_equal(l->memory_policy.flags, 1U << 15);
  config_free(c);
}

static void test_full_resources(void **state) {
  (void)state;
  struct config *c = parse_good("full.json");
  assert_true(c->linux.has_resources);
  struct resources_cfg *r = &c->linux.resources;
  assert_int_equal(r->n_devices, 4);
  assert_false(r->devices[0].allow);
  assert_int_equal(r->devices[0].type, 'a');
  assert_int_equal(r->devices[0].major, -1);
  assert_int_equal(r->devices[0].minor, -1);
  assert_false(r->devices[0].has_major);
  assert_string_equal(r->devices[0].access, "rwm");
  assert_true(r->devices[1].allow);
  assert_int_equal(r->devices[1].type, 'c');
  assert_int_equal(r->devices[1].major, 1);
  assert_int_equal(r->devices[1].minor, 3);
  assert_string_equal(r->devices[1].access, "rw");
  assert_true(r->devices[2].has_major);
  assert_false(r->devices[2].has_minor);
  assert_int_equal(r->devices[2].minor, -1);
  assert_string_equal(r->devices[3].access, "mr");
  assert_int_equal(r->devices[3].major, -1);
  assert_int_equal(r->devices[3].minor, 5);

  assert_true(r->has_mem_limit && r->mem_limit == 536870912);
  assert_true(r->has_mem_reservation && r->mem_reservation == 268435456);
  assert_true(r->has_mem_swap && r->mem_swap == -1);
  assert_true(r->has_mem_kernel && r->mem_kernel == -1);
  assert_true(r->has_mem_kernel_tcp && r->mem_kernel_tcp == 1048576);
  assert_true(r->has_mem_swappiness && r->mem_swappiness == 60);
  assert_true(r->has_disable_oom_killer && r->disable_oom_killer);
  assert_true(r->has_use_hierarchy && r->use_hierarchy);
  assert_true(r->has_check_before_update && r->check_before_update);

  assert_true(r->has_cpu_shares && r->cpu_shares == 1024);
  assert_true(r->has_cpu_quota && r->cpu_quota == 50000);
  assert_true(r->has_cpu_burst && r->cpu_burst == 10000);
  assert_true(r->has_cpu_period && r->cpu_period == 100000);
  assert_true(r->has_cpu_rt_runtime && r->cpu_rt_runtime == 950000);
  assert_true(r->has_cpu_rt_period && r->cpu_rt_period == 1000000);
  assert_true(r->has_cpu_idle && r->cpu_idle == 1);
  assert_string_equal(r->cpu_cpus, "0-1");
  assert_string_equal(r->cpu_mems, "0");
  assert_true(r->has_pids_limit && r->pids_limit == 100);

  assert_true(r->has_blkio_weight && r->blkio_weight == 500);
  assert_true(r->has_blkio_leaf_weight && r->blkio_leaf_weight == 300);
  assert_int_equal(r->n_weight_devices, 2);
  assert_int_equal(r->weight_devices[0].major, 8);
  assert_true(r->weight_devices[0].has_weight && r->weight_devices[0].weight == 600);
  assert_true(r->weight_devices[0].has_leaf_weight && r->weight_devices[0].leaf_weight == 200);
  assert_int_equal(r->weight_devices[1].minor, 16);
  assert_false(r->weight_devices[1].has_weight || r->weight_devices[1].has_leaf_weight);
  assert_int_equal(r->n_throttle[THROTTLE_READ_BPS], 1);
  assert_int_equal(r->throttle[THROTTLE_READ_BPS][0].rate, 1048576);
  assert_true(r->throttle[THROTTLE_WRITE_BPS][0].rate == UINT64_MAX);
  assert_int_equal(r->throttle[THROTTLE_READ_IOPS][0].rate, 100);
  assert_int_equal(r->n_throttle[THROTTLE_WRITE_IOPS], 2);
  assert_int_equal(r->throttle[THROTTLE_WRITE_IOPS][1].minor, 16);
  assert_int_equal(r->throttle[THROTTLE_WRITE_IOPS][1].rate, 0);

  assert_int_equal(r->n_hugepages, 2);
  assert_string_equal(r->hugepages[0].page_size, "2MB");
  assert_int_equal(r->hugepages[0].limit, 209715200);
  assert_string_equal(r->hugepages[1].page_size, "1GB");
  assert_true(r->has_net_class_id && r->net_class_id == 1048577);
  assert_int_equal(r->n_net_priorities, 2);
  assert_string_equal(r->net_priorities[0].name, "eth0");
  assert_int_equal(r->net_priorities[0].priority, 500);
  assert_int_equal(r->n_rdma, 2);
  assert_string_equal(r->rdma[0].device, "mlx5_1");
  assert_true(r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3);
  assert_true(r->rdma[0].has_hca_objects && r->rdma[0].hca_objects == 10000);
  assert_string_equal(r->rdma[1].device, "mlx4_0");
  assert_false(r->rdma[1].has_hca_handles || r->rdma[1].has_hca_objects);
  assert_int_equal(r->n_unified, 2);
  assert_string_equal(r->unified_keys[0], "io.weight");
  assert_string_equal(r->unified_values[0], "default 100");
  config_free(c);
}

static void test_full_seccomp(void **state) {
  (void)state;
  struct config *c = parse_good("full.json");
  assert_true(c->linux.has_seccomp);
  struct seccomp_cfg *s = &c->linux.seccomp;
  assert_int_equal(s->default_action, SECCOMP_ACT_ERRNO_);
  assert_true(s->has_default_errno_ret);
  assert_int_equal(s->default_errno_ret, 1);
  assert_int_equal(s->n_archs, 3);
  assert_int_equal(s->archs[0], SCMP_ARCH_X86_64);
  assert_int_equal(s->archs[1], SCMP_ARCH_X86);
  assert_int_equal(s->archs[2], SCMP_ARCH_X32);
  assert_int_equal(strv_len(s->flags), 2);
  assert_string_equal(s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  assert_string_equal(s->listener_path, "/run/vessel/seccomp.sock");
  assert_string_equal(s->listener_metadata, "meta");
  assert_int_equal(s->n_syscalls, 10);
  static const int actions[] = {SECCOMP_ACT_ALLOW_, SECCOMP_ACT_ALLOW_, SECCOMP_ACT_NOTIFY_,
                                SECCOMP_ACT_ERRNO_, SECCOMP_ACT_TRACE_, SECCOMP_ACT_LOG_,
                                SECCOMP_ACT_KILL_PROCESS_, SECCOMP_ACT_KILL_THREAD_,
                                SECCOMP_ACT_TRAP_, SECCOMP_ACT_KILL_};
  for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
    assert_int_equal(s->syscalls[i].action, actions[i]);
  assert_int_equal(strv_len(s->syscalls[0].names), 2);
  assert_string_equal(s->syscalls[0].names[1], "write");
  assert_int_equal(s->syscalls[1].n_args, 2);
  assert_int_equal(s->syscalls[1].args[0].index, 0);
  assert_int_equal(s->syscalls[1].args[0].op, SCMP_CMP_EQ);
  assert_int_equal(s->syscalls[1].args[1].index, 5);
  assert_true(s->syscalls[1].args[1].value == UINT64_MAX);
  assert_int_equal(s->syscalls[1].args[1].value_two, 8);
  assert_int_equal(s->syscalls[1].args[1].op, SCMP_CMP_MASKED_EQ);
  assert_true(s->syscalls[3].has_errno_ret);
  assert_int_equal(s->syscalls[3].errno_ret, 38);
  assert_false(s->syscalls[0].has_errno_ret);
  /* Unknown syscall names are kept (skipped when the filter is built). */
  assert_string_equal(s->syscalls[5].names[0], "not_a_syscall");
  config_free(c);
}

static void test_limits(void **state) {
  (void)state;
  struct config *c = parse_good("limits.json");
  struct process_cfg *p = &c->process;
  assert_int_equal(p->user.uid, UINT32_MAX);
  assert_int_equal(p->user.umask, 0777);
  assert_int_equal(p->console_height, UINT32_MAX);
  assert_int_equal(p->n_rlimits, 16);
  static const int res[] = {RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE,
                            RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE,
                            RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO,
                            RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK};
  for (size_t i = 0; i < ARRAY_SIZE(res); i++)
    assert_int_equal(p->rlimits[i].resource, res[i]);
  assert_true(p->rlimits[0].soft == UINT64_MAX);
  assert_int_equal(p->oom_score_adj, -1000);
  assert_int_equal(p->scheduler.policy, SCHED_IDLE);
  assert_int_equal(p->scheduler.nice, 19);
  assert_int_equal(p->scheduler.priority, INT32_MIN);
  assert_int_equal(p->io_priority_class, IOPRIO_CLASS_IDLE);
  assert_int_equal(p->io_priority, 7);
  struct resources_cfg *r = &c->linux.resources;
  assert_true(r->mem_limit == INT64_MAX);
  assert_int_equal(r->mem_reservation, -1);
  assert_int_equal(r->mem_kernel, 0);
  /* swappiness -1 means "not set". */
  assert_false(r->has_mem_swappiness);
  assert_true(r->cpu_shares == UINT64_MAX);
  assert_true(r->cpu_period == UINT64_MAX);
  assert_true(r->cpu_rt_runtime == INT64_MIN);
  assert_int_equal(r->cpu_quota, -1);
  assert_true(r->has_cpu_idle && r->cpu_idle == 0);
  assert_true(r->has_pids_limit && r->pids_limit == -1);
  assert_int_equal(r->blkio_weight, 65535);
  assert_true(r->hugepages[0].limit == UINT64_MAX);
  assert_string_equal(r->hugepages[1].page_size, "16GB");
  assert_int_equal(r->net_class_id, UINT32_MAX);
  assert_int_equal(r->rdma[0].hca_handles, UINT32_MAX);
  struct seccomp_cfg *s = &c->linux.seccomp;
  assert_int_equal(s->default_action, SECCOMP_ACT_KILL_PROCESS_);
  assert_int_equal(s->default_errno_ret, UINT32_MAX);
  assert_int_equal(s->n_archs, 0);
  assert_int_equal(s->syscalls[0].errno_ret, UINT32_MAX);
  assert_true(s->syscalls[0].args[0].value == UINT64_MAX && s->syscalls[0].args[0].value_two == UINT64_MAX);
  static const int ops[] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GE, SCMP_CMP_GT};
  for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
    assert_int_equal(s->syscalls[0].args[i].op, ops[i]);
  assert_true(c->linux.has_memory_policy);
  assert_int_equal(c->linux.memory_policy.mode, 1 /* MPOL_PREFERRED */);
  assert_null(c->linux.memory_policy.nodes);
  config_free(c);
}

static void test_nulls_and_unknown_fields(void **state) {
  (void)state;
  struct config *c = parse_good("nulls.json");
  assert_true(c->has_process);
  assert_false(c->process.terminal);
  assert_false(c->process.has_console_size);
  assert_false(c->process.has_caps);
  assert_false(c->process.has_scheduler);
  assert_false(c->process.has_io_priority);
  assert_false(c->process.has_oom_score_adj);
  assert_false(c->process.user.has_umask);
  assert_null(c->process.env);
  assert_null(c->hostname);
  assert_int_equal(c->n_mounts, 0);
  assert_int_equal(c->n_annotations, 0);
  assert_true(c->has_linux);
  for (int t = 0; t < NS_COUNT; t++)
    assert_false(c->linux.ns[t].present);
  assert_false(c->linux.has_resources);
  assert_false(c->linux.has_seccomp);
  assert_false(c->linux.has_intel_rdt);
  assert_false(c->linux.has_personality);
  assert_false(c->linux.has_memory_policy);
  assert_int_equal(c->linux.rootfs_propagation, 0);
  for (int k = 0; k < HOOK_KIND_COUNT; k++)
    assert_int_equal(c->hooks[k].n, 0);
  config_free(c);

  c = parse_good("unknown-fields.json");
  assert_string_equal(c->oci_version, "1.2.0");
  assert_int_equal(c->process.n_rlimits, 1);
  assert_int_equal(c->hooks[HOOK_PRESTART].n, 1);
  assert_true(c->linux.ns[NS_MOUNT].present);
  assert_true(c->linux.has_seccomp);
  /* enableCMT / enableMBM (older spec) turn monitoring on. */
  assert_true(c->linux.intel_rdt.enable_monitoring);
  config_free(c);

  c = parse_good("minimal.json");
  assert_false(c->has_process);
  assert_false(c->has_linux);
  assert_string_equal(c->root_path, "rootfs");
  config_free(c);
}

static void test_callers_configs(void **state) {
  (void)state;
  struct config *c = parse_good("runc-default.json");
  assert_string_equal(c->oci_version, "1.0.2-dev");
  assert_string_equal(c->hostname, "runc");
  assert_int_equal(c->n_mounts, 7);
  assert_false(c->linux.ns[NS_CGROUP].present);
  config_free(c);
  c = parse_good("runc-rootless.json");
  assert_true(c->linux.ns[NS_USER].present);
  assert_false(c->linux.ns[NS_NET].present);
  assert_false(c->linux.has_resources);
  config_free(c);
  c = parse_good("docker-like.json");
  assert_int_equal(c->process.user.n_additional_gids, 11);
  assert_int_equal(__builtin_popcountll(c->process.caps.set[CAP_SET_BOUNDING]), 14);
  assert_false(c->process.caps.has_set[CAP_SET_AMBIENT]);
  assert_string_equal(c->linux.cgroups_path, "system.slice:docker:f3a1c2b4d5e6");
  assert_int_equal(c->linux.resources.n_devices, 9);
  assert_int_equal(c->linux.resources.devices[8].major, 136);
  assert_int_equal(c->linux.resources.devices[8].minor, -1);
  assert_int_equal(c->linux.seccomp.n_syscalls, 8);
  assert_int_equal(c->mounts[7].propagation, MS_PRIVATE | MS_REC);
  assert_true(c->mounts[7].bind && c->mounts[7].rbind);
  assert_string_equal(c->mounts[6].data, "mode=1777,size=67108864");
  config_free(c);
}

static void test_load(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  struct config *c = NULL;
  struct error *err = NULL;
  assert_int_equal(config_load(dir, &c, &err), -1);
  autofree char *path = xasprintf("%s/config.json", dir);
  autofree char *want = xasprintf("config.json: open \"%s\": no such file or directory", path);
  assert_int_equal(err->errnum, ENOENT);
  assert_string_equal(err->stage, "config");
  assert_string_equal(err->object, path);
  assert_error_msg(err, want);

  unit_write_file(dir, "config.json",
                  "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                  "\"linux\":{\"namespaces\":[{\"type\":\"pidd\"}]}}");
  assert_int_equal(config_load(dir, &c, &err), -1);
  assert_null(c);
  assert_string_equal(err->stage, "config");
  assert_string_equal(err->object, path);
  assert_error_msg(err, "config.json: linux.namespaces[0].type: unknown namespace \"pidd\"");

  unit_write_file(dir, "config.json", "{\n\"ociVersion\": \"1.0.0\",\n\"root\": {\"path\": \"r\"}\n");
  assert_int_equal(config_load(dir, &c, &err), -1);
  assert_error_msg(err, "config.json: invalid JSON at line 4, column 1: premature EOF");

  unit_write_file(dir, "config.json", "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}");
  int r = config_load(dir, &c, &err);
  assert_no_error(r, err);
  assert_string_equal(c->root_path, "r");
  config_free(c);
  c = NULL;

  /* A directory where the file should be. */
  unlink(path);
  assert_int_equal(mkdir(path, 0755), 0);
  assert_int_equal(config_load(dir, &c, &err), -1);
  assert_string_equal(err->stage, "config");
  assert_error_msg(err, "config.json: read: is a directory");
  config_free(NULL);
  unit_rmrf(dir);
}

static yajl_val parse_json(const char *text) {
  struct error *err = NULL;
  yajl_val v = NULL;
  int r = json_parse(text, strlen(text), &v, &err);
  assert_no_error(r, err);
  return v;
}

/* exec's process.json: the same parser, with paths from the top. */
static void test_standalone_process(void **state) {
  (void)state;
  struct error *err = NULL;
  struct process_cfg p = {0};
  yajl_val v = parse_json("{\"cwd\":\"/\",\"env\":[\"A=1\"]}");
  assert_int_equal(config_parse_process(v, "", &p, false, &err), 0);
  assert_null(p.args);
  process_cfg_free(&p);
  assert_int_equal(config_parse_process(v, "", &p, true, &err), -1);
  assert_error_msg(err, "args: must contain at least one entry");
  process_cfg_free(&p);
  yajl_tree_free(v);
  v = parse_json("{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":\"x\"}}");
  assert_int_equal(config_parse_process(v, "", &p, true, &err), -1);
  assert_error_msg(err, "user.uid: expected integer, got string");
  process_cfg_free(&p);
  yajl_tree_free(v);
}

/* update -r: a LinuxResources document on its own. */
static void test_standalone_resources(void **state) {
  (void)state;
  struct error *err = NULL;
  struct resources_cfg r = {0};
  yajl_val v = parse_json("{\"memory\":{\"limit\":1048576,\"swap\":-1},\"pids\":{\"limit\":10},"
                          "\"cpu\":{\"cpus\":\"0\"}}");
  assert_int_equal(config_parse_resources(v, "resources", &r, &err), 0);
  assert_true(r.has_mem_limit && r.mem_limit == 1048576);
  assert_true(r.has_pids_limit && r.pids_limit == 10);
  assert_string_equal(r.cpu_cpus, "0");
  resources_cfg_free(&r);
  assert_false(r.has_mem_limit);
  yajl_tree_free(v);
  v = parse_json("{\"memory\":{\"limit\":-7}}");
  assert_int_equal(config_parse_resources(v, "resources", &r, &err), -1);
  assert_error_msg(err, "resources.memory.limit: -7 is not a valid limit (-1 for unlimited)");
  resources_cfg_free(&r);
  yajl_tree_free(v);
  /* runc's access strings: r, w and m once each, other letters ignored */
  v = parse_json("{\"devices\":[{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":11,"
                 "\"access\":\"rwa\"},{\"allow\":true,\"access\":\"rrm\"}]}");
  assert_int_equal(config_parse_resources(v, "resources", &r, &err), 0);
  assert_int_equal(r.n_devices, 2);
  assert_string_equal(r.devices[0].access, "rw");
  assert_string_equal(r.devices[1].access, "rm");
  resources_cfg_free(&r);
  yajl_tree_free(v);
  v = parse_json("[]");
  assert_int_equal(config_parse_resources(v, "resources", &r, &err), -1);
  assert_error_msg(err, "resources: expected object, got array");
  resources_cfg_free(&r);
  yajl_tree_free(v);
}

static struct config *ns_config(const char *namespaces, const char *extra) {
  char *doc = xasprintf("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}%s,"
                        "\"linux\":{\"namespaces\":[%s]}}", extra, namespaces);
  struct config *c = NULL;
  struct error *err = NULL;
  int r = config_parse(doc, strlen(doc), &c, &err);
  free(doc);
  assert_no_error(r, err);
  return c;
}

static void test_sysctl_rules(void **state) {
  (void)state;
  struct error *err = NULL;
  struct config *c = ns_config("{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}", "");
  static const char *ok[] = {"net.ipv4.ip_forward", "net/ipv6/conf/all/forwarding", "net.core.somaxconn",
                             "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                             "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                             "kernel.shm_rmid_forced", "fs.mqueue.msg_max", "kernel.hostname",
                             "kernel.domainname"};
  for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
    if (config_validate_sysctl(c, ok[i], &err) != 0)
      fail_msg("%s: %s", ok[i], err->msg);
  static const char *no[] = {"kernel.pid_max", "fs.file-max", "vm.overcommit_memory", "kernel.shm",
                             "netx.a", "kernel.msgmaxx", "fs.mqueue", "kernel"};
  for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
    assert_int_equal(config_validate_sysctl(c, no[i], &err), -1);
    autofree char *want = xasprintf("linux.sysctl: sysctl \"%s\" is not in a separate kernel namespace", no[i]);
    assert_error_msg(err, want);
  }
  config_free(c);
  /* A namespace joined by a path is the container's own, unless it is the
   * host's (here: this process's) own. */
  c = ns_config("{\"type\":\"network\",\"path\":\"/nonexistent/netns\"},"
                "{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"}", "");
  assert_int_equal(config_validate_sysctl(c, "net.ipv4.ip_forward", &err), 0);
  assert_int_equal(config_validate_sysctl(c, "kernel.sem", &err), -1);
  assert_error_msg(err, "linux.sysctl: sysctl \"kernel.sem\" is not allowed in the host's ipc namespace");
  config_free(c);
  /* An empty hostname does not conflict. */
  c = ns_config("{\"type\":\"uts\"}", ",\"hostname\":\"\"");
  assert_int_equal(config_validate_sysctl(c, "kernel.hostname", &err), 0);
  config_free(c);
}

static void test_names(void **state) {
  (void)state;
  static const struct { int t; const char *name, *proc; int flag; } ns[] = {
      {NS_PID, "pid", "pid", CLONE_NEWPID},       {NS_NET, "network", "net", CLONE_NEWNET},
      {NS_IPC, "ipc", "ipc", CLONE_NEWIPC},       {NS_UTS, "uts", "uts", CLONE_NEWUTS},
      {NS_MOUNT, "mount", "mnt", CLONE_NEWNS},    {NS_CGROUP, "cgroup", "cgroup", CLONE_NEWCGROUP},
      {NS_USER, "user", "user", CLONE_NEWUSER},   {NS_TIME, "time", "time", CLONE_NEWTIME},
  };
  for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
    assert_string_equal(ns_type_name(ns[i].t), ns[i].name);
    assert_string_equal(ns_proc_name(ns[i].t), ns[i].proc);
    assert_int_equal(ns_clone_flag(ns[i].t), ns[i].flag);
    assert_int_equal(ns_type_from_name(ns[i].name), ns[i].t);
  }
  assert_int_equal(ns_type_from_name("net"), -1);
  assert_int_equal(ns_type_from_name("mnt"), -1);
  assert_int_equal(ns_type_from_name("PID"), -1);
  assert_int_equal(ns_type_from_name(""), -1);
  static const char *hooks[] = {"prestart", "createRuntime", "createContainer", "startContainer",
                                "poststart", "poststop"};
  for (int k = 0; k < HOOK_KIND_COUNT; k++)
    assert_string_equal(hook_kind_name((enum hook_kind)k), hooks[k]);
  static const struct { const char *name; int r; } rl[] = {
      {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
      {"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
      {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},
      {"RLIMIT_RSS", RLIMIT_RSS}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
      {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK}};
  for (size_t i = 0; i < ARRAY_SIZE(rl); i++) {
    assert_int_equal(rlimit_from_name(rl[i].name), rl[i].r);
    assert_string_equal(rlimit_name(rl[i].r), rl[i].name);
  }
  assert_int_equal(rlimit_from_name("RLIMIT_nofile"), -1);
  assert_int_equal(rlimit_from_name("NOFILE"), -1);
  assert_string_equal(rlimit_name(999), "RLIMIT_?");
  size_t n = 0;
  const char *const *modes = config_mpol_mode_names(&n);
  assert_int_equal(n, 7);
  assert_string_equal(modes[0], "MPOL_DEFAULT");
  assert_string_equal(modes[6], "MPOL_WEIGHTED_INTERLEAVE");
  const char *const *flags = config_mpol_flag_names(&n);
  assert_int_equal(n, 3);
  assert_string_equal(flags[0], "MPOL_F_NUMA_BALANCING");
}

/* Every node list a NUMA machine can have fits the parser's mask. */
static void test_memory_policy_nodes(void **state) {
  (void)state;
  static const char *ok[] = {"0", "0-1023", "1023", "0,2,4-7", "5-5"};
  for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
    char *doc = xasprintf("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"linux\":"
                          "{\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"%s\"}}}",
                          ok[i]);
    struct config *c = NULL;
    struct error *err = NULL;
    int r = config_parse(doc, strlen(doc), &c, &err);
    free(doc);
    assert_no_error(r, err);
    assert_string_equal(c->linux.memory_policy.nodes, ok[i]);
    config_free(c);
  }
}

int main(void) {
  struct error *err = NULL;
  /* Warnings (a relative mount destination) are not test output. */
  log_init("/dev/null", LOG_TEXT, false, &err);
  corpus = unit_corpus_dir();
  size_t nb = 0, ng = 0;
  struct corpus_case *bad = load_cases("bad", &nb);
  struct corpus_case *good = load_cases("good", &ng);
  struct CMUnitTest *ct = xcalloc(nb + ng + 1, sizeof(*ct));
  for (size_t i = 0; i < nb; i++)
    ct[i] = (struct CMUnitTest){bad[i].name, test_bad_case, NULL, NULL, &bad[i]};
  for (size_t i = 0; i < ng; i++)
    ct[nb + i] = (struct CMUnitTest){good[i].name, test_good_case, NULL, NULL, &good[i]};
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus_complete),
      cmocka_unit_test(test_full_process),
      cmocka_unit_test(test_full_mounts_hooks_annotations),
      cmocka_unit_test(test_full_linux),
      cmocka_unit_test(test_device_filemode_type_bits),
      cmocka_unit_test(test_full_resources),
      cmocka_unit_test(test_full_seccomp),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_nulls_and_unknown_fields),
      cmocka_unit_test(test_callers_configs),
      cmocka_unit_test(test_load),
      cmocka_unit_test(test_standalone_process),
      cmocka_unit_test(test_standalone_resources),
      cmocka_unit_test(test_sysctl_rules),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_memory_policy_nodes),
  };
  int failed = cmocka_run_group_tests_name("config", tests, NULL, NULL);
  if (nb + ng > 0)
    failed += _cmocka_run_group_tests("config corpus", ct, nb + ng, NULL, NULL);
  free(ct);
  free_cases(bad, nb);
  free_cases(good, ng);
  free(corpus);
  return failed;
}
