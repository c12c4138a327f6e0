/* rootfs.c - the container's root: propagation, the rootfs bound onto itself,
 * mounts and devices, pivot_root (or MS_MOVE + chroot with --no-pivot), and
 * the finishing touches after it (read-only root). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsutil.h"
#include "init.h"
#include "log.h"
#include "syscalls.h"
#include "utils.h"

int paths_open_devnull(struct error **err);

static int make_parent_private(const char *rootfs, struct error **err) {
  /* With a shared rootfsPropagation the mount holding the rootfs may be
   * shared, and pivot_root refuses that: make that one mount private.  Only
   * this rare case reads mountinfo. */
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return error_sys(err, errno, "open /proc/self/mountinfo");
  char line[4096], best[4096] = "/";
  size_t best_len = 1;
  while (fgets(line, sizeof(line), f)) {
    char mp[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
      continue;
    size_t l = strlen(mp);
    if (strncmp(rootfs, mp, l) == 0 && (rootfs[l] == '/' || rootfs[l] == '\0' || l == 1) &&
        l >= best_len && strcmp(mp, rootfs) != 0) {
      strcpy(best, mp);
      best_len = l;
    }
  }
  fclose(f);
  if (mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return error_sys(err, errno, "make \"%s\" private", best);
  return 0;
}

int rootfs_setup(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  unsigned long prop = l->rootfs_propagation ? l->rootfs_propagation : (MS_SLAVE | MS_REC);
  /* Nothing mounted from here on may propagate back to the host. */
  if (mount(NULL, "/", NULL, prop, NULL) < 0)
    return error_sys(err, errno, "set propagation of \"/\""), error_stage(err, "mount");
  /* Unless every mount became a slave, the mount holding the rootfs may
   * still be shared, and pivot_root refuses that. */
  if ((!(prop & MS_REC) || !(prop & MS_SLAVE)) && make_parent_private(c->rootfs, err) < 0)
    return error_stage(err, "mount");
  if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return error_sys(err, errno, "bind the rootfs \"%s\" onto itself", c->rootfs),
           error_stage(err, "mount");
  c->rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0)
    return error_sys(err, errno, "open the rootfs \"%s\"", c->rootfs), error_stage(err, "mount");
  c->devnull_tree = paths_open_devnull(err);
  if (c->devnull_tree < 0)
    return error_stage(err, "mount");
  if (mounts_apply(c, err) < 0)
    return -1;
  if (devices_setup(c, err) < 0)
    return -1;
  /* The working directory is created if missing, as runc does. */
  if (c->proc && c->proc->cwd) {
    int fd = root_mkdir_p(c->rootfd, c->proc->cwd, 0755, err);
    if (fd < 0)
      return error_wrap(err, "create the working directory \"%s\"", c->proc->cwd),
             error_stage(err, "process");
    close(fd);
  }
  return 0;
}

static int pivot(const char *rootfs, struct error **err) {
  autoclose int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  autoclose int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0)
    return error_sys(err, errno, "open the old and new roots");
  if (fchdir(newroot) < 0)
    return error_sys(err, errno, "chdir to the rootfs");
  /* pivot_root(".", "."): the old root ends up stacked on the new one. */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return error_sys(err, errno, "pivot_root");
  if (fchdir(oldroot) < 0)
    return error_sys(err, errno, "chdir to the old root");
  /* Make the old root a slave so that unmounting it cannot propagate. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return error_sys(err, errno, "make the old root a slave");
  if (umount2(".", MNT_DETACH) < 0)
    return error_sys(err, errno, "unmount the old root");
  if (chdir("/") < 0)
    return error_sys(err, errno, "chdir /");
  return 0;
}

static int move_root(const char *rootfs, struct error **err) {
  if (chdir(rootfs) < 0)
    return error_sys(err, errno, "chdir to the rootfs");
  if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return error_sys(err, errno, "move the rootfs to /");
  if (chroot(".") < 0)
    return error_sys(err, errno, "chroot");
  if (chdir("/") < 0)
    return error_sys(err, errno, "chdir /");
  return 0;
}

int rootfs_pivot(struct init_ctx *c, struct error **err) {
  int r = c->no_pivot ? move_root(c->rootfs, err) : pivot(c->rootfs, err);
  if (r < 0)
    return error_stage(err, "mount");
  /* The rootfs descriptor now names "/"; reopen it to be sure. */
  close(c->rootfd);
  c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0)
    return error_sys(err, errno, "open /"), error_stage(err, "mount");
  return 0;
}

int rootfs_finalize(struct init_ctx *c, struct error **err) {
  if (paths_mask_and_readonly(c, err) < 0)
    return -1;
  if (c->cfg->root_readonly) {
    struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (sys_mount_setattr(c->rootfd, "", AT_EMPTY_PATH, &a) < 0)
      return error_sys(err, errno, "make the root read-only"), error_stage(err, "mount");
  }
  if (c->devnull_tree >= 0) {
    close(c->devnull_tree);
    c->devnull_tree = -1;
  }
  for (size_t i = 0; i < c->n_mounted; i++)
    close(c->mounted[i].fd);
  c->n_mounted = 0;
  return 0;
}
