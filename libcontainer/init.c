/* init.c - the container's init, from clone3 to execve.
 *
 * Order (as runc, with the security steps last):
 *   non-dumpable, parent-death signal
 *   [two-stage: join namespaces, unshare the new ones, fork the real init]
 *   uid/gid maps (by the parent), cgroup join, cgroup namespace
 *   rootfs: propagation, self bind, mounts, devices, cwd
 *   prestart / createRuntime hooks (parent), createContainer hooks
 *   pivot_root, masked / read-only paths, read-only root
 *   hostname, sysctl, oom score, rlimits, scheduler, keyring, LSM labels
 *   user, groups, capabilities, no_new_privs, cwd, executable lookup
 *   "ready" to the parent, then block on exec.fifo until `start`
 *   startContainer hooks, seccomp, execve */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor.h"
#include "fsutil.h"
#include "hooks.h"
#include "log.h"
#include "namespaces.h"
#include "netdev.h"
#include "procfs.h"
#include "process_env.h"
#include "selinux.h"
#include "sync.h"
#include "terminal.h"
#include "syscalls.h"
#include "utils.h"

_Noreturn void init_fail(struct init_ctx *c, struct error *e) {
  if (sync_send_error(c->sync_fd, e) < 0) {
    /* Nobody listens any more (after start): tell the container's stderr. */
    dprintf(2, "vessel: %s\n", e && e->msg ? e->msg : "container init failed");
  }
  _exit(1);
}

/* The host's procfs, and through it the LSM labels the process will exec
 * with: before the container's /proc exists, or when it cannot be trusted. */
void init_open_proc_and_labels(struct init_ctx *c) {
  struct error *e = NULL;
  c->procfd = procfs_open_root(&e);
  if (c->procfd < 0)
    init_fail(c, e);
  if (selinux_set_exec_label(c->proc->selinux_label, &e) < 0 ||
      selinux_set_key_label(c->proc->selinux_label, &e) < 0)
    init_fail(c, (error_stage(&e, "selinux"), e));
  if (apparmor_set_exec_profile(c->procfd, c->proc->apparmor_profile, &e) < 0)
    init_fail(c, (error_stage(&e, "apparmor"), e));
}

/* An unprivileged parent can only write our uid_map while we are dumpable
 * (else our /proc files belong to root); nothing of the container runs yet. */
static int request_maps(struct init_ctx *c, struct error **err);

static int request(struct init_ctx *c, enum sync_type req, enum sync_type reply, struct error **err) {
  struct sync_msg m;
  if (sync_send(c->sync_fd, req, 0, -1, err) < 0)
    return -1;
  if (sync_expect(c->sync_fd, reply, &m, err) < 0)
    return -1;
  return 0;
}

static int request_maps(struct init_ctx *c, struct error **err) {
  bool unprivileged = c->st && c->st->rootless;
  if (unprivileged)
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  int r = request(c, SYNC_USERMAP_REQ, SYNC_USERMAP_DONE, err);
  if (unprivileged)
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  return r;
}

/* The second stage of a two-stage start: this process joined and unshared
 * the namespaces; the real init is its clone, a child of vessel's parent
 * process (CLONE_PARENT) so that `run` can wait for it. */
