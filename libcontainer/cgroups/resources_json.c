/* resources_json.c - the container's effective resources after `update`:
 * merging a change into them, and writing them back as an OCI
 * LinuxResources object (what config_parse_resources reads). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../utils.h"
#include "internal.h"

#define TAKE(f)                      \
  do {                               \
    if (c->has_##f) {                \
      eff->has_##f = true;           \
      eff->f = c->f;                 \
    }                                \
  } while (0)

/* For the values runc reads as "0 is not set" (its update template is
 * all zeros). */
#define TAKE_NZ(f)                   \
  do {                               \
    if (c->has_##f && c->f) {        \
      eff->has_##f = true;           \
      eff->f = c->f;                 \
    }                                \
  } while (0)

static void take_str(char **dst, const char *src) {
  if (src && *src) {
    free(*dst);
    *dst = xstrdup(src);
  }
}

static void merge_unified(struct resources_cfg *eff, const struct resources_cfg *c) {
  for (size_t i = 0; i < c->n_unified; i++) {
    size_t j = 0;
    while (j < eff->n_unified && strcmp(eff->unified_keys[j], c->unified_keys[i]) != 0)
      j++;
    if (j < eff->n_unified) {
      free(eff->unified_values[j]);
      eff->unified_values[j] = xstrdup(c->unified_values[i]);
      continue;
    }
    size_t n = eff->n_unified;
    strv_push(&eff->unified_keys, &n, c->unified_keys[i]);
    n = eff->n_unified;
    strv_push(&eff->unified_values, &n, c->unified_values[i]);
    eff->n_unified++;
  }
}

void cgroups_resources_merge(struct resources_cfg *eff, const struct resources_cfg *c) {
  /* memory (kernel, kernelTCP: ignored by update, as runc does) */
  TAKE_NZ(mem_limit);
  TAKE_NZ(mem_reservation);
  TAKE_NZ(mem_swap);
  TAKE(mem_swappiness);
  TAKE(check_before_update);
  /* cpu */
  TAKE_NZ(cpu_shares);
  TAKE_NZ(cpu_quota);
  TAKE_NZ(cpu_period);
  TAKE(cpu_burst);
  TAKE_NZ(cpu_rt_runtime);
  TAKE_NZ(cpu_rt_period);
  TAKE(cpu_idle);
  take_str(&eff->cpu_cpus, c->cpu_cpus);
  take_str(&eff->cpu_mems, c->cpu_mems);
  TAKE_NZ(pids_limit);
  TAKE_NZ(blkio_weight);
  merge_unified(eff, c);
}

