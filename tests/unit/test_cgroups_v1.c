/* test_cgroups_v1.c - the v1 and hybrid drivers on test trees: every
 * resource lands in the right file with the right value, directories are
 * recorded (parents first, created or not), bad values and failed writes
 * leave nothing behind, enter / update / freeze / destroy.
 *
 * A test tree records each write as a line, so a file's content is the
 * sequence of values written to it. */
#include "unit.h"
#include "cgtree.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../libcontainer/cgroups/cgroups.h"
#include "../../libcontainer/cgroups/internal.h"
#include "../../libcontainer/json.h"

/* A v1 host: separate cpu and cpuacct, net_cls,net_prio combined (with
 * the usual links), a named systemd hierarchy; hybrid adds unified/. */
static void tree(bool hybrid) {
  const char *c[] = {"cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "blkio",
                     "pids", "hugetlb", "net_cls,net_prio", "rdma", "systemd"};
  for (size_t i = 0; i < ARRAY_SIZE(c); i++)
    mkd(c[i]);
  char *a = at("net_cls"), *b = at("net_prio");
  assert_int_equal(symlink("net_cls,net_prio", a), 0);
  assert_int_equal(symlink("net_cls,net_prio", b), 0);
  free(a);
  free(b);
  put("cpuset/cpuset.cpus", "0-3\n");
  put("cpuset/cpuset.mems", "0\n");
  put("cpuset/cpuset.effective_cpus", "0-3\n");
  put("cpuset/cpuset.effective_mems", "0\n");
  if (hybrid) {
    mkd("unified");
    put("unified/cgroup.controllers", "");
  }
}

static int setup(void **state) {
  (void)state;
  root = unit_tmpdir();
  setenv("VESSEL_CGROUP_ROOT", root, 1);
  unsetenv("VESSEL_CGROUP_SELF");
  return root ? 0 : -1;
}

static int create(const char *path, const char *json, struct container_state *st,
                  struct error **err) {
  return tree_create(path, json, false, st, err);
}

static const char all_v1[] =
    "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"},"
    "{\"allow\":false,\"type\":\"b\",\"major\":8,\"access\":\"m\"}],"
    "\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":209715200,"
    "\"kernelTCP\":1048576,\"swappiness\":60,\"disableOOMKiller\":true},"
    "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":1000,"
    "\"realtimeRuntime\":1000,\"realtimePeriod\":1000000,\"cpus\":\"1\",\"mems\":\"0\",\"idle\":1},"
    "\"pids\":{\"limit\":100},"
    "\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":400}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
    "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
    "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}],"
    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":200}]},"
    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
    "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5},"
    "{\"name\":\"lo\",\"priority\":2}]},"
    "\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2,\"hcaObjects\":3}}}";