int init_fork_second_stage(struct init_ctx *c, struct error **err) {
  int pidfd = -1;
  struct vessel_clone_args ca = {.flags = CLONE_PARENT | CLONE_PIDFD,
                                 .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = 0};
  pid_t pid = (pid_t)sys_clone3(&ca);
  if (pid < 0)
    return error_sys(err, errno, "clone the container's init"), error_stage(err, "namespace");
  if (pid == 0) {
    /* The real init carries on; the death signal is not inherited. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return 0;
  }
  if (sync_send(c->sync_fd, SYNC_PIDFD, pid, pidfd, err) < 0)
    _exit(1);
  _exit(0);
}

static int setup_namespaces(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  if (c->two_stage) {
    bool joined_user = c->ns_fd[NS_USER] >= 0;
    if (ns_join(c->ns_fd, err) < 0)
      return -1;
    /* In a joined user namespace become its root: files made from now on
     * need an owner that is mapped there. */
    if (joined_user) {
      if (setgroups(0, NULL) < 0 && errno != EPERM)
        return error_sys(err, errno, "setgroups in the joined user namespace"),
               error_stage(err, "namespace");
      if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_sys(err, errno, "become root in the joined user namespace"),
               error_stage(err, "namespace");
    }
    if (c->unshare_flags & CLONE_NEWUSER) {
      if (unshare(CLONE_NEWUSER) < 0)
        return error_sys(err, errno, "unshare the user namespace"), error_stage(err, "namespace");
      if (request_maps(c, err) < 0)
        return -1;
      if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_sys(err, errno, "become root in the user namespace"), error_stage(err, "namespace");
    }
    if (!c->self_join && request(c, SYNC_CGROUP_REQ, SYNC_CGROUP_DONE, err) < 0)
      return -1;
    int rest = c->unshare_flags & ~CLONE_NEWUSER;
    if (rest && unshare(rest) < 0)
      return error_sys(err, errno, "unshare namespaces (flags %#x)", rest), error_stage(err, "namespace");
    if ((rest & CLONE_NEWTIME) && (l->time_monotonic.has || l->time_boottime.has)) {
      struct error *e2 = NULL;
      int pfd = procfs_open_root(&e2);
      if (pfd < 0) {
        *err = e2;
        return error_stage(err, "namespace");
      }
      int r = ns_write_time_offsets(pfd, l, err);
      close(pfd);
      if (r < 0)
        return -1;
    }
    return init_fork_second_stage(c, err);
  }
  if (c->clone_flags & CLONE_NEWUSER) {
    if (request_maps(c, err) < 0)
      return -1;
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
      return error_sys(err, errno, "become root in the user namespace"), error_stage(err, "namespace");
  }
  if (ns_join(c->ns_fd, err) < 0)
    return -1;
  if (c->want_cgroupns) {
    if (!c->self_join && request(c, SYNC_CGROUP_REQ, SYNC_CGROUP_DONE, err) < 0)
      return -1;
    if (unshare(CLONE_NEWCGROUP) < 0)
      return error_sys(err, errno, "unshare the cgroup namespace"), error_stage(err, "namespace");
  }
  return 0;
}

/* A terminal made in the container's devpts: the master goes to the console
 * socket, the slave becomes /dev/console and the process's stdio. */
int init_terminal(struct init_ctx *c, bool bind_console, struct error **err) {
  if (!c->proc->terminal || c->console_master_sock < 0)
    return 0;
  int master, slave;
  if (terminal_open_pty(c->rootfd, c->proc->console_height, c->proc->console_width, &master,
                        &slave, err) < 0)
    return -1;
  if (bind_console && terminal_bind_console(c->rootfd, slave, err) < 0) {
    close(master);
    close(slave);
    return -1;
  }
  int r = terminal_send_master(c->console_master_sock, master, err);
  close(master);
  close(c->console_master_sock);
  c->console_master_sock = -1;
  if (r < 0) {
    close(slave);
    return -1;
  }
  return terminal_become_controlling(slave, err);
}

static int set_names(struct init_ctx *c, struct error **err) {
  const char *h = c->cfg->hostname, *d = c->cfg->domainname;
  if (h && *h && sethostname(h, strlen(h)) < 0)
    return error_sys(err, errno, "sethostname \"%s\"", h), error_stage(err, "process");
  if (d && *d && setdomainname(d, strlen(d)) < 0)
    return error_sys(err, errno, "setdomainname \"%s\"", d), error_stage(err, "process");
  return 0;
}

static int set_sysctls(struct init_ctx *c, struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  for (size_t i = 0; i < l->n_sysctl; i++) {
    autofree char *path = xasprintf("sys/%s", l->sysctl_keys[i]);
    for (char *p = path + 4; *p; p++)
      if (*p == '.')
        *p = '/';
    if (procfs_write(c->procfd, path, l->sysctl_values[i], err) < 0)
      return error_wrap(err, "sysctl \"%s\"", l->sysctl_keys[i]), error_stage(err, "sysctl");
  }
  return 0;
}

