/* config_resources.c - linux.resources (also the document of `update -r`). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "utils.h"

static int parse_device_rules(yajl_val arr, const char *path, struct resources_cfg *r,
                              struct error **err) {
  char ep[320], p[352];
  r->n_devices = arr->u.array.len;
  r->devices = xcalloc(r->n_devices, sizeof(struct device_rule));
  for (size_t i = 0; i < r->n_devices; i++) {
    yajl_val e = arr->u.array.values[i];
    struct device_rule *d = &r->devices[i];
    autofree char *type = NULL, *access = NULL;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int got = jget_bool(e, ep, "allow", &d->allow, err);
    if (got < 0)
      return -1;
    if (got == 0)
      return error_set(err, EINVAL, "%s.allow: missing required field", ep);
    if (jget_str(e, ep, "type", &type, err) < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "type");
    if (type == NULL || *type == '\0')
      d->type = 'a';
    else if (strlen(type) == 1 && strchr("abc", type[0]))
      d->type = type[0];
    else
      return error_set(err, EINVAL, "%s: unknown device type \"%s\" (a, b or c)", p, type);
    d->major = d->minor = -1;
    if ((got = jget_i64(e, ep, "major", &d->major, err)) < 0)
      return -1;
    d->has_major = got;
    if ((got = jget_i64(e, ep, "minor", &d->minor, err)) < 0)
      return -1;
    d->has_minor = got;
    if (d->major < -1 || d->minor < -1)
      return error_set(err, EINVAL, "%s: negative device number", ep);
    if (jget_str(e, ep, "access", &access, err) < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "access");
    if (access == NULL || *access == '\0') {
      strcpy(d->access, "rwm");
    } else {
      /* As runc: r, w and m count, once each; other letters ("rwa" is
       * common in configs written for runc) are ignored. */
      size_t n = 0;
      bool ignored = false;
      for (const char *a = access; *a; a++) {
        if (!strchr("rwm", *a))
          ignored = true;
        else if (!strchr(d->access, *a)) {
          d->access[n++] = *a;
          d->access[n] = '\0';
        }
      }
      if (n == 0)
        return error_set(err, EINVAL, "%s: invalid access \"%s\" (a subset of rwm)", p, access);
      if (ignored)
        log_debug("%s: \"%s\" has letters other than r, w and m; they are ignored", p, access);
    }
  }
  return 0;
}

static int memory_value(yajl_val v, const char *path, const char *key, bool *has, int64_t *out,
                        struct error **err) {
  int r = jget_i64(v, path, key, out, err);
  if (r < 0)
    return -1;
  *has = r;
  if (r && *out < -1)
    return error_set(err, EINVAL, "%s.%s: %" PRId64 " is not a valid limit (-1 for unlimited)",
                     path, key, *out);
  return 0;
}

static int parse_memory(yajl_val v, const char *path, struct resources_cfg *r, struct error **err) {
  int got;
  if (memory_value(v, path, "limit", &r->has_mem_limit, &r->mem_limit, err) < 0 ||
      memory_value(v, path, "reservation", &r->has_mem_reservation, &r->mem_reservation, err) < 0 ||
      memory_value(v, path, "swap", &r->has_mem_swap, &r->mem_swap, err) < 0 ||
      memory_value(v, path, "kernel", &r->has_mem_kernel, &r->mem_kernel, err) < 0 ||
      memory_value(v, path, "kernelTCP", &r->has_mem_kernel_tcp, &r->mem_kernel_tcp, err) < 0)
    return -1;
  yajl_val sw = json_get(v, "swappiness");
  if (sw && sw->type == yajl_t_number && sw->u.number.r[0] == '-') {
    /* -1 is what some callers send for "not set". */
    int64_t x;
    if (parse_i64(sw->u.number.r, &x) == 0 && x == -1)
      goto skip_swappiness;
  }
  if ((got = jget_u64(v, path, "swappiness", &r->mem_swappiness, err)) < 0)
    return -1;
  r->has_mem_swappiness = got && r->mem_swappiness != UINT64_MAX;
  if (r->has_mem_swappiness && r->mem_swappiness > 100)
    return error_set(err, EINVAL, "%s.swappiness: %" PRIu64 " is out of range 0..100", path,
                     r->mem_swappiness);
skip_swappiness:
  if ((got = jget_bool(v, path, "disableOOMKiller", &r->disable_oom_killer, err)) < 0)
    return -1;
  r->has_disable_oom_killer = got;
  if ((got = jget_bool(v, path, "useHierarchy", &r->use_hierarchy, err)) < 0)
    return -1;
  r->has_use_hierarchy = got;
  if ((got = jget_bool(v, path, "checkBeforeUpdate", &r->check_before_update, err)) < 0)
    return -1;
  r->has_check_before_update = got;
  return 0;
}

