/* mounts.c - config.json "mounts", in order, with every option.
 *
 * Targets are resolved and created inside the rootfs with openat2
 * (RESOLVE_IN_ROOT), and every mount is attached by descriptor with the new
 * mount API: open_tree() for bind mounts, fsopen()/fsconfig()/fsmount() for
 * filesystems, mount_setattr() for flags and propagation, move_mount() onto
 * the target's descriptor.  No path is looked up twice, so a symlink swapped
 * in by the image during setup cannot redirect a mount to the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fsutil.h"
#include "init.h"
#include "log.h"
#include "selinux.h"
#include "sync.h"
#include "syscalls.h"
#include "utils.h"

/* Files of /proc that may be bind mounted over (lxcfs and friends), as in
 * runc; anything else inside /proc is refused. */
static const char *proc_allowed[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
    "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev",
    "/proc/sys/kernel/ns_last_pid",
};

/* Per-mount flags as mount_setattr attributes; *atime says whether an atime
 * option was given (the atime field must then be cleared first). */
static uint64_t ms_to_attr(unsigned long ms, bool *atime) {
  uint64_t a = 0;
  if (ms & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
  if (ms & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
  if (ms & MS_NODEV) a |= MOUNT_ATTR_NODEV;
  if (ms & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
  if (ms & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
  if (ms & MS_NOSYMFOLLOW) a |= MOUNT_ATTR_NOSYMFOLLOW;
  if (ms & MS_NOATIME) {
    a |= MOUNT_ATTR_NOATIME;
    *atime = true;
  } else if (ms & MS_STRICTATIME) {
    a |= MOUNT_ATTR_STRICTATIME;
    *atime = true;
  } else if (ms & MS_RELATIME) {
    *atime = true; /* MOUNT_ATTR_RELATIME is 0 */
  }
  return a;
}

static char *describe(const struct mount_cfg *m) {
  return xasprintf("mount \"%s\" on \"%s\"%s%s%s", m->source ? m->source : "none",
                   m->destination, m->type ? " (type " : "", m->type ? m->type : "",
                   m->type ? ")" : "");
}

/* "/proc//sys/./kernel/" -> "/proc/sys/kernel" (lexically; ".." is left
 * alone: the resolved target is checked as well). */
static char *clean_path(const char *p) {
  char *out = xmalloc(strlen(p) + 2);
  size_t n = 0;
  out[n++] = '/';
  while (*p) {
    while (*p == '/')
      p++;
    const char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0)
      break;
    if (!(len == 1 && p[0] == '.')) {
      if (n > 1)
        out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p += len;
  }
  out[n] = '\0';
  return out;
}

static bool is_inside_proc(const char *dest) {
  autofree char *d = clean_path(dest);
  return strncmp(d, "/proc/", 6) == 0 || strcmp(d, "/proc") == 0;
}

static bool is_proc_root(const char *dest) {
  autofree char *d = clean_path(dest);
  return strcmp(d, "/proc") == 0;
}

static bool proc_allowed_path(const char *dest) {
  autofree char *d = clean_path(dest);
  for (size_t i = 0; i < ARRAY_SIZE(proc_allowed); i++)
    if (strcmp(d, proc_allowed[i]) == 0)
      return true;
  return false;
}

static bool on_procfs(int fd) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static void mounted_add(struct init_ctx *c, const char *dest, int fd, bool ro_later) {
  if (c->n_mounted >= ARRAY_SIZE(c->mounted)) {
    /* Past the table a read-only tmpfs is made read-only right away. */
    struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (ro_later)
      sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a);
    close(fd);
    return;
  }
  c->mounted[c->n_mounted].dest = dest;
  c->mounted[c->n_mounted].fd = fd;
  c->mounted[c->n_mounted].ro_later = ro_later;
  c->n_mounted++;
}

static int check_proc_destination(const struct mount_cfg *m, struct error **err) {
  const char *t = m->type ? m->type : "";
  if (!is_inside_proc(m->destination))
    return 0;
  autofree char *d = clean_path(m->destination);
  if (strcmp(d, "/proc") == 0 && strcmp(t, "proc") == 0)
    return 0;
  /* A bind of a procfs onto /proc (rootless with the host's pid namespace,
   * as runc allows): the source is checked to be a procfs once opened. */
  if (strcmp(d, "/proc") == 0 && mount_is_bind(m))
    return 0;
  if (proc_allowed_path(d) && mount_is_bind(m))
    return 0;
  return error_set(err, EPERM, "\"%s\" cannot be mounted because it is inside /proc", m->destination);
}

static int request_source(struct init_ctx *c, size_t index, struct error **err);

/* A detached bind mount of the source; one that a user namespace's root
 * cannot reach is opened by the parent, with the host's credentials. */
static int make_bind(struct init_ctx *c, size_t index, const struct mount_cfg *m, bool *is_dir,
                     struct error **err) {
  autofree char *src = NULL;
  if (m->source[0] == '/')
    src = xstrdup(m->source);
  else
    src = xasprintf("%s/%s", c->bundle, m->source);
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->rbind ? AT_RECURSIVE : 0);
  int fd = sys_open_tree(AT_FDCWD, src, flags);
  if (fd < 0 && (errno == EACCES || errno == EPERM) && c->cfg->linux.ns[NS_USER].present &&
      !(c->st && c->st->rootless)) {
    fd = request_source(c, index, err);
    if (fd < 0)
      return -1;
  }
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT)
      return error_set(err, e, "bind mount source \"%s\": no such file or directory", src);
    return error_sys(err, e, "bind mount source \"%s\"", src);
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "stat bind mount source \"%s\"", src);
  }
  *is_dir = S_ISDIR(st.st_mode);
  return fd;
}

