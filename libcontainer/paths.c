/* paths.c - linux.maskedPaths and linux.readonlyPaths, after pivot_root.
 *
 * A masked file gets a bind of the host's /dev/null, verified to be the
 * character device 1:3 before it is used (never the container's /dev/null,
 * which the image controls); a masked directory gets a clone of one empty
 * read-only tmpfs, shared by all of them.  Read-only paths are recursive
 * read-only binds of themselves.  Paths that do not exist are skipped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsutil.h"
#include "init.h"
#include "syscalls.h"
#include "utils.h"

int mount_make_fs(const char *type, const char *source, const char *data, unsigned long flags,
                  struct error **err);

static int clone_onto(int tree, int target, bool recursive, struct error **err) {
  autoclose int copy = sys_open_tree(tree, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                                   (recursive ? AT_RECURSIVE : 0));
  if (copy < 0)
    return error_sys(err, errno, "clone mount");
  if (sys_move_mount(copy, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach mount");
  return 0;
}

/* Open path inside the container: relative to the mount vessel attached
 * deepest above it (so that /proc/sys is the procfs vessel mounted, even if
 * the image renames or swaps /proc meanwhile), else from the root. */
static int open_in_container(struct init_ctx *c, const char *path, bool nofollow) {
  size_t best = 0;
  int bestfd = -1;
  for (size_t i = 0; i < c->n_mounted; i++) {
    const char *d = c->mounted[i].dest;
    size_t l = strlen(d);
    while (l > 1 && d[l - 1] == '/')
      l--;
    if (l > best && strncmp(path, d, l) == 0 && (path[l] == '/' || path[l] == '\0')) {
      best = l;
      bestfd = c->mounted[i].fd;
    }
  }
  if (bestfd < 0)
    return nofollow ? root_open_nofollow(c->rootfd, path, O_PATH, NULL)
                    : root_open(c->rootfd, path, O_PATH, NULL);
  const char *rel = path + best;
  while (*rel == '/')
    rel++;
  struct open_how how = {.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
  return (int)sys_openat2(bestfd, *rel ? rel : ".", &how, sizeof(how));
}

/* A masked path: its descriptor (not following a final link) and kind. */
struct mask_target {
  int fd;
  bool dir;
  const char *path;
};

static int open_mask_target(struct init_ctx *c, const char *path, struct mask_target *t,
                            struct error **err) {
  t->fd = -1;
  t->path = path;
  int fd = open_in_container(c, path, true);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return 0;
    return error_sys(err, errno, "open \"%s\"", path);
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "stat \"%s\"", path);
  }
  if (S_ISLNK(st.st_mode)) {
    close(fd); /* nothing to mask behind a link we refuse to follow */
    return 0;
  }
  t->fd = fd;
  t->dir = S_ISDIR(st.st_mode);
  return 0;
}

/* The first target gets the tree itself; the others a clone of that, now
 * attached, mount: kernels before 6.15 cannot clone a detached mount, and
 * attaching the original spares closing a detached mount (which waits for
 * an RCU grace period). */
static int mask_with(int tree, int target, bool first, struct error **err) {
  if (!first)
    return clone_onto(tree, target, false, err);
  if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach mount");
  return 0;
}

static int mask_paths(struct init_ctx *c, char *const *paths, struct error **err) {
  size_t n = strv_len(paths), ndirs = 0, nfiles = 0;
  if (n == 0)
    return 0;
  struct mask_target *t = xcalloc(n, sizeof(*t));
  for (size_t i = 0; i < n; i++)
    t[i].fd = -1;
  int rc = 0, empty = -1;
  for (size_t i = 0; i < n && rc == 0; i++) {
    bool dup = false;
    for (size_t j = 0; j < i && !dup; j++)
      dup = strcmp(paths[i], paths[j]) == 0;
    if (dup) /* masked once is enough */
      continue;
    rc = open_mask_target(c, paths[i], &t[i], err);
    if (rc == 0 && t[i].fd >= 0) {
      if (t[i].dir)
        ndirs++;
      else
        nfiles++;
    }
  }
  if (rc == 0 && ndirs) {
    empty = mount_make_fs("tmpfs", "tmpfs", "mode=0555", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
    if (empty < 0)
      rc = -1;
  }
  if (rc == 0 && nfiles && c->devnull_tree < 0)
    rc = error_set(err, ENODEV, "no verified /dev/null to mask files with");
  bool dir_used = false, file_used = false;
  for (size_t i = 0; i < n && rc == 0; i++) {
    if (t[i].fd < 0)
      continue;
    bool first = t[i].dir ? !dir_used : !file_used;
    rc = mask_with(t[i].dir ? empty : c->devnull_tree, t[i].fd, first, err);
    if (t[i].dir)
      dir_used = true;
    else
      file_used = true;
    if (rc < 0)
      error_object(err, t[i].path);
  }
  for (size_t i = 0; i < n; i++)
    if (t[i].fd >= 0)
      close(t[i].fd);
  free(t);
  if (empty >= 0)
    close(empty);
  return rc;
}

static int readonly_path(struct init_ctx *c, const char *path, struct error **err) {
  autoclose int target = open_in_container(c, path, false);
  if (target < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return 0;
    return error_sys(err, errno, "open \"%s\"", path);
  }
  autoclose int tree = sys_open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                                     AT_RECURSIVE);
  if (tree < 0)
    return error_sys(err, errno, "bind \"%s\"", path);
  struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                            MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
    return error_sys(err, errno, "make \"%s\" read-only", path);
  if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach the read-only \"%s\"", path);
  return 0;
}

int paths_mask_and_readonly(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
    if (readonly_path(c, l->readonly_paths[i], err) < 0) {
      error_object(err, l->readonly_paths[i]);
      return error_stage(err, "mount");
    }
  if (mask_paths(c, l->masked_paths, err) < 0)
    return error_stage(err, "mount");
  return 0;
}

/* Keep a detached clone of the host's /dev/null, checked to be 1:3. */
int paths_open_devnull(struct error **err);
int paths_open_devnull(struct error **err) {
  int fd = sys_open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "clone /dev/null");
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) {
    close(fd);
    return error_set(err, EPERM, "/dev/null is not the null device (1:3); refusing to mask with it");
  }
  /* The mask itself is read-only, no-exec and no-suid. */
  struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC};
  if (sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "make the /dev/null mask read-only");
  }
  return fd;
}
