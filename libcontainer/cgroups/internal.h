/* internal.h - what the cgroup drivers share: the host's layout, safe file
 * access by directory fd, the container's directories, and each driver's
 * entry points.  Nothing outside libcontainer/cgroups/ includes this. */
#ifndef VESSEL_CGROUPS_INTERNAL_H
#define VESSEL_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* One hierarchy of the host.  controllers is the comma list of a v1 mount
 * ("memory", "cpu,cpuacct", "name=systemd") or "" for the unified one. */
struct cg_hier {
  char *controllers;
  char *mount;      /* absolute path of the mount point */
  char *own;        /* the calling process's cgroup in it, "/" at the top */
};

/* The host's layout under one root, probed once per process. */
struct cg_host {
  enum cgroup_mode mode;
  char *root;
  bool fake;            /* a test tree, not a cgroup filesystem */
  struct cg_hier *h;    /* v1 hierarchies, then the unified one (hybrid, v2) */
  size_t n;
};

/* host.c */
/* The host layout of root (NULL: cgroups_root()); cached, never freed. */
const struct cg_host *cg_host_get(const char *root, struct error **err);
/* Probe without the cache (tests).  self: a /proc/self/cgroup style file
 * to read the caller's own cgroups from (NULL: /proc/self/cgroup, or
 * $VESSEL_CGROUP_SELF for test trees). */
int cg_host_probe(const char *root, const char *self, struct cg_host *host, struct error **err);
void cg_host_free(struct cg_host *host);
const struct cg_hier *cg_host_unified(const struct cg_host *host);
/* Is ctrl one of the comma separated list? */
bool cg_list_has(const char *list, const char *ctrl);
/* Is the v1 controller (or, on v2, the controller in cgroup.controllers of
 * the root) available? */
bool cg_host_has(const struct cg_host *host, const char *ctrl);
/* Clean a cgroupsPath the way runc does: no "..", no empty or "." parts;
 * absolute stays absolute, relative stays relative ("" for none). */
char *cg_clean_path(const char *path);
/* The container's directory in hierarchy h for the cleaned inner path. */
char *cg_leaf_path(const struct cg_host *host, const struct cg_hier *h, const char *inner);
/* Parse one /proc/self/cgroup document: the path for a controller list
 * ("" for the unified line); NULL if absent. */
char *cg_parse_self(const char *text, const char *controllers);

/* fs.c: every access is relative to a directory fd, with O_NOFOLLOW and
 * O_CLOEXEC; messages carry the full path ("dir" is for messages only). */
/* Open a cgroup directory by absolute path (no symlinks); unless trusted
 * (a test tree, or a mount point the host probe checked) it must be on a
 * cgroup filesystem. */
int cg_open_dir(const char *path, bool trusted, struct error **err);
/* Keep a directory cgroups_create opened for the rest of the command. */
void cg_dir_cache_put(const char *path, int fd);
void cg_dir_cache_clear(void);
/* Test trees: writes create files and append each value as a line. */
void cg_set_test_tree(bool on);
int cg_openat_dir(int dirfd, const char *dir, const char *name, struct error **err);
int cg_write(int dirfd, const char *dir, const char *file, const char *value, struct error **err);
__attribute__((format(printf, 5, 6)))
int cg_writef(int dirfd, const char *dir, const char *file, struct error **err, const char *fmt, ...);
/* Write to an already open file (several values to one file). */
int cg_write_fd(int fd, const char *dir, const char *file, const char *value, struct error **err);
int cg_open_file(int dirfd, const char *dir, const char *file, int flags, struct error **err);
/* Read a file (trailing newline trimmed); ENOENT is an error too. */
int cg_read(int dirfd, const char *dir, const char *file, char **out, struct error **err);
/* 0 with *out, 1 when the file does not exist, -1 on error. */
int cg_read_opt(int dirfd, const char *dir, const char *file, char **out, struct error **err);
/* A number, "max" as UINT64_MAX. */
int cg_read_u64(int dirfd, const char *dir, const char *file, uint64_t *out, struct error **err);
bool cg_exists(int dirfd, const char *file);

/* linux.resources.hugepageLimits into hugetlb.<size>.<limit> and, where the
 * kernel has reservation accounting, hugetlb.<size>.<rsvd> (hugetlb.c). */
int cg_apply_hugetlb(int fd, const char *dir, const struct resources_cfg *r, const char *limit,
                     const char *rsvd, struct error **err);
/* Hand an error over to *err (or drop it when *err is taken); returns -1. */
int cg_error_move(struct error **err, struct error *e);
/* "key value" lines: the value of key, or -1 when missing. */
int cg_keyed_u64(const char *text, const char *key, uint64_t *out);

/* v2: wait until cgroup.events reads "KEY WANT", up to DEADLINE (now_ms).
 * 0 when it does, 1 when the file has no KEY, -1 on an error or at the
 * deadline ("timed out waiting for WHAT"). */
int cg_v2_events_wait(int fd, const char *dir, const char *key, uint64_t want, int64_t deadline,
                      const char *what, struct error **err);
