/* syscalls.h - thin wrappers for system calls glibc 2.36 does not wrap
 * (clone3, pidfd_*, openat2, the new mount API, mount_setattr). */
#ifndef VESSEL_SYSCALLS_H
#define VESSEL_SYSCALLS_H

#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct vessel_clone_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
      set_tid, set_tid_size, cgroup;
};

static inline long sys_clone3(struct vessel_clone_args *a) {
  return syscall(__NR_clone3, a, sizeof(*a));
}
static inline int sys_pidfd_open(pid_t pid, unsigned flags) {
  return (int)syscall(__NR_pidfd_open, pid, flags);
}
static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned flags) {
  return (int)syscall(__NR_pidfd_send_signal, pidfd, sig, info, flags);
}
static inline long sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size) {
  return syscall(__NR_openat2, dirfd, path, how, size);
}
static inline int sys_fsopen(const char *fs, unsigned flags) {
  return (int)syscall(__NR_fsopen, fs, flags);
}
static inline int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(__NR_fsconfig, fd, cmd, key, value, aux);
}
static inline int sys_fsmount(int fd, unsigned flags, unsigned attr) {
  return (int)syscall(__NR_fsmount, fd, flags, attr);
}
static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                                 unsigned flags) {
  return (int)syscall(__NR_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int sys_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(__NR_open_tree, dfd, path, flags);
}

struct vessel_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};
static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags,
                                    struct vessel_mount_attr *attr) {
  return (int)syscall(__NR_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

#endif
