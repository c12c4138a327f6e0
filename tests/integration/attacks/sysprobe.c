/* sysprobe - make system calls and print what the kernel answered.
 *
 *   sysprobe [-t] CALL...
 *
 * Each CALL is NAME[:ARG...]; one line is printed per call:
 *   "NAME[:ARGS] ok RET", "NAME[:ARGS] err ERRNO-NAME" or, when the call
 *   raised SIGSYS (SCMP_ACT_TRAP), "NAME[:ARGS] trap NR".
 * A CALL prefixed with "t/" runs in a thread of its own (for
 * SCMP_ACT_KILL_THREAD against SCMP_ACT_KILL_PROCESS); the main thread prints
 * "main alive" after it.  Numbers are strtoull(3) numbers (0x... allowed).
 *
 * NAMEs: personality:V  mkdir:PATH  mkdir32:PATH (int $0x80, the i386 ABI)
 *   socket:DOMAIN:TYPE  getcwd  init_module  finit_module  ptrace:PID
 *   kill:PID:SIG  mount:TYPE:TARGET  mknod:PATH:c|b:MAJOR:MINOR  getpid
 *   open:PATH:r|w  unshare:FLAGS  setns:PATH  chroot:PATH  keyctl_join:NAME
 *   swapon:PATH  reboot  iopl  setuid:UID */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static volatile sig_atomic_t trapped = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  trapped = si->si_syscall;
}

static unsigned long long num(const char *s) { return strtoull(s, NULL, 0); }

/* The i386 mkdir (nr 39) through the compat entry.  int $0x80 takes 32-bit
 * pointers: the path is copied to a static buffer, below 4 GiB in the
 * non-PIE build the tests make (gcc -static -no-pie). */
static long mkdir32(const char *path) {
  static char buf[256];
  long r;
  snprintf(buf, sizeof(buf), "%s", path);
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(39), "b"((long)(unsigned long)buf), "c"(0755L) : "memory");
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

static long call(char **a, int n) {
  const char *name = a[0];
#define A(i) ((i) < n ? a[i] : "")
  if (!strcmp(name, "personality"))
    return syscall(SYS_personality, (unsigned long)num(A(1)));
  if (!strcmp(name, "mkdir"))
    return syscall(SYS_mkdir, A(1), 0755);
  if (!strcmp(name, "mkdir32"))
    return mkdir32(A(1));
  if (!strcmp(name, "socket")) {
    long r = syscall(SYS_socket, (int)num(A(1)), (int)num(A(2)), 0);
    if (r >= 0)
      close((int)r);
    return r;
  }
  if (!strcmp(name, "getcwd")) {
    char buf[4096];
    return syscall(SYS_getcwd, buf, sizeof(buf));
  }
  if (!strcmp(name, "init_module"))
    return syscall(SYS_init_module, NULL, 0UL, "");
  if (!strcmp(name, "finit_module")) {
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    long r = syscall(SYS_finit_module, fd, "", 0);
    int e = errno;
    close(fd);
    errno = e;
    return r;
  }
  if (!strcmp(name, "ptrace"))
    return ptrace(PTRACE_ATTACH, (pid_t)num(A(1)), NULL, NULL);
  if (!strcmp(name, "kill"))
    return kill((pid_t)num(A(1)), (int)num(A(2)));
  if (!strcmp(name, "mount"))
    return mount("none", A(2), A(1), 0, NULL);
  if (!strcmp(name, "mknod")) {
    mode_t t = A(2)[0] == 'b' ? S_IFBLK : S_IFCHR;
    return mknod(A(1), t | 0600, makedev((unsigned)num(A(3)), (unsigned)num(A(4))));
  }
  if (!strcmp(name, "getpid"))
    return syscall(SYS_getpid);
  if (!strcmp(name, "open")) {
    long r = open(A(1), (A(2)[0] == 'w' ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    if (r >= 0)
      close((int)r);
    return r;
  }
  if (!strcmp(name, "unshare"))
    return unshare((int)num(A(1)));
  if (!strcmp(name, "setns")) {
    int fd = open(A(1), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return -1;
    long r = setns(fd, 0);
    int e = errno;
    close(fd);
    errno = e;
    return r;
  }
  if (!strcmp(name, "chroot"))
    return chroot(A(1));
  if (!strcmp(name, "keyctl_join"))
    return syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, A(1));
  if (!strcmp(name, "swapon"))
    return syscall(SYS_swapon, A(1), 0);
  if (!strcmp(name, "reboot"))
    /* A wrong magic: EINVAL when allowed, EPERM without CAP_SYS_BOOT. */
    return syscall(SYS_reboot, 0, 0, 0, NULL);
  if (!strcmp(name, "iopl"))
    return syscall(SYS_iopl, 0);
  if (!strcmp(name, "setuid"))
    return syscall(SYS_setuid, (uid_t)num(A(1)));
  errno = ENOSYS;
  fprintf(stderr, "sysprobe: unknown call %s\n", name);
  exit(2);
#undef A
}

static void run_one(char *spec) {
  char label[512];
  snprintf(label, sizeof(label), "%s", spec);
  char *a[8] = {0};
  int n = 0;
  for (char *save = NULL, *t = strtok_r(spec, ":", &save); t && n < 8; t = strtok_r(NULL, ":", &save))
    a[n++] = t;
  trapped = -1;
  errno = 0;
  long r = call(a, n);
  int e = errno;
  char line[700];
  if (trapped >= 0)
    snprintf(line, sizeof(line), "%s trap %d\n", label, (int)trapped);
  else if (r < 0)
    snprintf(line, sizeof(line), "%s err %s\n", label, strerrorname_np(e) ? strerrorname_np(e) : "?");
  else
    snprintf(line, sizeof(line), "%s ok %ld\n", label, r);
  (void)!write(1, line, strlen(line));
}

static void *thread_main(void *p) {
  run_one(p);
  return NULL;
}

int main(int argc, char **argv) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "t/", 2) == 0) {
      pthread_t t;
      if (pthread_create(&t, NULL, thread_main, argv[i] + 2) != 0) {
        perror("pthread_create");
        return 2;
      }
      pthread_join(t, NULL);
      (void)!write(1, "main alive\n", 11);
    } else {
      run_one(argv[i]);
    }
  }
  return 0;
}
