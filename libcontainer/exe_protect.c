/* exe_protect.c - re-execute vessel from a view of its binary that nothing
 * can open for writing (see exe_protect.h).
 *
 * The cheap way, for root: open_tree(OPEN_TREE_CLONE) of /proc/self/exe is a
 * detached bind mount of just the binary, mount_setattr makes it read-only,
 * and execveat runs it.  Nobody else has a handle on that mount, so nobody
 * can make it writable again; /proc/<pid>/exe of vessel and of everything it
 * clones then resolves through it, and an open for writing fails with EROFS
 * however it is reached.  The mount goes away with the last process that
 * runs from it.  Costs one execve of vessel (a few hundred microseconds),
 * paid only by the verbs that put processes into containers.
 *
 * Rootless vessel cannot clone mounts in the host's mount namespace; it runs
 * from a memfd copy sealed against every write, unless the binary is one its
 * containers could never write anyway (owned by root, not writable by the
 * caller): then nothing needs doing.
 *
 * After the re-exec the process checks that it got what it asked for: a
 * sealed memfd is recognised by its seals alone, a read-only mount by the
 * marker in the environment that vessel set itself (and removes at once, so
 * that nothing vessel starts inherits it). */
#define _GNU_SOURCE
#include "exe_protect.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"
#include "syscalls.h"
#include "utils.h"

#ifndef __NR_execveat
#define __NR_execveat 322
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define MARKER_ENV "_VESSEL_PROTECTED_EXE"
#define EXE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

const char *exe_protection_name(enum exe_protection p) {
  switch (p) {
  case EXE_NOT_WRITABLE: return "not-writable";
  case EXE_RO_MOUNT: return "read-only-mount";
  case EXE_SEALED_MEMFD: return "sealed-memfd";
  default: return "none";
  }
}

/* What protects the binary fd already, if anything. */
static enum exe_protection current_protection(int fd, bool marked) {
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals >= 0 && (seals & EXE_SEALS) == EXE_SEALS)
    return EXE_SEALED_MEMFD;
  struct statfs sf;
  /* Only a read-only mount vessel made itself counts: a file system that
   * is merely mounted read-only may be remounted writable by its owner
   * while a container still holds the file. */
  if (marked && fstatfs(fd, &sf) == 0 && (sf.f_flags & ST_RDONLY))
    return EXE_RO_MOUNT;
  return EXE_UNPROTECTED;
}

/* Rootless vessel running a binary owned by root that it cannot write: its
 * containers, whose processes have at most the caller's rights on the host,
 * cannot write it either. */
static bool nobody_here_can_write(int fd) {
  if (geteuid() == 0)
    return false;
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_uid != 0)
    return false;
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0 && (errno == EACCES || errno == EPERM);
}

/* A read-only detached clone of the mount of the binary, opened on the
 * binary itself. */
static int ro_clone(struct error **err) {
  int tree = sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return error_sys(err, errno, "clone the mount of vessel's binary");
  struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, &a) < 0) {
    int e = errno;
    close(tree);
    return error_sys(err, e, "make the clone of vessel's binary read-only");
  }
  return tree;
}

/* A memfd holding a copy of the binary, sealed against any write. */
static int sealed_copy(int exe, struct error **err) {
  int mfd = memfd_create("vessel", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL)
    mfd = memfd_create("vessel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return error_sys(err, errno, "memfd for a sealed copy of vessel's binary");
  struct stat st;
  if (fstat(exe, &st) < 0) {
    int e = errno;
    close(mfd);
    return error_sys(err, e, "stat vessel's binary");
  }
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(mfd, exe, &off, (size_t)(st.st_size - off));
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(mfd);
      return error_sys(err, e, "copy vessel's binary into a memfd");
    }
  }
  if (fcntl(mfd, F_ADD_SEALS, EXE_SEALS) < 0) {
    int e = errno;
    close(mfd);
    return error_sys(err, e, "seal the copy of vessel's binary");
  }
  return mfd;
}

static int reexec(int fd, char **argv, struct error **err) {
  if (setenv(MARKER_ENV, "1", 1) < 0)
    return error_sys(err, errno, "set %s", MARKER_ENV);
  syscall(__NR_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
  int e = errno;
  unsetenv(MARKER_ENV);
  return error_sys(err, e, "re-execute vessel from a protected view of its binary");
}

int exe_protect(char **argv, struct error **err) {
  bool marked = getenv(MARKER_ENV) != NULL;
  if (marked)
    unsetenv(MARKER_ENV);
  autoclose int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return error_sys(err, errno, "open vessel's binary (/proc/self/exe)");
  if (current_protection(exe, marked) != EXE_UNPROTECTED) {
    if (marked && argv[0]) {
      /* execveat named the process after the descriptor. */
      autofree char *a0 = xstrdup(argv[0]);
      prctl(PR_SET_NAME, basename(a0), 0, 0, 0);
    }
    return 0;
  }
  if (marked)
    return error_set(err, EPERM, "vessel's binary is still writable after re-executing it from a protected view");
  if (nobody_here_can_write(exe))
    return 0;
  struct error *why = NULL;
  int ro = ro_clone(&why);
  if (ro >= 0) {
    reexec(ro, argv, &why); /* returns only when it failed */
    close(ro);
  }
  /* No mount API, or not allowed to mount (rootless): a sealed copy. */
  log_debug("protect vessel's binary: %s; running from a sealed copy instead",
            why ? why->msg : "no read-only mount");
  error_free(why);
  autoclose int mfd = sealed_copy(exe, err);
  if (mfd < 0)
    return error_wrap(err, "protect vessel's binary");
  return reexec(mfd, argv, err) < 0 ? error_wrap(err, "protect vessel's binary") : -1;
}

enum exe_protection exe_protection_probe(void) {
  bool marked = getenv(MARKER_ENV) != NULL;
  autoclose int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return EXE_UNPROTECTED;
  enum exe_protection p = current_protection(exe, marked);
  if (p != EXE_UNPROTECTED)
    return p;
  if (nobody_here_can_write(exe))
    return EXE_NOT_WRITABLE;
  int ro = ro_clone(NULL);
  if (ro >= 0) {
    close(ro);
    return EXE_RO_MOUNT;
  }
  int mfd = memfd_create("vessel-probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd >= 0) {
    close(mfd);
    return EXE_SEALED_MEMFD;
  }
  return EXE_UNPROTECTED;
}