/* mount_setattr keeps the atime mode in one field: changing it means
 * clearing the whole field and setting the new mode (relatime is 0). */
static void atime_fixup(struct vessel_mount_attr *a) {
  const uint64_t modes = MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME;
  bool change = (a->attr_set | a->attr_clr) & modes;
  a->attr_clr &= ~modes;
  if (change || (a->attr_clr & MOUNT_ATTR__ATIME))
    a->attr_clr |= MOUNT_ATTR__ATIME;
}

static int set_attrs(int treefd, const struct mount_cfg *m, struct error **err) {
  bool atime = false;
  struct vessel_mount_attr a = {0};
  a.attr_set = ms_to_attr(m->flags, &atime);
  bool unused = false;
  a.attr_clr = ms_to_attr(m->clear, &unused);
  if (atime || unused)
    a.attr_clr |= MOUNT_ATTR__ATIME;
  atime_fixup(&a);
  if ((a.attr_set || a.attr_clr) && sys_mount_setattr(treefd, "", AT_EMPTY_PATH, &a) < 0)
    return error_sys(err, errno, "set mount attributes");
  if (m->rec_attr_set || m->rec_attr_clr) {
    struct vessel_mount_attr r = {.attr_set = m->rec_attr_set, .attr_clr = m->rec_attr_clr};
    atime_fixup(&r);
    if (sys_mount_setattr(treefd, "", AT_EMPTY_PATH | AT_RECURSIVE, &r) < 0)
      return error_sys(err, errno, "set recursive mount attributes");
  }
  return 0;
}

/* The message the kernel left in the filesystem context, if any. */
static void fs_context_message(int fsfd, char *buf, size_t n) {
  buf[0] = '\0';
  ssize_t r = read(fsfd, buf, n - 1);
  if (r > 2) {
    buf[r] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl)
      *nl = '\0';
    memmove(buf, buf + 2, strlen(buf + 2) + 1); /* drop the "e " prefix */
  } else {
    buf[0] = '\0';
  }
}

/* Superblock flags a filesystem does not take are ignored, as mount(2)
 * ignores them (acl on a tmpfs without ACL support, say). */
static int sb_flag(int fsfd, unsigned long flags, unsigned long bit, const char *name) {
  if (!(flags & bit))
    return 0;
  if (sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, name, NULL, 0) < 0 && errno != EINVAL)
    return -1;
  return 0;
}

/* A detached mount of a new (or the shared) superblock of m->type. */
int mount_make_fs(const char *type, const char *source, const char *data, unsigned long flags,
                  struct error **err);
