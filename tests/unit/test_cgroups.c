/* test_cgroups.c - cgroup layout detection, path resolution, conversions,
 * flag value syntaxes and resource validation, on test trees. */
#include "unit.h"
#include "cgtree.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../libcontainer/cgroups/cgroups.h"
#include "../../libcontainer/cgroups/internal.h"
#include "../../libcontainer/json.h"

static int setup(void **state) {
  (void)state;
  root = unit_tmpdir();
  setenv("VESSEL_CGROUP_ROOT", root, 1);
  unsetenv("VESSEL_CGROUP_SELF");
  return root ? 0 : -1;
}

static void v1_tree(bool combined) {
  const char *c[] = {"cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd"};
  for (size_t i = 0; i < ARRAY_SIZE(c); i++)
    mkd(c[i]);
  if (combined) {
    mkd("cpu,cpuacct");
    char *a = xasprintf("%s/cpu", root), *b = xasprintf("%s/cpuacct", root);
    assert_int_equal(symlink("cpu,cpuacct", a), 0);
    assert_int_equal(symlink("cpu,cpuacct", b), 0);
    free(a);
    free(b);
  } else {
    mkd("cpu");
    mkd("cpuacct");
  }
  mkd("debug-named-thing");
}

static void test_detect_v1_separate(void **state) {
  (void)state;
  v1_tree(false);
  struct cg_host h;
  struct error *err = NULL;
  assert_int_equal(cg_host_probe(root, NULL, &h, &err), 0);
  assert_true(h.fake);
  assert_int_equal(h.mode, CGROUP_MODE_V1);
  /* cpuset devices memory cpu cpuacct pids blkio freezer name=systemd */
  assert_int_equal(h.n, 9);
  assert_string_equal(h.h[0].controllers, "cpuset");
  assert_string_equal(h.h[1].controllers, "devices");
  assert_string_equal(h.h[2].controllers, "memory");
  assert_string_equal(h.h[3].controllers, "cpu");
  assert_string_equal(h.h[4].controllers, "cpuacct");
  assert_string_equal(h.h[8].controllers, "name=systemd");
  assert_null(cg_host_unified(&h));
  assert_true(cg_host_has(&h, "cpuacct"));
  assert_false(cg_host_has(&h, "hugetlb"));
  cg_host_free(&h);
}

static void test_detect_v1_combined(void **state) {
  (void)state;
  v1_tree(true);
  struct cg_host h;
  assert_int_equal(cg_host_probe(root, NULL, &h, NULL), 0);
  assert_int_equal(h.mode, CGROUP_MODE_V1);
  assert_int_equal(h.n, 8); /* the cpu and cpuacct links are not hierarchies */
  assert_string_equal(h.h[3].controllers, "cpu,cpuacct");
  assert_true(cg_list_has(h.h[3].controllers, "cpuacct"));
  assert_true(cg_host_has(&h, "cpu"));
  cg_host_free(&h);
}

static void test_detect_hybrid(void **state) {
  (void)state;
  v1_tree(false);
  mkd("unified");
  put("unified/cgroup.controllers", "hugetlb\n");
  enum cgroup_mode mode;
  assert_int_equal(cgroups_detect(root, &mode, NULL), 0);
  assert_int_equal(mode, CGROUP_MODE_HYBRID);
  const struct cg_host *h = cg_host_get(root, NULL);
  const struct cg_hier *u = cg_host_unified(h);
  assert_non_null(u);
  assert_string_equal(u->controllers, "");
  assert_ptr_equal(u, &h->h[h->n - 1]); /* the unified one comes last */
  /* Controllers live in v1 on a hybrid host. */
  assert_false(cg_host_has(h, "hugetlb"));
}

