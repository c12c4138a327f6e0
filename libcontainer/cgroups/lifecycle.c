/* lifecycle.c - the processes in a container's cgroups: listing them,
 * signalling them all, and removing the cgroups at delete.
 *
 * Removal thaws a frozen cgroup, kills what is left (cgroup.kill where the
 * kernel has it, else SIGKILL through a pidfd to every pid in cgroup.procs,
 * sub-cgroups included), waits for those processes to exit (poll on
 * cgroup.events "populated 0", or on the pidfds), then removes the
 * directories vessel made, last first.  Parents shared with other
 * containers stay when they are still in use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../log.h"
#include "../syscalls.h"
#include "../utils.h"
#include "internal.h"

#define KILL_WAIT_MS 10000
#define KILL_ROUNDS 64

static const char *const pid_order[] = {"pids",  "devices", "freezer", "memory",       "cpu",
                                        "cpuacct", "cpuset", "blkio",  "name=systemd", ""};

static const char *pids_controller(const struct container_state *st) {
  if (st->cgroup_mode == CGROUP_MODE_V2)
    return "";
  for (size_t i = 0; i < ARRAY_SIZE(pid_order); i++)
    if (cg_dir_for(st, pid_order[i]))
      return pid_order[i];
  return NULL;
}

int cgroups_pids(const struct container_state *st, pid_t **pids, size_t *n, struct error **err) {
  *pids = NULL;
  *n = 0;
  const char *ctrl = pids_controller(st);
  if (ctrl == NULL)
    return 0;
  const char *path;
  struct error *e = NULL;
  autoclose int fd = cg_dir_open(st, ctrl, &path, &e);
  if (fd < 0) {
    if (e->errnum == ENOENT) {
      error_free(e);
      return 0;
    }
    return cg_error_move(err, e);
  }
  return cg_procs_tree(fd, path, pids, n, err);
}

int cgroups_kill_all(const struct container_state *st, int sig, struct error **err) {
  if (st->n_cgroups == 0 || cg_state_fake(st))
    return 0;
  if (st->cgroup_mode == CGROUP_MODE_V2 && sig == SIGKILL) {
    const char *path;
    autoclose int fd = cg_dir_open(st, "", &path, err);
    if (fd < 0)
      return -1;
    if (cg_exists(fd, "cgroup.kill"))
      return cg_write(fd, path, "cgroup.kill", "1", err);
  }
  /* Freeze first so that nothing forks or exits while the list is walked. */
  bool freezer = st->cgroup_mode == CGROUP_MODE_V2 || cg_dir_for(st, "freezer");
  bool was_frozen = freezer && cgroups_state_frozen(st);
  struct error *e = NULL;
  if (freezer && !was_frozen && cgroups_freeze(st, true, &e) < 0) {
    log_warn("%s", e->msg);
    error_free(e);
    e = NULL;
  }
  autofree pid_t *pids = NULL;
  size_t n = 0;
  int rc = cgroups_pids(st, &pids, &n, err);
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH)
      log_warn("signal %d to pid %d: %s", sig, pids[i], strerror(errno));
  if (freezer && (!was_frozen || sig == SIGKILL) && cgroups_freeze(st, false, &e) < 0) {
    log_warn("%s", e->msg);
    error_free(e);
  }
  return rc;
}

/* v2: wait for cgroup.events "populated 0" (no such key: nothing to wait for). */
static int wait_unpopulated(int fd, const char *dir, int64_t deadline, struct error **err) {
  autofree char *what = xasprintf("the processes of \"%s\" to exit", dir);
  return cg_v2_events_wait(fd, dir, "populated", 0, deadline, what, err) < 0 ? -1 : 0;
}

