/* test_cgroups_v2.c - the unified driver on test trees (files, values,
 * conversions, controllers enabled in the parents, unified keys, freeze,
 * OOM watch) and the device program, run on a small eBPF interpreter. */
#include "unit.h"
#include "cgtree.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../libcontainer/cgroups/cgroups.h"
#include "../../libcontainer/cgroups/internal.h"
#include "../../libcontainer/json.h"

#define ALL "cpuset cpu io memory hugetlb pids rdma"

static int setup(void **state) {
  (void)state;
  root = unit_tmpdir();
  setenv("VESSEL_CGROUP_ROOT", root, 1);
  unsetenv("VESSEL_CGROUP_SELF");
  put("cgroup.controllers", ALL "\n");
  put("cgroup.subtree_control", "");
  put("cpuset.cpus.effective", "0-3\n");
  put("cpuset.mems.effective", "0\n");
  return 0;
}

/* Device programs are not loaded into a test tree: rootless skips them. */
static int create(const char *path, const char *json, struct container_state *st,
                  struct error **err) {
  return tree_create(path, json, true, st, err);
}

static void leaf(const char *rel, const char *controllers) {
  mkd(rel);
  char *f = xasprintf("%s/cgroup.controllers", rel);
  put(f, controllers);
  free(f);
}

