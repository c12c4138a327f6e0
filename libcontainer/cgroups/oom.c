/* oom.c - OOM notifications for `events`.
 *
 * v1: an eventfd registered through cgroup.event_control on
 * memory.oom_control; the kernel also signals it when the cgroup is
 * removed, which is told apart by the cgroup's files being gone.
 * v2: inotify on memory.events (an "oom_kill" count that grows) and on
 * cgroup.events ("populated 0": nothing left that could run out). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "../utils.h"
#include "internal.h"

struct watch {
  int fd;         /* what the caller polls */
  int dirfd;      /* the memory cgroup */
  char *path;
  bool v2;
  uint64_t kills; /* v2: oom_kill at the last look */
};

static struct watch watches[8];

static struct watch *slot(int fd) {
  for (size_t i = 0; i < ARRAY_SIZE(watches); i++)
    if (watches[i].path && watches[i].fd == fd)
      return &watches[i];
  return NULL;
}

static uint64_t oom_kills(int dirfd, const char *path) {
  autofree char *text = NULL;
  uint64_t v = 0;
  if (cg_read(dirfd, path, "memory.events", &text, NULL) == 0)
    cg_keyed_u64(text, "oom_kill", &v);
  return v;
}

static int v1_register(int dirfd, const char *path, struct error **err) {
  autoclose int ctl = cg_open_file(dirfd, path, "memory.oom_control", O_RDONLY, err);
  if (ctl < 0)
    return -1;
  autoclose int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0)
    return error_sys(err, errno, "eventfd");
  if (cg_writef(dirfd, path, "cgroup.event_control", err, "%d %d", efd, ctl) < 0)
    return -1;
  return steal_fd(efd);
}

static int v2_register(const char *path, struct error **err) {
  autoclose int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (in < 0)
    return error_sys(err, errno, "inotify_init1");
  autofree char *mem = xasprintf("%s/memory.events", path);
  autofree char *ev = xasprintf("%s/cgroup.events", path);
  if (inotify_add_watch(in, mem, IN_MODIFY) < 0)
    return error_sys(err, errno, "watch \"%s\"", mem);
  if (inotify_add_watch(in, ev, IN_MODIFY) < 0)
    return error_sys(err, errno, "watch \"%s\"", ev);
  return steal_fd(in);
}

int cgroups_oom_fd(const struct container_state *st, struct error **err) {
  struct watch *w = NULL;
  for (size_t i = 0; i < ARRAY_SIZE(watches) && !w; i++)
    if (watches[i].path == NULL)
      w = &watches[i];
  if (w == NULL)
    return error_set(err, EMFILE, "too many OOM watches");
  bool v2 = st->cgroup_mode == CGROUP_MODE_V2;
  const char *path;
  autoclose int dirfd = cg_dir_open(st, v2 ? "" : "memory", &path, err);
  if (dirfd < 0)
    return -1;
  int fd = v2 ? v2_register(path, err) : v1_register(dirfd, path, err);
  if (fd < 0)
    return -1;
  *w = (struct watch){fd, steal_fd(dirfd), xstrdup(path), v2, 0};
  if (v2)
    w->kills = oom_kills(w->dirfd, w->path);
  return fd;
}

static int v2_check(struct watch *w) {
  char buf[4096];
  while (read(w->fd, buf, sizeof(buf)) > 0) {
  }
  autofree char *ev = NULL;
  uint64_t populated = 1;
  if (cg_read(w->dirfd, w->path, "cgroup.events", &ev, NULL) < 0)
    return -1;
  uint64_t kills = oom_kills(w->dirfd, w->path);
  int r = kills > w->kills;
  w->kills = kills;
  if (r == 0 && cg_keyed_u64(ev, "populated", &populated) == 0 && populated == 0)
    return -1;
  return r;
}

int cgroups_oom_check(const struct container_state *st, int fd) {
  (void)st;
  struct watch *w = slot(fd);
  if (w == NULL)
    return -1;
  if (w->v2)
    return v2_check(w);
  uint64_t n;
  if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
    return errno == EAGAIN ? 0 : -1;
  /* The kernel signals the eventfd when the cgroup goes away, too. */
  if (!cg_exists(w->dirfd, "cgroup.event_control"))
    return -1;
  return 1;
}

void cgroups_oom_close(int fd) {
  struct watch *w = slot(fd);
  if (w == NULL)
    return;
  close(w->fd);
  close(w->dirfd);
  free(w->path);
  memset(w, 0, sizeof(*w));
}
