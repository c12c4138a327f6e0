/* v1.c - resources on cgroup v1, one hierarchy at a time.
 *
 * Values follow runc: 0 means "not set" for the limits, -1 is unlimited,
 * memory and swap are written in the order the kernel accepts (swap first
 * when it grows), cfs period / quota and rt period / runtime are retried in
 * the other order when the kernel refuses the first write, and cpu.shares
 * is read back because the kernel clamps it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../log.h"
#include "../utils.h"
#include "internal.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

static int write_i64(int fd, const char *dir, const char *file, int64_t v, struct error **err) {
  return cg_writef(fd, dir, file, err, "%" PRId64, v);
}

static int set_limit(int fd, const char *dir, int64_t v, struct error **err) {
  if (v == 0)
    return 0;
  struct error *e = NULL;
  if (write_i64(fd, dir, "memory.limit_in_bytes", v, &e) == 0)
    return 0;
  if (e->errnum != EBUSY) {
    return cg_error_move(err, e);
  }
  error_free(e);
  uint64_t usage = 0, peak = 0;
  cg_read_u64(fd, dir, "memory.usage_in_bytes", &usage, NULL);
  cg_read_u64(fd, dir, "memory.max_usage_in_bytes", &peak, NULL);
  return error_set(err, EBUSY, "unable to set memory limit to %" PRId64 " (current usage: %" PRIu64
                   ", peak usage: %" PRIu64 ")", v, usage, peak);
}

static int set_swap(int fd, const char *dir, int64_t v, struct error **err) {
  if (v == 0)
    return 0;
  return write_i64(fd, dir, "memory.memsw.limit_in_bytes", v, err);
}

static int memory_and_swap(int fd, const char *dir, const struct resources_cfg *r,
                           struct error **err) {
  int64_t mem = r->has_mem_limit ? r->mem_limit : 0;
  int64_t swap = r->has_mem_swap ? r->mem_swap : 0;
  /* Unlimited memory with swap unset means unlimited swap too. */
  if (mem == -1 && swap == 0 && cg_exists(fd, "memory.memsw.limit_in_bytes"))
    swap = -1;
  if (mem != 0 && swap != 0) {
    uint64_t cur;
    if (cg_read_u64(fd, dir, "memory.limit_in_bytes", &cur, err) < 0)
      return -1;
    if (swap == -1 || cur < (uint64_t)swap) {
      if (set_swap(fd, dir, swap, err) < 0 || set_limit(fd, dir, mem, err) < 0)
        return -1;
      return 0;
    }
  }
  if (set_limit(fd, dir, mem, err) < 0 || set_swap(fd, dir, swap, err) < 0)
    return -1;
  return 0;
}

static int kernel_memory(int fd, const char *dir, int64_t v, struct error **err) {
  if (!cg_exists(fd, "memory.kmem.limit_in_bytes")) {
    log_warn("linux.resources.memory.kernel: this kernel has no kernel memory limit; ignored");
    return 0;
  }
  struct error *e = NULL;
  if (write_i64(fd, dir, "memory.kmem.limit_in_bytes", v, &e) == 0)
    return 0;
  if (e->errnum == EOPNOTSUPP || e->errnum == ENOTSUPP) {
    log_warn("linux.resources.memory.kernel: %s; ignored", e->msg);
    error_free(e);
    return 0;
  }
  return cg_error_move(err, e);
}

static int apply_memory(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  if (memory_and_swap(fd, dir, r, err) < 0)
    return -1;
  if (r->has_mem_reservation && r->mem_reservation &&
      write_i64(fd, dir, "memory.soft_limit_in_bytes", r->mem_reservation, err) < 0)
    return -1;
  if (r->has_mem_kernel && r->mem_kernel && kernel_memory(fd, dir, r->mem_kernel, err) < 0)
    return -1;
  if (r->has_mem_kernel_tcp && r->mem_kernel_tcp &&
      write_i64(fd, dir, "memory.kmem.tcp.limit_in_bytes", r->mem_kernel_tcp, err) < 0)
    return -1;
  if (r->has_disable_oom_killer && r->disable_oom_killer &&
      cg_write(fd, dir, "memory.oom_control", "1", err) < 0)
    return -1;
  if (r->has_mem_swappiness &&
      cg_writef(fd, dir, "memory.swappiness", err, "%" PRIu64, r->mem_swappiness) < 0)
    return -1;
  if (r->has_use_hierarchy &&
      cg_write(fd, dir, "memory.use_hierarchy", r->use_hierarchy ? "1" : "0", err) < 0)
    return -1;
  return 0;
}

/* Write a then b; when the kernel refuses a with EINVAL and b is set, write
 * b first and a again (period / quota pairs depend on each other). */