static int home_env(struct init_ctx *c) {
  if (env_get(c->env, "HOME"))
    return 0;
  autofree char *home = NULL;
  int fd = root_open(c->rootfd, "/etc/passwd", O_RDONLY, NULL);
  if (fd >= 0) {
    home = passwd_home_fd(fd, c->proc->user.uid);
    close(fd);
  }
  char **env = env_set(c->env, "HOME", home ? home : "/");
  strv_free(c->env);
  c->env = env;
  return 0;
}

static int enter_cwd(struct init_ctx *c, struct error **err) {
  const char *cwd = c->proc->cwd ? c->proc->cwd : "/";
  autoclose int fd = root_open(c->rootfd, cwd, O_PATH | O_DIRECTORY, err);
  if (fd < 0)
    return error_wrap(err, "working directory"), error_stage(err, "process");
  if (fchdir(fd) < 0)
    return error_sys(err, errno, "chdir to \"%s\"", cwd), error_stage(err, "process");
  /* The working directory must be inside the container's root. */
  char buf[4096];
  if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
    return error_set(err, EPERM, "current working directory is outside of container mount namespace root -- possible container breakout detected"),
           error_stage(err, "process");
  return 0;
}

/* Every descriptor above the preserved ones is closed at execve. */
static int seal_fds(struct init_ctx *c, struct error **err) {
  int keep_to = 3 + c->preserve_fds;
  for (int fd = 3; fd < keep_to; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
      return error_sys(err, errno, "keep fd %d", fd);
  }
  if (syscall(436 /* close_range */, (unsigned)keep_to, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0) {
    for (int fd = keep_to; fd < 65536; fd++)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  return 0;
}

/* `start` opened exec.fifo: say so, and keep the fifo open until execve
 * closes it, which tells `start` the program runs (poststart hooks follow);
 * a failure before that writes 'E' first. */
static int wait_for_start(struct init_ctx *c, struct error **err) {
  int fd = openat(c->state_dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "open exec.fifo");
  if (write(fd, "0", 1) != 1) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "write exec.fifo");
  }
  c->fifo_fd = fd;
  close(c->state_dirfd);
  c->state_dirfd = -1;
  return 0;
}

/* After `start`: nobody reads the sync socket any more; the reason goes to
 * the container's stderr and 'E' to `start`. */
static _Noreturn void fail_started(struct init_ctx *c, struct error *e) {
  dprintf(2, "vessel: %s\n", e && e->msg ? e->msg : "container init failed");
  init_fifo_failed(c);
  _exit(1);
}

void init_fifo_failed(struct init_ctx *c) {
  if (c->fifo_fd >= 0)
    (void)!write(c->fifo_fd, "E", 1);
}

/* Load the filter; a notify descriptor goes to the parent, which passes it
 * to the listener before answering. */
static int load_seccomp(struct init_ctx *c, struct error **err) {
  int notify_fd = -1;
  if (seccomp_filter_load(c->seccomp, &notify_fd, err) < 0)
    return error_stage(err, "seccomp");
  c->seccomp = NULL;
  if (notify_fd < 0)
    return 0;
  struct sync_msg m;
  int r = sync_send(c->sync_fd, SYNC_SECCOMP_FD, 0, notify_fd, err);
  if (r == 0)
    r = sync_expect(c->sync_fd, SYNC_SECCOMP_DONE, &m, err);
  close(notify_fd);
  return r;
}

/* From the final settings to execve, shared by the container's init and by
 * exec: descriptors, seccomp, user and capabilities, working directory,
 * executable lookup, "ready", the wait for `start` (init only), then the
 * startContainer hooks and execve. */
