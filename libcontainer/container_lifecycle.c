/* container_lifecycle.c - start, kill, delete. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "log.h"
#include "syscalls.h"
#include "utils.h"

/* Opening exec.fifo released the init, which answers with one byte. */
static int release_init(int fifo, int pidfd, struct error **err) {
  for (;;) {
    struct pollfd p[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return error_sys(err, errno, "poll exec.fifo");
    }
    if (p[0].revents & POLLIN) {
      char c;
      ssize_t n = read(fifo, &c, 1);
      if (n == 1)
        return 0;
      if (n < 0 && errno == EAGAIN)
        continue;
    }
    if (p[1].revents & POLLIN)
      return error_set(err, ESRCH, "cannot start a container that has stopped");
  }
}

/* The end of exec.fifo: every writer gone means the init's execve closed it
 * (or the init died); 'E' first means it failed before: it said why on the
 * container's stderr and stopped, and start still succeeds, as runc's does
 * (returns 1: no poststart hooks then). */
static int wait_exec(int fifo, struct error **err) {
  bool failed = false;
  for (;;) {
    struct pollfd p = {fifo, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return error_sys(err, errno, "poll exec.fifo");
    }
    char buf[16];
    ssize_t n = read(fifo, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if (n <= 0)
      break;
    failed |= memchr(buf, 'E', (size_t)n) != NULL;
  }
  return failed ? 1 : 0;
}

int container_start(const struct runtime_opts *rt, const char *id, struct error **err) {
  struct container_state st;
  autoclose int dirfd = -1;
  if (container_load(rt, id, true, &dirfd, &st, err) < 0)
    return -1;
  int rc = -1;
  autoclose int fifo = -1, pidfd = -1;
  enum container_status s = state_status(dirfd, &st);
  switch (s) {
  case STATUS_CREATED:
    break;
  case STATUS_STOPPED:
  case STATUS_CREATING:
    error_set(err, EINVAL, "cannot start a container that has stopped");
    goto out;
  case STATUS_RUNNING:
    error_set(err, EINVAL, "cannot start an already running container");
    goto out;
  default:
    error_set(err, EINVAL, "cannot start a container in the %s state", state_status_name(s));
    goto out;
  }
  pidfd = sys_pidfd_open(st.pid, 0);
  if (pidfd < 0 || !state_init_alive(&st)) {
    error_set(err, ESRCH, "cannot start a container that has stopped");
    goto out;
  }
  /* Opening the read side releases the init blocked in its open(O_WRONLY). */
  fifo = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) {
    error_sys(err, errno, "open exec.fifo");
    goto out;
  }
  if (release_init(fifo, pidfd, err) < 0)
    goto out;
  unlinkat(dirfd, "exec.fifo", 0);
  log_debug("start %s: init %d released", id, st.pid);
  /* poststart hooks follow the program's execve: the init holds exec.fifo
   * open (close-on-exec) until then. */
  int ran = wait_exec(fifo, err);
  if (ran < 0)
    goto out;
  if (ran == 0)
    container_poststart(&st, dirfd, NULL);
  rc = 0;
out:
  state_free(&st);
  return rc;
}

static int signal_init(const struct container_state *st, int sig, struct error **err) {
  int pidfd = sys_pidfd_open(st->pid, 0);
  if (pidfd < 0) {
    if (errno == ESRCH)
      return error_set(err, ESRCH, "container not running");
    return error_sys(err, errno, "pidfd_open %d", st->pid);
  }
  if (!state_init_alive(st)) {
    close(pidfd);
    return error_set(err, ESRCH, "container not running");
  }
  log_debug("kill %s: signal %d to init %d", st->id, sig, st->pid);
  int r = sys_pidfd_send_signal(pidfd, sig, NULL, 0);
  int e = errno;
  close(pidfd);
  if (r < 0) {
    if (e == ESRCH)
      return error_set(err, ESRCH, "container not running");
    return error_sys(err, e, "send signal %d to the container's init", sig);
  }
  return 0;
}

int container_kill(const struct runtime_opts *rt, const char *id, int sig, bool all,
                   struct error **err) {
  struct container_state st;
  autoclose int dirfd = -1;
  if (container_load(rt, id, false, &dirfd, &st, err) < 0)
    return -1;
  int rc;
  enum container_status s = state_status(dirfd, &st);
  if (all) {
    rc = cgroups_kill_all(&st, sig, err);
    if (rc == 0 && (s == STATUS_STOPPED || s == STATUS_CREATING) && st.n_cgroups == 0)
      rc = error_set(err, ESRCH, "container not running");
  } else if (s == STATUS_STOPPED || s == STATUS_CREATING) {
    rc = error_set(err, ESRCH, "container not running");
  } else {
    rc = signal_init(&st, sig, err);
  }
  state_free(&st);
  return rc;
}

int container_delete(const struct runtime_opts *rt, const char *id, bool force, struct error **err) {
  if (state_validate_id(id, err) < 0)
    return -1;
  autoclose int rootfd = open(rt->root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (rootfd < 0) {
    if (errno == ENOENT && force)
      return 0;
    if (errno == ENOENT)
      return error_set(err, ENOENT, "container \"%s\" does not exist", id);
    return error_sys(err, errno, "open root directory \"%s\"", rt->root);
  }
  struct error *open_err = NULL;
  autoclose int dirfd = state_dir_open(rootfd, id, true, &open_err);
  if (dirfd < 0) {
    /* delete --force of a container that is gone is not an error (the
     * containerd shim relies on this, as it does with runc). */
    if (force && open_err->errnum == ENOENT) {
      error_free(open_err);
      return 0;
    }
    *err = open_err;
    return -1;
  }
  struct container_state st;
  struct error *e = NULL;
  if (state_read(dirfd, id, &st, &e) < 0) {
    /* A directory without a state (a create killed early) only needs
     * removing; one whose state cannot be read goes with --force. */
    if (e->errnum == ENOENT || force) {
      if (e->errnum != ENOENT)
        log_warn("%s; removing the state directory anyway", e->msg);
      error_free(e);
      /* Cgroups a killed create made are still listed in its journal. */
      struct container_state bare = {.id = xstrdup(id)};
      container_recover_cgroups(dirfd, &bare);
      int r = cgroups_destroy(&bare, err);
      state_free(&bare);
      if (r < 0)
        return error_stage(err, "cgroup");
      return state_dir_remove(rootfd, id, err);
    }
    *err = e;
    return -1;
  }
  int rc = -1;
  enum container_status s = state_status(dirfd, &st);
  log_debug("delete %s: %s%s", id, state_status_name(s), force ? ", forced" : "");
  if ((s == STATUS_RUNNING || s == STATUS_PAUSED) && !force) {
    error_set(err, EBUSY, "cannot delete container %s that is not stopped: %s", id,
              state_status_name(s));
    goto out;
  }
  if (s == STATUS_PAUSED && cgroups_freeze(&st, false, err) < 0)
    goto out;
  rc = container_destroy(rootfd, dirfd, &st, NULL, err);
out:
  state_free(&st);
  return rc;
}