static int ordered_pair(int fd, const char *dir, const char *fa, const char *va, const char *fb,
                        const char *vb, struct error **err) {
  bool retry = false;
  if (va) {
    struct error *e = NULL;
    if (cg_write(fd, dir, fa, va, &e) < 0) {
      if (e->errnum != EINVAL || vb == NULL) {
        return cg_error_move(err, e);
      }
      error_free(e);
      retry = true;
    }
  }
  if (vb && cg_write(fd, dir, fb, vb, err) < 0)
    return -1;
  if (retry && cg_write(fd, dir, fa, va, err) < 0)
    return -1;
  return 0;
}

static int apply_shares(int fd, const char *dir, uint64_t shares, struct error **err) {
  if (cg_writef(fd, dir, "cpu.shares", err, "%" PRIu64, shares) < 0)
    return -1;
  uint64_t got;
  if (cg_read_u64(fd, dir, "cpu.shares", &got, err) < 0)
    return -1;
  if (shares > got)
    return error_set(err, EINVAL, "the maximum allowed cpu-shares is %" PRIu64, got);
  if (shares < got)
    return error_set(err, EINVAL, "the minimum allowed cpu-shares is %" PRIu64, got);
  return 0;
}

static int apply_cpu(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  char p[32], q[32], rp[32], rr[32];
  if (r->has_cpu_shares && r->cpu_shares && apply_shares(fd, dir, r->cpu_shares, err) < 0)
    return -1;
  bool hp = r->has_cpu_period && r->cpu_period, hq = r->has_cpu_quota && r->cpu_quota;
  snprintf(p, sizeof(p), "%" PRIu64, r->cpu_period);
  snprintf(q, sizeof(q), "%" PRId64, r->cpu_quota);
  if (ordered_pair(fd, dir, "cpu.cfs_period_us", hp ? p : NULL, "cpu.cfs_quota_us", hq ? q : NULL,
                   err) < 0)
    return -1;
  if (r->has_cpu_burst &&
      cg_writef(fd, dir, "cpu.cfs_burst_us", err, "%" PRIu64, r->cpu_burst) < 0)
    return -1;
  bool hrp = r->has_cpu_rt_period && r->cpu_rt_period;
  bool hrr = r->has_cpu_rt_runtime && r->cpu_rt_runtime;
  snprintf(rp, sizeof(rp), "%" PRIu64, r->cpu_rt_period);
  snprintf(rr, sizeof(rr), "%" PRId64, r->cpu_rt_runtime);
  if (ordered_pair(fd, dir, "cpu.rt_period_us", hrp ? rp : NULL, "cpu.rt_runtime_us",
                   hrr ? rr : NULL, err) < 0)
    return -1;
  if (r->has_cpu_idle && cg_writef(fd, dir, "cpu.idle", err, "%" PRId64, r->cpu_idle) < 0)
    return -1;
  return 0;
}

static int apply_cpuset(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  if (r->cpu_mems && *r->cpu_mems && cg_write(fd, dir, "cpuset.mems", r->cpu_mems, err) < 0)
    return -1;
  if (r->cpu_cpus && *r->cpu_cpus && cg_write(fd, dir, "cpuset.cpus", r->cpu_cpus, err) < 0)
    return -1;
  return 0;
}

static int apply_pids(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  if (!r->has_pids_limit || r->pids_limit == 0)
    return 0;
  if (r->pids_limit < 0)
    return cg_write(fd, dir, "pids.max", "max", err);
  return write_i64(fd, dir, "pids.max", r->pids_limit, err);
}

static int apply_throttle(int fd, const char *dir, const char *file,
                          const struct throttle_device *t, size_t n, struct error **err) {
  for (size_t i = 0; i < n; i++)
    if (cg_writef(fd, dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
                  t[i].rate) < 0)
      return -1;
  return 0;
}

static int apply_blkio(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  static const char *const tfiles[4] = {"blkio.throttle.read_bps_device",
                                        "blkio.throttle.write_bps_device",
                                        "blkio.throttle.read_iops_device",
                                        "blkio.throttle.write_iops_device"};
  bool cfq = cg_exists(fd, "blkio.weight");
  const char *wf = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *wdf = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  if (r->has_blkio_weight && r->blkio_weight &&
      cg_writef(fd, dir, wf, err, "%u", (unsigned)r->blkio_weight) < 0)
    return -1;
  if (r->has_blkio_leaf_weight && r->blkio_leaf_weight &&
      cg_writef(fd, dir, "blkio.leaf_weight", err, "%u", (unsigned)r->blkio_leaf_weight) < 0)
    return -1;
  for (size_t i = 0; i < r->n_weight_devices; i++) {
    const struct weight_device *w = &r->weight_devices[i];
    if (w->has_weight && w->weight &&
        cg_writef(fd, dir, wdf, err, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
                  (unsigned)w->weight) < 0)
      return -1;
    if (w->has_leaf_weight && w->leaf_weight &&
        cg_writef(fd, dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u",
                  w->major, w->minor, (unsigned)w->leaf_weight) < 0)
      return -1;
  }
  for (int k = 0; k < 4; k++)
    if (apply_throttle(fd, dir, tfiles[k], r->throttle[k], r->n_throttle[k], err) < 0)
      return -1;
  return 0;
}

