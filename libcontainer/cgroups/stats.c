/* stats.c - `events --stats` data in runc's shape (runc's types.Stats):
 * "cpu", "cpuset", "memory", "pids", "blkio", "hugetlb".  Fields runc marks
 * omitempty are left out when zero; maps (memory.raw, hugetlb) are sorted
 * by key as Go prints them. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../utils.h"
#include "internal.h"

struct mem_entry {
  uint64_t limit, usage, max, failcnt;
};

static void cg_kv_nonzero(struct jgen *g, const char *k, uint64_t v) {
  if (v)
    jgen_kv_uint(g, k, v);
}

static void gen_mem_entry(struct jgen *g, const char *key, const struct mem_entry *m) {
  jgen_key(g, key);
  jgen_map_open(g);
  jgen_kv_uint(g, "limit", m->limit);
  cg_kv_nonzero(g, "usage", m->usage);
  cg_kv_nonzero(g, "max", m->max);
  jgen_kv_uint(g, "failcnt", m->failcnt);
  jgen_map_close(g);
}

static uint64_t rd(int fd, const char *dir, const char *file) {
  uint64_t v = 0;
  if (fd >= 0 && cg_read_u64(fd, dir, file, &v, NULL) < 0)
    v = 0;
  return v;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "key value" lines as a sorted JSON object; returns one value by key. */
static void gen_raw(struct jgen *g, const char *key, char *text, const char *want, uint64_t *got) {
  size_t n = 0, cap = 0;
  char **lines = NULL;
  for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      lines = xrealloc(lines, cap * sizeof(char *));
    }
    lines[n++] = p;
  }
  if (n)
    qsort(lines, n, sizeof(char *), cmp_str);
  if (n)
    jgen_key(g, key);
  if (n)
    jgen_map_open(g);
  for (size_t i = 0; i < n; i++) {
    char *sp = strchr(lines[i], ' ');
    uint64_t v;
    if (sp == NULL)
      continue;
    *sp = '\0';
    if (parse_u64(sp + 1, &v) < 0)
      continue;
    if (want && got && strcmp(lines[i], want) == 0)
      *got = v;
    jgen_kv_uint(g, lines[i], v);
  }
  if (n)
    jgen_map_close(g);
  free(lines);
}

static void gen_u64_array(struct jgen *g, const char *key, const uint64_t *v, size_t n) {
  if (n == 0)
    return;
  jgen_key(g, key);
  jgen_array_open(g);
  for (size_t i = 0; i < n; i++)
    jgen_uint(g, v[i]);
  jgen_array_close(g);
}

static size_t split_u64(const char *text, uint64_t *out, size_t max) {
  size_t n = 0;
  for (const char *p = text; *p && n < max;) {
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p)
      break;
    out[n++] = v;
    p = end;
    while (*p == ' ' || *p == '\n')
      p++;
  }
  return n;
}

/* cpuacct.usage_all: "cpu user system" then one row per cpu. */
static void gen_percpu_modes(struct jgen *g, int fd, const char *dir) {
  autofree char *t = NULL;
  if (fd < 0 || cg_read(fd, dir, "cpuacct.usage_all", &t, NULL) < 0)
    return;
  uint64_t user[1024], sys[1024];
  size_t n = 0;
  char *save = NULL;
  for (char *l = strtok_r(t, "\n", &save); l && n < 1024; l = strtok_r(NULL, "\n", &save)) {
    uint64_t row[3];
    if (!isdigit((unsigned char)l[0]) || split_u64(l, row, 3) != 3)
      continue;
    user[n] = row[1];
    sys[n] = row[2];
    n++;
  }
  gen_u64_array(g, "percpu_kernel", sys, n);
  gen_u64_array(g, "percpu_user", user, n);
}

static void gen_throttling(struct jgen *g, const char *text, uint64_t scale, bool v2) {
  uint64_t p = 0, tp = 0, tt = 0;
  if (text) {
    cg_keyed_u64(text, "nr_periods", &p);
    cg_keyed_u64(text, "nr_throttled", &tp);
    cg_keyed_u64(text, v2 ? "throttled_usec" : "throttled_time", &tt);
  }
  jgen_key(g, "throttling");
  jgen_map_open(g);
  cg_kv_nonzero(g, "periods", p);
  cg_kv_nonzero(g, "throttledPeriods", tp);
  cg_kv_nonzero(g, "throttledTime", tt * scale);
  jgen_map_close(g);
}

