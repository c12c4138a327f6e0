/* container_exec.c - `exec`: a process that joins a running container.
 *
 * The process description is the container's own process (from the config
 * saved at create) with the command-line overrides, or a process.json.
 * vessel joins the init's pid (and time) namespace for its children only,
 * clones the new process into it directly, and the child joins every other
 * namespace of the init in one setns() on the init's pidfd, so the process
 * is in the container from its first instruction after the join.  It never
 * sees the host's descriptors or working directory: everything but the
 * preserved descriptors is closed at execve and the working directory is
 * resolved inside the container's root without magic links.  The foreground
 * exec waits on the pidfd, forwards signals and exits with the status. */
#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "init.h"
#include "json.h"
#include "log.h"
#include "process_env.h"
#include "procfs.h"
#include "selinux.h"
#include "apparmor.h"
#include "sync.h"
#include "syscalls.h"
#include "terminal.h"
#include "utils.h"

static int parse_id(const char *s, const char *what, uint32_t *out, struct error **err) {
  uint64_t v;
  if (parse_u64(s, &v) < 0 || v > UINT32_MAX)
    return error_set(err, EINVAL, "parsing %s as %s: invalid syntax", s, what);
  *out = (uint32_t)v;
  return 0;
}

/* The process to run: process.json, or the container's process with the
 * overrides of the command line, as runc builds it. */
static int build_process(const struct exec_opts *o, const struct config *cfg,
                         struct process_cfg *p, struct error **err) {
  autojson doc = NULL;
  if (o->process_file) {
    autofree char *buf = NULL;
    size_t len;
    if (read_file_at(AT_FDCWD, o->process_file, &buf, &len, 16 << 20, err) < 0)
      return -1;
    if (json_parse(buf, len, &doc, err) < 0 ||
        jval_expect(doc, "process", "an object", doc->type == yajl_t_object, err) < 0 ||
        config_parse_process(doc, "", p, true, err) < 0)
      return error_wrap(err, "process file \"%s\"", o->process_file);
    return 0;
  }
  if (json_parse(cfg->raw, cfg->raw_len, &doc, err) < 0)
    return -1;
  yajl_val proc = json_get(doc, "process");
  if (proc == NULL || config_parse_process(proc, "process", p, false, err) < 0)
    return error_wrap(err, "saved config.json");
  strv_free(p->args);
  p->args = strv_dup(o->args);
  if (o->cwd) {
    if (o->cwd[0] != '/')
      return error_set(err, EINVAL, "cwd \"%s\" is not an absolute path", o->cwd);
    free(p->cwd);
    p->cwd = xstrdup(o->cwd);
  }
  if (o->apparmor) {
    free(p->apparmor_profile);
    p->apparmor_profile = xstrdup(o->apparmor);
  }
  if (o->process_label) {
    free(p->selinux_label);
    p->selinux_label = xstrdup(o->process_label);
  }
  for (size_t i = 0; o->caps && o->caps[i]; i++) {
    int cap = cap_from_spec_name(o->caps[i]);
    if (cap < 0)
      return error_set(err, EINVAL, "unknown capability \"%s\"", o->caps[i]);
    /* As runc: bounding, effective and permitted; ambient only when the
     * process has inheritable capabilities (ambient needs them). */
    p->has_caps = true;
    const int sets[] = {CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_PERMITTED};
    for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
      p->caps.has_set[sets[s]] = true;
      p->caps.set[sets[s]] |= 1ULL << cap;
    }
    if (p->caps.has_set[CAP_SET_INHERITABLE]) {
      p->caps.has_set[CAP_SET_AMBIENT] = true;
      p->caps.set[CAP_SET_AMBIENT] |= 1ULL << cap;
    }
  }
  for (size_t i = 0; o->env && o->env[i]; i++) {
    if (config_check_env(o->env[i], "--env", i, err) < 0)
      return -1;
    const char *eq = strchr(o->env[i], '=');
    autofree char *name = eq ? xstrndup(o->env[i], (size_t)(eq - o->env[i])) : xstrdup(o->env[i]);
    char **n = env_set(p->env, name, eq ? eq + 1 : "");
    strv_free(p->env);
    p->env = n;
  }
  p->terminal = o->tty_set ? o->tty : false;
  if (o->no_new_privs_set)
    p->no_new_privileges = o->no_new_privs;
  if (o->user && *o->user) {
    autofree char *u = xstrdup(o->user);
    char *colon = strchr(u, ':');
    if (colon) {
      *colon = '\0';
      if (parse_id(colon + 1, "gid", &p->user.gid, err) < 0)
        return -1;
    }
    if (parse_id(u, "uid", &p->user.uid, err) < 0)
      return -1;
  }
  for (size_t i = 0; o->additional_gids && o->additional_gids[i]; i++) {
    uint32_t g = 0;
    if (parse_id(o->additional_gids[i], "gid", &g, err) < 0)
      return -1;
    p->user.additional_gids = xrealloc(p->user.additional_gids,
                                       (p->user.n_additional_gids + 1) * sizeof(uint32_t));
    p->user.additional_gids[p->user.n_additional_gids++] = g;
  }
  return 0;
}

