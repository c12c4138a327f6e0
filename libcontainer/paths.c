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

static int mask_path(struct init_ctx *c, const char *path, int *empty_tmpfs, struct error **err) {
  autoclose int target = root_open_nofollow(c->rootfd, path, O_PATH, NULL);
  if (target < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return 0;
    return error_sys(err, errno, "open \"%s\"", path);
  }
  struct stat st;
  if (fstat(target, &st) < 0)
    return error_sys(err, errno, "stat \"%s\"", path);
  if (S_ISLNK(st.st_mode))
    return 0; /* nothing to mask behind a link we refuse to follow */
  if (S_ISDIR(st.st_mode)) {
    if (*empty_tmpfs < 0) {
      *empty_tmpfs = mount_make_fs("tmpfs", "tmpfs", "mode=0555",
                                   MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
      if (*empty_tmpfs < 0)
        return -1;
    }
    return clone_onto(*empty_tmpfs, target, false, err);
  }
  if (c->devnull_tree < 0)
    return error_set(err, ENODEV, "no verified /dev/null to mask \"%s\" with", path);
  return clone_onto(c->devnull_tree, target, false, err);
}

static int readonly_path(struct init_ctx *c, const char *path, struct error **err) {
  autoclose int target = root_open(c->rootfd, path, O_PATH, NULL);
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
  int empty = -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && l->masked_paths && l->masked_paths[i]; i++)
    if ((rc = mask_path(c, l->masked_paths[i], &empty, err)) < 0) {
      error_object(err, l->masked_paths[i]);
      error_stage(err, "mount");
    }
  if (empty >= 0)
    close(empty);
  return rc;
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