static void v1_cpu(const struct container_state *st, struct jgen *g) {
  const char *acct = NULL, *cpu = NULL;
  autoclose int afd = cg_dir_open(st, "cpuacct", &acct, NULL);
  autoclose int cfd = cg_dir_open(st, "cpu", &cpu, NULL);
  jgen_key(g, "cpu");
  jgen_map_open(g);
  jgen_key(g, "usage");
  jgen_map_open(g);
  cg_kv_nonzero(g, "total", rd(afd, acct, "cpuacct.usage"));
  autofree char *percpu = NULL, *stat = NULL, *cstat = NULL;
  if (afd >= 0 && cg_read(afd, acct, "cpuacct.usage_percpu", &percpu, NULL) == 0) {
    uint64_t v[1024];
    gen_u64_array(g, "percpu", v, split_u64(percpu, v, 1024));
  }
  gen_percpu_modes(g, afd, acct);
  uint64_t user = 0, sys = 0;
  long hz = sysconf(_SC_CLK_TCK);
  if (afd >= 0 && cg_read(afd, acct, "cpuacct.stat", &stat, NULL) == 0) {
    cg_keyed_u64(stat, "user", &user);
    cg_keyed_u64(stat, "system", &sys);
  }
  hz = hz > 0 ? hz : 100;
  jgen_kv_uint(g, "kernel", sys * 1000000000ull / (uint64_t)hz);
  jgen_kv_uint(g, "user", user * 1000000000ull / (uint64_t)hz);
  jgen_map_close(g);
  if (cfd >= 0)
    cg_read(cfd, cpu, "cpu.stat", &cstat, NULL);
  gen_throttling(g, cstat, 1, false);
  jgen_map_close(g);
}

static void gen_list(struct jgen *g, const char *key, const char *list) {
  if (list == NULL || *list == '\0')
    return;
  jgen_key(g, key);
  jgen_array_open(g);
  for (const char *p = list; *p;) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      break;
    p = end;
    if (*p == '-')
      b = strtoul(p + 1, &end, 10), p = end;
    for (unsigned long i = a; i <= b && i - a < 65536; i++)
      jgen_uint(g, i);
    while (*p == ',' || *p == '\n' || *p == ' ')
      p++;
  }
  jgen_array_close(g);
}

/* runc reports cpuset on v1 only; on v2 the object is there, all zero. */
static void gen_cpuset(const struct container_state *st, struct jgen *g, bool v2) {
  const char *dir = NULL;
  autoclose int fd = v2 ? -1 : cg_dir_open(st, "cpuset", &dir, NULL);
  autofree char *cpus = NULL, *mems = NULL;
  if (fd >= 0) {
    cg_read(fd, dir, "cpuset.cpus", &cpus, NULL);
    cg_read(fd, dir, "cpuset.mems", &mems, NULL);
  }
  int ffd = fd;
  jgen_key(g, "cpuset");
  jgen_map_open(g);
  gen_list(g, "cpus", cpus);
  jgen_kv_uint(g, "cpu_exclusive", rd(ffd, dir, "cpuset.cpu_exclusive"));
  gen_list(g, "mems", mems);
  static const char *const flags[] = {"mem_hardwall",       "mem_exclusive",      "memory_migrate",
                                      "memory_spread_page", "memory_spread_slab", "memory_pressure",
                                      "sched_load_balance"};
  for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
    char file[64];
    snprintf(file, sizeof(file), "cpuset.%s", flags[i]);
    jgen_kv_uint(g, flags[i], rd(ffd, dir, file));
  }
  autofree char *lvl = NULL;
  int64_t level = 0;
  if (ffd >= 0 && cg_read(ffd, dir, "cpuset.sched_relax_domain_level", &lvl, NULL) == 0)
    parse_i64(lvl, &level);
  jgen_kv_int(g, "sched_relax_domain_level", level);
  jgen_map_close(g);
}

/* "memory": the page cache (the CACHE_KEY line of memory.stat), the four
 * counters and memory.stat itself as "raw" (which takes STAT apart). The
 * same shape on v1 and v2. */