/* The init's namespaces that differ from ours. */
static int namespaces_to_join(pid_t pid) {
  static const struct { const char *name; int flag; } ns[] = {
      {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},    {"net", CLONE_NEWNET},
      {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},   {"cgroup", CLONE_NEWCGROUP},
      {"pid", CLONE_NEWPID},   {"time", CLONE_NEWTIME}};
  int flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
    char a[64], b[64];
    struct stat sa, sb;
    snprintf(a, sizeof(a), "/proc/%d/ns/%s", pid, ns[i].name);
    snprintf(b, sizeof(b), "/proc/self/ns/%s", ns[i].name);
    if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
      continue;
    if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
      flags |= ns[i].flag;
  }
  return flags;
}

/* Join through the pidfd (Linux 5.8+), or one namespace file at a time. */
static int join(int pidfd, pid_t pid, int flags, struct error **err) {
  if (flags == 0)
    return 0;
  if (setns(pidfd, flags) == 0)
    return 0;
  if (errno != EINVAL)
    return error_sys(err, errno, "join the container's namespaces (flags %#x)", flags);
  static const struct { const char *name; int flag; } ns[] = {
      {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
      {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
      {"mnt", CLONE_NEWNS},    {"time", CLONE_NEWTIME}};
  for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
    if (!(flags & ns[i].flag))
      continue;
    char p[64];
    snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, ns[i].name);
    autoclose int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, ns[i].flag) < 0)
      return error_sys(err, errno, "join the container's %s namespace", ns[i].name);
  }
  return 0;
}

static int enter_init_root(struct init_ctx *c, struct error **err) {
  if (fchdir(c->init_root) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return error_sys(err, errno, "enter the container's root");
  close(c->init_root);
  c->init_root = -1;
  return 0;
}

/* The container shares our mount namespace: its root is the init's, seen
 * through /proc while the pidfd holds the pid. */
static int open_init_root(struct init_ctx *c, struct error **err) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/root", c->st->pid);
  c->init_root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->init_root < 0)
    return error_sys(err, errno, "open the container's root \"%s\"", path);
  struct stat a, b;
  if (fstat(c->init_root, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
    close(c->init_root); /* the same root as ours */
    c->init_root = -1;
  }
  return 0;
}

_Noreturn void exec_main(struct init_ctx *c) {
  struct error *e = NULL;
  struct error **err = &e;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < ARRAY_SIZE(c->parent_fds); i++)
    if (c->parent_fds[i] >= 0)
      close(c->parent_fds[i]);
  if (c->self_join && cgroup_join_self(&c->join, err) < 0)
    init_fail(c, e);
  cgroup_join_close(&c->join);
  init_open_proc_and_labels(c);
  /* Two stages when vessel could not join the pid namespace for its
   * children (rootless: that needs privilege in vessel's own namespace). */
  int flags = c->two_stage ? c->setns_flags : c->setns_flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
  if (join(c->pidfd, c->st->pid, flags, err) < 0)
    init_fail(c, (error_stage(err, "namespace"), e));
  if (c->two_stage && init_fork_second_stage(c, err) < 0)
    init_fail(c, e);
  close(c->pidfd);
  c->pidfd = -1;
  /* A container in the host's mount namespace has its root by chroot: take
   * the init's (its pidfd pins the pid while we look). */
  if (c->init_root >= 0 && enter_init_root(c, err) < 0)
    init_fail(c, (error_stage(err, "namespace"), e));
  c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->rootfd < 0) {
    error_sys(err, errno, "open the container's root");
    init_fail(c, e);
  }
  struct sync_msg m;
  if (!c->self_join && (sync_send(c->sync_fd, SYNC_CGROUP_REQ, 0, -1, err) < 0 ||
                        sync_expect(c->sync_fd, SYNC_CGROUP_DONE, &m, err) < 0))
    init_fail(c, e);
  if (init_terminal(c, false, err) < 0 || process_prepare(c, NULL, err) < 0)
    init_fail(c, e);
  init_finish(c);
}

static int check_status(const struct exec_opts *o, int dirfd, const struct container_state *st,
                        struct error **err) {
  enum container_status s = state_status(dirfd, st);
  if (s == STATUS_STOPPED || s == STATUS_CREATING)
    return error_set(err, EINVAL, "cannot exec in a stopped container");
  if (s == STATUS_PAUSED && !o->ignore_paused)
    return error_set(err, EINVAL, "cannot exec in a paused container (use --ignore-paused to override)");
  return 0;
}

