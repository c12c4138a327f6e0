/* cgroups.h - one interface over the cgroup drivers: v1, v2 (unified), hybrid
 * (v1 controllers plus a cgroup2 mount at <root>/unified) and, later, systemd.
 *
 * The container's cgroup directories are recorded in its state
 * (struct container_state.cgroups) when they are created, before any process
 * is moved, so that a vessel killed at any point leaves something `delete -f`
 * can clean.  Every write goes through a directory fd opened once, with
 * openat(O_NOFOLLOW): no path re-walks and no symlink following. */
#ifndef VESSEL_CGROUPS_H
#define VESSEL_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../config.h"
#include "../error.h"
#include "../json.h"
#include "../state.h"

enum cgroup_mode {
  CGROUP_MODE_NONE = 0, /* no cgroup filesystem found */
  CGROUP_MODE_V1 = 1,
  CGROUP_MODE_HYBRID = 2,
  CGROUP_MODE_V2 = 3,
};

#define CGROUP_DEFAULT_ROOT "/sys/fs/cgroup"

/* Detect the layout under root (NULL: /sys/fs/cgroup).  Tests pass a fake tree;
 * a fake tree is recognised by its layout when it is not a real cgroupfs. */
int cgroups_detect(const char *root, enum cgroup_mode *mode, struct error **err);

/* The mount root in use: CGROUP_DEFAULT_ROOT unless VESSEL_CGROUP_ROOT (tests)
 * says otherwise. */
const char *cgroups_root(void);

struct cgroup_config {
  const char *root;                       /* NULL: cgroups_root() */
  const char *id;                         /* container id */
  const char *cgroups_path;               /* linux.cgroupsPath, may be NULL */
  bool systemd;                           /* --systemd-cgroup */
  bool rootless;                          /* --rootless */
  const struct resources_cfg *resources;  /* may be NULL */
};

/* Resolve the container's cgroup path (the default is like runc's:
 * /<id> for cgroupfs; relative paths are taken under the caller's own
 * cgroup as runc does), validate the resources against what this host
 * has, create the directories (recording them in st->cgroups, with
 * st->cgroups_path and st->cgroup_mode) and apply the resources.  On
 * failure everything created is removed and st->cgroups is left empty. */
int cgroups_create(const struct cgroup_config *cfg, struct container_state *st,
                   struct error **err);

/* Write resources into the container's cgroups (update: only what is set). */
int cgroups_apply(const struct container_state *st, const struct resources_cfg *r,
                  struct error **err);

/* Move pid into every cgroup of the container (sub: exec --cgroup, NULL). */
int cgroups_enter(const struct container_state *st, pid_t pid, const char *sub,
                  struct error **err);

/* Open the container's cgroup v2 directory for clone3(CLONE_INTO_CGROUP); -1
 * when the host is not pure v2. */
int cgroups_v2_dirfd(const struct container_state *st);

/* Send sig to every process in the container's cgroups. */
int cgroups_kill_all(const struct container_state *st, int sig, struct error **err);

/* Remove the cgroups vessel created (and only those), killing what is left in
 * them first and thawing a frozen cgroup.  Idempotent. */
int cgroups_destroy(const struct container_state *st, struct error **err);

/* The pids in the container's cgroups. */
int cgroups_pids(const struct container_state *st, pid_t **pids, size_t *n, struct error **err);

/* Freeze / thaw, waiting for the kernel to report the new state without
 * sleeping (v1 freezer.state, v2 cgroup.events via poll). */
int cgroups_freeze(const struct container_state *st, bool freeze, struct error **err);
bool cgroups_state_frozen(const struct container_state *st);

/* Stats in runc's events --stats shape ("cpu", "memory", "pids", "blkio",
 * "hugetlb"), as members of the currently open JSON object. */
int cgroups_stats(const struct container_state *st, struct jgen *g, struct error **err);

/* A descriptor that becomes readable when the container hits an OOM (v1
 * eventfd on memory.oom_control, v2 inotify on memory.events), and the read
 * side of it: returns 1 if an OOM happened since the last call, 0 if not. */
int cgroups_oom_fd(const struct container_state *st, struct error **err);
int cgroups_oom_check(const struct container_state *st, int fd);

/* What `features` reports. */
struct cgroup_features {
  bool v1, v2, systemd, systemd_user, rdma;
};
void cgroups_features(struct cgroup_features *f);

#endif