static void gen_memory(struct jgen *g, char *stat, const char *cache_key,
                       const struct mem_entry *usage, const struct mem_entry *swap,
                       const struct mem_entry *kernel, const struct mem_entry *tcp) {
  jgen_key(g, "memory");
  jgen_map_open(g);
  uint64_t cache = 0;
  if (stat)
    cg_keyed_u64(stat, cache_key, &cache);
  cg_kv_nonzero(g, "cache", cache);
  gen_mem_entry(g, "usage", usage);
  gen_mem_entry(g, "swap", swap);
  gen_mem_entry(g, "kernel", kernel);
  gen_mem_entry(g, "kernelTCP", tcp);
  if (stat)
    gen_raw(g, "raw", stat, NULL, NULL);
  jgen_map_close(g);
}

static void v1_mem_entry(int fd, const char *dir, const char *prefix, struct mem_entry *m) {
  char f[96];
  snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
  if (!cg_exists(fd, f))
    return;
  m->limit = rd(fd, dir, f);
  snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
  m->usage = rd(fd, dir, f);
  snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
  m->max = rd(fd, dir, f);
  snprintf(f, sizeof(f), "%s.failcnt", prefix);
  m->failcnt = rd(fd, dir, f);
}

static void v1_memory(const struct container_state *st, struct jgen *g) {
  const char *dir = NULL;
  autoclose int fd = cg_dir_open(st, "memory", &dir, NULL);
  struct mem_entry usage = {0}, swap = {0}, kernel = {0}, tcp = {0};
  autofree char *stat = NULL;
  if (fd >= 0) {
    v1_mem_entry(fd, dir, "memory", &usage);
    v1_mem_entry(fd, dir, "memory.memsw", &swap);
    v1_mem_entry(fd, dir, "memory.kmem", &kernel);
    v1_mem_entry(fd, dir, "memory.kmem.tcp", &tcp);
    cg_read(fd, dir, "memory.stat", &stat, NULL);
  }
  gen_memory(g, stat, "cache", &usage, &swap, &kernel, &tcp);
}

static void gen_pids(const struct container_state *st, struct jgen *g, bool v2) {
  const char *dir = NULL;
  autoclose int fd = cg_dir_open(st, v2 ? "" : "pids", &dir, NULL);
  uint64_t limit = rd(fd, dir, "pids.max");
  jgen_key(g, "pids");
  jgen_map_open(g);
  cg_kv_nonzero(g, "current", rd(fd, dir, "pids.current"));
  cg_kv_nonzero(g, "limit", limit == UINT64_MAX ? 0 : limit);
  jgen_map_close(g);
}

/* One blkio file: "MAJ:MIN [OP] VALUE" lines; "Total N" skipped.  Returns
 * the number of entries generated (0: file missing or empty). */
static size_t gen_blkio_file(struct jgen *g, int fd, const char *dir, const char *file,
                             const char *key) {
  autofree char *t = NULL;
  if (cg_read_opt(fd, dir, file, &t, NULL) != 0 || *t == '\0')
    return 0;
  size_t n = 0;
  for (char *l = strtok(t, "\n"); l; l = strtok(NULL, "\n")) {
    unsigned long long maj, min, v;
    char op[32] = "";
    int k = sscanf(l, "%llu:%llu %31s %llu", &maj, &min, op, &v);
    if (k == 3 && sscanf(l, "%llu:%llu %llu", &maj, &min, &v) == 3)
      op[0] = '\0';
    else if (k != 4)
      continue;
    if (n++ == 0) {
      jgen_key(g, key);
      jgen_array_open(g);
    }
    jgen_map_open(g);
    cg_kv_nonzero(g, "major", maj);
    cg_kv_nonzero(g, "minor", min);
    if (*op)
      jgen_kv_str(g, "op", op);
    cg_kv_nonzero(g, "value", v);
    jgen_map_close(g);
  }
  if (n)
    jgen_array_close(g);
  return n;
}