_Noreturn void init_finish(struct init_ctx *c) {
  struct error *e = NULL;
  struct error **err = &e;
  home_env(c);
  if (seal_fds(c, err) < 0)
    init_fail(c, e);
  bool nnp = c->proc->no_new_privileges;
  /* Without no_new_privs loading a filter needs CAP_SYS_ADMIN: before the
   * capabilities go.  With it, as late as possible: a filter with notify
   * rules just before "ready" (its descriptor goes to the listener through
   * the parent), any other after the wait for `start`, right before execve. */
  if (c->seccomp && !nnp && load_seccomp(c, err) < 0)
    init_fail(c, e);
  if (process_finalize(c, err) < 0)
    init_fail(c, e);
  if (enter_cwd(c, err) < 0)
    init_fail(c, e);
  autofree char *exe = NULL;
  if (exe_lookup(c->proc->args[0], env_get(c->env, "PATH"), &exe, err) < 0)
    init_fail(c, (error_stage(err, "exec"), e));
  if (c->seccomp && seccomp_filter_wants_notify(c->seccomp) && load_seccomp(c, err) < 0)
    init_fail(c, e);
  umask(c->proc->user.has_umask ? c->proc->user.umask : 022);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(c->sync_fd, SYNC_READY, 0, -1, err) < 0)
    _exit(1);
  if (c->state_dirfd < 0 && !c->is_exec) {
    /* `run`: the parent says when to go, no exec.fifo needed. */
    struct sync_msg m;
    if (sync_expect(c->sync_fd, SYNC_START, &m, err) < 0)
      _exit(1);
  }
  /* exec and run: the socket stays open until execve closes it, which
   * tells the parent the program started (or carries why it did not). */
  if (c->state_dirfd >= 0) {
    close(c->sync_fd);
    c->sync_fd = -1;
  }
  if (c->state_dirfd >= 0 && wait_for_start(c, err) < 0)
    fail_started(c, e);
  if (!c->is_exec && c->cfg->hooks[HOOK_START_CONTAINER].n) {
    autofree char *s = hooks_state_json(c->st, "created", getpid());
    if (hooks_run(c->cfg->hooks, HOOK_START_CONTAINER, s, NULL, c->env, err) < 0)
      fail_started(c, e);
  }
  if (c->seccomp && seccomp_filter_load(c->seccomp, NULL, err) < 0)
    fail_started(c, e);
  process_exec(c, exe);
}
_Noreturn void init_main(struct init_ctx *c) {
  struct error *e = NULL;
  struct error **err = &e;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* The state directory's lock must not outlive the parent through us. */
  for (size_t i = 0; i < ARRAY_SIZE(c->parent_fds); i++)
    if (c->parent_fds[i] >= 0)
      close(c->parent_fds[i]);
  /* Nothing in the container may open /proc/<pid>/exe of this process. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  umask(0);
  if (c->self_join && cgroup_join_self(&c->join, err) < 0)
    init_fail(c, e);
  cgroup_join_close(&c->join);
  if (setup_namespaces(c, err) < 0)
    init_fail(c, e);
  /* The host's view of our pid, for the hooks' state (the host's /proc is
   * still mounted at this point). */
  char self[32] = "";
  ssize_t sl = readlink("/proc/self", self, sizeof(self) - 1);
  c->host_pid = sl > 0 ? atoi(self) : 0;
  /* A new network namespace gets its loopback interface up, as runc does. */
  if (c->cfg->linux.ns[NS_NET].present && c->cfg->linux.ns[NS_NET].path == NULL &&
      netdev_loopback_up(err) < 0)
    init_fail(c, e);
  init_open_proc_and_labels(c);
  if (rootfs_setup(c, err) < 0)
    init_fail(c, e);
  if (c->cfg->hooks[HOOK_PRESTART].n || c->cfg->hooks[HOOK_CREATE_RUNTIME].n)
    if (request(c, SYNC_HOOKS_REQ, SYNC_HOOKS_DONE, err) < 0)
      init_fail(c, e);
  if (c->cfg->hooks[HOOK_CREATE_CONTAINER].n) {
    autofree char *s = hooks_state_json(c->st, "creating", c->host_pid);
    if (hooks_run(c->cfg->hooks, HOOK_CREATE_CONTAINER, s, c->bundle, c->env, err) < 0)
      init_fail(c, e);
  }
  if (rootfs_pivot(c, err) < 0)
    init_fail(c, e);
  if (init_terminal(c, true, err) < 0)
    init_fail(c, e);
  if (rootfs_finalize(c, err) < 0)
    init_fail(c, e);
  if (set_names(c, err) < 0 || set_sysctls(c, err) < 0 || process_prepare(c, NULL, err) < 0)
    init_fail(c, e);
  init_finish(c);
}