static void test_detect_v2(void **state) {
  (void)state;
  put("cgroup.controllers", "cpuset cpu io memory pids\n");
  enum cgroup_mode mode;
  assert_int_equal(cgroups_detect(root, &mode, NULL), 0);
  assert_int_equal(mode, CGROUP_MODE_V2);
  const struct cg_host *h = cg_host_get(root, NULL);
  assert_int_equal(h->n, 1);
  assert_true(cg_host_has(h, "io"));
  assert_true(cg_host_has(h, "cpu"));
  assert_false(cg_host_has(h, "cpus"));
  assert_false(cg_host_has(h, "hugetlb"));
}

static void test_detect_none(void **state) {
  (void)state;
  char *missing = xasprintf("%s/nothing-here", root);
  enum cgroup_mode mode = CGROUP_MODE_V1;
  assert_int_equal(cgroups_detect(missing, &mode, NULL), 0);
  assert_int_equal(mode, CGROUP_MODE_NONE);
  free(missing);
}

static void test_root_env(void **state) {
  (void)state;
  assert_string_equal(cgroups_root(), root);
  unsetenv("VESSEL_CGROUP_ROOT");
  assert_string_equal(cgroups_root(), "/sys/fs/cgroup");
  setenv("VESSEL_CGROUP_ROOT", root, 1);
}

