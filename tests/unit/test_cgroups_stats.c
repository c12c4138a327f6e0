/* test_cgroups_stats.c - `events --stats` data in runc's shape from v1 and
 * v2 test trees, and the effective resources `update` keeps (merge, write
 * back, read back). */
#include "unit.h"
#include "cgtree.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../libcontainer/cgroups/cgroups.h"
#include "../../libcontainer/cgroups/internal.h"
#include "../../libcontainer/container_cgroups.h"
#include "../../libcontainer/json.h"

static int setup(void **state) {
  (void)state;
  root = unit_tmpdir();
  setenv("VESSEL_CGROUP_ROOT", root, 1);
  return root ? 0 : -1;
}

static char *stats(const struct container_state *st) {
  struct jgen *g = jgen_new(false);
  struct error *err = NULL;
  jgen_map_open(g);
  if (cgroups_stats(st, g, &err) < 0)
    fail_msg("%s", err->msg);
  jgen_map_close(g);
  return jgen_finish(g, false);
}

static void add(struct container_state *st, const char *ctrl, const char *rel) {
  char *p = at(rel);
  cg_state_add(st, ctrl, p, true);
  free(p);
}

static void test_v1_stats(void **state) {
  (void)state;
  const char *c[] = {"cpuset/c", "cpu/c", "cpuacct/c", "memory/c", "pids/c", "blkio/c", "hugetlb/c",
                     "devices/c"};
  for (size_t i = 0; i < ARRAY_SIZE(c); i++)
    mkd(c[i]);
  put("cpuacct/c/cpuacct.usage", "3000\n");
  put("cpuacct/c/cpuacct.usage_percpu", "1000 2000 \n");
  put("cpuacct/c/cpuacct.usage_all", "cpu user system\n0 600 400\n1 1500 500\n");
  put("cpuacct/c/cpuacct.stat", "user 2\nsystem 1\n");
  put("cpu/c/cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 500\n");
  put("cpuset/c/cpuset.cpus", "0-2,5\n");
  put("cpuset/c/cpuset.mems", "0\n");
  put("cpuset/c/cpuset.sched_load_balance", "1\n");
  put("cpuset/c/cpuset.sched_relax_domain_level", "-1\n");
  put("memory/c/memory.limit_in_bytes", "104857600\n");
  put("memory/c/memory.usage_in_bytes", "4096\n");
  put("memory/c/memory.max_usage_in_bytes", "8192\n");
  put("memory/c/memory.failcnt", "3\n");
  put("memory/c/memory.memsw.limit_in_bytes", "209715200\n");
  put("memory/c/memory.memsw.usage_in_bytes", "4096\n");
  put("memory/c/memory.stat", "rss 40\ncache 12\nactive_anon 7\n");
  put("pids/c/pids.current", "3\n");
  put("pids/c/pids.max", "max\n");
  put("blkio/c/blkio.bfq.io_serviced_recursive", "");
  put("blkio/c/blkio.throttle.io_serviced_recursive", "8:0 Read 5\n8:0 Write 6\nTotal 11\n");
  put("blkio/c/blkio.throttle.io_service_bytes_recursive", "8:0 Read 512\nTotal 512\n");
  put("hugetlb/c/hugetlb.2MB.usage_in_bytes", "0\n");
  put("hugetlb/c/hugetlb.2MB.max_usage_in_bytes", "2097152\n");
  put("hugetlb/c/hugetlb.2MB.failcnt", "1\n");
  struct container_state st = {0};
  st.id = xstrdup("c");
  st.cgroup_mode = CGROUP_MODE_V1;
  const char *ctrls[] = {"cpuset", "cpu", "cpuacct", "memory", "pids", "blkio", "hugetlb", "devices"};
  for (size_t i = 0; i < ARRAY_SIZE(c); i++)
    add(&st, ctrls[i], c[i]);
  char *s = stats(&st);
  long hz = sysconf(_SC_CLK_TCK);
  char *want = xasprintf(
      "{\"cpu\":{\"usage\":{\"total\":3000,\"percpu\":[1000,2000],\"percpu_kernel\":[400,500],"
      "\"percpu_user\":[600,1500],\"kernel\":%llu,\"user\":%llu},\"throttling\":{\"periods\":10,"
      "\"throttledPeriods\":2,\"throttledTime\":500}},"
      "\"cpuset\":{\"cpus\":[0,1,2,5],\"cpu_exclusive\":0,\"mems\":[0],\"mem_hardwall\":0,"
      "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
      "\"memory_pressure\":0,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1},"
      "\"memory\":{\"cache\":12,\"usage\":{\"limit\":104857600,\"usage\":4096,\"max\":8192,"
      "\"failcnt\":3},\"swap\":{\"limit\":209715200,\"usage\":4096,\"failcnt\":0},"
      "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
      "\"raw\":{\"active_anon\":7,\"cache\":12,\"rss\":40}},"
      "\"pids\":{\"current\":3},"
      "\"blkio\":{\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":5},"
      "{\"major\":8,\"op\":\"Write\",\"value\":6}],\"ioServiceBytesRecursive\":[{\"major\":8,"
      "\"op\":\"Read\",\"value\":512}]},"
      "\"hugetlb\":{\"2MB\":{\"max\":2097152,\"failcnt\":1}}}",
      1000000000ULL / (unsigned long long)hz, 2000000000ULL / (unsigned long long)hz);
  assert_string_equal(s, want);
  free(want);
  free(s);
  state_free(&st);
}