int mount_make_fs(const char *type, const char *source, const char *data, unsigned long flags,
                  struct error **err) {
  autoclose int fsfd = sys_fsopen(type, FSOPEN_CLOEXEC);
  char msg[256];
  if (fsfd < 0) {
    if (errno == ENODEV)
      return error_set(err, ENODEV, "unknown filesystem type \"%s\"", type);
    return error_sys(err, errno, "fsopen \"%s\"", type);
  }
  if (source && *source && sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return error_sys(err, errno, "fsconfig source=\"%s\"", source);
  if (data && *data) {
    autofree char *copy = xstrdup(data);
    char *save = NULL;
    for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
      char *eq = strchr(opt, '=');
      int r;
      if (eq) {
        *eq = '\0';
        r = sys_fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
      } else {
        r = sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
      }
      if (r < 0) {
        int e = errno;
        fs_context_message(fsfd, msg, sizeof(msg));
        if (eq)
          *eq = '=';
        if (*msg)
          return error_set(err, e, "option \"%s\": %s (%s)", opt, errno_text(e), msg);
        return error_sys(err, e, "option \"%s\"", opt);
      }
    }
  }
  if (sb_flag(fsfd, flags, MS_SYNCHRONOUS, "sync") < 0 || sb_flag(fsfd, flags, MS_DIRSYNC, "dirsync") < 0 ||
      sb_flag(fsfd, flags, MS_MANDLOCK, "mand") < 0 || sb_flag(fsfd, flags, MS_LAZYTIME, "lazytime") < 0 ||
      sb_flag(fsfd, flags, MS_POSIXACL, "posixacl") < 0)
    return error_sys(err, errno, "set superblock flags");
  if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    int e = errno;
    fs_context_message(fsfd, msg, sizeof(msg));
    if (*msg)
      return error_set(err, e, "%s (%s)", errno_text(e), msg);
    return error_sys(err, e, "create the filesystem");
  }
  bool atime = false;
  unsigned attr = (unsigned)ms_to_attr(flags, &atime);
  int fd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, attr);
  if (fd < 0)
    return error_sys(err, errno, "fsmount");
  return fd;
}

