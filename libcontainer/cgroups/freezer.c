/* freezer.c - pause and resume.
 *
 * v2: write cgroup.freeze and wait for cgroup.events to say "frozen 1" (or
 * 0): the kernel notifies the file, so the wait is a poll(2) on it.
 *
 * v1: freezer.state goes THAWED -> FREEZING -> FROZEN as the tasks reach the
 * refrigerator, and the kernel notifies nobody when that happens: the file
 * cannot be polled, and the v2 freezer of a hybrid host must not be mixed
 * in (tasks stopped by one are not seen as frozen by the other).  So the
 * wait is a bounded re-read: FROZEN is written again now and then (a task
 * forked while freezing escapes the first pass) and the CPU is yielded
 * between reads so that the tasks being frozen can run; after two seconds
 * the cgroup is thawed again and the pause fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../log.h"
#include "../utils.h"
#include "internal.h"

#define V1_FREEZE_BUDGET_MS 2000
#define V1_REWRITE_EVERY 64
#define V2_FREEZE_TIMEOUT_MS 30000

int cg_v1_freeze(int fd, const char *dir, bool freeze, struct error **err) {
  if (!freeze)
    return cg_write(fd, dir, "freezer.state", "THAWED", err);
  int64_t deadline = now_ms() + V1_FREEZE_BUDGET_MS;
  for (unsigned i = 0;; i++) {
    if (i % V1_REWRITE_EVERY == 0 && cg_write(fd, dir, "freezer.state", "FROZEN", err) < 0)
      break;
    autofree char *s = NULL;
    if (cg_read(fd, dir, "freezer.state", &s, err) < 0)
      break;
    if (strcmp(s, "FROZEN") == 0) {
      if (i > 0)
        log_debug("%s/freezer.state: FROZEN after %u reads", dir, i + 1);
      return 0;
    }
    if (strcmp(s, "FREEZING") != 0) {
      error_set(err, EIO, "%s/freezer.state: unexpected state \"%s\" after writing FROZEN", dir, s);
      break;
    }
    if (now_ms() > deadline) {
      error_set(err, EBUSY, "unable to freeze \"%s\": tasks stayed in FREEZING", dir);
      break;
    }
    sched_yield();
  }
  /* Never leave a cgroup half frozen. */
  cg_write(fd, dir, "freezer.state", "THAWED", NULL);
  return -1;
}

/* Wait until cgroup.events has "frozen <want>". */
static int v2_wait(int fd, const char *dir, bool want, struct error **err) {
  autofree char *what = xasprintf("\"%s\" to be %s", dir, want ? "frozen" : "thawed");
  int r = cg_v2_events_wait(fd, dir, "frozen", want, now_ms() + V2_FREEZE_TIMEOUT_MS, what, err);
  if (r == 1)
    return error_set(err, EIO, "\"%s/cgroup.events\" has no \"frozen\" key", dir);
  return r;
}

int cg_v2_freeze(int fd, const char *dir, bool freeze, struct error **err) {
  if (cg_write(fd, dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
    return -1;
  if (v2_wait(fd, dir, freeze, err) == 0)
    return 0;
  if (freeze)
    cg_write(fd, dir, "cgroup.freeze", "0", NULL);
  return -1;
}

int cgroups_freeze(const struct container_state *st, bool freeze, struct error **err) {
  bool v2 = st->cgroup_mode == CGROUP_MODE_V2;
  const char *path;
  autoclose int fd = cg_dir_open(st, v2 ? "" : "freezer", &path, err);
  if (fd < 0)
    return error_wrap(err, "%s container \"%s\"", freeze ? "pause" : "resume", st->id);
  if (v2)
    return cg_v2_freeze(fd, path, freeze, err);
  return cg_v1_freeze(fd, path, freeze, err);
}

bool cgroups_state_frozen(const struct container_state *st) {
  if (st->n_cgroups == 0)
    return false;
  bool v2 = st->cgroup_mode == CGROUP_MODE_V2;
  const char *path;
  autoclose int fd = cg_dir_open(st, v2 ? "" : "freezer", &path, NULL);
  if (fd < 0)
    return false;
  autofree char *s = NULL;
  if (v2)
    return cg_read(fd, path, "cgroup.freeze", &s, NULL) == 0 && strcmp(s, "1") == 0;
  /* Frozen by us, not through a frozen parent. */
  int r = cg_read_opt(fd, path, "freezer.self_freezing", &s, NULL);
  if (r == 0)
    return strcmp(s, "1") == 0;
  if (r == 1 && cg_read(fd, path, "freezer.state", &s, NULL) == 0)
    return strcmp(s, "THAWED") != 0;
  return false;
}

/* A directory frozen by itself: v2 cgroup.freeze is 1; v1 freezer.state is
 * not THAWED and, where the kernel tells, not only through a frozen parent.
 * Missing files read as thawed. */
static bool dir_frozen(int fd, const char *dir, bool v2) {
  autofree char *s = NULL;
  if (v2)
    return cg_read_opt(fd, dir, "cgroup.freeze", &s, NULL) == 0 && strcmp(s, "1") == 0;
  int r = cg_read_opt(fd, dir, "freezer.self_freezing", &s, NULL);
  if (r == 0)
    return strcmp(s, "1") == 0;
  return r == 1 && cg_read_opt(fd, dir, "freezer.state", &s, NULL) == 0 && strcmp(s, "THAWED") != 0;
}

int cg_refuse_frozen(const struct cg_host *host, const char *inner, struct error **err) {
  bool v2 = host->mode == CGROUP_MODE_V2;
  for (size_t i = 0; i < host->n; i++) {
    const struct cg_hier *h = &host->h[i];
    if (v2 ? *h->controllers != '\0' : !cg_list_has(h->controllers, "freezer"))
      continue;
    autofree char *leaf = cg_leaf_path(host, h, inner);
    int fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      continue; /* not there yet: nothing can have frozen it */
    bool frozen = dir_frozen(fd, leaf, v2);
    close(fd);
    /* runc's words: engines and its suite match them */
    if (frozen)
      return error_set(err, EBUSY, "container's cgroup unexpectedly frozen (\"%s\")", leaf);
  }
  return 0;
}

