/* update.c - `vessel update ID`: change the resource limits of a running
 * container, with runc's flags and value syntax (0 leaves a value as it
 * is), or a LinuxResources document with -r FILE / -r - (then the other
 * flags are ignored, as runc ignores them). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/cgroups/cgroups.h"
#include "../libcontainer/container_cgroups.h"
#include "../libcontainer/json.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

#define RESOURCES_HELP                                                                            \
  "path to the file containing the resources to update or '-' to read from the standard input\n" \
  "\n"                                                                                            \
  "The accepted format is as follow (unchanged values can be omitted):\n"                        \
  "\n"                                                                                            \
  "{\n"                                                                                           \
  "  \"memory\": {\n"                                                                             \
  "    \"limit\": 0,\n"                                                                           \
  "    \"reservation\": 0,\n"                                                                     \
  "    \"swap\": 0\n"                                                                             \
  "  },\n"                                                                                        \
  "  \"cpu\": {\n"                                                                                \
  "    \"shares\": 0,\n"                                                                          \
  "    \"quota\": 0,\n"                                                                           \
  "    \"period\": 0,\n"                                                                          \
  "    \"realtimeRuntime\": 0,\n"                                                                 \
  "    \"realtimePeriod\": 0,\n"                                                                  \
  "    \"cpus\": \"\",\n"                                                                         \
  "    \"mems\": \"\"\n"                                                                          \
  "  },\n"                                                                                        \
  "  \"blockIO\": {\n"                                                                            \
  "    \"weight\": 0\n"                                                                           \
  "  }\n"                                                                                         \
  "}\n"                                                                                           \
  "\n"                                                                                            \
  "Note: if data is to be read from a file or the standard input, all\n"                         \
  "other options are ignored."

struct flags {
  char *resources, *cpu_period, *cpu_quota, *cpu_share, *cpu_shares, *cpu_rt_period,
      *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems, *memory, *memory_reservation, *memory_swap,
      *kernel_memory, *kernel_memory_tcp, *l3_cache_schema, *mem_bw_schema;
  long blkio_weight, pids_limit;
};

static void flags_free(struct flags *f) {
  char **s[] = {&f->resources, &f->cpu_period, &f->cpu_quota, &f->cpu_share, &f->cpu_shares,
                &f->cpu_rt_period, &f->cpu_rt_runtime, &f->cpuset_cpus, &f->cpuset_mems,
                &f->memory, &f->memory_reservation, &f->memory_swap, &f->kernel_memory,
                &f->kernel_memory_tcp, &f->l3_cache_schema, &f->mem_bw_schema};
  for (size_t i = 0; i < ARRAY_SIZE(s); i++)
    free(*s[i]);
}

static int read_document(const char *in, struct resources_cfg *r, struct error **err) {
  autofree char *buf = NULL;
  size_t len = 0;
  if (strcmp(in, "-") == 0) {
    if (read_fd(STDIN_FILENO, &buf, &len, 16 << 20, err) < 0)
      return -1;
  } else if (read_file_at(AT_FDCWD, in, &buf, &len, 16 << 20, err) < 0) {
    return -1;
  }
  autojson doc = NULL;
  if (json_parse(buf, len, &doc, err) < 0)
    return error_wrap(err, "%s", strcmp(in, "-") == 0 ? "standard input" : in);
  return config_parse_resources(doc, "resources", r, err);
}

static int uint_flag(const char *name, const char *v, bool *has, uint64_t *dst, struct error **err) {
  autofree char *msg = NULL;
  if (v == NULL || *v == '\0')
    return 0;
  if (cgroups_parse_uint(v, dst, &msg) < 0)
    return error_set(err, EINVAL, "invalid value for %s: %s", name, msg);
  *has = true;
  return 0;
}

static int int_flag(const char *name, const char *v, bool *has, int64_t *dst, struct error **err) {
  autofree char *msg = NULL;
  if (v == NULL || *v == '\0')
    return 0;
  if (cgroups_parse_int(v, dst, &msg) < 0)
    return error_set(err, EINVAL, "invalid value for %s: %s", name, msg);
  *has = true;
  return 0;
}

static int ram_flag(const char *name, const char *v, bool *has, int64_t *dst, struct error **err) {
  autofree char *msg = NULL;
  if (v == NULL || *v == '\0')
    return 0;
  *has = true;
  if (strcmp(v, "-1") == 0) {
    *dst = -1;
    return 0;
  }
  if (cgroups_parse_ram(v, dst, &msg) < 0)
    return error_set(err, EINVAL, "invalid value for %s: %s", name, msg);
  return 0;
}

static int from_flags(const struct flags *f, struct resources_cfg *r, struct error **err) {
  if (f->blkio_weight < 0 || f->blkio_weight > 65535)
    return error_set(err, EINVAL, "invalid value for blkio-weight: %ld is out of range",
                     f->blkio_weight);
  r->has_blkio_weight = f->blkio_weight != 0;
  r->blkio_weight = (uint16_t)f->blkio_weight;
  if (f->cpuset_cpus && *f->cpuset_cpus)
    r->cpu_cpus = xstrdup(f->cpuset_cpus);
  if (f->cpuset_mems && *f->cpuset_mems)
    r->cpu_mems = xstrdup(f->cpuset_mems);
  const char *shares = f->cpu_share ? f->cpu_share : f->cpu_shares;
  if (uint_flag("cpu-period", f->cpu_period, &r->has_cpu_period, &r->cpu_period, err) < 0 ||
      uint_flag("cpu-rt-period", f->cpu_rt_period, &r->has_cpu_rt_period, &r->cpu_rt_period, err) < 0 ||
      uint_flag("cpu-share", shares, &r->has_cpu_shares, &r->cpu_shares, err) < 0 ||
      int_flag("cpu-quota", f->cpu_quota, &r->has_cpu_quota, &r->cpu_quota, err) < 0 ||
      int_flag("cpu-rt-runtime", f->cpu_rt_runtime, &r->has_cpu_rt_runtime, &r->cpu_rt_runtime, err) < 0 ||
      ram_flag("memory", f->memory, &r->has_mem_limit, &r->mem_limit, err) < 0 ||
      ram_flag("memory-swap", f->memory_swap, &r->has_mem_swap, &r->mem_swap, err) < 0 ||
      ram_flag("kernel-memory", f->kernel_memory, &r->has_mem_kernel, &r->mem_kernel, err) < 0 ||
      ram_flag("kernel-memory-tcp", f->kernel_memory_tcp, &r->has_mem_kernel_tcp,
               &r->mem_kernel_tcp, err) < 0 ||
      ram_flag("memory-reservation", f->memory_reservation, &r->has_mem_reservation,
               &r->mem_reservation, err) < 0)
    return -1;
  r->has_pids_limit = f->pids_limit != 0;
  r->pids_limit = f->pids_limit;
  return 0;
}

static int update(const struct runtime_opts *rt, const char *id, const struct flags *f) {
  struct error *err = NULL;
  struct resources_cfg r = {0};
  int rc = f->resources && *f->resources ? read_document(f->resources, &r, &err)
                                         : from_flags(f, &r, &err);
  if (rc < 0) {
    struct error *exists = NULL;
    if (container_exists(rt, id, &exists) < 0) {
      error_free(err);
      err = exists;
    }
  } else if (f->l3_cache_schema && *f->l3_cache_schema) {
    rc = container_exists(rt, id, &err) < 0 ? -1
         : error_set(&err, ENOTSUP, "Intel RDT/CAT: l3 cache schema is not enabled");
  } else if (f->mem_bw_schema && *f->mem_bw_schema) {
    rc = container_exists(rt, id, &err) < 0 ? -1
         : error_set(&err, ENOTSUP, "Intel RDT/MBA: memory bandwidth schema is not enabled");
  } else {
    rc = container_update(rt, id, &r, &err);
  }
  resources_cfg_free(&r);
  return rc < 0 ? cli_fail(err) : 0;
}

int cmd_update(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  __attribute__((cleanup(flags_free))) struct flags f = {0};
  struct cli_opt opts[] = {
      {"resources", 'r', OPT_STRING, &f.resources, RESOURCES_HELP, NULL, false},
      {"blkio-weight", 0, OPT_INT, &f.blkio_weight,
       "Specifies per cgroup weight, range is from 10 to 1000", "0", false},
      {"cpu-period", 0, OPT_STRING, &f.cpu_period,
       "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default", NULL, false},
      {"cpu-quota", 0, OPT_STRING, &f.cpu_quota,
       "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period", NULL, false},
      {"cpu-share", 0, OPT_STRING, &f.cpu_share,
       "CPU shares (relative weight vs. other containers)", NULL, false},
      {"cpu-shares", 0, OPT_STRING, &f.cpu_shares, "the same as --cpu-share", NULL, false},
      {"cpu-rt-period", 0, OPT_STRING, &f.cpu_rt_period,
       "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default", NULL,
       false},
      {"cpu-rt-runtime", 0, OPT_STRING, &f.cpu_rt_runtime,
       "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period", NULL, false},
      {"cpuset-cpus", 0, OPT_STRING, &f.cpuset_cpus, "CPU(s) to use", NULL, false},
      {"cpuset-mems", 0, OPT_STRING, &f.cpuset_mems, "Memory node(s) to use", NULL, false},
      {"kernel-memory", 0, OPT_STRING, &f.kernel_memory,
       "Kernel memory limit (in bytes); ignored, as by runc", NULL, false},
      {"kernel-memory-tcp", 0, OPT_STRING, &f.kernel_memory_tcp,
       "Kernel memory limit for tcp buffer (in bytes); ignored, as by runc", NULL, false},
      {"memory", 0, OPT_STRING, &f.memory, "Memory limit (in bytes)", NULL, false},
      {"memory-reservation", 0, OPT_STRING, &f.memory_reservation,
       "Memory reservation or soft_limit (in bytes)", NULL, false},
      {"memory-swap", 0, OPT_STRING, &f.memory_swap,
       "Total memory usage (memory + swap); set '-1' to enable unlimited swap", NULL, false},
      {"pids-limit", 0, OPT_INT, &f.pids_limit,
       "Maximum number of pids allowed in the container", "0", false},
      {"l3-cache-schema", 0, OPT_STRING, &f.l3_cache_schema,
       "The string of Intel RDT/CAT L3 cache schema", NULL, false},
      {"mem-bw-schema", 0, OPT_STRING, &f.mem_bw_schema,
       "The string of Intel RDT/MBA memory bandwidth schema", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  return update(&rt, pos[0], &f);
}