static int attach(int treefd, int targetfd, struct error **err) {
  if (sys_move_mount(treefd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "attach the mount");
  return 0;
}

static int set_propagation(int treefd, unsigned long prop, struct error **err) {
  if (prop == 0)
    return 0;
  struct vessel_mount_attr a = {.propagation = prop & ~(unsigned long)MS_REC};
  if (sys_mount_setattr(treefd, "", AT_EMPTY_PATH | ((prop & MS_REC) ? AT_RECURSIVE : 0), &a) < 0)
    return error_sys(err, errno, "set propagation");
  return 0;
}

/* A bind source from the parent (see mount_source.c). */
static int request_source(struct init_ctx *c, size_t index, struct error **err) {
  struct sync_msg m;
  if (sync_send(c->sync_fd, SYNC_MOUNT_REQ, (int32_t)index, -1, err) < 0 ||
      sync_expect(c->sync_fd, SYNC_MOUNT_FD, &m, err) < 0)
    return -1;
  if (m.fd < 0)
    return error_set(err, EPROTO, "sync: mount source descriptor missing");
  return m.fd;
}

/* A destination written as a host path inside the rootfs ("$rootfs/mnt")
 * means the same place in the container, as runc takes it. */
static const char *container_destination(const struct init_ctx *c, const char *dest) {
  size_t l = strlen(c->rootfs);
  if (l > 1 && strncmp(dest, c->rootfs, l) == 0 && (dest[l] == '/' || dest[l] == '\0'))
    return dest[l] ? dest + l : "/";
  return dest;
}

/* tmpfs without mode=: over a directory of the image it keeps that
 * directory's mode (runc 1.2 and later); a new directory gets tmpfs's 1777. */
static char *tmpfs_data(struct init_ctx *c, const struct mount_cfg *m) {
  autofree char *data = selinux_mount_data(m->data, c->cfg->linux.mount_label);
  autofree char *opts = xasprintf(",%s", data ? data : "");
  if (m->type == NULL || strcmp(m->type, "tmpfs") != 0 || strstr(opts, ",mode="))
    return steal_ptr(data);
  autoclose int fd = root_open(c->rootfd, m->destination, O_PATH | O_DIRECTORY, NULL);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return steal_ptr(data);
  return data && *data ? xasprintf("%s,mode=%o", data, st.st_mode & 07777)
                       : xasprintf("mode=%o", st.st_mode & 07777);
}

static int mount_one(struct init_ctx *c, size_t index, struct error **err) {
  struct mount_cfg copy = c->cfg->mounts[index];
  const struct mount_cfg *m = &copy;
  copy.destination = (char *)container_destination(c, copy.destination);
  const char *type = m->type ? m->type : "";
  bool bind = mount_is_bind(m);
  if (check_proc_destination(m, err) < 0)
    return -1;
  if (!bind && strcmp(type, "cgroup") == 0) {
    autoclose int target = root_mkdir_p(c->rootfd, m->destination, 0755, err);
    if (target < 0)
      return -1;
    return mount_cgroups(c, m, target, err);
  }
  autoclose int tree = -1;
  bool is_dir = true, ro_later = false;
  if (bind) {
    if (m->idmap)
      tree = request_source(c, index, err);
    else
      tree = make_bind(c, index, m, &is_dir, err);
    if (tree < 0)
      return -1;
    if (m->idmap) {
      struct stat st;
      is_dir = fstat(tree, &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (set_attrs(tree, m, err) < 0)
      return -1;
  } else {
    /* A read-only tmpfs (/dev among them) is made read-only at the end:
     * what goes inside it (devpts, devices, links) is made first. */
    if (strcmp(type, "tmpfs") == 0 && (m->flags & MS_RDONLY)) {
      copy.flags &= ~(unsigned long)MS_RDONLY;
      ro_later = true;
    }
    autofree char *data = tmpfs_data(c, m);
    tree = mount_make_fs(type[0] ? type : "none", m->source, data, m->flags, err);
    if (tree < 0)
      return -1;
    if (m->rec_attr_set || m->rec_attr_clr) {
      struct mount_cfg only_rec = *m;
      only_rec.flags = only_rec.clear = 0;
      if (set_attrs(tree, &only_rec, err) < 0)
        return -1;
    }
  }
  bool proc_bind = bind && is_dir && is_proc_root(m->destination);
  if (proc_bind && !on_procfs(tree))
    return error_set(err, EPERM, "\"%s\" cannot be mounted because it is inside /proc (only a procfs may be bound there)",
                     m->destination);
  int target;
  if ((!bind && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0)) || proc_bind) {
    /* proc and sysfs land exactly on their path: resolved once, with no
     * symlink anywhere on the way, and mounted on that descriptor. */
    target = root_dir_nosymlinks(c->rootfd, m->destination, err);
  } else if (is_dir) {
    target = root_mkdir_p(c->rootfd, m->destination, 0755, err);
  } else {
    target = root_mkfile(c->rootfd, m->destination, 0644, err);
  }
  if (target < 0)
    return -1;
  /* Whatever the path looks like (//proc, a link into /proc), a target that
   * is on a procfs is refused unless it is one of the allowed files. */
  if (strcmp(type, "proc") != 0 && !proc_bind && on_procfs(target) && !proc_allowed_path(m->destination)) {
    close(target);
    return error_set(err, EPERM, "\"%s\" cannot be mounted because it is inside /proc",
                     m->destination);
  }
  if (m->tmpcopyup && strcmp(type, "tmpfs") == 0 && copy_tree(target, tree, err) < 0) {
    close(target);
    return -1;
  }
  int r = attach(tree, target, err);
  close(target);
  if (r < 0)
    return -1;
  if (set_propagation(tree, m->propagation, err) < 0)
    return -1;
  /* Keep the mount: masked and read-only paths under it are resolved from
   * it, not by name again (see paths.c). */
  mounted_add(c, m->destination, steal_fd(tree), ro_later);
  return 0;
}

int mounts_apply(struct init_ctx *c, struct error **err) {
  for (size_t i = 0; i < c->cfg->n_mounts; i++) {
    if (mount_one(c, i, err) < 0) {
      autofree char *what = describe(&c->cfg->mounts[i]);
      error_wrap(err, "%s", what);
      error_object(err, c->cfg->mounts[i].destination);
      return error_stage(err, "mount");
    }
  }
  return 0;
}