static void test_clean_path(void **state) {
  (void)state;
  const char *cases[][2] = {
      {"/a/b", "/a/b"},      {"/a//b/", "/a/b"},    {"/a/../b", "/b"},  {"/../../x", "/x"},
      {"a/b", "a/b"},        {"../x", "x"},         {"a/../../b", "b"}, {"./a/./b", "a/b"},
      {"/", "/"},            {"..", ""},            {"", ""},           {"/a/b/..", "/a"},
      {"slice:pfx:name", "slice:pfx:name"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
    char *c = cg_clean_path(cases[i][0]);
    assert_string_equal(c, cases[i][1]);
    free(c);
  }
}

static const char self_text[] =
    "12:cpu,cpuacct:/user.slice\n"
    "9:name=systemd:/init.scope\n"
    "4:memory:/process_api/abc\n"
    "3:cpuset:/\n"
    "0::/session-1.scope\n";

static void test_parse_self(void **state) {
  (void)state;
  char *p = cg_parse_self(self_text, "memory");
  assert_string_equal(p, "/process_api/abc");
  free(p);
  p = cg_parse_self(self_text, "cpuacct,cpu"); /* the same set in another order */
  assert_string_equal(p, "/user.slice");
  free(p);
  p = cg_parse_self(self_text, "name=systemd");
  assert_string_equal(p, "/init.scope");
  free(p);
  p = cg_parse_self(self_text, "");
  assert_string_equal(p, "/session-1.scope");
  free(p);
  assert_null(cg_parse_self(self_text, "cpu"));
  assert_null(cg_parse_self(self_text, "pids"));
}

/* Relative cgroupsPath: under the caller's own cgroup on v1, under its
 * parent on v2 (the own cgroup has processes), at the mount when absolute. */
static void test_leaf_paths(void **state) {
  (void)state;
  v1_tree(false);
  mkd("unified");
  put("unified/cgroup.controllers", "");
  char *self = xasprintf("%s/self.cgroup", root);
  put("self.cgroup", self_text);
  struct cg_host h;
  assert_int_equal(cg_host_probe(root, self, &h, NULL), 0);
  assert_int_equal(h.mode, CGROUP_MODE_HYBRID);
  char *p = cg_leaf_path(&h, &h.h[2], "ctr");
  char *want = xasprintf("%s/memory/process_api/abc/ctr", root);
  assert_string_equal(p, want);
  free(p);
  free(want);
  p = cg_leaf_path(&h, &h.h[2], "/abs/ctr");
  want = xasprintf("%s/memory/abs/ctr", root);
  assert_string_equal(p, want);
  free(p);
  free(want);
  p = cg_leaf_path(&h, &h.h[0], "ctr"); /* cpuset: own cgroup is "/" */
  want = xasprintf("%s/cpuset/ctr", root);
  assert_string_equal(p, want);
  free(p);
  free(want);
  p = cg_leaf_path(&h, cg_host_unified(&h), "ctr");
  want = xasprintf("%s/unified/session-1.scope/ctr", root);
  assert_string_equal(p, want);
  free(p);
  free(want);
  cg_host_free(&h);

  struct cg_host v2 = {.mode = CGROUP_MODE_V2};
  struct cg_hier u = {"", xstrdup("/sys/fs/cgroup"), xstrdup("/user.slice/session-1.scope")};
  v2.h = &u;
  v2.n = 1;
  p = cg_leaf_path(&v2, &u, "ctr");
  assert_string_equal(p, "/sys/fs/cgroup/user.slice/ctr");
  free(p);
  p = cg_leaf_path(&v2, &u, "/machine/ctr");
  assert_string_equal(p, "/sys/fs/cgroup/machine/ctr");
  free(p);
  free(u.mount);
  free(u.own);
  u.mount = xstrdup("/sys/fs/cgroup");
  u.own = xstrdup("/");
  p = cg_leaf_path(&v2, &u, "ctr");
  assert_string_equal(p, "/sys/fs/cgroup/ctr");
  free(p);
  free(u.mount);
  free(u.own);
  free(self);
}

static void test_shares_to_weight(void **state) {
  (void)state;
  /* weight = 1 + ((shares - 2) * 9999) / 262142, as runc and crun. */
  assert_int_equal(cg_shares_to_weight(0), 0);
  assert_int_equal(cg_shares_to_weight(2), 1);
  assert_int_equal(cg_shares_to_weight(1024), 39);
  assert_int_equal(cg_shares_to_weight(512), 20);
  assert_int_equal(cg_shares_to_weight(100), 4);
  assert_int_equal(cg_shares_to_weight(262144), 10000);
  for (uint64_t s = 2; s <= 262144; s += 997)
    assert_int_equal(cg_shares_to_weight(s), 1 + ((s - 2) * 9999) / 262142);
}

static void test_blkio_to_io_weight(void **state) {
  (void)state;
  /* io.weight = 1 + (weight - 10) * 9999 / 990 */
  assert_int_equal(cg_blkio_to_io_weight(0), 0);
  assert_int_equal(cg_blkio_to_io_weight(10), 1);
  assert_int_equal(cg_blkio_to_io_weight(500), 4950);
  assert_int_equal(cg_blkio_to_io_weight(1000), 10000);
  assert_int_equal(cg_blkio_to_io_weight(100), 1 + 90 * 9999 / 990);
}

static void test_v2_swap(void **state) {
  (void)state;
  int64_t out = 7;
  struct error *err = NULL;
  assert_int_equal(cg_v2_swap(0, -1, &out, &err), 0);
  assert_int_equal(out, -1); /* unlimited memory, swap unset: both max */
  assert_int_equal(cg_v2_swap(-1, 100, &out, &err), 0);
  assert_int_equal(out, -1);
  assert_int_equal(cg_v2_swap(0, 100, &out, &err), 0);
  assert_int_equal(out, 0);
  assert_int_equal(cg_v2_swap(300, 100, &out, &err), 0);
  assert_int_equal(out, 200); /* memory.swap.max = swap - limit */
  assert_int_equal(cg_v2_swap(100, 100, &out, &err), 0);
  assert_int_equal(out, 0);
  assert_int_equal(cg_v2_swap(50, 100, &out, &err), -1);
  assert_error_msg(err, "memory+swap limit should be >= memory limit");
  assert_int_equal(cg_v2_swap(50, 0, &out, &err), -1);
  assert_error_msg(err, "unable to set swap limit without memory limit");
  assert_int_equal(cg_v2_swap(50, -1, &out, &err), -1);
  assert_error_msg(err, "unable to set swap limit without memory limit");
}

static void test_parse_ram(void **state) {
  (void)state;
  const struct {
    const char *in;
    int64_t want;
  } ok[] = {{"0", 0},          {"12", 12},           {"1k", 1024},        {"1K", 1024},
            {"1kb", 1024},     {"1KiB", 1024},       {"100M", 104857600}, {"1.5g", 1610612736},
            {"2 GB", 2147483648}, {"1t", 1099511627776}, {"7b", 7},         {"1p", 1125899906842624}};
  for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
    int64_t v = -7;
    char *msg = NULL;
    assert_int_equal(cgroups_parse_ram(ok[i].in, &v, &msg), 0);
    assert_int_equal(v, ok[i].want);
  }
  const char *bad[][2] = {{"-5", "invalid size: '-5'"},
                          {"abc", "invalid size: 'abc'"},
                          {"10x", "invalid suffix: 'x'"},
                          {"10kbb", "invalid suffix: 'kbb'"},
                          {"10bk", "invalid suffix: 'bk'"},
                          {"1.2.3", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"}};
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
    int64_t v;
    char *msg = NULL;
    assert_int_equal(cgroups_parse_ram(bad[i][0], &v, &msg), -1);
    assert_string_equal(msg, bad[i][1]);
    free(msg);
  }
}

static void test_parse_numbers(void **state) {
  (void)state;
  uint64_t u;
  int64_t i;
  char *msg = NULL;
  assert_int_equal(cgroups_parse_uint("100000", &u, &msg), 0);
  assert_int_equal(u, 100000);
  assert_int_equal(cgroups_parse_uint("-1", &u, &msg), -1);
  assert_string_equal(msg, "strconv.ParseUint: parsing \"-1\": invalid syntax");
  free(msg);
  assert_int_equal(cgroups_parse_uint("99999999999999999999", &u, &msg), -1);
  assert_string_equal(msg, "strconv.ParseUint: parsing \"99999999999999999999\": value out of range");
  free(msg);
  assert_int_equal(cgroups_parse_int("-1", &i, &msg), 0);
  assert_int_equal(i, -1);
  assert_int_equal(cgroups_parse_int("x1", &i, &msg), -1);
  assert_string_equal(msg, "strconv.ParseInt: parsing \"x1\": invalid syntax");
  free(msg);
}

static void test_parse_duration(void **state) {
  (void)state;
  const struct {
    const char *in;
    int64_t ns;
  } ok[] = {{"5s", 5000000000LL},   {"0", 0},          {"100ms", 100000000}, {"1m30s", 90000000000LL},
            {"1.5s", 1500000000},   {"2h", 7200000000000LL}, {"10us", 10000},  {"7ns", 7},
            {"1h2m3s4ms", 3723004000000LL}};
  for (size_t k = 0; k < ARRAY_SIZE(ok); k++) {
    int64_t ns = -1;
    assert_int_equal(cgroups_parse_duration(ok[k].in, &ns), 0);
    assert_int_equal(ns, ok[k].ns);
  }
  const char *bad[] = {"", "5", "abc", "5x", "s", "1..5s", ".s", "5 s"};
  for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
    int64_t ns;
    assert_int_equal(cgroups_parse_duration(bad[k], &ns), -1);
  }
}