static void v1_blkio(const struct container_state *st, struct jgen *g) {
  static const char *const keys[8] = {"sectorsRecursive", "ioServiceTimeRecursive",
                                      "ioWaitTimeRecursive", "ioMergedRecursive",
                                      "ioQueueRecursive", "ioTimeRecursive",
                                      "ioServicedRecursive", "ioServiceBytesRecursive"};
  static const char *const files[8] = {"sectors_recursive", "io_service_time_recursive",
                                       "io_wait_time_recursive", "io_merged_recursive",
                                       "io_queued_recursive", "time_recursive",
                                       "io_serviced_recursive", "io_service_bytes_recursive"};
  /* runc's order: bfq with debug files, bfq, cfq, throttle, throttle base. */
  static const struct {
    const char *prefix;
    int first, count;
    const char *suffix;
  } groups[] = {{"blkio.bfq.", 0, 8, ""}, {"blkio.bfq.", 6, 2, ""}, {"blkio.", 0, 8, ""},
                {"blkio.throttle.", 6, 2, ""}, {"blkio.throttle.", 6, 2, "base"}};
  const char *dir = NULL;
  autoclose int fd = cg_dir_open(st, "blkio", &dir, NULL);
  jgen_key(g, "blkio");
  jgen_map_open(g);
  for (size_t gi = 0; fd >= 0 && gi < ARRAY_SIZE(groups); gi++) {
    size_t got = 0;
    for (int i = groups[gi].first; i < groups[gi].first + groups[gi].count; i++) {
      char file[96];
      const char *f = files[i];
      char base[64];
      if (*groups[gi].suffix) { /* io_serviced, io_service_bytes */
        snprintf(base, sizeof(base), "%.*s", (int)(strlen(f) - strlen("_recursive")), f);
        f = base;
      }
      snprintf(file, sizeof(file), "%s%s", groups[gi].prefix, f);
      size_t n = gen_blkio_file(g, fd, dir, file, keys[i]);
      if (n == 0 && i == groups[gi].first)
        break;
      got += n;
    }
    if (got)
      break;
  }
  jgen_map_close(g);
}

/* Page sizes from the hugetlb.<size>.<suffix> files of dir. */
static void gen_hugetlb(struct jgen *g, int fd, const char *dir, bool v2) {
  jgen_key(g, "hugetlb");
  jgen_map_open(g);
  if (fd < 0) {
    jgen_map_close(g);
    return;
  }
  int dfd = dup(fd);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  char *sizes[32];
  size_t n = 0;
  const char *suffix = v2 ? ".current" : ".usage_in_bytes";
  for (struct dirent *de; d && (de = readdir(d)) != NULL && n < 32;) {
    const char *s = de->d_name;
    if (strncmp(s, "hugetlb.", 8) == 0 && str_has_suffix(s, suffix) && !strstr(s, ".rsvd."))
      sizes[n++] = xstrndup(s + 8, strlen(s) - 8 - strlen(suffix));
  }
  if (d)
    closedir(d);
  if (n)
    qsort(sizes, n, sizeof(char *), cmp_str);
  for (size_t i = 0; i < n; i++) {
    char f[96];
    uint64_t usage, max = 0, fail = 0;
    snprintf(f, sizeof(f), "hugetlb.%s%s", sizes[i], suffix);
    usage = rd(fd, dir, f);
    if (v2) {
      autofree char *ev = NULL;
      snprintf(f, sizeof(f), "hugetlb.%s.events", sizes[i]);
      if (cg_read(fd, dir, f, &ev, NULL) == 0)
        cg_keyed_u64(ev, "max", &fail);
    } else {
      snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", sizes[i]);
      max = rd(fd, dir, f);
      snprintf(f, sizeof(f), "hugetlb.%s.failcnt", sizes[i]);
      fail = rd(fd, dir, f);
    }
    jgen_key(g, sizes[i]);
    jgen_map_open(g);
    cg_kv_nonzero(g, "usage", usage);
    cg_kv_nonzero(g, "max", max);
    jgen_kv_uint(g, "failcnt", fail);
    jgen_map_close(g);
    free(sizes[i]);
  }
  jgen_map_close(g);
}

int cg_v1_stats(const struct container_state *st, struct jgen *g, struct error **err) {
  (void)err;
  v1_cpu(st, g);
  gen_cpuset(st, g, false);
  v1_memory(st, g);
  gen_pids(st, g, false);
  v1_blkio(st, g);
  const char *dir = NULL;
  autoclose int fd = cg_dir_open(st, "hugetlb", &dir, NULL);
  gen_hugetlb(g, fd, dir, false);
  return 0;
}