#define GEN_I64(k, f)                  \
  if (r->has_##f)                      \
  jgen_kv_int(g, k, r->f)
#define GEN_U64(k, f)                  \
  if (r->has_##f)                      \
  jgen_kv_uint(g, k, r->f)

static void gen_devices(struct jgen *g, const struct resources_cfg *r) {
  if (r->n_devices == 0)
    return;
  jgen_key(g, "devices");
  jgen_array_open(g);
  for (size_t i = 0; i < r->n_devices; i++) {
    const struct device_rule *d = &r->devices[i];
    char t[2] = {d->type, '\0'};
    jgen_map_open(g);
    jgen_kv_bool(g, "allow", d->allow);
    jgen_kv_str(g, "type", t);
    if (d->has_major)
      jgen_kv_int(g, "major", d->major);
    if (d->has_minor)
      jgen_kv_int(g, "minor", d->minor);
    jgen_kv_str(g, "access", d->access);
    jgen_map_close(g);
  }
  jgen_array_close(g);
}

static void gen_memory(struct jgen *g, const struct resources_cfg *r) {
  jgen_key(g, "memory");
  jgen_map_open(g);
  GEN_I64("limit", mem_limit);
  GEN_I64("reservation", mem_reservation);
  GEN_I64("swap", mem_swap);
  GEN_I64("kernel", mem_kernel);
  GEN_I64("kernelTCP", mem_kernel_tcp);
  GEN_U64("swappiness", mem_swappiness);
  if (r->has_disable_oom_killer)
    jgen_kv_bool(g, "disableOOMKiller", r->disable_oom_killer);
  if (r->has_use_hierarchy)
    jgen_kv_bool(g, "useHierarchy", r->use_hierarchy);
  if (r->has_check_before_update)
    jgen_kv_bool(g, "checkBeforeUpdate", r->check_before_update);
  jgen_map_close(g);
}

static void gen_cpu(struct jgen *g, const struct resources_cfg *r) {
  jgen_key(g, "cpu");
  jgen_map_open(g);
  GEN_U64("shares", cpu_shares);
  GEN_I64("quota", cpu_quota);
  GEN_U64("burst", cpu_burst);
  GEN_U64("period", cpu_period);
  GEN_I64("realtimeRuntime", cpu_rt_runtime);
  GEN_U64("realtimePeriod", cpu_rt_period);
  if (r->cpu_cpus)
    jgen_kv_str(g, "cpus", r->cpu_cpus);
  if (r->cpu_mems)
    jgen_kv_str(g, "mems", r->cpu_mems);
  GEN_I64("idle", cpu_idle);
  jgen_map_close(g);
}

static void gen_rates(struct jgen *g, const char *key, const struct throttle_device *t, size_t n) {
  if (n == 0)
    return;
  jgen_key(g, key);
  jgen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    jgen_map_open(g);
    jgen_kv_int(g, "major", t[i].major);
    jgen_kv_int(g, "minor", t[i].minor);
    jgen_kv_uint(g, "rate", t[i].rate);
    jgen_map_close(g);
  }
  jgen_array_close(g);
}

static void gen_blkio(struct jgen *g, const struct resources_cfg *r) {
  static const char *const keys[4] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                                      "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  jgen_key(g, "blockIO");
  jgen_map_open(g);
  GEN_U64("weight", blkio_weight);
  GEN_U64("leafWeight", blkio_leaf_weight);
  if (r->n_weight_devices) {
    jgen_key(g, "weightDevice");
    jgen_array_open(g);
    for (size_t i = 0; i < r->n_weight_devices; i++) {
      const struct weight_device *w = &r->weight_devices[i];
      jgen_map_open(g);
      jgen_kv_int(g, "major", w->major);
      jgen_kv_int(g, "minor", w->minor);
      if (w->has_weight)
        jgen_kv_uint(g, "weight", w->weight);
      if (w->has_leaf_weight)
        jgen_kv_uint(g, "leafWeight", w->leaf_weight);
      jgen_map_close(g);
    }
    jgen_array_close(g);
  }
  for (int k = 0; k < 4; k++)
    gen_rates(g, keys[k], r->throttle[k], r->n_throttle[k]);
  jgen_map_close(g);
}

static void gen_rest(struct jgen *g, const struct resources_cfg *r) {
  if (r->n_hugepages) {
    jgen_key(g, "hugepageLimits");
    jgen_array_open(g);
    for (size_t i = 0; i < r->n_hugepages; i++) {
      jgen_map_open(g);
      jgen_kv_str(g, "pageSize", r->hugepages[i].page_size);
      jgen_kv_uint(g, "limit", r->hugepages[i].limit);
      jgen_map_close(g);
    }
    jgen_array_close(g);
  }
  if (r->has_net_class_id || r->n_net_priorities) {
    jgen_key(g, "network");
    jgen_map_open(g);
    GEN_U64("classID", net_class_id);
    if (r->n_net_priorities) {
      jgen_key(g, "priorities");
      jgen_array_open(g);
      for (size_t i = 0; i < r->n_net_priorities; i++) {
        jgen_map_open(g);
        jgen_kv_str(g, "name", r->net_priorities[i].name);
        jgen_kv_uint(g, "priority", r->net_priorities[i].priority);
        jgen_map_close(g);
      }
      jgen_array_close(g);
    }
    jgen_map_close(g);
  }
  if (r->n_rdma) {
    jgen_key(g, "rdma");
    jgen_map_open(g);
    for (size_t i = 0; i < r->n_rdma; i++) {
      jgen_key(g, r->rdma[i].device);
      jgen_map_open(g);
      if (r->rdma[i].has_hca_handles)
        jgen_kv_uint(g, "hcaHandles", r->rdma[i].hca_handles);
      if (r->rdma[i].has_hca_objects)
        jgen_kv_uint(g, "hcaObjects", r->rdma[i].hca_objects);
      jgen_map_close(g);
    }
    jgen_map_close(g);
  }
  if (r->n_unified) {
    jgen_key(g, "unified");
    jgen_map_open(g);
    for (size_t i = 0; i < r->n_unified; i++)
      jgen_kv_str(g, r->unified_keys[i], r->unified_values[i]);
    jgen_map_close(g);
  }
}

void cgroups_resources_gen(struct jgen *g, const struct resources_cfg *r) {
  jgen_map_open(g);
  gen_devices(g, r);
  gen_memory(g, r);
  gen_cpu(g, r);
  if (r->has_pids_limit) {
    jgen_key(g, "pids");
    jgen_map_open(g);
    jgen_kv_int(g, "limit", r->pids_limit);
    jgen_map_close(g);
  }
  gen_blkio(g, r);
  gen_rest(g, r);
  jgen_map_close(g);
}