static void test_unified_keys(void **state) {
  (void)state;
  struct error *err = NULL;
  assert_int_equal(cg_validate_unified_key("memory.high", &err), 0);
  assert_int_equal(cg_validate_unified_key("cgroup.max.depth", &err), 0);
  assert_int_equal(cg_validate_unified_key("../memory.max", &err), -1);
  assert_error_msg(err, "unified resource \"../memory.max\" must be a file name (no slashes)");
  assert_int_equal(cg_validate_unified_key("..", &err), -1);
  assert_error_msg(err, "unified resource \"..\" must be a file name (no slashes)");
  assert_int_equal(cg_validate_unified_key("memory", &err), -1);
  assert_error_msg(err, "unified resource \"memory\" must be in the form CONTROLLER.PARAMETER");
  assert_int_equal(cg_validate_unified_key(".max", &err), -1);
  assert_error_msg(err, "unified resource \".max\" must be in the form CONTROLLER.PARAMETER");
  assert_int_equal(cg_validate_unified_key("memory..max", &err), -1);
  assert_error_msg(err, "unified resource \"memory..max\" must be in the form CONTROLLER.PARAMETER");
  assert_int_equal(cg_validate_unified_key("cgroup.procs", &err), -1);
  assert_error_msg(err, "unified resource \"cgroup.procs\" is not a resource (it moves, kills or "
                        "retypes processes)");
  assert_int_equal(cg_validate_unified_key("cgroup.kill", &err), -1);
  error_free(err);
}

