/* rootfs_host.h - the rootfs of a container in the host's mount namespace. */
#ifndef VESSEL_ROOTFS_HOST_H
#define VESSEL_ROOTFS_HOST_H

#include <stdint.h>

#include "error.h"

struct init_ctx;

/* The id of the mount on top of path (0 if unknown). */
uint64_t rootfs_host_mnt_id(const char *path);
/* The init: a private recursive bind of the rootfs onto itself. */
int rootfs_host_bind(struct init_ctx *c, struct error **err);
/* The init: chroot into the rootfs (there is no pivot_root in a shared
 * mount namespace). */
int rootfs_host_enter(struct init_ctx *c, struct error **err);
/* Remove the bind the init made (and every mount below it), if the mount on
 * top of rootfs is no longer the one that was there before (base). */
void rootfs_host_release(const char *rootfs, uint64_t base);

#endif
