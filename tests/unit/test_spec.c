/* test_spec.c - the default config.json (`vessel spec`): it parses back
 * without error and matches runc's defaults (capabilities, rlimits, mounts,
 * masked and read-only paths, device rules, namespaces). */
#include "unit.h"

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../../libcontainer/config.h"
#include "../../libcontainer/json.h"
#include "../../libcontainer/log.h"
#include "../../libcontainer/spec.h"

/* runc 1.1's `runc spec`, less ociVersion and hostname (which name the
 * runtime) and the namespaces (vessel adds a cgroup namespace, as runc 1.2
 * does). */
static const char *runc_process =
    "{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],"
    "\"cwd\":\"/\",\"capabilities\":{"
    "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true}";
static const char *runc_root = "{\"path\":\"rootfs\",\"readonly\":true}";
static const char *runc_mounts =
    "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"
    "[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":"
    "[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}]";
static const char *runc_rootless_mounts =
    "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"
    "[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":"
    "[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\",\"options\":"
    "[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":"
    "[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}]";
static const char *runc_resources = "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}";
static const char *runc_masked =
    "[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\","
    "\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\","
    "\"/proc/scsi\"]";
static const char *runc_readonly =
    "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]";

/* The compact text of doc[path] ("a.b"), or NULL. */
static char *compact(yajl_val doc, const char *path) {
  autofree char *p = xstrdup(path);
  yajl_val v = doc;
  char *save = NULL;
  for (char *k = strtok_r(p, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
    v = json_get(v, k);
  if (v == NULL)
    return NULL;
  struct jgen *g = jgen_new(false);
  jgen_value(g, v);
  return jgen_finish(g, false);
}

static void assert_part(yajl_val doc, const char *path, const char *want) {
  char *got = compact(doc, path);
  if (want == NULL) {
    if (got)
      fail_msg("%s: %s, want nothing", path, got);
    return;
  }
  if (got == NULL)
    fail_msg("%s is missing", path);
  assert_string_equal(got, want);
  free(got);
}

static yajl_val parse_doc(const char *text) {
  struct error *err = NULL;
  yajl_val v = NULL;
  int r = json_parse(text, strlen(text), &v, &err);
  assert_no_error(r, err);
  return v;
}

static void test_default_matches_runc(void **state) {
  (void)state;
  char *text = spec_default(false, 0, 0);
  /* Tab indented like runc's, one document. */
  assert_true(str_has_prefix(text, "{\n\t\"ociVersion\": \"1.3.0\",\n\t\"process\": {\n\t\t\"terminal\": true,\n"));
  assert_true(str_has_suffix(text, "\n}\n"));
  yajl_val doc = parse_doc(text);
  assert_part(doc, "ociVersion", "\"1.3.0\"");
  assert_part(doc, "hostname", "\"vessel\"");
  assert_part(doc, "process", runc_process);
  assert_part(doc, "root", runc_root);
  assert_part(doc, "mounts", runc_mounts);
  assert_part(doc, "linux.resources", runc_resources);
  assert_part(doc, "linux.maskedPaths", runc_masked);
  assert_part(doc, "linux.readonlyPaths", runc_readonly);
  assert_part(doc, "linux.namespaces",
              "[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
              "{\"type\":\"mount\"},{\"type\":\"cgroup\"}]");
  assert_part(doc, "linux.uidMappings", NULL);
  yajl_tree_free(doc);
  free(text);
}

static void test_rootless_matches_runc(void **state) {
  (void)state;
  char *text = spec_default(true, 1000, 1001);
  yajl_val doc = parse_doc(text);
  assert_part(doc, "process", runc_process);
  assert_part(doc, "mounts", runc_rootless_mounts);
  assert_part(doc, "linux.resources", NULL);
  assert_part(doc, "linux.uidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]");
  assert_part(doc, "linux.gidMappings", "[{\"containerID\":0,\"hostID\":1001,\"size\":1}]");
  assert_part(doc, "linux.namespaces",
              "[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
              "{\"type\":\"cgroup\"},{\"type\":\"user\"}]");
  assert_part(doc, "linux.maskedPaths", runc_masked);
  assert_part(doc, "linux.readonlyPaths", runc_readonly);
  yajl_tree_free(doc);
  free(text);
}

static void test_default_parses_back(void **state) {
  (void)state;
  char *text = spec_default(false, 0, 0);
  struct config *c = NULL;
  struct error *err = NULL;
  int r = config_parse(text, strlen(text), &c, &err);
  assert_no_error(r, err);
  assert_string_equal(c->oci_version, "1.3.0");
  assert_string_equal(c->root_path, "rootfs");
  assert_true(c->root_readonly);
  assert_string_equal(c->hostname, "vessel");
  assert_true(c->has_process);
  struct process_cfg *p = &c->process;
  assert_true(p->terminal);
  assert_int_equal(p->user.uid, 0);
  assert_int_equal(p->user.gid, 0);
  assert_string_equal(p->args[0], "sh");
  assert_null(p->args[1]);
  assert_string_equal(p->cwd, "/");
  assert_true(p->no_new_privileges);
  uint64_t want = (1ULL << 29) | (1ULL << 5) | (1ULL << 10);
  assert_true(p->has_caps);
  assert_true(p->caps.has_set[CAP_SET_BOUNDING] && p->caps.set[CAP_SET_BOUNDING] == want);
  assert_true(p->caps.has_set[CAP_SET_EFFECTIVE] && p->caps.set[CAP_SET_EFFECTIVE] == want);
  assert_true(p->caps.has_set[CAP_SET_PERMITTED] && p->caps.set[CAP_SET_PERMITTED] == want);
  assert_true(p->caps.has_set[CAP_SET_AMBIENT] && p->caps.set[CAP_SET_AMBIENT] == want);
  assert_false(p->caps.has_set[CAP_SET_INHERITABLE]);
  assert_int_equal(p->n_rlimits, 1);
  assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(p->rlimits[0].soft, 1024);
  assert_int_equal(p->rlimits[0].hard, 1024);
  assert_int_equal(c->n_mounts, 7);
  assert_string_equal(c->mounts[1].destination, "/dev");
  assert_int_equal(c->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
  assert_string_equal(c->mounts[1].data, "mode=755,size=65536k");
  assert_int_equal(c->mounts[5].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
  assert_null(c->mounts[5].data);
  assert_int_equal(c->mounts[6].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
  struct linux_cfg *l = &c->linux;
  for (int t = 0; t < NS_COUNT; t++)
    assert_int_equal(l->ns[t].present, t != NS_USER && t != NS_TIME);
  assert_true(l->has_resources);
  assert_int_equal(l->resources.n_devices, 1);
  assert_false(l->resources.devices[0].allow);
  assert_int_equal(l->resources.devices[0].type, 'a');
  assert_string_equal(l->resources.devices[0].access, "rwm");
  assert_int_equal(l->resources.devices[0].major, -1);
  assert_int_equal(strv_len(l->masked_paths), 10);
  assert_int_equal(strv_len(l->readonly_paths), 5);
  assert_int_equal(c->raw_len, strlen(text));
  assert_memory_equal(c->raw, text, c->raw_len);
  config_free(c);
  free(text);

  text = spec_default(true, 1000, 1000);
  r = config_parse(text, strlen(text), &c, &err);
  assert_no_error(r, err);
  assert_true(c->linux.ns[NS_USER].present);
  assert_false(c->linux.ns[NS_NET].present);
  assert_int_equal(c->linux.n_uid_mappings, 1);
  assert_int_equal(c->linux.uid_mappings[0].host_id, 1000);
  assert_false(c->linux.has_resources);
  assert_true(c->mounts[5].bind && c->mounts[5].rbind);
  assert_string_equal(c->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620");
  config_free(c);
  free(text);
}

/* Side by side with the runc on this machine, when there is one. */
static void test_same_as_installed_runc(void **state) {
  (void)state;
  const char *runc = NULL;
  static const char *places[] = {"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc",
                                 "/usr/local/bin/runc"};
  for (size_t i = 0; i < ARRAY_SIZE(places) && !runc; i++)
    if (access(places[i], X_OK) == 0)
      runc = places[i];
  if (runc == NULL) {
    skip();
    return;
  }
  for (int rootless = 0; rootless < 2; rootless++) {
    autofree char *dir = unit_tmpdir();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(runc, "runc", "spec", "--bundle", dir, rootless ? "--rootless" : NULL, NULL);
      _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    autofree char *path = xasprintf("%s/config.json", dir);
    autofree char *theirs = unit_read_file(path, NULL);
    assert_non_null(theirs);
    autofree char *ours = spec_default(rootless, geteuid(), getegid());
    yajl_val a = parse_doc(theirs), b = parse_doc(ours);
    static const char *parts[] = {"process", "root", "mounts", "linux.resources",
                                  "linux.uidMappings", "linux.gidMappings", "linux.maskedPaths",
                                  "linux.readonlyPaths"};
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
      char *x = compact(a, parts[i]), *y = compact(b, parts[i]);
      if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0))
        fail_msg("%s: runc %s, vessel %s", parts[i], x ? x : "(none)", y ? y : "(none)");
      free(x);
      free(y);
    }
    /* Every namespace runc makes, vessel makes too. */
    yajl_val ns = json_get(json_get(a, "linux"), "namespaces");
    autofree char *vns = compact(b, "linux.namespaces");
    for (size_t i = 0; ns && i < ns->u.array.len; i++) {
      autofree char *one = xasprintf("{\"type\":\"%s\"}",
                                     json_get(ns->u.array.values[i], "type")->u.string);
      assert_non_null(strstr(vns, one));
    }
    yajl_tree_free(a);
    yajl_tree_free(b);
    unit_rmrf(dir);
  }
}

int main(void) {
  struct error *err = NULL;
  log_init("/dev/null", LOG_TEXT, false, &err);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_matches_runc),
      cmocka_unit_test(test_rootless_matches_runc),
      cmocka_unit_test(test_default_parses_back),
      cmocka_unit_test(test_same_as_installed_runc),
  };
  return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