static void test_v2_stats(void **state) {
  (void)state;
  mkd("c");
  put("c/cpu.stat", "usage_usec 30\nuser_usec 20\nsystem_usec 10\nnr_periods 4\nnr_throttled 1\n"
                    "throttled_usec 7\n");
  put("c/cpuset.cpus.effective", "0-1\n");
  put("c/cpuset.mems.effective", "0\n");
  put("c/memory.current", "4096\n");
  put("c/memory.max", "max\n");
  put("c/memory.peak", "8192\n");
  put("c/memory.events", "low 0\nhigh 0\nmax 2\noom 0\noom_kill 0\n");
  put("c/memory.swap.current", "100\n");
  put("c/memory.swap.max", "max\n");
  put("c/memory.stat", "file 12\nanon 40\n");
  put("c/pids.current", "2\n");
  put("c/pids.max", "64\n");
  put("c/io.stat", "8:0 rbytes=1024 wbytes=2048 rios=1 wios=2 dbytes=0 dios=0\n");
  put("c/hugetlb.2MB.current", "2097152\n");
  put("c/hugetlb.2MB.events", "max 0\n");
  put("c/hugetlb.1GB.current", "0\n");
  put("c/hugetlb.1GB.events", "max 4\n");
  put("c/hugetlb.2MB.rsvd.current", "0\n");
  struct container_state st = {0};
  st.id = xstrdup("c");
  st.cgroup_mode = CGROUP_MODE_V2;
  add(&st, "", "c");
  char *s = stats(&st);
  assert_string_equal(
      s, "{\"cpu\":{\"usage\":{\"total\":30000,\"kernel\":10000,\"user\":20000},"
         "\"throttling\":{\"periods\":4,\"throttledPeriods\":1,\"throttledTime\":7000}},"
         "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,"
         "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
         "\"memory_pressure\":0,\"sched_load_balance\":0,\"sched_relax_domain_level\":0},"
         "\"memory\":{\"cache\":12,\"usage\":{\"limit\":18446744073709551615,\"usage\":4096,"
         "\"max\":8192,\"failcnt\":2},\"swap\":{\"limit\":18446744073709551615,\"usage\":4196,"
         "\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,"
         "\"failcnt\":0},\"raw\":{\"anon\":40,\"file\":12}},"
         "\"pids\":{\"current\":2,\"limit\":64},"
         "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1024},"
         "{\"major\":8,\"op\":\"Write\",\"value\":2048}],\"ioServicedRecursive\":[{\"major\":8,"
         "\"op\":\"Read\",\"value\":1},{\"major\":8,\"op\":\"Write\",\"value\":2}]},"
         "\"hugetlb\":{\"1GB\":{\"failcnt\":4},\"2MB\":{\"usage\":2097152,\"failcnt\":0}}}");
  free(s);
  state_free(&st);
}

static void test_no_cgroups(void **state) {
  (void)state;
  struct container_state st = {0};
  st.id = xstrdup("c");
  struct jgen *g = jgen_new(false);
  struct error *err = NULL;
  assert_int_equal(cgroups_stats(&st, g, &err), -1);
  assert_string_equal(err->msg, "container \"c\" has no cgroups");
  error_free(err);
  free(jgen_finish(g, false));
  pid_t *pids;
  size_t n = 7;
  assert_int_equal(cgroups_pids(&st, &pids, &n, NULL), 0);
  assert_int_equal(n, 0);
  assert_false(cgroups_state_frozen(&st));
  assert_int_equal(cgroups_destroy(&st, NULL), 0);
  state_free(&st);
}

static char *gen(const struct resources_cfg *r) {
  struct jgen *g = jgen_new(false);
  cgroups_resources_gen(g, r);
  return jgen_finish(g, false);
}