/* The parent's side once the child runs: join it to the cgroups, answer it,
 * and learn whether execve succeeded (the sync socket closes on exec). */
static int supervise(struct init_ctx *c, int sock, int *pidfd_io, pid_t *pid_io,
                     char *const *cgroups, bool joined, struct error **err) {
  int pidfd = *pidfd_io;
  pid_t pid = *pid_io;
  if (!joined && cgroups_enter_subs(c->st, pid, cgroups, err) < 0)
    return error_stage(err, "cgroup");
  for (;;) {
    struct pollfd fds[2] = {{sock, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return error_sys(err, errno, "poll");
    }
    struct sync_msg m;
    if (!(fds[0].revents & (POLLIN | POLLHUP)))
      continue;
    if (sync_recv(sock, &m, NULL) < 0)
      return 0; /* closed by execve: the program runs */
    switch (m.type) {
    case SYNC_ERROR:
      *err = m.err;
      return error_wrap(err, "exec failed");
    case SYNC_CGROUP_REQ:
      if (sync_send(sock, SYNC_CGROUP_DONE, 0, -1, err) < 0)
        return -1;
      break;
    case SYNC_SECCOMP_FD: {
      autofree char *state = container_notify_state(c->st, &c->cfg->linux.seccomp, pid, "running");
      int r = seccomp_send_notify(&c->cfg->linux.seccomp, m.fd, state, err);
      close(m.fd);
      if (r < 0 || sync_send(sock, SYNC_SECCOMP_DONE, 0, -1, err) < 0)
        return -1;
      break;
    }
    case SYNC_READY:
      break;
    case SYNC_PIDFD: {
      /* Two stages: the first one exits, its clone is the process. */
      siginfo_t si;
      while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
        ;
      close(pidfd);
      *pidfd_io = pidfd = m.fd;
      *pid_io = pid = m.arg;
      break;
    }
    default:
      if (m.fd >= 0)
        close(m.fd);
      return error_set(err, EPROTO, "sync: unexpected message %u from the exec process", m.type);
    }
  }
}

static int wait_foreground(int pidfd, int sigfd, int console, int *status, struct error **err) {
  if (console >= 0)
    return terminal_relay(console, pidfd, sigfd, status, err);
  for (;;) {
    struct pollfd p[2] = {{pidfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return error_sys(err, errno, "poll");
    }
    if (p[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof(si)) == sizeof(si))
        if (si.ssi_signo != SIGCHLD)
          sys_pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
    }
    if (p[0].revents & POLLIN) {
      siginfo_t si = {0};
      while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
        ;
      *status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
      return 0;
    }
  }
}

int container_exec(const struct runtime_opts *rt, const struct exec_opts *o, int *status,
                   struct error **err) {
  *status = 0;
  /* The descriptors to pass on are checked before vessel opens any of its
   * own, which could take their numbers. */
  for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return error_set(err, EBADF, "file descriptor %d to preserve is not open", fd);
  struct container_state st;
  autoclose int dirfd = -1;
  if (container_load(rt, o->id, false, &dirfd, &st, err) < 0)
    return -1;
  int rc = -1;
  struct config *cfg = NULL;
  struct process_cfg proc = {0};
  struct init_ctx c = {0};
  int initfd = -1, sock[2] = {-1, -1}, console_keep = -1, sigfd = -1, pidfd = -1;
  sigset_t all, old;
  bool blocked = false;
  c.console_master_sock = c.devnull_tree = c.procfd = c.rootfd = c.state_dirfd = c.pty_slave_fd = -1;
  c.init_root = c.fifo_fd = -1;
  c.join.v2dir = -1;
  for (int i = 0; i < NS_COUNT; i++)
    c.ns_fd[i] = -1;
  if (check_status(o, dirfd, &st, err) < 0 || container_load_config(dirfd, &cfg, err) < 0 ||
      build_process(o, cfg, &proc, err) < 0)
    goto out;
  if (proc.terminal && o->detach && !o->console_socket) {
    error_set(err, EINVAL, "cannot allocate tty if vessel will detach without setting console socket");
    goto out;
  }
  if ((!proc.terminal || !o->detach) && o->console_socket) {
    error_set(err, EINVAL, "cannot use console socket if vessel will not detach or allocate tty");
    goto out;
  }
  if (proc.selinux_label && *proc.selinux_label && !selinux_host_enabled()) {
    error_set(err, EINVAL, "selinux label is specified in config, but selinux is disabled or not supported");
    goto out;
  }
  initfd = sys_pidfd_open(st.pid, 0);
  if (initfd < 0 || !state_init_alive(&st)) {
    error_set(err, ESRCH, "cannot exec in a stopped container");
    goto out;
  }
  c.cfg = cfg;
  c.proc = &proc;
  c.st = &st;
  c.id = st.id;
  c.is_exec = true;
  c.no_new_keyring = st.no_new_keyring;
  c.detached = o->detach;
  c.pidfd = initfd;
  c.setns_flags = namespaces_to_join(st.pid);
  if (!(c.setns_flags & CLONE_NEWNS) && open_init_root(&c, err) < 0)
    goto out;
  log_debug("exec %s: namespaces %#x of init %d", o->id, c.setns_flags, st.pid);
  struct create_opts co = {.id = o->id, .console_socket = o->console_socket,
                           .preserve_fds = o->preserve_fds, .detach = o->detach};
  if (container_prepare_process_fds(&c, &co, err) < 0 || container_env(&c, &co, err) < 0 ||
      container_console_setup(&c, &co, &console_keep, err) < 0)
    goto out;
  if (cfg->linux.has_seccomp && seccomp_filter_build(&cfg->linux.seccomp, &c.seccomp, err) < 0) {
    error_stage(err, "seccomp");
    goto out;
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
    error_sys(err, errno, "socketpair");
    goto out;
  }
  c.sync_fd = sock[1];
  /* The pid and time namespaces apply to children: join them here, so the
   * process is cloned straight into them. */
  int for_children = c.setns_flags & (CLONE_NEWPID | CLONE_NEWTIME);
  if (for_children && setns(initfd, for_children) < 0) {
    if (errno != EPERM) {
      error_sys(err, errno, "join the container's pid namespace");
      error_stage(err, "namespace");
      goto out;
    }
    /* Without privilege here: the child joins the user namespace first. */
    c.two_stage = true;
  }
  if (!o->detach) {
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    sigprocmask(SIG_BLOCK, &all, &old);
    blocked = true;
  }
  struct vessel_clone_args ca = {.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd,
                                 .exit_signal = SIGCHLD};
  /* Without --cgroup the process enters the container's cgroups itself (see
   * cgroup_join.h); with it, the parent places it. */
  if (!o->cgroups && st.n_cgroups && cgroup_join_prepare(&st, &c.join, err) < 0)
    goto out;
  c.self_join = !o->cgroups && st.n_cgroups;
  int cgfd = c.join.v2dir;
  if (cgfd >= 0) {
    ca.flags |= CLONE_INTO_CGROUP;
    ca.cgroup = (uint64_t)cgfd;
  }
  fflush(NULL);
  pid_t pid = (pid_t)sys_clone3(&ca);
  if (pid < 0 && cgfd >= 0) {
    ca.flags &= ~CLONE_INTO_CGROUP;
    cgfd = -1;
    c.self_join = false;
    pid = (pid_t)sys_clone3(&ca);
  }
  if (pid == 0) {
    c.parent_fds[0] = sock[0];
    c.parent_fds[1] = dirfd;
    c.parent_fds[2] = console_keep;
    c.parent_fds[3] = -1;
    exec_main(&c);
  }
  int clone_errno = errno;
  cgroup_join_close(&c.join);
  close(sock[1]);
  sock[1] = -1;
  if (c.console_master_sock >= 0) {
    close(c.console_master_sock);
    c.console_master_sock = -1;
  }
  if (pid < 0) {
    error_sys(err, clone_errno, "clone the exec process");
    goto out;
  }
  if (supervise(&c, sock[0], &pidfd, &pid, o->cgroups, c.self_join, err) < 0) {
    sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    siginfo_t si;
    waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
    goto out;
  }
  int console = -1;
  if (console_keep >= 0) {
    console = terminal_recv_master(console_keep, err);
    if (console < 0)
      goto out;
  }
  if (o->pid_file && write_pid_file(o->pid_file, pid, err) < 0) {
    if (console >= 0)
      close(console);
    goto out;
  }
  if (o->detach) {
    rc = 0;
    goto out;
  }
  sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  rc = wait_foreground(pidfd, sigfd, console, status, err);
  if (console >= 0)
    close(console);
out:
  if (blocked)
    sigprocmask(SIG_SETMASK, &old, NULL);
  if (sigfd >= 0)
    close(sigfd);
  if (pidfd >= 0)
    close(pidfd);
  if (initfd >= 0)
    close(initfd);
  if (c.init_root >= 0)
    close(c.init_root);
  if (sock[0] >= 0)
    close(sock[0]);
  if (sock[1] >= 0)
    close(sock[1]);
  if (console_keep >= 0)
    close(console_keep);
  container_close_process_fds(&c);
  cgroup_join_close(&c.join);
  seccomp_filter_free(c.seccomp);
  strv_free(c.env);
  process_cfg_free(&proc);
  config_free(cfg);
  state_free(&st);
  return rc;
}
