/* validate.c - resource checks made before any cgroup directory exists, so
 * that a bad value leaves nothing behind: a controller the host lacks, an
 * impossible swap limit, cpu shares out of the kernel's range, unified keys
 * that escape the cgroup directory or name a controller that is not
 * enabled, lists that do not parse. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cpuset.h"
#include "../log.h"
#include "../utils.h"
#include "internal.h"

#define SHARES_MIN 2
#define SHARES_MAX 262144

static bool memory_set(const struct resources_cfg *r) {
  return (r->has_mem_limit && r->mem_limit) || (r->has_mem_reservation && r->mem_reservation) ||
         (r->has_mem_swap && r->mem_swap) || r->has_mem_swappiness ||
         (r->has_disable_oom_killer && r->disable_oom_killer) || r->has_use_hierarchy ||
         (r->has_mem_kernel_tcp && r->mem_kernel_tcp);
}

static bool cpu_set(const struct resources_cfg *r) {
  return (r->has_cpu_shares && r->cpu_shares) || (r->has_cpu_quota && r->cpu_quota) ||
         (r->has_cpu_period && r->cpu_period) || r->has_cpu_burst ||
         (r->has_cpu_rt_runtime && r->cpu_rt_runtime) || (r->has_cpu_rt_period && r->cpu_rt_period) ||
         r->has_cpu_idle;
}

static bool blkio_set(const struct resources_cfg *r) {
  size_t t = 0;
  for (int k = 0; k < 4; k++)
    t += r->n_throttle[k];
  return (r->has_blkio_weight && r->blkio_weight) || (r->has_blkio_leaf_weight && r->blkio_leaf_weight) ||
         r->n_weight_devices || t;
}

struct need {
  bool on;
  const char *ctrl;
  const char *what;
};

static int check_controllers(const struct cg_host *host, const struct resources_cfg *r,
                             struct error **err) {
  bool v2 = host->mode == CGROUP_MODE_V2;
  const struct need needs[] = {
      {memory_set(r), "memory", "linux.resources.memory"},
      {cpu_set(r), "cpu", "linux.resources.cpu"},
      {(r->cpu_cpus && *r->cpu_cpus) || (r->cpu_mems && *r->cpu_mems), "cpuset",
       "linux.resources.cpu"},
      {r->has_pids_limit && r->pids_limit, "pids", "linux.resources.pids"},
      {blkio_set(r), v2 ? "io" : "blkio", "linux.resources.blockIO"},
      {r->n_hugepages > 0, "hugetlb", "linux.resources.hugepageLimits"},
      {!v2 && r->has_net_class_id && r->net_class_id, "net_cls", "linux.resources.network.classID"},
      {!v2 && r->n_net_priorities, "net_prio", "linux.resources.network.priorities"},
      {r->n_rdma > 0, "rdma", "linux.resources.rdma"},
      {!v2 && r->n_devices > 0, "devices", "linux.resources.devices"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(needs); i++)
    if (needs[i].on && !cg_host_has(host, needs[i].ctrl))
      return error_set(err, ENOENT, "%s: the %s controller is not available on this host (cgroup %s)",
                       needs[i].what, needs[i].ctrl, v2 ? "v2" : "v1");
  return 0;
}

static int check_v2_only(const struct resources_cfg *r, struct error **err) {
  if ((r->has_cpu_rt_runtime && r->cpu_rt_runtime) || (r->has_cpu_rt_period && r->cpu_rt_period))
    return error_set(err, EINVAL,
                     "linux.resources.cpu: realtimeRuntime and realtimePeriod are not supported on "
                     "cgroup v2");
  if ((r->has_mem_kernel && r->mem_kernel) || (r->has_mem_kernel_tcp && r->mem_kernel_tcp))
    log_warn("linux.resources.memory: kernel memory limits do not exist on cgroup v2; ignored");
  if ((r->has_net_class_id && r->net_class_id) || r->n_net_priorities)
    log_warn("linux.resources.network: net_cls and net_prio do not exist on cgroup v2; ignored");
  if (r->has_blkio_leaf_weight && r->blkio_leaf_weight)
    log_warn("linux.resources.blockIO.leafWeight does not exist on cgroup v2; ignored");
  if (r->has_use_hierarchy && !r->use_hierarchy)
    return error_set(err, EINVAL, "linux.resources.memory.useHierarchy: cgroup v2 is always "
                                  "hierarchical");
  for (size_t i = 0; i < r->n_unified; i++) {
    if (cg_validate_unified_key(r->unified_keys[i], err) < 0)
      return -1;
  }
  return 0;
}

/* Memory and memory+swap are checked together, on the effective values. */
static int check_swap(bool v2, const struct resources_cfg *r, struct error **err) {
  bool lim = r->has_mem_limit && r->mem_limit > 0;
  bool swap = r->has_mem_swap && r->mem_swap > 0;
  if (lim && swap && r->mem_swap < r->mem_limit)
    return error_set(err, EINVAL, "linux.resources.memory.swap: memory+swap limit (%" PRId64
                     ") should be >= memory limit (%" PRId64 ")", r->mem_swap, r->mem_limit);
  if (v2 && swap && !lim)
    return error_set(err, EINVAL, "linux.resources.memory.swap: unable to set swap limit without "
                                  "memory limit");
  return 0;
}

