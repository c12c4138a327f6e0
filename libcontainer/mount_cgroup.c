/* mount_cgroup.c - the "cgroup" mount type: what the container sees at
 * /sys/fs/cgroup.
 *
 * cgroup v2: the cgroup2 filesystem (with a cgroup namespace), or a bind of
 * the container's own cgroup directory (without one).
 * cgroup v1 and hybrid: a tmpfs holding one mount per hierarchy, as the host
 * has them (memory, cpu, cpu,cpuacct with its cpu -> cpu,cpuacct links,
 * name=systemd, and the cgroup2 "unified" mount on hybrid hosts): fresh
 * cgroup mounts with a cgroup namespace, binds of the container's cgroup
 * directories without one.  The tmpfs and every hierarchy follow the mount's
 * options (read-only by default). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "init.h"
#include "syscalls.h"
#include "utils.h"

int mount_make_fs(const char *type, const char *source, const char *data, unsigned long flags,
                  struct error **err);

static int attach_at(int treefd, int dirfd, const char *name, struct error **err) {
  if (sys_move_mount(treefd, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach \"%s\"", name);
  return 0;
}

static int bind_tree(const char *path, unsigned long flags, struct error **err) {
  int fd = sys_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "bind \"%s\"", path);
  struct vessel_mount_attr a = {0};
  if (flags & MS_RDONLY) a.attr_set |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID) a.attr_set |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV) a.attr_set |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC) a.attr_set |= MOUNT_ATTR_NOEXEC;
  if (a.attr_set && sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "set attributes of the bind of \"%s\"", path);
  }
  return fd;
}

/* The container's directory in the hierarchy mounted at <root>/<name>. */
static const char *container_dir(const struct container_state *st, const char *root,
                                 const char *name) {
  size_t rl = strlen(root), nl = strlen(name);
  const char *found = NULL;
  /* Parents created on the way are recorded first: the last match is the
   * container's own directory. */
  for (size_t i = 0; st && i < st->n_cgroups; i++) {
    const char *p = st->cgroups[i].path;
    if (strncmp(p, root, rl) == 0 && p[rl] == '/' && strncmp(p + rl + 1, name, nl) == 0 &&
        (p[rl + 1 + nl] == '/' || p[rl + 1 + nl] == '\0'))
      found = p;
  }
  return found;
}

/* Turn a hierarchy directory name into fsconfig data for a fresh mount. */
static char *hierarchy_data(const char *name) {
  if (strcmp(name, "systemd") == 0)
    return xstrdup("name=systemd");
  if (strncmp(name, "name=", 5) == 0)
    return xstrdup(name);
  return xstrdup(name); /* "cpu,cpuacct" is already the option list */
}

static int mount_v1_hierarchy(struct init_ctx *c, int tmpfs_fd, const char *root, const char *name,
                              bool v2, unsigned long flags, struct error **err) {
  bool cgroupns = c->want_cgroupns || c->cfg->linux.ns[NS_CGROUP].present;
  const char *dir = container_dir(c->st, root, name);
  int tree;
  if (cgroupns) {
    autofree char *data = v2 ? NULL : hierarchy_data(name);
    tree = mount_make_fs(v2 ? "cgroup2" : "cgroup", "cgroup", data, flags, err);
  } else if (dir) {
    tree = bind_tree(dir, flags, err);
  } else {
    return 0; /* the container has no cgroup in this hierarchy */
  }
  if (tree < 0) {
    /* Without privilege a v1 hierarchy cannot be mounted; the container
     * simply does not see it, as with runc. */
    if (c->st && c->st->rootless && (*err)->errnum == EPERM) {
      error_freep(err);
      return 0;
    }
    return error_wrap(err, "cgroup hierarchy \"%s\"", name);
  }
  if (mkdirat(tmpfs_fd, name, 0755) < 0 && errno != EEXIST) {
    close(tree);
    return error_sys(err, errno, "mkdir \"%s\"", name);
  }
  int r = attach_at(tree, tmpfs_fd, name, err);
  close(tree);
  if (r < 0)
    return -1;
  /* cpu,cpuacct is also reachable as cpu and cpuacct. */
  if (strchr(name, ',')) {
    autofree char *copy = xstrdup(name);
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save))
      if (symlinkat(name, tmpfs_fd, part) < 0 && errno != EEXIST)
        return error_sys(err, errno, "symlink \"%s\"", part);
  }
  return 0;
}

static int mount_v1(struct init_ctx *c, const struct mount_cfg *m, int targetfd, const char *root,
                    struct error **err) {
  unsigned long sub = (m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  autoclose int tmpfs = mount_make_fs("tmpfs", "tmpfs", "mode=755", MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
  if (tmpfs < 0)
    return -1;
  int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return error_sys(err, errno, "open \"%s\"", root);
  DIR *d = fdopendir(dfd);
  if (d == NULL) {
    close(dfd);
    return error_sys(err, errno, "read \"%s\"", root);
  }
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || de->d_type == DT_LNK)
      continue;
    struct statfs sfs;
    autoclose int h = openat(dfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (h < 0 || fstatfs(h, &sfs) < 0)
      continue;
    if (sfs.f_type == CGROUP_SUPER_MAGIC)
      rc = mount_v1_hierarchy(c, tmpfs, root, de->d_name, false, sub, err);
    else if (sfs.f_type == CGROUP2_SUPER_MAGIC)
      rc = mount_v1_hierarchy(c, tmpfs, root, de->d_name, true, sub, err);
  }
  closedir(d);
  if (rc < 0)
    return -1;
  if (m->flags & MS_RDONLY) {
    struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (sys_mount_setattr(tmpfs, "", AT_EMPTY_PATH, &a) < 0)
      return error_sys(err, errno, "make the cgroup tmpfs read-only");
  }
  if (sys_move_mount(tmpfs, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach the cgroup tmpfs");
  return 0;
}

int mount_cgroups(struct init_ctx *c, const struct mount_cfg *m, int targetfd, struct error **err) {
  const char *root = CGROUP_DEFAULT_ROOT;
  struct statfs sfs;
  if (statfs(root, &sfs) < 0)
    return error_sys(err, errno, "statfs \"%s\"", root);
  if (sfs.f_type != CGROUP2_SUPER_MAGIC)
    return mount_v1(c, m, targetfd, root, err);
  bool cgroupns = c->want_cgroupns || c->cfg->linux.ns[NS_CGROUP].present;
  int tree;
  const char *dir = c->st && c->st->n_cgroups ? c->st->cgroups[c->st->n_cgroups - 1].path : NULL;
  if (cgroupns || dir == NULL)
    tree = mount_make_fs("cgroup2", "cgroup", m->data, m->flags, err);
  else
    tree = bind_tree(dir, m->flags, err);
  if (tree < 0)
    return -1;
  int r = 0;
  if (sys_move_mount(tree, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    r = error_sys(err, errno, "attach cgroup2");
  close(tree);
  return r;
}
