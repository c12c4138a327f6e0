/* minimal.c - the floor for `run /bin/true`: what any runtime must do at
 * least. Static, no config, no state, no cgroups: clone into new mount, pid,
 * net, ipc and uts namespaces, make / a recursive slave, bind the rootfs
 * onto itself, pivot_root into it, detach the old root, exec /bin/true, and
 * wait for it. DESIGN.md budgets vessel's `run /bin/true` at ~1.4x of this.
 *
 *   minimal ROOTFS
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));
static const char *rootfs;

static int child(void *arg) {
  (void)arg;
  char *argv[] = {"/bin/true", NULL};
  char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    _exit(120);
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    _exit(121);
  if (chdir(rootfs) < 0)
    _exit(122);
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    _exit(123);
  if (umount2(".", MNT_DETACH) < 0)
    _exit(124);
  if (chdir("/") < 0)
    _exit(125);
  execve(argv[0], argv, envp);
  _exit(127);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: minimal ROOTFS\n");
    return 2;
  }
  rootfs = argv[1];
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
  pid_t pid = clone(child, stack + sizeof(stack), flags, NULL);
  if (pid < 0) {
    perror("minimal: clone");
    return 1;
  }
  int status;
  if (waitpid(pid, &status, 0) < 0) {
    perror("minimal: waitpid");
    return 1;
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