static int parse_cpu(yajl_val v, const char *path, struct resources_cfg *r, struct error **err) {
  int got;
#define CPU_FIELD(getter, key, hasf, field)                 \
  if ((got = getter(v, path, key, &r->field, err)) < 0)     \
    return -1;                                              \
  r->hasf = got;
  CPU_FIELD(jget_u64, "shares", has_cpu_shares, cpu_shares)
  CPU_FIELD(jget_i64, "quota", has_cpu_quota, cpu_quota)
  CPU_FIELD(jget_u64, "burst", has_cpu_burst, cpu_burst)
  CPU_FIELD(jget_u64, "period", has_cpu_period, cpu_period)
  CPU_FIELD(jget_i64, "realtimeRuntime", has_cpu_rt_runtime, cpu_rt_runtime)
  CPU_FIELD(jget_u64, "realtimePeriod", has_cpu_rt_period, cpu_rt_period)
  CPU_FIELD(jget_i64, "idle", has_cpu_idle, cpu_idle)
#undef CPU_FIELD
  if (r->has_cpu_idle && r->cpu_idle != 0 && r->cpu_idle != 1)
    return error_set(err, EINVAL, "%s.idle: %" PRId64 " is not 0 or 1", path, r->cpu_idle);
  if (r->has_cpu_quota && r->cpu_quota < -1)
    return error_set(err, EINVAL, "%s.quota: %" PRId64 " is not valid (-1 for unlimited)", path,
                     r->cpu_quota);
  if (jget_str(v, path, "cpus", &r->cpu_cpus, err) < 0 || jget_str(v, path, "mems", &r->cpu_mems, err) < 0)
    return -1;
  return 0;
}

static int parse_weight_devices(yajl_val arr, const char *path, struct resources_cfg *r,
                                struct error **err) {
  char ep[352];
  r->n_weight_devices = arr->u.array.len;
  r->weight_devices = xcalloc(r->n_weight_devices, sizeof(struct weight_device));
  for (size_t i = 0; i < r->n_weight_devices; i++) {
    yajl_val e = arr->u.array.values[i];
    struct weight_device *w = &r->weight_devices[i];
    int got;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0 ||
        jget_i64(e, ep, "major", &w->major, err) < 0 || jget_i64(e, ep, "minor", &w->minor, err) < 0)
      return -1;
    if ((got = jget_u16(e, ep, "weight", &w->weight, err)) < 0)
      return -1;
    w->has_weight = got;
    if ((got = jget_u16(e, ep, "leafWeight", &w->leaf_weight, err)) < 0)
      return -1;
    w->has_leaf_weight = got;
  }
  return 0;
}

static int parse_throttle(yajl_val arr, const char *path, struct throttle_device **out, size_t *n,
                          struct error **err) {
  char ep[352];
  *n = arr->u.array.len;
  *out = xcalloc(*n, sizeof(struct throttle_device));
  for (size_t i = 0; i < *n; i++) {
    yajl_val e = arr->u.array.values[i];
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0 ||
        jget_i64(e, ep, "major", &(*out)[i].major, err) < 0 ||
        jget_i64(e, ep, "minor", &(*out)[i].minor, err) < 0 ||
        jget_u64(e, ep, "rate", &(*out)[i].rate, err) < 0)
      return -1;
  }
  return 0;
}

static int parse_blkio(yajl_val v, const char *path, struct resources_cfg *r, struct error **err) {
  static const char *keys[4] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                                "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  yajl_val arr;
  char p[320];
  int got;
  if ((got = jget_u16(v, path, "weight", &r->blkio_weight, err)) < 0)
    return -1;
  r->has_blkio_weight = got;
  if ((got = jget_u16(v, path, "leafWeight", &r->blkio_leaf_weight, err)) < 0)
    return -1;
  r->has_blkio_leaf_weight = got;
  if ((got = jget_arr(v, path, "weightDevice", &arr, err)) < 0)
    return -1;
  jpath_key(p, sizeof(p), path, "weightDevice");
  if (got && parse_weight_devices(arr, p, r, err) < 0)
    return -1;
  for (int k = 0; k < 4; k++) {
    if ((got = jget_arr(v, path, keys[k], &arr, err)) < 0)
      return -1;
    jpath_key(p, sizeof(p), path, keys[k]);
    if (got && parse_throttle(arr, p, &r->throttle[k], &r->n_throttle[k], err) < 0)
      return -1;
  }
  return 0;
}

static int parse_hugepages(yajl_val arr, const char *path, struct resources_cfg *r,
                           struct error **err) {
  char ep[320];
  r->n_hugepages = arr->u.array.len;
  r->hugepages = xcalloc(r->n_hugepages, sizeof(struct hugepage_limit));
  for (size_t i = 0; i < r->n_hugepages; i++) {
    yajl_val e = arr->u.array.values[i];
    struct hugepage_limit *h = &r->hugepages[i];
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int got = jget_str(e, ep, "pageSize", &h->page_size, err);
    if (got < 0)
      return -1;
    if (got == 0 || *h->page_size == '\0')
      return error_set(err, EINVAL, "%s.pageSize: missing required field", ep);
    size_t n = strspn(h->page_size, "0123456789");
    const char *unit = h->page_size + n;
    if (n == 0 || (strcmp(unit, "KB") && strcmp(unit, "MB") && strcmp(unit, "GB") &&
                   strcmp(unit, "TB") && strcmp(unit, "PB")))
      return error_set(err, EINVAL, "%s.pageSize: \"%s\" is not a page size like 2MB", ep,
                       h->page_size);
    if (jget_u64(e, ep, "limit", &h->limit, err) < 0)
      return -1;
  }
  return 0;
}

