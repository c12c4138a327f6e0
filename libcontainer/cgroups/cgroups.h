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
  int journal_fd;                         /* each directory made is appended here
                                             ("controller\tpath\n") as soon as it
                                             exists; 0 (or any fd < 3): none */
};

/* Resolve the container's cgroup path, validate the resources against what
 * this host has, create the directories (recording them in st->cgroups,
 * parents vessel had to make first, with st->cgroups_path and
 * st->cgroup_mode) and apply the resources, device rules included.  On
 * failure everything created is removed and st->cgroups is left empty.
 *
 * Paths are runc's (cgroupfs driver): cgroupsPath is cleaned of ".."; an
 * absolute one is taken from the top of every hierarchy; a relative one
 * under the caller's own cgroup of each v1 hierarchy, and on v2 under the
 * parent of the caller's own cgroup (which has processes in it); without
 * cgroupsPath the path is the relative "<id>".  On a hybrid host the
 * container also gets a directory in the unified hierarchy (no controllers
 * are used there).  --systemd-cgroup is refused: there is no systemd driver.
 * The directory handles stay open for the rest of the command, so that
 * cgroups_enter right after costs a write per hierarchy. */
int cgroups_create(const struct cgroup_config *cfg, struct container_state *st,
                   struct error **err);

/* Write resources into the container's cgroups (update: only what is set). */
int cgroups_apply(const struct container_state *st, const struct resources_cfg *r,
                  struct error **err);
/* The same for `update`: r holds what changes, eff the whole effective set
 * after the change (v2 writes pairs such as cpu.max "quota period" and
 * memory.swap.max = swap - limit from it). */
int cgroups_update(const struct container_state *st, const struct resources_cfg *r,
                   const struct resources_cfg *eff, struct error **err);

/* Move pid into every cgroup of the container.  sub is one `exec --cgroup`
 * value, "[controller[,controller]:]path", path relative to the container's
 * cgroup and existing (NULL: the container's cgroup itself). */
int cgroups_enter(const struct container_state *st, pid_t pid, const char *sub,
                  struct error **err);
/* The same with every --cgroup value given (NULL terminated; NULL: none);
 * for a controller the last value naming it wins. */
int cgroups_enter_subs(const struct container_state *st, pid_t pid, char *const *specs,
                       struct error **err);

/* Open the container's cgroup v2 directory for clone3(CLONE_INTO_CGROUP); -1
 * when the host is not pure v2. */
int cgroups_v2_dirfd(const struct container_state *st);

/* Send sig to every process in the container's cgroups. */
int cgroups_kill_all(const struct container_state *st, int sig, struct error **err);

/* Remove the cgroups vessel created (and only those), killing what is left in
 * them first and thawing a frozen cgroup.  Idempotent.  Paths in st that are
 * not under the cgroup root are never touched. */
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
 * side of it: returns 1 if an OOM happened since the last call, 0 if not,
 * -1 when no more can come (the cgroup was removed, or on v2 holds no
 * process any more).  Call it again after a 1: one wake-up can carry both.
 * cgroups_oom_close releases the descriptor. */
int cgroups_oom_fd(const struct container_state *st, struct error **err);
int cgroups_oom_check(const struct container_state *st, int fd);
void cgroups_oom_close(int fd);

/* `update` keeps the container's effective resources: merge a change into
 * them (what runc's update changes: memory limit, reservation and swap,
 * cpu shares, quota, period, realtime, burst, idle, cpus and mems, pids,
 * blockIO weight, unified), and write them as a LinuxResources object. */
void cgroups_resources_merge(struct resources_cfg *eff, const struct resources_cfg *change);
void cgroups_resources_gen(struct jgen *g, const struct resources_cfg *r);

/* Flag values as runc reads them.  Memory sizes: "-1" is the caller's
 * business; otherwise docker's go-units syntax ("512m", "1.5GiB"), with
 * go-units' messages ("invalid size: '-5'").  Numbers with Go's strconv
 * messages.  Durations as Go's time.ParseDuration ("5s", "1m30s"). */
int cgroups_parse_ram(const char *s, int64_t *out, char **msg);
int cgroups_parse_uint(const char *s, uint64_t *out, char **msg);
int cgroups_parse_int(const char *s, int64_t *out, char **msg);
int cgroups_parse_duration(const char *s, int64_t *ns);

/* What `features` reports. */
struct cgroup_features {
  bool v1, v2, systemd, systemd_user, rdma;
};
void cgroups_features(struct cgroup_features *f);

#endif
