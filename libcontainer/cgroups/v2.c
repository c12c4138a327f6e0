/* v2.c - resources on the unified hierarchy.
 *
 * OCI's values are converted as runc converts them: cpu shares to
 * cpu.weight (1 + (shares - 2) * 9999 / 262142), blkio weight to io.weight
 * (1 + (weight - 10) * 9999 / 990) when there is no io.bfq.weight, memory+swap
 * to memory.swap.max (swap - limit), -1 to "max".  Unified keys are written
 * last so that they win over the converted values. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../log.h"
#include "../utils.h"
#include "internal.h"

uint64_t cg_shares_to_weight(uint64_t shares) {
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight) {
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  return 1 + ((weight - 10) * 9999) / 990;
}

int cg_v2_swap(int64_t swap, int64_t limit, int64_t *out, struct error **err) {
  /* As on v1, unlimited memory with swap unset means unlimited swap. */
  if (limit == -1 && swap == 0) {
    *out = -1;
    return 0;
  }
  if (swap == -1 || swap == 0) {
    *out = swap;
    return 0;
  }
  if (limit == 0 || limit == -1)
    return error_set(err, EINVAL, "unable to set swap limit without memory limit");
  if (limit < 0)
    return error_set(err, EINVAL, "invalid memory value: %" PRId64, limit);
  if (swap < limit)
    return error_set(err, EINVAL, "memory+swap limit should be >= memory limit");
  *out = swap - limit;
  return 0;
}

static void num(char *buf, size_t n, int64_t v) {
  if (v == -1)
    snprintf(buf, n, "max");
  else
    snprintf(buf, n, "%" PRId64, v);
}

static int check_usage(int fd, const char *dir, int64_t limit, struct error **err) {
  uint64_t cur;
  if (limit <= 0 || cg_read_u64(fd, dir, "memory.current", &cur, err) < 0)
    return limit <= 0 ? 0 : -1;
  if ((uint64_t)limit <= cur)
    return error_set(err, EBUSY, "rejecting memory limit %" PRId64 " below current usage %" PRIu64,
                     limit, cur);
  return 0;
}

static int apply_memory(int fd, const char *dir, const struct cg_apply_ctx *c, struct error **err) {
  const struct resources_cfg *r = c->r, *e = c->eff;
  bool lim = r->has_mem_limit && r->mem_limit, sw = r->has_mem_swap && r->mem_swap;
  char buf[32];
  if (lim && e->has_check_before_update && e->check_before_update &&
      check_usage(fd, dir, r->mem_limit, err) < 0)
    return -1;
  if (lim || sw) {
    int64_t swap;
    if (cg_v2_swap(e->has_mem_swap ? e->mem_swap : 0, e->has_mem_limit ? e->mem_limit : 0, &swap,
                   err) < 0)
      return -1;
    /* Equal memory and memory+swap: no swap at all. */
    bool zero = swap == 0 && e->has_mem_swap && e->mem_swap > 0;
    if (swap != 0 || zero) {
      num(buf, sizeof(buf), swap);
      struct error *x = NULL;
      if (cg_write(fd, dir, "memory.swap.max", buf, &x) < 0) {
        /* Without swap accounting there is nothing to disable. */
        if (!(x->errnum == ENOENT && (swap == -1 || swap == 0)))
          return cg_error_move(err, x);
        error_free(x);
      }
    }
  }
  if (lim) {
    num(buf, sizeof(buf), r->mem_limit);
    if (cg_write(fd, dir, "memory.max", buf, err) < 0)
      return -1;
  }
  if (r->has_mem_reservation && r->mem_reservation) {
    num(buf, sizeof(buf), r->mem_reservation);
    if (cg_write(fd, dir, "memory.low", buf, err) < 0)
      return -1;
  }
  if (r->has_mem_swappiness)
    log_warn("linux.resources.memory.swappiness does not exist on cgroup v2; ignored");
  if (r->has_disable_oom_killer && r->disable_oom_killer)
    log_warn("linux.resources.memory.disableOOMKiller does not exist on cgroup v2; ignored");
  return 0;
}