static int parse_res(const char *json, struct resources_cfg *r) {
  yajl_val v;
  struct error *err = NULL;
  memset(r, 0, sizeof(*r));
  if (json_parse(json, strlen(json), &v, &err) < 0)
    return -1;
  int rc = config_parse_resources(v, "linux.resources", r, &err);
  yajl_tree_free(v);
  error_free(err);
  return rc;
}

static void expect_invalid(const struct cg_host *h, const char *json, const char *msg) {
  struct resources_cfg r;
  struct error *err = NULL;
  assert_int_equal(parse_res(json, &r), 0);
  assert_int_equal(cg_validate(h, &r, NULL, &err), -1);
  assert_error_msg(err, msg);
  resources_cfg_free(&r);
}

static void expect_valid(const struct cg_host *h, const char *json) {
  struct resources_cfg r;
  struct error *err = NULL;
  assert_int_equal(parse_res(json, &r), 0);
  assert_int_equal(cg_validate(h, &r, NULL, &err), 0);
  assert_null(err);
  resources_cfg_free(&r);
}

static void test_validate_v1(void **state) {
  (void)state;
  v1_tree(false);
  const struct cg_host *h = cg_host_get(root, NULL);
  expect_valid(h, "{\"memory\":{\"limit\":100,\"swap\":200},\"cpu\":{\"shares\":1024}}");
  expect_valid(h, "{\"cpu\":{\"shares\":0}}"); /* 0 is "not set" */
  expect_invalid(h, "{\"unified\":{\"memory.max\":\"1\"}}",
                 "invalid configuration: cannot use unified on cgroup v1");
  expect_invalid(h, "{\"memory\":{\"limit\":200,\"swap\":100}}",
                 "linux.resources.memory.swap: memory+swap limit (100) should be >= memory limit (200)");
  expect_invalid(h, "{\"cpu\":{\"shares\":1}}", "the minimum allowed cpu-shares is 2");
  expect_invalid(h, "{\"cpu\":{\"shares\":300000}}", "the maximum allowed cpu-shares is 262144");
  expect_invalid(h, "{\"pids\":{\"limit\":-5}}",
                 "linux.resources.pids.limit: -5 is not a valid limit (-1 for unlimited)");
  expect_invalid(h, "{\"cpu\":{\"cpus\":\"0-x\"}}", "linux.resources.cpu.cpus: invalid cpu list \"0-x\"");
  expect_invalid(h, "{\"cpu\":{\"mems\":\"2-1\"}}",
                 "linux.resources.cpu.mems: invalid memory node list \"2-1\"");
  expect_invalid(h, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
                 "linux.resources.hugepageLimits: the hugetlb controller is not available on this "
                 "host (cgroup v1)");
  expect_invalid(h, "{\"network\":{\"classID\":5}}",
                 "linux.resources.network.classID: the net_cls controller is not available on this "
                 "host (cgroup v1)");
  expect_invalid(h, "{\"rdma\":{\"mlx4_0\":{\"hcaHandles\":2}}}",
                 "linux.resources.rdma: the rdma controller is not available on this host (cgroup v1)");
}

