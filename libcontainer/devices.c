/* devices.c - /dev inside the container: the default devices (null, zero,
 * full, random, urandom, tty), linux.devices, the /dev/fd, stdio and ptmx
 * links.  Nodes are made with mknodat() under a descriptor resolved inside
 * the rootfs; in a user namespace (no mknod) the host's device is bound onto
 * an empty file instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsutil.h"
#include "init.h"
#include "log.h"
#include "syscalls.h"
#include "utils.h"

static const struct device_cfg default_devices[] = {
    {"/dev/null", 'c', 1, 3, true, 0666, true, true, 0, 0},
    {"/dev/zero", 'c', 1, 5, true, 0666, true, true, 0, 0},
    {"/dev/full", 'c', 1, 7, true, 0666, true, true, 0, 0},
    {"/dev/random", 'c', 1, 8, true, 0666, true, true, 0, 0},
    {"/dev/urandom", 'c', 1, 9, true, 0666, true, true, 0, 0},
    {"/dev/tty", 'c', 5, 0, true, 0666, true, true, 0, 0},
};

static bool dev_is_bind_mounted(const struct config *cfg) {
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (strcmp(cfg->mounts[i].destination, "/dev") == 0 && mount_is_bind(&cfg->mounts[i]))
      return true;
  return false;
}

static int bind_host_device(struct init_ctx *c, const struct device_cfg *d, struct error **err) {
  autoclose int target = root_mkfile_strict(c->rootfd, d->path, 0000, err);
  if (target < 0)
    return -1;
  autoclose int tree = sys_open_tree(AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return error_sys(err, errno, "bind the host's \"%s\"", d->path);
  if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "bind the host's \"%s\"", d->path);
  return 0;
}

static int make_node(struct init_ctx *c, const struct device_cfg *d, bool strict,
                     struct error **err) {
  const char *name;
  autoclose int dir = root_parent(c->rootfd, d->path, true, &name, err);
  if (dir < 0)
    return -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  mode_t perm = d->has_file_mode ? d->file_mode : 0666;
  dev_t dev = d->type == 'p' ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
  if (mknodat(dir, name, type | (perm & 07777), dev) < 0) {
    if (errno != EEXIST)
      return error_sys(err, errno, "mknod \"%s\"", d->path);
    /* What is there already must be that very device (the spec says so
     * for linux.devices); the defaults keep what the image has. */
    struct stat st;
    if (strict && (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                   (st.st_mode & S_IFMT) != type || (type != S_IFIFO && st.st_rdev != dev)))
      return error_set(err, EEXIST, "\"%s\" exists in the container and is not the configured device",
                       d->path);
    return 0;
  }
  uid_t uid = d->has_uid ? d->uid : 0;
  gid_t gid = d->has_gid ? d->gid : 0;
  if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return error_sys(err, errno, "chown \"%s\"", d->path);
  if (fchmodat(dir, name, perm & 07777, 0) < 0)
    return error_sys(err, errno, "chmod \"%s\"", d->path);
  return 0;
}

static int create_device(struct init_ctx *c, const struct device_cfg *d, bool userns, bool strict,
                         struct error **err) {
  if (userns)
    return bind_host_device(c, d, err);
  return make_node(c, d, strict, err);
}

static int make_links(struct init_ctx *c, struct error **err) {
  static const char *links[][2] = {
      {"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
  };
  autoclose int dev = root_mkdir_p(c->rootfd, "/dev", 0755, err);
  if (dev < 0)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE(links); i++)
    if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return error_sys(err, errno, "symlink /dev/%s", links[i][1]);
  if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
    return error_sys(err, errno, "symlink /dev/core");
  /* /dev/ptmx is the devpts instance's ptmx. */
  if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
    return error_sys(err, errno, "remove /dev/ptmx");
  if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
    return error_sys(err, errno, "symlink /dev/ptmx");
  return 0;
}

int devices_setup(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  if (dev_is_bind_mounted(c->cfg))
    return 0;
  bool userns = l->ns[NS_USER].present;
  for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
    bool configured = false;
    for (size_t j = 0; j < l->n_devices; j++)
      configured |= strcmp(l->devices[j].path, default_devices[i].path) == 0;
    if (!configured && create_device(c, &default_devices[i], userns, false, err) < 0)
      goto fail;
  }
  for (size_t j = 0; j < l->n_devices; j++)
    if (create_device(c, &l->devices[j], userns, true, err) < 0)
      goto fail;
  if (make_links(c, err) < 0)
    goto fail;
  return 0;
fail:
  return error_stage(err, "devices");
}