static int parse_network(yajl_val v, const char *path, struct resources_cfg *r, struct error **err) {
  yajl_val arr;
  char p[320], ep[352];
  int got = jget_u32(v, path, "classID", &r->net_class_id, err);
  if (got < 0)
    return -1;
  r->has_net_class_id = got;
  if ((got = jget_arr(v, path, "priorities", &arr, err)) <= 0)
    return got;
  jpath_key(p, sizeof(p), path, "priorities");
  r->n_net_priorities = arr->u.array.len;
  r->net_priorities = xcalloc(r->n_net_priorities, sizeof(struct net_priority));
  for (size_t i = 0; i < r->n_net_priorities; i++) {
    yajl_val e = arr->u.array.values[i];
    jpath_idx(ep, sizeof(ep), p, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0 ||
        jget_str(e, ep, "name", &r->net_priorities[i].name, err) < 0 ||
        jget_u32(e, ep, "priority", &r->net_priorities[i].priority, err) < 0)
      return -1;
    if (r->net_priorities[i].name == NULL)
      return error_set(err, EINVAL, "%s.name: missing required field", ep);
  }
  return 0;
}

static int parse_rdma(yajl_val v, const char *path, struct resources_cfg *r, struct error **err) {
  char ep[352];
  r->n_rdma = v->u.object.len;
  r->rdma = xcalloc(r->n_rdma, sizeof(struct rdma_limit));
  for (size_t i = 0; i < r->n_rdma; i++) {
    struct rdma_limit *l = &r->rdma[i];
    yajl_val e = v->u.object.values[i];
    snprintf(ep, sizeof(ep), "%s.%s", path, v->u.object.keys[i]);
    l->device = xstrdup(v->u.object.keys[i]);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int got = jget_u32(e, ep, "hcaHandles", &l->hca_handles, err);
    if (got < 0)
      return -1;
    l->has_hca_handles = got;
    if ((got = jget_u32(e, ep, "hcaObjects", &l->hca_objects, err)) < 0)
      return -1;
    l->has_hca_objects = got;
  }
  return 0;
}

int config_parse_resources(yajl_val v, const char *path, struct resources_cfg *r,
                           struct error **err) {
  yajl_val sub;
  char p[320];
  int got;
  if (jval_expect(v, path, "object", v && v->type == yajl_t_object, err) < 0)
    return -1;
#define SECTION(getter, key, fn)                   \
  if ((got = getter(v, path, key, &sub, err)) < 0) \
    return -1;                                     \
  jpath_key(p, sizeof(p), path, key);              \
  if (got && fn(sub, p, r, err) < 0)               \
    return -1;
  SECTION(jget_arr, "devices", parse_device_rules)
  SECTION(jget_obj, "memory", parse_memory)
  SECTION(jget_obj, "cpu", parse_cpu)
  SECTION(jget_obj, "blockIO", parse_blkio)
  SECTION(jget_arr, "hugepageLimits", parse_hugepages)
  SECTION(jget_obj, "network", parse_network)
  SECTION(jget_obj, "rdma", parse_rdma)
#undef SECTION
  if ((got = jget_obj(v, path, "pids", &sub, err)) < 0)
    return -1;
  if (got) {
    jpath_key(p, sizeof(p), path, "pids");
    if ((got = jget_i64(sub, p, "limit", &r->pids_limit, err)) < 0)
      return -1;
    r->has_pids_limit = got;
  }
  if (jget_strmap(v, path, "unified", &r->unified_keys, &r->unified_values, &r->n_unified, err) < 0)
    return -1;
  return 0;
}

void resources_cfg_free(struct resources_cfg *r) {
  free(r->devices);
  free(r->cpu_cpus);
  free(r->cpu_mems);
  free(r->weight_devices);
  for (int k = 0; k < 4; k++)
    free(r->throttle[k]);
  for (size_t i = 0; i < r->n_hugepages; i++)
    free(r->hugepages[i].page_size);
  free(r->hugepages);
  for (size_t i = 0; i < r->n_net_priorities; i++)
    free(r->net_priorities[i].name);
  free(r->net_priorities);
  for (size_t i = 0; i < r->n_rdma; i++)
    free(r->rdma[i].device);
  free(r->rdma);
  strv_free(r->unified_keys);
  strv_free(r->unified_values);
  memset(r, 0, sizeof(*r));
}