static int apply_cpu(int fd, const char *dir, const struct cg_apply_ctx *c, struct error **err) {
  const struct resources_cfg *r = c->r, *e = c->eff;
  if (r->has_cpu_shares && r->cpu_shares &&
      cg_writef(fd, dir, "cpu.weight", err, "%" PRIu64, cg_shares_to_weight(r->cpu_shares)) < 0)
    return -1;
  if (r->has_cpu_idle && cg_writef(fd, dir, "cpu.idle", err, "%" PRId64, r->cpu_idle) < 0)
    return -1;
  if ((r->has_cpu_quota && r->cpu_quota) || (r->has_cpu_period && r->cpu_period)) {
    /* cpu.max holds both: take the other one from the effective set. */
    int64_t q = e->has_cpu_quota ? e->cpu_quota : 0;
    uint64_t p = e->has_cpu_period ? e->cpu_period : 0;
    char buf[64];
    int n = q > 0 ? snprintf(buf, sizeof(buf), "%" PRId64, q) : snprintf(buf, sizeof(buf), "max");
    if (p)
      snprintf(buf + n, sizeof(buf) - (size_t)n, " %" PRIu64, p);
    if (cg_write(fd, dir, "cpu.max", buf, err) < 0)
      return -1;
  }
  if (r->has_cpu_burst &&
      cg_writef(fd, dir, "cpu.max.burst", err, "%" PRIu64, r->cpu_burst) < 0)
    return -1;
  return 0;
}

static int apply_cpuset(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  if (r->cpu_cpus && *r->cpu_cpus && cg_write(fd, dir, "cpuset.cpus", r->cpu_cpus, err) < 0)
    return -1;
  if (r->cpu_mems && *r->cpu_mems && cg_write(fd, dir, "cpuset.mems", r->cpu_mems, err) < 0)
    return -1;
  return 0;
}

/* io.bfq.weight takes "default N" and "MAJ:MIN N" lines on kernels that
 * know per-device weights; older ones show a single number. */
static bool bfq_per_device(int fd) {
  char buf[64] = "";
  autoclose int f = openat(fd, "io.bfq.weight", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (f < 0)
    return false;
  ssize_t n = read(f, buf, sizeof(buf) - 1);
  buf[n > 0 ? n : 0] = '\0';
  return strncmp(buf, "default", 7) == 0;
}

static int apply_io(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  static const char *const keys[4] = {"rbps", "wbps", "riops", "wiops"};
  bool bfq = cg_exists(fd, "io.bfq.weight");
  if (r->has_blkio_weight && r->blkio_weight) {
    if (bfq) {
      if (cg_writef(fd, dir, "io.bfq.weight", err, "%u", (unsigned)r->blkio_weight) < 0)
        return -1;
    } else if (cg_writef(fd, dir, "io.weight", err, "%" PRIu64,
                         cg_blkio_to_io_weight(r->blkio_weight)) < 0) {
      return -1;
    }
  }
  if (r->n_weight_devices && bfq && bfq_per_device(fd)) {
    for (size_t i = 0; i < r->n_weight_devices; i++) {
      const struct weight_device *w = &r->weight_devices[i];
      if (w->has_weight && w->weight &&
          cg_writef(fd, dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
                    (unsigned)w->weight) < 0)
        return -1;
    }
  } else if (r->n_weight_devices) {
    for (size_t i = 0; i < r->n_weight_devices; i++) {
      const struct weight_device *w = &r->weight_devices[i];
      if (w->has_weight && w->weight &&
          cg_writef(fd, dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64, w->major,
                    w->minor, cg_blkio_to_io_weight(w->weight)) < 0)
        return -1;
    }
  }
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < r->n_throttle[k]; i++) {
      const struct throttle_device *t = &r->throttle[k][i];
      if (cg_writef(fd, dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
                    t->minor, keys[k], t->rate) < 0)
        return -1;
    }
  return 0;
}

