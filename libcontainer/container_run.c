/* container_run.c - `run`: create and start in one process.  In the
 * foreground vessel stays the init's parent (and a subreaper, unless
 * --no-subreaper), forwards every catchable signal to it, waits on its pidfd,
 * then runs poststop hooks, removes the container (unless --keep) and exits
 * with its status: the exit code, or 128+N when killed by signal N. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "log.h"
#include "sync.h"
#include "syscalls.h"
#include "terminal.h"
#include "utils.h"

static int forward_until_exit(int pidfd, pid_t init, int sigfd, bool subreaper, int *status) {
  for (;;) {
    struct pollfd p[2] = {{pidfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (p[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGCHLD) {
          /* Reap orphans we adopted as a subreaper; the init is reaped below. */
          if (subreaper) {
            siginfo_t info;
            for (;;) {
              memset(&info, 0, sizeof(info));
              if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0)
                break;
              if (info.si_pid == init)
                break;
              waitid(P_PID, (id_t)info.si_pid, &info, WEXITED | WNOHANG);
            }
          }
          continue;
        }
        sys_pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
      }
    }
    if (p[0].revents & POLLIN) {
      siginfo_t si = {0};
      while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
        ;
      if (si.si_code == CLD_EXITED)
        *status = si.si_status;
      else
        *status = 128 + si.si_status;
      return 0;
    }
  }
}

int container_run(const struct runtime_opts *rt, const struct create_opts *o, int *status,
                  struct error **err) {
  *status = 0;
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  bool foreground = !o->detach;
  bool subreaper = foreground && !o->no_subreaper;
  /* Block signals before the init exists, so none is lost in between. */
  if (foreground)
    sigprocmask(SIG_BLOCK, &all, &old);
  if (subreaper)
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  struct created cr;
  if (container_create_process(rt, o, false, &cr, err) < 0) {
    if (foreground)
      sigprocmask(SIG_SETMASK, &old, NULL);
    return -1;
  }
  int sigfd = -1;
  if (foreground)
    sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  /* Go, then learn whether execve worked: the socket closes with it, or
   * brings the reason it failed. */
  struct sync_msg m;
  if (sync_send(cr.sock, SYNC_START, 0, -1, err) < 0 ||
      (sync_recv(cr.sock, &m, NULL) == 0 && m.type == SYNC_ERROR &&
       (*err = m.err, error_wrap(err, "unable to start container process")))) {
    autoclose int rootfd = open(rt->root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    container_destroy(rootfd, cr.dirfd, &cr.st, cr.cfg, NULL);
    created_free(&cr);
    if (foreground)
      sigprocmask(SIG_SETMASK, &old, NULL);
    if (sigfd >= 0)
      close(sigfd);
    return -1;
  }
  close(cr.sock);
  cr.sock = -1;
  /* Other verbs (delete -f, pause) may act on the container while it runs. */
  flock(cr.dirfd, LOCK_UN);
  container_poststart(&cr.st, cr.dirfd, cr.cfg);
  if (!foreground) {
    created_free(&cr);
    return 0;
  }
  int rc;
  if (cr.console >= 0) {
    rc = terminal_relay(cr.console, cr.pidfd, sigfd, status, err);
  } else {
    rc = forward_until_exit(cr.pidfd, cr.pid, sigfd, subreaper, status);
    if (rc < 0)
      error_sys(err, errno, "wait for the container");
  }
  close(sigfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (rc < 0) {
    created_free(&cr);
    return -1;
  }
  struct stat sb;
  flock(cr.dirfd, LOCK_EX);
  /* A delete --force while it ran has cleaned up already. */
  bool gone = fstat(cr.dirfd, &sb) == 0 && sb.st_nlink == 0;
  if (!o->keep && !gone) {
    autoclose int rootfd = open(rt->root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    cr.st.pid = 0; /* the init is gone and reaped */
    if (container_destroy(rootfd, cr.dirfd, &cr.st, cr.cfg, err) < 0) {
      created_free(&cr);
      return -1;
    }
  }
  created_free(&cr);
  return 0;
}