static void v2_cpu(int fd, const char *dir, struct jgen *g) {
  autofree char *t = NULL;
  uint64_t total = 0, user = 0, sys = 0;
  if (cg_read(fd, dir, "cpu.stat", &t, NULL) == 0) {
    cg_keyed_u64(t, "usage_usec", &total);
    cg_keyed_u64(t, "user_usec", &user);
    cg_keyed_u64(t, "system_usec", &sys);
  }
  jgen_key(g, "cpu");
  jgen_map_open(g);
  jgen_key(g, "usage");
  jgen_map_open(g);
  cg_kv_nonzero(g, "total", total * 1000);
  jgen_kv_uint(g, "kernel", sys * 1000);
  jgen_kv_uint(g, "user", user * 1000);
  jgen_map_close(g);
  gen_throttling(g, t, 1000, true);
  jgen_map_close(g);
}

static void v2_memory(int fd, const char *dir, struct jgen *g) {
  struct mem_entry usage = {0}, swap = {0}, none = {0};
  autofree char *stat = NULL, *ev = NULL;
  usage.usage = rd(fd, dir, "memory.current");
  usage.limit = rd(fd, dir, "memory.max");
  usage.max = rd(fd, dir, "memory.peak");
  if (cg_read(fd, dir, "memory.events", &ev, NULL) == 0)
    cg_keyed_u64(ev, "max", &usage.failcnt);
  if (cg_exists(fd, "memory.swap.current")) {
    /* Reported as memory+swap, as v1 does. */
    swap.usage = rd(fd, dir, "memory.swap.current") + usage.usage;
    swap.limit = rd(fd, dir, "memory.swap.max");
    if (swap.limit != UINT64_MAX)
      swap.limit += usage.limit;
  }
  cg_read(fd, dir, "memory.stat", &stat, NULL);
  /* page cache is "file" in v2's memory.stat */
  gen_memory(g, stat, "file", &usage, &swap, &none, &none);
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." per device. */
static void v2_io(int fd, const char *dir, struct jgen *g) {
  static const char *const keys[2] = {"ioServiceBytesRecursive", "ioServicedRecursive"};
  static const char *const fields[2][2] = {{"rbytes", "wbytes"}, {"rios", "wios"}};
  autofree char *t = NULL;
  jgen_key(g, "blkio");
  jgen_map_open(g);
  if (cg_read(fd, dir, "io.stat", &t, NULL) == 0 && *t) {
    for (int k = 0; k < 2; k++) {
      jgen_key(g, keys[k]);
      jgen_array_open(g);
      autofree char *copy = xstrdup(t);
      char *save = NULL;
      for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min;
        if (sscanf(l, "%llu:%llu", &maj, &min) != 2)
          continue;
        for (int f = 0; f < 2; f++) {
          char pat[16];
          snprintf(pat, sizeof(pat), " %s=", fields[k][f]);
          char *p = strstr(l, pat);
          if (p == NULL)
            continue;
          jgen_map_open(g);
          cg_kv_nonzero(g, "major", maj);
          cg_kv_nonzero(g, "minor", min);
          jgen_kv_str(g, "op", f == 0 ? "Read" : "Write");
          cg_kv_nonzero(g, "value", strtoull(p + strlen(pat), NULL, 10));
          jgen_map_close(g);
        }
      }
      jgen_array_close(g);
    }
  }
  jgen_map_close(g);
}

int cg_v2_stats(const struct container_state *st, struct jgen *g, struct error **err) {
  const char *dir;
  autoclose int fd = cg_dir_open(st, "", &dir, err);
  if (fd < 0)
    return -1;
  v2_cpu(fd, dir, g);
  gen_cpuset(st, g, true);
  v2_memory(fd, dir, g);
  gen_pids(st, g, true);
  v2_io(fd, dir, g);
  gen_hugetlb(g, fd, dir, true);
  return 0;
}

int cgroups_stats(const struct container_state *st, struct jgen *g, struct error **err) {
  if (st->n_cgroups == 0)
    return error_set(err, ENOENT, "container \"%s\" has no cgroups", st->id);
  if (st->cgroup_mode == CGROUP_MODE_V2)
    return cg_v2_stats(st, g, err);
  return cg_v1_stats(st, g, err);
}