static void test_create_maps_every_resource(void **state) {
  (void)state;
  tree(false);
  /* The kernel's memory.limit_in_bytes starts unlimited. */
  mkd("memory/ctr");
  put("memory/ctr/memory.limit_in_bytes", "9223372036854771712\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, all_v1, &st, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("cpuset/ctr/cpuset.cpus", "1\n"); /* configured: not copied from the parent */
  expect_file("cpuset/ctr/cpuset.mems", "0\n");
  expect_file("devices/ctr/devices.deny", "a\na\nb 8:* m\n");
  expect_file("devices/ctr/devices.allow",
              "c 10:229 rw\nc *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\n"
              "c 1:5 rwm\nc 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\n");
  /* swap grows past the current limit: memory first, then memory+swap */
  expect_file("memory/ctr/memory.limit_in_bytes", "9223372036854771712\n104857600\n");
  expect_file("memory/ctr/memory.memsw.limit_in_bytes", "209715200\n");
  expect_file("memory/ctr/memory.soft_limit_in_bytes", "52428800\n");
  expect_file("memory/ctr/memory.kmem.tcp.limit_in_bytes", "1048576\n");
  expect_file("memory/ctr/memory.swappiness", "60\n");
  expect_file("memory/ctr/memory.oom_control", "1\n");
  expect_file("cpu/ctr/cpu.shares", "512\n");
  expect_file("cpu/ctr/cpu.cfs_period_us", "100000\n");
  expect_file("cpu/ctr/cpu.cfs_quota_us", "50000\n");
  expect_file("cpu/ctr/cpu.cfs_burst_us", "1000\n");
  expect_file("cpu/ctr/cpu.rt_period_us", "1000000\n");
  expect_file("cpu/ctr/cpu.rt_runtime_us", "1000\n");
  expect_file("cpu/ctr/cpu.idle", "1\n");
  expect_file("pids/ctr/pids.max", "100\n");
  /* No blkio.weight (CFQ): BFQ's files. */
  expect_file("blkio/ctr/blkio.bfq.weight", "300\n");
  expect_file("blkio/ctr/blkio.bfq.weight_device", "8:0 400\n");
  expect_file("blkio/ctr/blkio.throttle.read_bps_device", "8:0 1048576\n");
  expect_file("blkio/ctr/blkio.throttle.write_bps_device", "8:0 2097152\n");
  expect_file("blkio/ctr/blkio.throttle.read_iops_device", "8:16 100\n");
  expect_file("blkio/ctr/blkio.throttle.write_iops_device", "8:16 200\n");
  expect_file("hugetlb/ctr/hugetlb.2MB.limit_in_bytes", "4194304\n");
  expect_file("net_cls,net_prio/ctr/net_cls.classid", "1048577\n");
  expect_file("net_cls,net_prio/ctr/net_prio.ifpriomap", "eth0 5\nlo 2\n");
  expect_file("rdma/ctr/rdma.max", "mlx4_0 hca_handle=2 hca_object=3\n");
  /* Nothing written where nothing was configured. */
  assert_false(exists("freezer/ctr/freezer.state"));
  assert_false(exists("cpuacct/ctr/cpuacct.usage"));

  assert_int_equal(st.cgroup_mode, CGROUP_MODE_V1);
  assert_string_equal(st.cgroups_path, "ctr");
  const char *order[] = {"cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio",
                         "hugetlb", "net_cls,net_prio", "freezer", "rdma", "name=systemd"};
  assert_int_equal(st.n_cgroups, ARRAY_SIZE(order));
  for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
    assert_string_equal(st.cgroups[i].controller, order[i]);
    assert_int_equal(st.cgroups[i].created, strcmp(order[i], "memory") != 0);
  }
  char *p = at("net_cls,net_prio/ctr");
  assert_string_equal(cg_dir_for(&st, "net_prio")->path, p);
  free(p);
  assert_null(cg_dir_for(&st, ""));
  state_free(&st);
}

static void test_blkio_cfq_and_unlimited(void **state) {
  (void)state;
  tree(false);
  mkd("blkio/ctr");
  put("blkio/ctr/blkio.weight", "500\n");
  mkd("memory/ctr");
  put("memory/ctr/memory.memsw.limit_in_bytes", "");
  put("memory/ctr/memory.limit_in_bytes", "9223372036854771712\n");
  struct container_state st;
  struct error *err = NULL;
  const char *json = "{\"blockIO\":{\"weight\":300,\"leafWeight\":200,"
                     "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":400,\"leafWeight\":10}]},"
                     "\"memory\":{\"limit\":-1},\"pids\":{\"limit\":-1}}";
  if (create(NULL, json, &st, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("blkio/ctr/blkio.weight", "500\n300\n");
  expect_file("blkio/ctr/blkio.leaf_weight", "200\n");
  expect_file("blkio/ctr/blkio.weight_device", "8:0 400\n");
  expect_file("blkio/ctr/blkio.leaf_weight_device", "8:0 10\n");
  /* -1 is unlimited; with swap unset, memory+swap follows. */
  expect_file("memory/ctr/memory.memsw.limit_in_bytes", "-1\n");
  expect_file("memory/ctr/memory.limit_in_bytes", "9223372036854771712\n-1\n");
  expect_file("pids/ctr/pids.max", "max\n");
  state_free(&st);
}

/* A value the kernel refuses: the error names file and value, and every
 * directory made so far is gone again. */
static void test_failed_write_leaves_nothing(void **state) {
  (void)state;
  tree(false);
  mkd("memory/ctr/memory.swappiness"); /* writes fail: EISDIR */
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create(NULL, "{\"memory\":{\"swappiness\":60}}", &st, &err), -1);
  char *want = xasprintf("write \"%s/memory/ctr/memory.swappiness\" = \"60\": is a directory", root);
  assert_error_msg(err, want);
  free(want);
  assert_int_equal(st.n_cgroups, 0);
  assert_false(exists("cpuset/ctr"));
  assert_false(exists("devices/ctr"));
  assert_true(exists("memory/ctr")); /* it was there before */
  assert_false(exists("cpu/ctr"));
  state_free(&st);
}

/* A failure right after the container's directory was made removes it. */
static void test_failure_after_mkdir(void **state) {
  (void)state;
  tree(false);
  char *f = at("cpuset/cpuset.mems");
  unlink(f);
  free(f);
  mkd("cpuset/cpuset.mems"); /* reading the parent's mems fails */
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create(NULL, NULL, &st, &err), -1);
  assert_non_null(err);
  assert_non_null(strstr(err->msg, "cpuset/cpuset.mems"));
  error_free(err);
  assert_false(exists("cpuset/ctr"));
  assert_int_equal(st.n_cgroups, 0);
  state_free(&st);
}