static int apply_net(int fd, const char *dir, const char *ctrls, const struct resources_cfg *r,
                     struct error **err) {
  if (cg_list_has(ctrls, "net_cls") && r->has_net_class_id && r->net_class_id &&
      cg_writef(fd, dir, "net_cls.classid", err, "%u", r->net_class_id) < 0)
    return -1;
  if (cg_list_has(ctrls, "net_prio"))
    for (size_t i = 0; i < r->n_net_priorities; i++)
      if (cg_writef(fd, dir, "net_prio.ifpriomap", err, "%s %u", r->net_priorities[i].name,
                    r->net_priorities[i].priority) < 0)
        return -1;
  return 0;
}

int cg_rdma_apply(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  for (size_t i = 0; i < r->n_rdma; i++) {
    const struct rdma_limit *l = &r->rdma[i];
    char buf[256], h[40] = "", o[40] = "";
    if (!l->has_hca_handles && !l->has_hca_objects)
      continue;
    if (l->has_hca_handles)
      snprintf(h, sizeof(h), " hca_handle=%u", l->hca_handles);
    if (l->has_hca_objects)
      snprintf(o, sizeof(o), " hca_object=%u", l->hca_objects);
    snprintf(buf, sizeof(buf), "%s%s%s", l->device, h, o);
    if (cg_write(fd, dir, "rdma.max", buf, err) < 0)
      return -1;
  }
  return 0;
}

static int apply_devices(int fd, const char *dir, const struct cg_apply_ctx *c, struct error **err) {
  size_t n;
  autofree struct device_rule *rules = cg_device_rules(c->r, &n);
  struct error *e = NULL;
  if (cg_v1_devices(fd, dir, rules, n, &e) == 0)
    return 0;
  if (c->rootless) {
    log_debug("rootless: device rules not applied: %s", e->msg);
    error_free(e);
    return 0;
  }
  return cg_error_move(err, e);
}

int cg_v1_apply_one(const char *ctrls, int fd, const char *dir, const struct cg_apply_ctx *c,
                    struct error **err) {
  const struct resources_cfg *r = c->r;
  if (cg_list_has(ctrls, "devices") && c->create && apply_devices(fd, dir, c, err) < 0)
    return -1;
  if (r == NULL)
    return 0;
  if (cg_list_has(ctrls, "cpuset") && apply_cpuset(fd, dir, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "memory") && apply_memory(fd, dir, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "cpu") && apply_cpu(fd, dir, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "pids") && apply_pids(fd, dir, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "blkio") && apply_blkio(fd, dir, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "hugetlb") &&
      cg_apply_hugetlb(fd, dir, r, "limit_in_bytes", "rsvd.limit_in_bytes", err) < 0)
    return -1;
  if (apply_net(fd, dir, ctrls, r, err) < 0)
    return -1;
  if (cg_list_has(ctrls, "rdma") && cg_rdma_apply(fd, dir, r, err) < 0)
    return -1;
  return 0;
}

/* A new cpuset cgroup starts with no cpus and no mems, and no task can join
 * it: copy the parent's where empty (and not about to be written). */
int cg_v1_cpuset_init(int parentfd, const char *parent, int fd, const char *dir, bool made,
                      const struct resources_cfg *r, struct error **err) {
  static const char *const files[2] = {"cpuset.cpus", "cpuset.mems"};
  const char *want[2] = {r ? r->cpu_cpus : NULL, r ? r->cpu_mems : NULL};
  for (int i = 0; i < 2; i++) {
    autofree char *cur = NULL, *up = NULL;
    if (made && want[i] && *want[i])
      continue;
    if (!made) {
      int rc = cg_read_opt(fd, dir, files[i], &cur, err);
      if (rc < 0)
        return -1;
      if (rc == 0 && *cur)
        continue;
    }
    if (cg_read(parentfd, parent, files[i], &up, err) < 0)
      return -1;
    if (*up && cg_write(fd, dir, files[i], up, err) < 0)
      return -1;
  }
  return 0;
}
