/* rootfs_host.c - a container that shares the host's mount namespace.
 *
 * Its mounts cannot live in a namespace of their own, so they go into the
 * host's, under a private, recursive bind of the rootfs onto itself: the
 * container's mounts stay below that one mount, propagate nowhere, and one
 * lazy unmount of it at delete (or when create fails) takes them all away.
 * state.json keeps the id of the mount that was on the rootfs before, so
 * that only a mount vessel put on top of it is ever removed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "rootfs_host.h"
#include "syscalls.h"
#include "utils.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

uint64_t rootfs_host_mnt_id(const char *rootfs) {
  struct statx sx;
  if (statx(AT_FDCWD, rootfs, AT_NO_AUTOMOUNT, STATX_MNT_ID_UNIQUE, &sx) == 0 &&
      (sx.stx_mask & STATX_MNT_ID_UNIQUE))
    return sx.stx_mnt_id;
  if (statx(AT_FDCWD, rootfs, AT_NO_AUTOMOUNT, STATX_MNT_ID, &sx) == 0 && (sx.stx_mask & STATX_MNT_ID))
    return sx.stx_mnt_id;
  return 0;
}

int rootfs_host_bind(struct init_ctx *c, struct error **err) {
  autoclose int tree = sys_open_tree(AT_FDCWD, c->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    return error_sys(err, errno, "bind the rootfs \"%s\"", c->rootfs);
  struct vessel_mount_attr a = {.propagation = MS_PRIVATE};
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
    return error_sys(err, errno, "make the bind of the rootfs \"%s\" private", c->rootfs);
  autoclose int target = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (target < 0)
    return error_sys(err, errno, "open the rootfs \"%s\"", c->rootfs);
  if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "bind the rootfs \"%s\" onto itself", c->rootfs);
  return 0;
}

int rootfs_host_enter(struct init_ctx *c, struct error **err) {
  if (fchdir(c->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return error_sys(err, errno, "chroot to \"%s\"", c->rootfs), error_stage(err, "mount");
  return 0;
}

void rootfs_host_release(const char *rootfs, uint64_t base) {
  if (base == 0 || rootfs == NULL)
    return;
  uint64_t now = rootfs_host_mnt_id(rootfs);
  if (now == 0 || now == base)
    return;
  if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
    log_warn("unmount the container's mounts on \"%s\": %s", rootfs, strerror(errno));
}
