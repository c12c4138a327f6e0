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
#include "rootfs_host.h"
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

/* A mount namespace of the container's own: nothing mounted from here on
 * may propagate back to the host, and the rootfs becomes a mount of its own
 * (pivot_root needs one). */
static int own_root_bind(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  unsigned long prop = l->rootfs_propagation ? l->rootfs_propagation : (MS_SLAVE | MS_REC);
  if (mount(NULL, "/", NULL, prop, NULL) < 0)
    return error_sys(err, errno, "set propagation of \"/\"");
  /* Unless every mount became a slave, the mount holding the rootfs may
   * still be shared, and pivot_root refuses that. */
  if ((!(prop & MS_REC) || !(prop & MS_SLAVE)) && make_parent_private(c->rootfs, err) < 0)
    return -1;
  if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return error_sys(err, errno, "bind the rootfs \"%s\" onto itself", c->rootfs);
  return 0;
}

int rootfs_setup(struct init_ctx *c, struct error **err) {
  /* In a user namespace and the host's mount namespace nothing can be
   * mounted (the config may not ask for it): the rootfs is only chrooted. */
  bool bare = c->host_mntns && c->cfg->linux.ns[NS_USER].present;
  int r = bare ? 0 : c->host_mntns ? rootfs_host_bind(c, err) : own_root_bind(c, err);
  if (r < 0)
    return error_stage(err, "mount");
  c->rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0)
    return error_sys(err, errno, "open the rootfs \"%s\"", c->rootfs), error_stage(err, "mount");
  if (bare)
    return 0;
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

/* mountinfo's octal escapes (\040 for a space) decoded in place. */
static void unescape(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
        p[3] <= '7') {
      *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
      p += 3;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
}

/* Without pivot_root the old root stays in the mount namespace, and a full
 * procfs or sysfs there would let the container mount a fresh, unmasked one
 * (the kernel allows that when one is fully visible somewhere): take them
 * away first, or cover them when they cannot go. */
static int hide_full_proc_and_sys(const char *rootfs, struct error **err) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return error_sys(err, errno, "open /proc/self/mountinfo");
  char line[8192], root[4096], mp[4096];
  size_t rl = strlen(rootfs);
  int rc = 0;
  while (rc == 0 && fgets(line, sizeof(line), f)) {
    const char *dash = strstr(line, " - ");
    char fstype[64];
    if (dash == NULL || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
        sscanf(dash + 3, "%63s", fstype) != 1)
      continue;
    unescape(mp);
    if (strcmp(root, "/") != 0 || (strcmp(fstype, "proc") != 0 && strcmp(fstype, "sysfs") != 0) ||
        (strncmp(mp, rootfs, rl) == 0 && (mp[rl] == '/' || mp[rl] == '\0')))
      continue;
    if (mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
      if (errno == ENOENT || errno == EINVAL) /* gone with a parent already */
        continue;
      rc = error_sys(err, errno, "make \"%s\" a slave", mp);
    } else if (umount2(mp, MNT_DETACH) < 0 &&
               mount("tmpfs", mp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0) {
      rc = error_sys(err, errno, "hide \"%s\" from the container", mp);
    }
  }
  fclose(f);
  return rc;
}

static int move_root(const char *rootfs, struct error **err) {
  if (hide_full_proc_and_sys(rootfs, err) < 0)
    return -1;
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
  if (c->host_mntns)
    return rootfs_host_enter(c, err);
  int r = c->no_pivot ? move_root(c->rootfs, err) : pivot(c->rootfs, err);
  if (r < 0)
    return error_stage(err, "mount");
  /* The rootfs descriptor now names "/"; reopen it to be sure. */
  close(c->rootfd);
  c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0)
    return error_sys(err, errno, "open /"), error_stage(err, "mount");
  /* linux.rootfsPropagation is the propagation of the container's root
   * mount: set on "/" itself, now that pivot_root no longer minds. */
  unsigned long prop = c->cfg->linux.rootfs_propagation & ~(unsigned long)MS_REC;
  struct vessel_mount_attr a = {.propagation = prop};
  if (prop && sys_mount_setattr(c->rootfd, "", AT_EMPTY_PATH, &a) < 0)
    return error_sys(err, errno, "set the propagation of \"/\""), error_stage(err, "mount");
  return 0;
}

int rootfs_finalize(struct init_ctx *c, struct error **err) {
  if (paths_mask_and_readonly(c, err) < 0)
    return -1;
  for (size_t i = 0; i < c->n_mounted; i++) {
    struct vessel_mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
    if (c->mounted[i].ro_later && sys_mount_setattr(c->mounted[i].fd, "", AT_EMPTY_PATH, &ro) < 0)
      return error_sys(err, errno, "make \"%s\" read-only", c->mounted[i].dest),
             error_stage(err, "mount");
  }
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