static void expect_refused(const char *path, const char *json, const char *msg) {
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create(path, json, &st, &err), -1);
  assert_error_msg(err, msg);
  assert_int_equal(st.n_cgroups, 0);
  const char *c[] = {"cpuset", "cpu", "memory", "devices", "pids", "systemd"};
  for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
    char *p = xasprintf("%s/ctr", c[i]);
    assert_false(exists(p));
    free(p);
  }
  state_free(&st);
}

static void test_bad_values_leave_nothing(void **state) {
  (void)state;
  tree(false);
  char *h = at("hugetlb");
  rmdir(h);
  free(h);
  expect_refused(NULL, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
                 "linux.resources.hugepageLimits: the hugetlb controller is not available on this "
                 "host (cgroup v1)");
  expect_refused(NULL, "{\"unified\":{\"memory.high\":\"1\"}}",
                 "invalid configuration: cannot use unified on cgroup v1");
  expect_refused(NULL, "{\"cpu\":{\"cpus\":\"5\"}}",
                 "linux.resources.cpu.cpus: \"5\" is not a subset of the parent cgroup's cpus \"0-3\"");
  expect_refused(NULL, "{\"cpu\":{\"mems\":\"1\"}}",
                 "linux.resources.cpu.mems: \"1\" is not a subset of the parent cgroup's mems \"0\"");
  expect_refused(NULL, "{\"pids\":{\"limit\":-2}}",
                 "linux.resources.pids.limit: -2 is not a valid limit (-1 for unlimited)");
  expect_refused("/", NULL,
                 "linux.cgroupsPath \"/\": names the cgroup root, not a cgroup of the container");
  expect_refused("..", NULL,
                 "linux.cgroupsPath \"..\": names the cgroup root, not a cgroup of the container");
}

static void test_systemd_refused(void **state) {
  (void)state;
  tree(false);
  struct container_state st = {0};
  struct cgroup_config cfg = {.root = root, .id = "ctr", .systemd = true};
  struct error *err = NULL;
  assert_int_equal(cgroups_create(&cfg, &st, &err), -1);
  assert_error_msg(err, "--systemd-cgroup: the systemd cgroup driver is not supported by vessel; run "
                  "without --systemd-cgroup to use the cgroupfs driver");
  assert_false(exists("cpu/ctr"));
}

static void test_no_devices_controller(void **state) {
  (void)state;
  tree(false);
  char *d = at("devices");
  rmdir(d);
  free(d);
  struct container_state st;
  struct error *err = NULL;
  assert_int_equal(create(NULL, NULL, &st, &err), -1);
  assert_error_msg(err, "the devices cgroup controller is not available: refusing to run a container "
                  "without device restrictions");
  assert_false(exists("cpu/ctr"));
  state_free(&st);
}

/* Parents vessel makes are recorded before the container's own directory
 * and removed after it; a parent that existed stays. */