static int apply_unified(int fd, const char *dir, const struct resources_cfg *r, struct error **err) {
  for (size_t i = 0; i < r->n_unified; i++) {
    const char *k = r->unified_keys[i];
    if (cg_validate_unified_key(k, err) < 0)
      return -1;
    if (!cg_exists(fd, k)) {
      autofree char *c = xstrndup(k, strcspn(k, "."));
      return error_set(err, ENOENT, "unified resource \"%s\" can't be set: \"%s/%s\" does not exist "
                       "(is the %s controller enabled?)", k, dir, k, c);
    }
    if (cg_write(fd, dir, k, r->unified_values[i], err) < 0)
      return -1;
  }
  return 0;
}

static int apply_devices(int fd, const char *dir, const struct cg_apply_ctx *c, struct error **err) {
  size_t n;
  autofree struct device_rule *rules = cg_device_rules(c->r, &n);
  struct error *e = NULL;
  if (cg_bpf_attach_devices(fd, dir, rules, n, c->fresh, &e) == 0)
    return 0;
  if (c->rootless) {
    log_debug("rootless: device rules not applied: %s", e->msg);
    error_free(e);
    return 0;
  }
  return cg_error_move(err, e);
}

int cg_v2_apply(int fd, const char *dir, const struct cg_apply_ctx *c, struct error **err) {
  const struct resources_cfg *r = c->r;
  if (r) {
    if (r->has_pids_limit && r->pids_limit) {
      int rc = r->pids_limit < 0 ? cg_write(fd, dir, "pids.max", "max", err)
                                 : cg_writef(fd, dir, "pids.max", err, "%" PRId64, r->pids_limit);
      if (rc < 0)
        return -1;
    }
    if (apply_memory(fd, dir, c, err) < 0 || apply_io(fd, dir, r, err) < 0 ||
        apply_cpu(fd, dir, c, err) < 0)
      return -1;
  }
  if (c->create && apply_devices(fd, dir, c, err) < 0)
    return -1;
  if (r == NULL)
    return 0;
  if (apply_cpuset(fd, dir, r, err) < 0 ||
      cg_apply_hugetlb(fd, dir, r, "max", "rsvd.max", err) < 0 ||
      cg_rdma_apply(fd, dir, r, err) < 0 || apply_unified(fd, dir, r, err) < 0)
    return -1;
  return 0;
}

static bool word_in(const char *list, const char *w, size_t n) {
  for (const char *p = list; (p = strstr(p, w)) != NULL; p++) {
    bool start = p == list || p[-1] == ' ';
    bool end = p[n] == ' ' || p[n] == '\0' || p[n] == '\n';
    if (start && end)
      return true;
  }
  return false;
}

int cg_v2_enable_controllers(int fd, const char *dir, struct error **err) {
  autofree char *avail = NULL, *on = NULL;
  int r = cg_read_opt(fd, dir, "cgroup.controllers", &avail, err);
  if (r != 0)
    return r < 0 ? -1 : 0; /* only a test tree lacks it */
  if (cg_read(fd, dir, "cgroup.subtree_control", &on, err) < 0)
    return -1;
  char want[512] = "";
  size_t len = 0;
  for (char *p = avail; *p;) {
    size_t n = strcspn(p, " ");
    autofree char *c = xstrndup(p, n);
    if (!word_in(on, c, n) && len + n + 3 < sizeof(want))
      len += (size_t)snprintf(want + len, sizeof(want) - len, "%s+%s", len ? " " : "", c);
    p += n;
    while (*p == ' ')
      p++;
  }
  if (len == 0)
    return 0;
  struct error *e = NULL;
  if (cg_write(fd, dir, "cgroup.subtree_control", want, &e) == 0)
    return 0;
  log_debug("%s; enabling one controller at a time", e->msg);
  error_free(e);
  /* One by one: a controller the kernel refuses here (threaded, or busy)
   * is reported when a resource of it is set. */
  for (char *p = want; *p;) {
    size_t n = strcspn(p, " ");
    autofree char *one = xstrndup(p, n);
    e = NULL;
    if (cg_write(fd, dir, "cgroup.subtree_control", one, &e) < 0) {
      log_debug("%s", e->msg);
      error_free(e);
    }
    p += n;
    while (*p == ' ')
      p++;
  }
  return 0;
}