static int check_values(const struct resources_cfg *r, struct error **err) {
  if (r->has_cpu_shares && r->cpu_shares && r->cpu_shares < SHARES_MIN)
    return error_set(err, EINVAL, "the minimum allowed cpu-shares is %d", SHARES_MIN);
  if (r->has_cpu_shares && r->cpu_shares > SHARES_MAX)
    return error_set(err, EINVAL, "the maximum allowed cpu-shares is %d", SHARES_MAX);
  if (r->has_pids_limit && r->pids_limit < -1)
    return error_set(err, EINVAL, "linux.resources.pids.limit: %" PRId64
                     " is not a valid limit (-1 for unlimited)", r->pids_limit);
  if (r->has_cpu_rt_runtime && r->cpu_rt_runtime < -1)
    return error_set(err, EINVAL, "linux.resources.cpu.realtimeRuntime: %" PRId64 " is not valid",
                     r->cpu_rt_runtime);
  cpu_set_t set;
  if (r->cpu_cpus && *r->cpu_cpus && cpuset_parse(r->cpu_cpus, &set) < 0)
    return error_set(err, EINVAL, "linux.resources.cpu.cpus: invalid cpu list \"%s\"", r->cpu_cpus);
  unsigned long nodes[16] = {0};
  if (r->cpu_mems && *r->cpu_mems && nodemask_parse(r->cpu_mems, nodes, sizeof(nodes) * CHAR_BIT) < 0)
    return error_set(err, EINVAL, "linux.resources.cpu.mems: invalid memory node list \"%s\"",
                     r->cpu_mems);
  return 0;
}

int cg_validate(const struct cg_host *host, const struct resources_cfg *r,
                const struct resources_cfg *eff, struct error **err) {
  if (r == NULL)
    return 0;
  bool v2 = host->mode == CGROUP_MODE_V2;
  if (r->n_unified && !v2)
    return error_set(err, EINVAL, "invalid configuration: cannot use unified on cgroup v1");
  if (check_values(r, err) < 0 || check_swap(v2, eff ? eff : r, err) < 0 ||
      check_controllers(host, r, err) < 0)
    return -1;
  if (v2) {
    if (check_v2_only(r, err) < 0)
      return -1;
    for (size_t i = 0; i < r->n_unified; i++) {
      const char *k = r->unified_keys[i];
      autofree char *c = xstrndup(k, strcspn(k, "."));
      if (strcmp(c, "cgroup") != 0 && !cg_host_has(host, c))
        return error_set(err, ENOENT, "unified resource \"%s\" can't be set: controller \"%s\" not "
                                      "available", k, c);
    }
  }
  return 0;
}

int cg_validate_unified_key(const char *key, struct error **err) {
  static const char *const refused[] = {"cgroup.procs", "cgroup.threads", "cgroup.kill",
                                        "cgroup.type"};
  if (*key == '\0' || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0)
    return error_set(err, EINVAL, "unified resource \"%s\" must be a file name (no slashes)", key);
  const char *dot = strchr(key, '.');
  if (dot == NULL || dot == key || dot[1] == '\0' || strstr(key, ".."))
    return error_set(err, EINVAL, "unified resource \"%s\" must be in the form CONTROLLER.PARAMETER",
                     key);
  for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
    if (strcmp(key, refused[i]) == 0)
      return error_set(err, EINVAL, "unified resource \"%s\" is not a resource (it moves, kills or "
                                    "retypes processes)", key);
  return 0;
}

static bool bits_subset(const unsigned long *a, const unsigned long *b, size_t words) {
  for (size_t i = 0; i < words; i++)
    if (a[i] & ~b[i])
      return false;
  return true;
}

int cg_cpuset_check(const char *what, const char *list, const char *parent, bool nodes,
                    struct error **err) {
  if (list == NULL || *list == '\0' || parent == NULL || *parent == '\0')
    return 0;
  bool ok;
  if (nodes) {
    unsigned long a[16] = {0}, b[16] = {0};
    if (nodemask_parse(list, a, sizeof(a) * CHAR_BIT) < 0 ||
        nodemask_parse(parent, b, sizeof(b) * CHAR_BIT) < 0)
      return error_set(err, EINVAL, "%s: invalid memory node list \"%s\"", what, list);
    ok = bits_subset(a, b, ARRAY_SIZE(a));
  } else {
    cpu_set_t a, b, both;
    if (cpuset_parse(list, &a) < 0 || cpuset_parse(parent, &b) < 0)
      return error_set(err, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
    CPU_AND(&both, &a, &b);
    ok = CPU_EQUAL(&both, &a);
  }
  if (!ok)
    return error_set(err, EINVAL, "%s: \"%s\" is not a subset of the parent cgroup's %s \"%s\"",
                     what, list, nodes ? "mems" : "cpus", parent);
  return 0;
}