static void test_nested_path_and_destroy(void **state) {
  (void)state;
  tree(false);
  mkd("cpu/a");
  struct container_state st;
  struct error *err = NULL;
  if (create("/a/b/ctr", NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_string_equal(st.cgroups_path, "/a/b/ctr");
  size_t cpu = 0;
  for (size_t i = 0; i < st.n_cgroups; i++)
    if (strcmp(st.cgroups[i].controller, "cpu") == 0)
      cpu++;
  assert_int_equal(cpu, 2); /* a/b (made) and a/b/ctr; a existed */
  char *p = at("cpu/a/b/ctr");
  assert_string_equal(cg_dir_for(&st, "cpu")->path, p);
  free(p);
  /* cpuset parents get the cpus and mems of theirs */
  expect_file("cpuset/a/cpuset.cpus", "0-3\n");
  expect_file("cpuset/a/b/ctr/cpuset.mems", "0\n");
  assert_int_equal(cgroups_destroy(&st, &err), 0);
  assert_false(exists("cpu/a/b"));
  assert_true(exists("cpu/a"));
  assert_false(exists("cpuset/a"));
  assert_false(exists("systemd/a"));
  assert_int_equal(cgroups_destroy(&st, &err), 0); /* idempotent */
  state_free(&st);
}

static void test_destroy_keeps_what_it_did_not_make(void **state) {
  (void)state;
  tree(false);
  mkd("pids/ctr");
  put("pids/ctr/pids.max", "max\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  mkd("cpu/ctr/sub"); /* made inside by the container */
  assert_int_equal(cgroups_destroy(&st, &err), 0);
  assert_true(exists("pids/ctr"));
  assert_false(exists("cpu/ctr"));
  assert_false(exists("freezer/ctr"));
  state_free(&st);
}

static void test_relative_to_own_cgroup(void **state) {
  (void)state;
  tree(false);
  mkd("memory/process_api/abc");
  mkd("cpu/user.slice");
  put("self", "5:memory:/process_api/abc\n1:cpu:/user.slice\n0::/\n");
  char *self = at("self");
  setenv("VESSEL_CGROUP_SELF", self, 1);
  free(self);
  struct container_state st;
  struct error *err = NULL;
  if (create("rel/ctr", NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_true(exists("memory/process_api/abc/rel/ctr"));
  assert_true(exists("cpu/user.slice/rel/ctr"));
  assert_true(exists("pids/rel/ctr"));
  assert_string_equal(st.cgroups_path, "rel/ctr");
  assert_int_equal(cgroups_destroy(&st, &err), 0);
  assert_false(exists("memory/process_api/abc/rel"));
  assert_true(exists("memory/process_api/abc"));
  state_free(&st);
}

static void test_enter(void **state) {
  (void)state;
  tree(true);
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_int_equal(cgroups_enter(&st, 4242, NULL, &err), 0);
  expect_file("cpu/ctr/cgroup.procs", "4242\n");
  expect_file("systemd/ctr/cgroup.procs", "4242\n");
  expect_file("unified/ctr/cgroup.procs", "4242\n");
  mkd("memory/ctr/sub");
  mkd("cpu/ctr/sub");
  assert_int_equal(cgroups_enter(&st, 77, "memory:sub", &err), 0);
  expect_file("memory/ctr/sub/cgroup.procs", "77\n");
  expect_file("cpu/ctr/cgroup.procs", "4242\n77\n");
  char *specs[] = {"cpu:sub", "memory:/sub", NULL};
  if (cgroups_enter_subs(&st, 78, specs, &err) < 0)
    fail_msg("%s", err->msg);
  expect_file("cpu/ctr/sub/cgroup.procs", "78\n");
  expect_file("memory/ctr/sub/cgroup.procs", "77\n78\n");
  /* As runc: a sub-cgroup never climbs out, and controllers must exist. */
  char *up[] = {"memory:../sub", NULL};
  assert_int_equal(cgroups_enter_subs(&st, 80, up, &err), -1);
  assert_error_msg(err, "../sub is not a sub cgroup path");
  char *bogus[] = {"bogus:sub", NULL};
  assert_int_equal(cgroups_enter_subs(&st, 80, bogus, &err), -1);
  assert_error_msg(err, "unknown controller bogus in --cgroup");
  assert_int_equal(cgroups_enter(&st, 79, "missing", &err), -1);
  char *want = xasprintf("join cgroup \"%s/cpuset/ctr/missing\": no such file or directory", root);
  assert_error_msg(err, want);
  free(want);
  state_free(&st);
}

static void test_hybrid_layout(void **state) {
  (void)state;
  tree(true);
  struct container_state st;
  struct error *err = NULL;
  if (create("/x", "{\"pids\":{\"limit\":10}}", &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_int_equal(st.cgroup_mode, CGROUP_MODE_HYBRID);
  assert_string_equal(st.cgroups[st.n_cgroups - 1].controller, "");
  char *p = at("unified/x");
  assert_string_equal(cg_dir_for(&st, "")->path, p);
  free(p);
  assert_true(exists("unified/x"));
  /* Controllers live in v1: nothing is written to the unified one. */
  assert_false(exists("unified/x/pids.max"));
  expect_file("pids/x/pids.max", "10\n");
  assert_int_equal(cgroups_destroy(&st, &err), 0);
  assert_false(exists("unified/x"));
  state_free(&st);
}

static void test_update_writes_only_changes(void **state) {
  (void)state;
  tree(false);
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, "{\"pids\":{\"limit\":10},\"cpu\":{\"shares\":100}}", &st, &err) < 0)
    fail_msg("%s", err->msg);
  struct resources_cfg r;
  res_parse("{\"pids\":{\"limit\":20},\"cpu\":{\"quota\":20000}}", &r);
  assert_int_equal(cgroups_update(&st, &r, &r, &err), 0);
  expect_file("pids/ctr/pids.max", "10\n20\n");
  expect_file("cpu/ctr/cpu.cfs_quota_us", "20000\n");
  expect_file("cpu/ctr/cpu.shares", "100\n");
  /* The device rules are not written again. */
  expect_file("devices/ctr/devices.deny", "a\n");
  resources_cfg_free(&r);
  res_parse("{\"cpu\":{\"shares\":1}}", &r);
  assert_int_equal(cgroups_apply(&st, &r, &err), -1);
  assert_error_msg(err, "the minimum allowed cpu-shares is 2");
  resources_cfg_free(&r);
  state_free(&st);
}

static void test_freeze(void **state) {
  (void)state;
  tree(false);
  mkd("freezer/ctr");
  put("freezer/ctr/freezer.state", "");
  put("freezer/ctr/freezer.self_freezing", "0\n");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_false(cgroups_state_frozen(&st));
  assert_int_equal(cgroups_freeze(&st, true, &err), 0);
  expect_file("freezer/ctr/freezer.state", "FROZEN\n");
  put("freezer/ctr/freezer.self_freezing", "1\n");
  assert_true(cgroups_state_frozen(&st));
  put("freezer/ctr/freezer.self_freezing", "0\n"); /* frozen by a parent only */
  assert_false(cgroups_state_frozen(&st));
  put("freezer/ctr/freezer.state", "");
  assert_int_equal(cgroups_freeze(&st, false, &err), 0);
  expect_file("freezer/ctr/freezer.state", "THAWED\n");
  state_free(&st);
}

static void test_freeze_unexpected_state(void **state) {
  (void)state;
  tree(false);
  mkd("freezer/ctr");
  put("freezer/ctr/freezer.state", "BOGUS");
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  assert_int_equal(cgroups_freeze(&st, true, &err), -1);
  char *want = xasprintf("%s/freezer/ctr/freezer.state: unexpected state \"BOGUSFROZEN\" after "
                         "writing FROZEN", root);
  assert_error_msg(err, want);
  free(want);
  /* and it is thawed again */
  expect_file("freezer/ctr/freezer.state", "BOGUSFROZEN\nTHAWED\n");
  state_free(&st);
}

static void test_pids(void **state) {
  (void)state;
  tree(false);
  struct container_state st;
  struct error *err = NULL;
  if (create(NULL, NULL, &st, &err) < 0)
    fail_msg("%s", err->msg);
  put("pids/ctr/cgroup.procs", "10\n11\n");
  mkd("pids/ctr/sub");
  put("pids/ctr/sub/cgroup.procs", "12\n");
  pid_t *pids;
  size_t n;
  assert_int_equal(cgroups_pids(&st, &pids, &n, &err), 0);
  assert_int_equal(n, 3);
  assert_int_equal(pids[0] + pids[1] + pids[2], 33);
  free(pids);
  /* Signals never go to pids read from a test tree. */
  assert_int_equal(cgroups_kill_all(&st, 9, &err), 0);
  state_free(&st);
}

static void test_state_paths_must_be_under_root(void **state) {
  (void)state;
  tree(false);
  struct container_state st = {0};
  st.id = xstrdup("ctr");
  st.cgroup_mode = CGROUP_MODE_V1;
  cg_state_add(&st, "freezer", "/etc", true);
  struct error *err = NULL;
  assert_int_equal(cgroups_freeze(&st, true, &err), -1);
  assert_error_msg(err, "pause container \"ctr\": container \"ctr\" has no freezer cgroup");
  assert_false(cgroups_state_frozen(&st));
  assert_int_equal(cgroups_destroy(&st, &err), 0); /* and nothing is removed there */
  state_free(&st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_maps_every_resource, setup, teardown),
      cmocka_unit_test_setup_teardown(test_blkio_cfq_and_unlimited, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failure_after_mkdir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_values_leave_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_systemd_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_devices_controller, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nested_path_and_destroy, setup, teardown),
      cmocka_unit_test_setup_teardown(test_destroy_keeps_what_it_did_not_make, setup, teardown),
      cmocka_unit_test_setup_teardown(test_relative_to_own_cgroup, setup, teardown),
      cmocka_unit_test_setup_teardown(test_enter, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hybrid_layout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_update_writes_only_changes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_freeze, setup, teardown),
      cmocka_unit_test_setup_teardown(test_freeze_unexpected_state, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pids, setup, teardown),
      cmocka_unit_test_setup_teardown(test_state_paths_must_be_under_root, setup, teardown),
  };
  return cmocka_run_group_tests_name("cgroups_v1", tests, NULL, NULL);
}