static void test_validate_v2(void **state) {
  (void)state;
  put("cgroup.controllers", "cpuset cpu io memory pids\n");
  const struct cg_host *h = cg_host_get(root, NULL);
  expect_valid(h, "{\"unified\":{\"memory.high\":\"100\",\"cgroup.max.depth\":\"3\"}}");
  expect_invalid(h, "{\"unified\":{\"hugetlb.2MB.max\":\"1\"}}",
                 "unified resource \"hugetlb.2MB.max\" can't be set: controller \"hugetlb\" not "
                 "available");
  expect_invalid(h, "{\"unified\":{\"memory/../../x\":\"1\"}}",
                 "unified resource \"memory/../../x\" must be a file name (no slashes)");
  expect_invalid(h, "{\"memory\":{\"swap\":100}}",
                 "linux.resources.memory.swap: unable to set swap limit without memory limit");
  expect_invalid(h, "{\"cpu\":{\"realtimeRuntime\":100}}",
                 "linux.resources.cpu: realtimeRuntime and realtimePeriod are not supported on cgroup "
                 "v2");
  expect_invalid(h, "{\"memory\":{\"useHierarchy\":false}}",
                 "linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
  expect_invalid(h, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
                 "linux.resources.hugepageLimits: the hugetlb controller is not available on this "
                 "host (cgroup v2)");
  /* net_cls / net_prio and kernel memory have no v2 files: ignored. */
  expect_valid(h, "{\"network\":{\"classID\":5},\"memory\":{\"kernel\":100}}");
}

static void test_cpuset_subset(void **state) {
  (void)state;
  struct error *err = NULL;
  assert_int_equal(cg_cpuset_check("cpus", "0-1", "0-3", false, &err), 0);
  assert_int_equal(cg_cpuset_check("cpus", "1,3", "0-3", false, &err), 0);
  assert_int_equal(cg_cpuset_check("cpus", "4", "0-3", false, &err), -1);
  assert_error_msg(err, "cpus: \"4\" is not a subset of the parent cgroup's cpus \"0-3\"");
  assert_int_equal(cg_cpuset_check("mems", "1", "0", true, &err), -1);
  assert_error_msg(err, "mems: \"1\" is not a subset of the parent cgroup's mems \"0\"");
  assert_int_equal(cg_cpuset_check("mems", "0", "0", true, &err), 0);
}

static void test_features(void **state) {
  (void)state;
  struct cgroup_features f;
  memset(&f, 0xff, sizeof(f));
  cgroups_features(&f);
  assert_true(f.v1);
  assert_true(f.v2);
  assert_false(f.systemd);
  assert_false(f.systemd_user);
  assert_true(f.rdma);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_detect_v1_separate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_detect_v1_combined, setup, teardown),
      cmocka_unit_test_setup_teardown(test_detect_hybrid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_detect_v2, setup, teardown),
      cmocka_unit_test_setup_teardown(test_detect_none, setup, teardown),
      cmocka_unit_test_setup_teardown(test_root_env, setup, teardown),
      cmocka_unit_test(test_clean_path),
      cmocka_unit_test(test_parse_self),
      cmocka_unit_test_setup_teardown(test_leaf_paths, setup, teardown),
      cmocka_unit_test(test_shares_to_weight),
      cmocka_unit_test(test_blkio_to_io_weight),
      cmocka_unit_test(test_v2_swap),
      cmocka_unit_test(test_parse_ram),
      cmocka_unit_test(test_parse_numbers),
      cmocka_unit_test(test_parse_duration),
      cmocka_unit_test(test_unified_keys),
      cmocka_unit_test_setup_teardown(test_validate_v1, setup, teardown),
      cmocka_unit_test_setup_teardown(test_validate_v2, setup, teardown),
      cmocka_unit_test(test_cpuset_subset),
      cmocka_unit_test(test_features),
  };
  return cmocka_run_group_tests_name("cgroups", tests, NULL, NULL);
}