/* What update merges: runc's fields; zeros (its template) change nothing. */
static void test_merge(void **state) {
  (void)state;
  struct resources_cfg eff, c;
  res_parse("{\"memory\":{\"limit\":100,\"swap\":200},\"cpu\":{\"shares\":512,\"quota\":1000,"
            "\"period\":100000,\"cpus\":\"0-1\"},\"pids\":{\"limit\":5},\"blockIO\":{\"weight\":10},"
            "\"unified\":{\"memory.high\":\"5\"},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}",
            &eff);
  res_parse("{\"memory\":{\"limit\":300,\"reservation\":0,\"swap\":0},\"cpu\":{\"shares\":0,"
            "\"quota\":2000,\"period\":0,\"cpus\":\"\",\"mems\":\"0\"},\"pids\":{\"limit\":0},"
            "\"blockIO\":{\"weight\":0},\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}],"
            "\"unified\":{\"memory.high\":\"6\",\"memory.low\":\"1\"}}", &c);
  cgroups_resources_merge(&eff, &c);
  char *s = gen(&eff);
  assert_string_equal(s, "{\"devices\":[{\"allow\":false,\"type\":\"a\",\"access\":\"rwm\"}],"
                         "\"memory\":{\"limit\":300,\"swap\":200},"
                         "\"cpu\":{\"shares\":512,\"quota\":2000,\"period\":100000,\"cpus\":\"0-1\","
                         "\"mems\":\"0\"},\"pids\":{\"limit\":5},\"blockIO\":{\"weight\":10},"
                         "\"unified\":{\"memory.high\":\"6\",\"memory.low\":\"1\"}}");
  /* and what is written reads back the same */
  struct resources_cfg back;
  res_parse(s, &back);
  char *s2 = gen(&back);
  assert_string_equal(s, s2);
  free(s);
  free(s2);
  resources_cfg_free(&back);
  resources_cfg_free(&eff);
  resources_cfg_free(&c);
}

static void test_gen_everything(void **state) {
  (void)state;
  const char *json =
      "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
      "\"memory\":{\"limit\":1,\"reservation\":2,\"swap\":3,\"kernel\":4,\"kernelTCP\":5,"
      "\"swappiness\":6,\"disableOOMKiller\":true,\"useHierarchy\":true,\"checkBeforeUpdate\":true},"
      "\"cpu\":{\"shares\":7,\"quota\":8,\"burst\":9,\"period\":10,\"realtimeRuntime\":11,"
      "\"realtimePeriod\":12,\"cpus\":\"0\",\"mems\":\"0\",\"idle\":1},\"pids\":{\"limit\":13},"
      "\"blockIO\":{\"weight\":14,\"leafWeight\":15,\"weightDevice\":[{\"major\":8,\"minor\":0,"
      "\"weight\":16,\"leafWeight\":17}],\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
      "\"rate\":18}],\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":19}],"
      "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":20}],"
      "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":21}]},"
      "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":22}],\"network\":{\"classID\":23,"
      "\"priorities\":[{\"name\":\"eth0\",\"priority\":24}]},\"rdma\":{\"mlx\":{\"hcaHandles\":25,"
      "\"hcaObjects\":26}},\"unified\":{\"io.weight\":\"27\"}}";
  struct resources_cfg r;
  res_parse(json, &r);
  char *s = gen(&r);
  assert_string_equal(s, json);
  free(s);
  resources_cfg_free(&r);
}

static void test_container_resources(void **state) {
  (void)state;
  int dirfd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  put("config.json", "{\"ociVersion\":\"1.0.2\",\"linux\":{\"resources\":{\"pids\":{\"limit\":9}}}}");
  struct resources_cfg r;
  struct error *err = NULL;
  assert_int_equal(container_resources(dirfd, &r, &err), 0);
  assert_true(r.has_pids_limit);
  assert_int_equal(r.pids_limit, 9);
  resources_cfg_free(&r);
  put("resources.json", "{\"pids\":{\"limit\":11}}");
  assert_int_equal(container_resources(dirfd, &r, &err), 0);
  assert_int_equal(r.pids_limit, 11);
  resources_cfg_free(&r);
  put("resources.json", "{\"pids\":{\"limit\":\"x\"}}");
  assert_int_equal(container_resources(dirfd, &r, &err), -1);
  assert_non_null(err);
  assert_non_null(strstr(err->msg, "resources.json in the state directory: pids.limit"));
  error_free(err);
  char *p = at("resources.json");
  unlink(p);
  free(p);
  put("config.json", "{\"ociVersion\":\"1.0.2\"}");
  assert_int_equal(container_resources(dirfd, &r, &err), 0);
  assert_false(r.has_pids_limit);
  resources_cfg_free(&r);
  close(dirfd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_v1_stats, setup, teardown),
      cmocka_unit_test_setup_teardown(test_v2_stats, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_cgroups, setup, teardown),
      cmocka_unit_test(test_merge),
      cmocka_unit_test(test_gen_everything),
      cmocka_unit_test_setup_teardown(test_container_resources, setup, teardown),
  };
  return cmocka_run_group_tests_name("cgroups_stats", tests, NULL, NULL);
}