/* SIGKILL every pid through a pidfd and wait until they have all exited. */
static int kill_wait_pids(const pid_t *pids, size_t n, int64_t deadline, struct error **err) {
  autofree struct pollfd *fds = xcalloc(n ? n : 1, sizeof(*fds));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int pfd = sys_pidfd_open(pids[i], 0);
    if (pfd < 0)
      continue; /* already gone */
    if (sys_pidfd_send_signal(pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
      log_warn("kill pid %d: %s", pids[i], strerror(errno));
      close(pfd);
      continue;
    }
    fds[k++] = (struct pollfd){pfd, POLLIN, 0};
  }
  int rc = 0;
  for (size_t left = k; left > 0;) {
    int64_t ms = deadline - now_ms();
    if (ms <= 0) {
      rc = error_set(err, ETIMEDOUT, "timed out waiting for %zu killed processes to exit", left);
      break;
    }
    int r = poll(fds, k, (int)ms);
    if (r < 0 && errno != EINTR) {
      rc = error_sys(err, errno, "poll pidfds");
      break;
    }
    for (size_t i = 0; i < k && r > 0; i++)
      if (fds[i].fd >= 0 && fds[i].revents) {
        close(fds[i].fd);
        fds[i].fd = -1;
        left--;
      }
  }
  for (size_t i = 0; i < k; i++)
    if (fds[i].fd >= 0)
      close(fds[i].fd);
  return rc;
}

static bool is_leaf(const struct container_state *st, size_t i);

/* Leftovers are killed only in cgroups vessel made for the container: a
 * cgroupsPath naming a cgroup that existed before may hold processes that
 * are not the container's. */
static bool owns_leaves(const struct container_state *st) {
  for (size_t i = 0; i < st->n_cgroups; i++)
    if (is_leaf(st, i) && !st->cgroups[i].created)
      return false;
  return true;
}

static int kill_leftovers(const struct container_state *st, struct error **err) {
  if (cg_state_fake(st))
    return 0; /* the pids in a test tree are not its processes */
  if (!owns_leaves(st)) {
    log_debug("cgroups of \"%s\" existed before it: other processes in them are left alone", st->id);
    return 0;
  }
  int64_t deadline = now_ms() + KILL_WAIT_MS;
  const char *path;
  struct error *e = NULL;
  if (cg_dir_for(st, "")) {
    autoclose int fd = cg_dir_open(st, "", &path, &e);
    if (fd >= 0 && cg_exists(fd, "cgroup.kill")) {
      if (cg_write(fd, path, "cgroup.kill", "1", err) < 0 ||
          wait_unpopulated(fd, path, deadline, err) < 0)
        return -1;
      if (st->cgroup_mode == CGROUP_MODE_V2)
        return 0;
    }
    error_free(e);
  }
  for (int round = 0; round < KILL_ROUNDS; round++) {
    autofree pid_t *pids = NULL;
    size_t n = 0;
    if (cgroups_pids(st, &pids, &n, err) < 0)
      return -1;
    if (n == 0)
      return 0;
    if (kill_wait_pids(pids, n, deadline, err) < 0)
      return -1;
  }
  return error_set(err, EBUSY, "processes kept appearing in the cgroups of \"%s\"", st->id);
}

static bool is_leaf(const struct container_state *st, size_t i) {
  for (size_t j = i + 1; j < st->n_cgroups; j++)
    if (strcmp(st->cgroups[j].controller, st->cgroups[i].controller) == 0)
      return false;
  return true;
}

int cgroups_destroy(const struct container_state *st, struct error **err) {
  if (st->n_cgroups == 0)
    return 0;
  struct error *e = NULL;
  if (cgroups_state_frozen(st) && cgroups_freeze(st, false, &e) < 0) {
    log_warn("%s", e->msg);
    error_free(e);
  }
  if (kill_leftovers(st, err) < 0)
    return error_stage(err, "cgroup");
  cg_dir_cache_clear();
  int rc = 0;
  for (size_t i = st->n_cgroups; i-- > 0;) {
    const struct cgroup_dir *d = &st->cgroups[i];
    if (!d->created || !cg_path_ok(d->path))
      continue;
    if (is_leaf(st, i)) {
      if (cg_rmdir_tree(d->path, rc < 0 ? NULL : err) < 0)
        rc = -1;
    } else if (cg_rmdir(d->path) < 0 && errno != ENOENT && errno != EBUSY && errno != ENOTEMPTY) {
      rc = error_sys(err, errno, "remove cgroup \"%s\"", d->path);
    }
  }
  return rc < 0 ? error_stage(err, "cgroup") : 0;
}