/* Make directory name under dirfd; 1 if made, 0 if it existed, -1 on error. */
int cg_mkdirat(int dirfd, const char *dir, const char *name, struct error **err);
/* Remove one (empty) cgroup directory: rmdir(2), -1 with errno. */
int cg_rmdir(const char *path);
/* Remove a cgroup directory and its sub-cgroups (depth first). */
int cg_rmdir_tree(const char *path, struct error **err);
/* Every pid in dirfd's cgroup.procs and those of its sub-cgroups. */
int cg_procs_tree(int dirfd, const char *dir, pid_t **pids, size_t *n, struct error **err);

/* dirs.c: the container's directories as recorded in its state. */
/* The leaf directory holding ctrl ("" for the unified one; on v2 every
 * controller maps to the one directory); NULL when there is none. */
const struct cgroup_dir *cg_dir_for(const struct container_state *st, const char *ctrl);
/* Open the leaf of ctrl; -1 with an error when there is none (ENOENT). */
int cg_dir_open(const struct container_state *st, const char *ctrl, const char **path,
                struct error **err);
/* Is a recorded path under the cgroup root (and free of "..")? */
bool cg_path_ok(const char *path);
void cg_state_add(struct container_state *st, const char *ctrl, const char *path, bool created);
void cg_state_clear(struct container_state *st);
bool cg_state_fake(const struct container_state *st);

/* validate.c: checks made before any directory exists. */
/* eff: the effective resources after an update (for the checks that
 * combine values), or NULL when r is the whole set. */
int cg_validate(const struct cg_host *host, const struct resources_cfg *r,
                const struct resources_cfg *eff, struct error **err);
int cg_validate_unified_key(const char *key, struct error **err);
/* Is the set list a subset of the parent's ("0-3" in "0-7")? */
int cg_cpuset_check(const char *what, const char *list, const char *parent, bool nodes,
                    struct error **err);

/* devices.c: the rules applied to a new container: its own, then the
 * default allowed devices (as runc appends them). */
struct device_rule *cg_device_rules(const struct resources_cfg *r, size_t *n);
/* Are these the rules of a container with no device rules of its own? */
bool cg_device_rules_default(const struct device_rule *v, size_t n);
/* "c 1:3 rwm", "a *:* rwm". */
void cg_device_rule_str(const struct device_rule *d, char *buf, size_t n);
int cg_v1_devices(int dirfd, const char *dir, const struct device_rule *rules, size_t n,
                  struct error **err);
/* devices_bpf.c */
struct bpf_insn;
/* Build the cgroup-device program for rules (evaluated last to first; the
 * default is deny).  Returns the instruction count; *out is malloc'ed. */
size_t cg_bpf_devices_prog(const struct device_rule *rules, size_t n, struct bpf_insn **out);
/* Load prog and attach it to the cgroup dirfd, replacing programs attached
 * earlier (fresh: the directory was just made, nothing to replace). */
int cg_bpf_attach_devices(int dirfd, const char *dir, const struct device_rule *rules, size_t n,
                          bool fresh, struct error **err);

/* v1.c / v2.c: write r into the leaf directories. */
struct cg_apply_ctx {
  const struct resources_cfg *r;   /* what to write (the has_ fields) */
  const struct resources_cfg *eff; /* the full effective set (v2 conversions), or r */
  bool create;                     /* a new cgroup: devices and defaults too */
  bool fresh;                      /* the leaf was just made */
  bool rootless;
};
int cg_v1_apply_one(const char *ctrls, int dirfd, const char *dir, const struct cg_apply_ctx *c,
                    struct error **err);
/* made: the directory is new (so empty); r: values about to be written. */
int cg_v1_cpuset_init(int parentfd, const char *parent, int dirfd, const char *dir, bool made,
                      const struct resources_cfg *r, struct error **err);
int cg_v2_apply(int dirfd, const char *dir, const struct cg_apply_ctx *c, struct error **err);
int cg_rdma_apply(int dirfd, const char *dir, const struct resources_cfg *r, struct error **err);
/* Enable every controller available at dirfd in its cgroup.subtree_control. */
int cg_v2_enable_controllers(int dirfd, const char *dir, struct error **err);
/* The swap value for memory.swap.max from OCI's memory+swap (runc's rule). */
int cg_v2_swap(int64_t swap, int64_t limit, int64_t *out, struct error **err);
/* runc's conversions. */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t weight);

/* freezer.c */
int cg_v1_freeze(int dirfd, const char *dir, bool freeze, struct error **err);
int cg_v2_freeze(int dirfd, const char *dir, bool freeze, struct error **err);
/* Fails with runc's "container's cgroup unexpectedly frozen" when the
 * container's cgroup (inner, as cg_leaf_path takes it) exists and was frozen
 * by someone: a process started in it would never run. */
int cg_refuse_frozen(const struct cg_host *host, const char *inner, struct error **err);

/* stats.c */
int cg_v1_stats(const struct container_state *st, struct jgen *g, struct error **err);
int cg_v2_stats(const struct container_state *st, struct jgen *g, struct error **err);

#endif