static void test_create_maps_every_resource(void **state) {
  (void)state;
  leaf("ctr", ALL "\n");
  put("ctr/memory.high", "");
  struct container_state st;
  struct error *err = NULL;
  const char *json =
      "{\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":209715200},"
      "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":1000,\"idle\":1,"
      "\"cpus\":\"1-2\",\"mems\":\"0\"},"
      "\"pids\":{\"limit\":64},"
      "\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}],"
      "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
      "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":300}]},"
      "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
      "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":4}},"
      "\"unified\":{\"memory.high\":\"90000000\",\"pids.max\":\"50\"}}";
  if (create(NULL, json, &st, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("ctr/memory.swap.max", "104857600\n"); /* swap - limit */
  expect_file("ctr/memory.max", "104857600\n");
  expect_file("ctr/memory.low", "52428800\n");
  expect_file("ctr/cpu.weight", "39\n");              /* 1 + (1024 - 2) * 9999 / 262142 */
  expect_file("ctr/cpu.max", "50000 100000\n");
  expect_file("ctr/cpu.max.burst", "1000\n");
  expect_file("ctr/cpu.idle", "1\n");
  expect_file("ctr/cpuset.cpus", "1-2\n");
  expect_file("ctr/cpuset.mems", "0\n");
  expect_file("ctr/pids.max", "64\n50\n");              /* unified keys come last and win */
  expect_file("ctr/memory.high", "90000000\n");
  expect_file("ctr/io.weight", "4950\n8:0 910\n");      /* no BFQ: converted */
  expect_file("ctr/io.max", "8:0 rbps=1048576\n8:0 wiops=300\n");
  expect_file("ctr/hugetlb.2MB.max", "4194304\n");
  expect_file("ctr/rdma.max", "mlx5_1 hca_handle=4\n");
  expect_file("cgroup.subtree_control", "+cpuset +cpu +io +memory +hugetlb +pids +rdma\n");
  assert_int_equal(st.cgroup_mode, CGROUP_MODE_V2);
  assert_int_equal(st.n_cgroups, 1);
  assert_string_equal(st.cgroups[0].controller, "");
  assert_false(st.cgroups[0].created);
  char *p = at("ctr");
  assert_string_equal(cg_dir_for(&st, "memory")->path, p);
  free(p);
  state_free(&st);
}

static void test_memory_edge_values(void **state) {
  (void)state;
  leaf("ctr", ALL "\n");
  struct container_state st;
  struct error *err = NULL;
  /* -1: "max", for the swap too when it is not set */
  if (create(NULL, "{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":-1},\"cpu\":{\"quota\":-1,"
                   "\"period\":20000}}", &st, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("ctr/memory.swap.max", "max\n");
  expect_file("ctr/memory.max", "max\n");
  expect_file("ctr/pids.max", "max\n");
  expect_file("ctr/cpu.max", "max 20000\n");
  struct resources_cfg a, eff;
  res_parse("{\"memory\":{\"limit\":100}}", &a);
  res_parse("{\"memory\":{\"limit\":100,\"swap\":100}}", &eff);
  /* memory equal to memory+swap: no swap */
  assert_int_equal(cgroups_update(&st, &a, &eff, &err), 0);
  expect_file("ctr/memory.swap.max", "max\n0\n");
  resources_cfg_free(&a);
  resources_cfg_free(&eff);
  /* quota alone: cpu.max takes the period from the effective set */
  res_parse("{\"cpu\":{\"quota\":5000}}", &a);
  res_parse("{\"cpu\":{\"quota\":5000,\"period\":20000}}", &eff);
  assert_int_equal(cgroups_update(&st, &a, &eff, &err), 0);
  expect_file("ctr/cpu.max", "max 20000\n5000 20000\n");
  resources_cfg_free(&a);
  resources_cfg_free(&eff);
  state_free(&st);
}

static void test_bfq_weights(void **state) {
  (void)state;
  leaf("ctr", ALL "\n");
  put("ctr/io.bfq.weight", "default 100\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, "{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":16,"
                   "\"weight\":300}]}}", &st, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("ctr/io.bfq.weight", "default 100\n500\n8:16 300\n");
  assert_false(exists("ctr/io.weight"));
  state_free(&st);
}

static void test_parents_and_destroy(void **state) {
  (void)state;
  struct container_state st;
  struct error *err = NULL;
  if (create("/machine/pod/ctr", NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_int_equal(st.n_cgroups, 3);
  assert_true(st.cgroups[0].created);
  char *p = at("machine/pod/ctr");
  assert_string_equal(st.cgroups[2].path, p);
  assert_string_equal(cg_dir_for(&st, "")->path, p);
  free(p);
  expect_file("cgroup.subtree_control", "+cpuset +cpu +io +memory +hugetlb +pids +rdma\n");
  int fd = cgroups_v2_dirfd(&st);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(cgroups_destroy(&st, &err), 0);
  assert_false(exists("machine"));
  state_free(&st);
}

static void test_controller_not_enabled(void **state) {
  (void)state;
  leaf("ctr", "cpu pids\n");
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create(NULL, "{\"memory\":{\"limit\":1000000}}", &st, &err), -1);
  char *want = xasprintf("the memory controller is not enabled for \"%s/ctr\" (not in its "
                         "parent's cgroup.subtree_control)", root);
  assert_error_msg(err, want);
  free(want);
  assert_int_equal(st.n_cgroups, 0);
  assert_false(exists("ctr/memory.max"));
  state_free(&st);
  /* and a unified key of a controller that is not there */
  assert_int_equal(create(NULL, "{\"unified\":{\"memory.high\":\"1\"}}", &st, &err), -1);
  want = xasprintf("the memory controller is not enabled for \"%s/ctr\" (not in its parent's "
                   "cgroup.subtree_control)", root);
  assert_error_msg(err, want);
  free(want);
  state_free(&st);
}

static void test_unified_key_without_file(void **state) {
  (void)state;
  struct container_state st;
  struct error *err = NULL;
  /* A fresh cgroup: no memory.bogus file in it (the key names a real
   * controller, so validation passes; the kernel has no such file). */
  assert_int_equal(create(NULL, "{\"unified\":{\"memory.bogus\":\"1\"}}", &st, &err), -1);
  char *want = xasprintf("unified resource \"memory.bogus\" can't be set: \"%s/ctr/memory.bogus\" "
                         "does not exist (is the memory controller enabled?)", root);
  assert_error_msg(err, want);
  free(want);
  assert_false(exists("ctr")); /* made, then removed */
  state_free(&st);
}

static void test_cpuset_outside_parent(void **state) {
  (void)state;
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create("/a/ctr", "{\"cpu\":{\"cpus\":\"2-5\"}}", &st, &err), -1);
  assert_error_msg(err, "linux.resources.cpu.cpus: \"2-5\" is not a subset of the parent cgroup's cpus "
                  "\"0-3\"");
  assert_false(exists("a"));
  state_free(&st);
}

static void test_freeze(void **state) {
  (void)state;
  leaf("ctr", ALL "\n");
  put("ctr/cgroup.freeze", "");
  put("ctr/cgroup.events", "populated 1\nfrozen 1\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_false(cgroups_state_frozen(&st));
  assert_int_equal(cgroups_freeze(&st, true, &err), 0);
  expect_file("ctr/cgroup.freeze", "1\n");
  assert_true(cgroups_state_frozen(&st));
  put("ctr/cgroup.freeze", "");
  put("ctr/cgroup.events", "populated 1\nfrozen 0\n");
  assert_int_equal(cgroups_freeze(&st, false, &err), 0);
  expect_file("ctr/cgroup.freeze", "0\n");
  put("ctr/cgroup.events", "populated 1\n");
  assert_int_equal(cgroups_freeze(&st, true, &err), -1);
  char *want = xasprintf("\"%s/ctr/cgroup.events\" has no \"frozen\" key", root);
  assert_error_msg(err, want);
  free(want);
  expect_file("ctr/cgroup.freeze", "0\n1\n0\n"); /* thawed again */
  state_free(&st);
}

static void test_oom_watch(void **state) {
  (void)state;
  leaf("ctr", ALL "\n");
  put("ctr/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  put("ctr/cgroup.events", "populated 1\nfrozen 0\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  int fd = cgroups_oom_fd(&st, &err);
  assert_true(fd >= 0);
  assert_int_equal(cgroups_oom_check(&st, fd), 0);
  put("ctr/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
  struct pollfd p = {fd, POLLIN, 0};
  assert_int_equal(poll(&p, 1, 5000), 1);
  assert_int_equal(cgroups_oom_check(&st, fd), 1);
  assert_int_equal(cgroups_oom_check(&st, fd), 0);
  put("ctr/cgroup.events", "populated 0\nfrozen 0\n");
  assert_int_equal(poll(&p, 1, 5000), 1);
  assert_int_equal(cgroups_oom_check(&st, fd), -1);
  cgroups_oom_close(fd);
  assert_int_equal(cgroups_oom_check(&st, fd), -1);
  state_free(&st);
}

/* A small interpreter for the instructions the device program uses. */
static int run_prog(const struct bpf_insn *p, size_t n, int type, int access, uint32_t maj,
                    uint32_t min) {
  uint32_t ctx[3] = {(uint32_t)(access << 16 | type), maj, min};
  uint64_t r[11] = {0};
  for (size_t pc = 0; pc < n; pc++) {
    const struct bpf_insn *i = &p[pc];
    uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
    switch (BPF_CLASS(i->code)) {
    case BPF_LDX:
      assert_int_equal(i->src_reg, 1);
      r[i->dst_reg] = ctx[i->off / 4];
      break;
    case BPF_ALU:
      switch (BPF_OP(i->code)) {
      case BPF_AND: r[i->dst_reg] = (uint32_t)(r[i->dst_reg] & src); break;
      case BPF_RSH: r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> src; break;
      case BPF_MOV: r[i->dst_reg] = (uint32_t)src; break;
      default: fail_msg("alu op %#x", i->code);
      }
      break;
    case BPF_JMP:
      switch (BPF_OP(i->code)) {
      case BPF_EXIT: return (int)r[0];
      case BPF_JNE: if (r[i->dst_reg] != src) pc += (size_t)i->off; break;
      case BPF_JEQ: if (r[i->dst_reg] == src) pc += (size_t)i->off; break;
      default: fail_msg("jmp op %#x", i->code);
      }
      break;
    default:
      fail_msg("class %#x", i->code);
    }
  }
  fail_msg("fell off the end of the program");
  return -1;
}

enum { R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD };
enum { C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK };

static void test_device_program(void **state) {
  (void)state;
  struct resources_cfg r;
  res_parse("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
            "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"},"
            "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"},"
            "{\"allow\":false,\"type\":\"b\",\"major\":8,\"minor\":1,\"access\":\"w\"}]}", &r);
  size_t n;
  struct device_rule *rules = cg_device_rules(&r, &n);
  struct bpf_insn *prog;
  size_t count = cg_bpf_devices_prog(rules, n, &prog);
  /* the defaults */
  assert_int_equal(run_prog(prog, count, C, R | W, 1, 3), 1);  /* /dev/null */
  assert_int_equal(run_prog(prog, count, C, R | W | M, 5, 2), 1);
  assert_int_equal(run_prog(prog, count, C, R, 136, 7), 1);    /* any pts */
  assert_int_equal(run_prog(prog, count, C, M, 4, 1), 1);      /* mknod of any char device */
  assert_int_equal(run_prog(prog, count, C, R, 4, 1), 0);      /* but not its use */
  assert_int_equal(run_prog(prog, count, B, M, 8, 0), 1);
  /* the container's own */
  assert_int_equal(run_prog(prog, count, C, R | W, 10, 229), 1);
  assert_int_equal(run_prog(prog, count, C, R, 10, 229), 1);
  assert_int_equal(run_prog(prog, count, C, R | W, 10, 228), 0);
  assert_int_equal(run_prog(prog, count, B, R, 8, 0), 1);
  assert_int_equal(run_prog(prog, count, B, R | W, 8, 0), 0);  /* more than allowed */
  assert_int_equal(run_prog(prog, count, B, R, 8, 1), 1);      /* the deny is of "w" only */
  assert_int_equal(run_prog(prog, count, B, R | W, 8, 1), 0);
  assert_int_equal(run_prog(prog, count, B, R, 9, 0), 0);
  free(prog);
  free(rules);
  resources_cfg_free(&r);
}

/* A later "a" rule overrides everything before it; rules after it apply. */
static void test_device_program_wildcards(void **state) {
  (void)state;
  struct device_rule rules[] = {
      {true, 'c', true, true, 1, 3, "rwm"},
      {true, 'a', false, false, -1, -1, "rwm"},
      {false, 'c', true, true, 1, 5, "rwm"},
  };
  struct bpf_insn *prog;
  size_t count = cg_bpf_devices_prog(rules, 3, &prog);
  assert_int_equal(run_prog(prog, count, C, R, 1, 3), 1);
  assert_int_equal(run_prog(prog, count, B, R | W, 259, 0), 1);
  assert_int_equal(run_prog(prog, count, C, R, 1, 5), 0);
  free(prog);
  struct device_rule deny_all[] = {{false, 'a', false, false, -1, -1, "rwm"}};
  count = cg_bpf_devices_prog(deny_all, 1, &prog);
  assert_int_equal(run_prog(prog, count, C, R, 1, 3), 0);
  free(prog);
  char buf[64];
  cg_device_rule_str(&rules[0], buf, sizeof(buf));
  assert_string_equal(buf, "c 1:3 rwm");
  cg_device_rule_str(&rules[1], buf, sizeof(buf));
  assert_string_equal(buf, "a *:* rwm");
}

static void test_default_rules(void **state) {
  (void)state;
  size_t n;
  struct device_rule *v = cg_device_rules(NULL, &n);
  assert_true(cg_device_rules_default(v, n));
  free(v);
  struct resources_cfg r;
  res_parse("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", &r);
  v = cg_device_rules(&r, &n);
  assert_true(cg_device_rules_default(v, n)); /* what `spec` writes */
  free(v);
  resources_cfg_free(&r);
  res_parse("{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229}]}", &r);
  v = cg_device_rules(&r, &n);
  assert_false(cg_device_rules_default(v, n));
  free(v);
  resources_cfg_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_maps_every_resource, setup, teardown),
      cmocka_unit_test_setup_teardown(test_memory_edge_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bfq_weights, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parents_and_destroy, setup, teardown),
      cmocka_unit_test_setup_teardown(test_controller_not_enabled, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unified_key_without_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cpuset_outside_parent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_freeze, setup, teardown),
      cmocka_unit_test_setup_teardown(test_oom_watch, setup, teardown),
      cmocka_unit_test(test_device_program),
      cmocka_unit_test(test_device_program_wildcards),
      cmocka_unit_test(test_default_rules),
  };
  return cmocka_run_group_tests_name("cgroups_v2", tests, NULL, NULL);
}
