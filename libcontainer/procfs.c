/* procfs.c - a verified procfs handle. */
#define _GNU_SOURCE
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"
#include "utils.h"

bool procfs_is_proc(int fd) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int procfs_open_root(struct error **err) {
  int fd = -1;
  int fsfd = sys_fsopen("proc", FSOPEN_CLOEXEC);
  if (fsfd >= 0) {
    if (sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
      fd = sys_fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    close(fsfd);
  }
  if (fd < 0)
    fd = sys_open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0)
    fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "open procfs");
  if (!procfs_is_proc(fd)) {
    close(fd);
    return error_set(err, EXDEV, "/proc is not a procfs");
  }
  return fd;
}

int procfs_open(int procfd, const char *path, int flags, struct error **err) {
  struct open_how how = {
      /* openat2 refuses O_NOCTTY next to O_PATH. */
      .flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  int fd = (int)sys_openat2(procfd, path, &how, sizeof(how));
  if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
    fd = openat(procfd, path, flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  if (fd < 0)
    return error_sys(err, errno, "open /proc/%s", path);
  if (!procfs_is_proc(fd)) {
    close(fd);
    return error_set(err, EXDEV, "open /proc/%s: not on procfs", path);
  }
  return fd;
}

int procfs_write(int procfd, const char *path, const char *value, struct error **err) {
  autoclose int fd = procfs_open(procfd, path, O_WRONLY, err);
  if (fd < 0)
    return -1;
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n < 0)
    return error_sys(err, errno, "write %s to /proc/%s", value, path);
  if ((size_t)n != len)
    return error_set(err, EIO, "write %s to /proc/%s: short write", value, path);
  return 0;
}
