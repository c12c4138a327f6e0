/* container_create.c - `create` (and the first half of `run`), the parent's
 * side: validate everything, record state, make cgroups, clone3 the init
 * straight from this process, answer its requests, and return when it waits
 * on exec.fifo.  Any failure undoes what was done: the init is killed, its
 * cgroups and the state directory removed.
 *
 * One clone3 with every CLONE_NEW* flag is the common path.  Two stages (a
 * first child that joins namespaces by path and unshares the rest, then
 * clones the real init with CLONE_PARENT) are needed only when a user, pid or
 * time namespace is joined, a time namespace is created, or a new user
 * namespace must own namespaces joined by path. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container.h"
#include "container_internal.h"
#include "hooks.h"
#include "init.h"
#include "log.h"
#include "namespaces.h"
#include "netdev.h"
#include "procfs.h"
#include "rootfs_host.h"
#include "selinux.h"
#include "sync.h"
#include "syscalls.h"
#include "terminal.h"
#include "utils.h"

static int check_rootfs(const struct config *cfg, const char *bundle, char **out, struct error **err) {
  autofree char *path = cfg->root_path[0] == '/' ? xstrdup(cfg->root_path)
                                                 : xasprintf("%s/%s", bundle, cfg->root_path);
  char real[PATH_MAX];
  if (realpath(path, real) == NULL) {
    int e = errno;
    if (e == ENOENT)
      error_set(err, e, "rootfs \"%s\" does not exist", path);
    else
      error_sys(err, e, "rootfs \"%s\"", path);
    error_object(err, path);
    return error_stage(err, "config");
  }
  struct stat st;
  if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
    error_set(err, ENOTDIR, "rootfs \"%s\" is not a directory", path);
    error_object(err, path);
    return error_stage(err, "config");
  }
  *out = xstrdup(real);
  return 0;
}

/* Intel RDT is resctrl, mounted at /sys/fs/resctrl where the CPU has it. */
#define RDTGROUP_SUPER_MAGIC 0x7655821
static bool host_has_resctrl(void) {
  struct statfs sf;
  return statfs("/sys/fs/resctrl", &sf) == 0 && sf.f_type == RDTGROUP_SUPER_MAGIC;
}

static int check_config(const struct config *cfg, const struct create_opts *o, bool rootless,
                        struct error **err) {
  if (!cfg->has_process)
    return error_set(err, EINVAL, "config.json: process property must not be empty"),
           error_stage(err, "config");
  const struct process_cfg *p = &cfg->process;
  if (rootless && !cfg->linux.ns[NS_USER].present)
    return error_set(err, EINVAL, "rootless container requires a user namespace (linux.namespaces with type \"user\")"),
           error_stage(err, "config");
  if (p->selinux_label && *p->selinux_label && !selinux_host_enabled())
    return error_set(err, EINVAL, "selinux label is specified in config, but selinux is disabled or not supported"),
           error_stage(err, "config");
  if (p->terminal && o->detach && !o->console_socket)
    return error_set(err, EINVAL, "cannot allocate tty if vessel will detach without setting console socket"),
           error_stage(err, "config");
  /* Refused rather than ignored: a container that asked for a cache or
   * bandwidth partition must not run without one. */
  if (cfg->linux.has_intel_rdt)
    return error_set(err, EOPNOTSUPP, "%s",
                     host_has_resctrl()
                         ? "intelRdt is specified in config, but vessel does not support Intel RDT"
                         : "intelRdt is specified in config, but Intel RDT is not supported or enabled"),
           error_stage(err, "config");
  for (size_t i = 0; i < cfg->linux.n_net_devices; i++)
    if (!netdev_exists(cfg->linux.net_devices[i].host_name))
      return error_set(err, ENODEV, "linux.netDevices: network device \"%s\" does not exist",
                       cfg->linux.net_devices[i].host_name),
             error_stage(err, "config");
  if ((!p->terminal || !o->detach) && o->console_socket)
    return error_set(err, EINVAL, "cannot use console socket if vessel will not detach or allocate tty"),
           error_stage(err, "config");
  return 0;
}

/* Which namespaces clone3 creates, which the init unshares, and whether a
 * second stage is needed. */
static void plan_namespaces(struct init_ctx *c, const struct linux_cfg *l) {
  int new_flags = 0;
  bool any_join = false;
  for (int t = 0; t < NS_COUNT; t++) {
    if (!l->ns[t].present)
      continue;
    if (l->ns[t].path)
      any_join = true;
    else
      new_flags |= ns_clone_flag(t);
  }
  bool new_user = new_flags & CLONE_NEWUSER;
  c->two_stage = (l->ns[NS_USER].present && l->ns[NS_USER].path) ||
                 (l->ns[NS_PID].present && l->ns[NS_PID].path) ||
                 (l->ns[NS_TIME].present) || (new_user && any_join);
  c->want_cgroupns = false;
  if (c->two_stage) {
    c->clone_flags = 0;
    c->unshare_flags = new_flags;
  } else {
    /* A new cgroup namespace is created once the init is in its cgroup. */
    c->want_cgroupns = new_flags & CLONE_NEWCGROUP;
    c->clone_flags = new_flags & ~CLONE_NEWCGROUP;
    c->unshare_flags = 0;
  }
}

/* linux.netDevices: moved into the init's network namespace by the parent,
 * which is still in the host's. */
static int move_net_devices(const struct linux_cfg *l, pid_t pid, struct error **err) {
  if (l->n_net_devices == 0)
    return 0;
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
  autoclose int ns = open(path, O_RDONLY | O_CLOEXEC);
  if (ns < 0)
    return error_sys(err, errno, "open the container's network namespace"), error_stage(err, "network");
  for (size_t i = 0; i < l->n_net_devices; i++)
    if (netdev_move(l->net_devices[i].host_name, l->net_devices[i].name, ns, err) < 0)
      return -1;
  return 0;
}

static char *state_json_for_hooks(const struct container_state *st, const char *status) {
  return hooks_state_json(st, status, st->pid);
}

/* The parent's end of the conversation with the init. */
struct parent {
  struct init_ctx *c;
  struct container_state *st;
  int dirfd;
  int sock;
  int pidfd;            /* the process we talk to (first stage, then the init) */
  pid_t pid;
  int first_pidfd;      /* two-stage: the first stage, to reap */
  bool cgroup_joined;
  int procfd;
};

static int parent_procfd(struct parent *p, struct error **err) {
  if (p->procfd < 0)
    p->procfd = procfs_open_root(err);
  return p->procfd;
}

static int join_cgroup(struct parent *p, struct error **err) {
  if (p->cgroup_joined)
    return 0;
  if (cgroups_enter(p->st, p->pid, NULL, err) < 0)
    return error_stage(err, "cgroup");
  p->cgroup_joined = true;
  return 0;
}

static int wait_msg(struct parent *p, struct sync_msg *m, struct error **err) {
  for (;;) {
    struct pollfd fds[2] = {{p->sock, POLLIN, 0}, {p->pidfd, POLLIN, 0}};
    int n = poll(fds, 2, -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_sys(err, errno, "poll");
    if (fds[0].revents & POLLIN)
      return sync_recv(p->sock, m, err);
    if (fds[0].revents & (POLLHUP | POLLERR) || fds[1].revents & POLLIN) {
      /* The process is gone; a last message may still be queued. */
      if (sync_recv(p->sock, m, NULL) == 0)
        return 0;
      siginfo_t si = {0};
      waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG);
      if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
        return error_set(err, ECHILD, "container init was killed by signal %d", si.si_status);
      return error_set(err, ECHILD, "container init exited unexpectedly (status %d)", si.si_status);
    }
  }
}

static int handle_pidfd(struct parent *p, struct sync_msg *m, struct error **err) {
  if (m->fd < 0)
    return error_set(err, EPROTO, "sync: init pidfd missing");
  p->first_pidfd = p->pidfd;
  p->pidfd = m->fd;
  p->pid = m->arg;
  /* Reap the first stage now: it has exited after sending this. */
  siginfo_t si;
  while (waitid(P_PIDFD, (id_t)p->first_pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
  close(p->first_pidfd);
  p->first_pidfd = -1;
  p->st->pid = p->pid;
  p->st->start_time = state_proc_start_time(p->pid);
  return move_net_devices(&p->c->cfg->linux, p->pid, err);
}

static int handle_seccomp_fd(struct parent *p, struct sync_msg *m, struct error **err) {
  const struct seccomp_cfg *s = &p->c->cfg->linux.seccomp;
  autofree char *doc = container_notify_state(p->st, s, p->pid, "creating");
  int r = seccomp_send_notify(s, m->fd, doc, err);
  close(m->fd);
  if (r < 0)
    return error_stage(err, "seccomp");
  return sync_send(p->sock, SYNC_SECCOMP_DONE, 0, -1, err);
}

/* Answer the init until it is ready. */
static int converse(struct parent *p, struct error **err) {
  const struct config *cfg = p->c->cfg;
  for (;;) {
    struct sync_msg m;
    if (wait_msg(p, &m, err) < 0)
      return -1;
    switch (m.type) {
    case SYNC_ERROR:
      *err = m.err;
      return error_wrap(err, "unable to start container process");
    case SYNC_USERMAP_REQ:
      if (parent_procfd(p, err) < 0)
        return -1;
      if (p->st->rootless ? ns_write_id_maps_rootless(p->procfd, p->pid, &cfg->linux, err) < 0
                          : ns_write_id_maps(p->procfd, p->pid, &cfg->linux, false, err) < 0)
        return -1;
      if (sync_send(p->sock, SYNC_USERMAP_DONE, 0, -1, err) < 0)
        return -1;
      break;
    case SYNC_CGROUP_REQ:
      if (join_cgroup(p, err) < 0 || sync_send(p->sock, SYNC_CGROUP_DONE, 0, -1, err) < 0)
        return -1;
      break;
    case SYNC_PIDFD:
      if (handle_pidfd(p, &m, err) < 0)
        return -1;
      break;
    case SYNC_HOOKS_REQ: {
      autofree char *s = state_json_for_hooks(p->st, "creating");
      if (hooks_run(cfg->hooks, HOOK_PRESTART, s, p->st->bundle, NULL, err) < 0 ||
          hooks_run(cfg->hooks, HOOK_CREATE_RUNTIME, s, p->st->bundle, NULL, err) < 0)
        return -1;
      if (sync_send(p->sock, SYNC_HOOKS_DONE, 0, -1, err) < 0)
        return -1;
      break;
    }
    case SYNC_SECCOMP_FD:
      if (handle_seccomp_fd(p, &m, err) < 0)
        return -1;
      break;
    case SYNC_MOUNT_REQ:
      if (container_mount_source(p->c, p->pid, m.arg, p->sock, err) < 0)
        return -1;
      break;
    case SYNC_READY:
      return 0;
    default:
      if (m.fd >= 0)
        close(m.fd);
      return error_set(err, EPROTO, "sync: unexpected message %u from the init", m.type);
    }
  }
}

static void kill_and_reap(int pidfd) {
  if (pidfd < 0)
    return;
  sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
  siginfo_t si;
  while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
}

int write_pid_file(const char *path, pid_t pid, struct error **err) {
  autofree char *tmp = xasprintf("%s.vessel-tmp", path);
  autoclose int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return error_sys(err, errno, "create pid file \"%s\"", path);
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", pid);
  if (write_all(fd, buf, (size_t)n) < 0) {
    int e = errno;
    unlink(tmp);
    return error_sys(err, e, "write pid file \"%s\"", path);
  }
  if (rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    return error_sys(err, e, "rename pid file \"%s\"", path);
  }
  return 0;
}

/* Everything one create owns, so that a failure at any step undoes exactly
 * what was done. */
struct job {
  const struct runtime_opts *rt;
  const struct create_opts *o;
  bool use_fifo, rootless;
  struct config *cfg;
  char *rootfs;
  struct init_ctx c;
  struct container_state st;
  struct parent p;
  int rootfd, dirfd, sock[2], console_keep;
  bool made_dir, made_cgroups;
};

static void job_init(struct job *j, const struct runtime_opts *rt, const struct create_opts *o,
                     bool use_fifo) {
  memset(j, 0, sizeof(*j));
  j->rt = rt;
  j->o = o;
  j->use_fifo = use_fifo;
  j->rootfd = j->dirfd = j->sock[0] = j->sock[1] = j->console_keep = -1;
  struct init_ctx *c = &j->c;
  c->join.v2dir = c->console_master_sock = c->pty_slave_fd = c->devnull_tree = -1;
  c->procfd = c->rootfd = c->state_dirfd = c->fifo_fd = -1;
  for (int t = 0; t < NS_COUNT; t++)
    c->ns_fd[t] = -1;
  j->p = (struct parent){.c = c, .st = &j->st, .sock = -1, .pidfd = -1, .first_pidfd = -1,
                         .procfd = -1};
}

/* Everything that can be checked before a side effect. */
static int job_check(struct job *j, struct error **err) {
  const struct create_opts *o = j->o;
  if (state_validate_id(o->id, err) < 0 || config_load(o->bundle, &j->cfg, err) < 0)
    return -1;
  j->rootless = container_rootless(j->rt);
  if (check_config(j->cfg, o, j->rootless, err) < 0 ||
      check_rootfs(j->cfg, o->bundle, &j->rootfs, err) < 0)
    return -1;
  struct init_ctx *c = &j->c;
  c->cfg = j->cfg;
  c->proc = &j->cfg->process;
  c->id = o->id;
  c->bundle = o->bundle;
  c->rootfs = j->rootfs;
  c->no_pivot = o->no_pivot;
  c->host_mntns = !j->cfg->linux.ns[NS_MOUNT].present;
  c->no_new_keyring = o->no_new_keyring;
  c->detached = o->detach;
  plan_namespaces(c, &j->cfg->linux);
  log_debug("create %s: bundle %s, rootfs %s", o->id, o->bundle, j->rootfs);
  log_debug("create %s: clone3 flags %#x, unshare flags %#x%s", o->id, c->clone_flags,
            c->unshare_flags, c->two_stage ? ", two stages" : "");
  if (container_prepare_process_fds(c, o, err) < 0 || ns_open_paths(&j->cfg->linux, c->ns_fd, err) < 0)
    return -1;
  if (j->cfg->linux.has_seccomp && seccomp_filter_build(&j->cfg->linux.seccomp, &c->seccomp, err) < 0)
    return error_stage(err, "seccomp");
  return 0;
}

/* The state directory and its first record, then the cgroups. */
static int job_record(struct job *j, struct error **err) {
  const struct create_opts *o = j->o;
  const struct config *cfg = j->cfg;
  struct container_state *st = &j->st;
  j->rootfd = state_root_open(j->rt->root, true, err);
  if (j->rootfd < 0)
    return -1;
  j->dirfd = state_dir_create(j->rootfd, o->id, err);
  if (j->dirfd < 0)
    return -1;
  j->made_dir = true;
  st->id = xstrdup(o->id);
  st->oci_version = xstrdup(cfg->oci_version);
  st->bundle = xstrdup(o->bundle);
  st->rootfs = xstrdup(j->rootfs);
  st->created = state_time_now();
  st->owner_uid = geteuid();
  st->annotation_keys = strv_dup(cfg->annotation_keys);
  st->annotation_values = strv_dup(cfg->annotation_values);
  st->n_annotations = cfg->n_annotations;
  st->systemd_cgroup = j->rt->systemd_cgroup;
  st->rootless = j->rootless;
  st->use_terminal = cfg->process.terminal;
  st->no_new_keyring = o->no_new_keyring;
  if (j->c.host_mntns)
    st->host_rootfs_base = rootfs_host_mnt_id(j->rootfs);
  /* The record exists before any side effect outside the state directory. */
  if (state_write(j->dirfd, st, err) < 0 || container_save_config(j->dirfd, cfg, err) < 0)
    return -1;
  if (j->use_fifo) {
    if (mkfifoat(j->dirfd, "exec.fifo", 0622) < 0)
      return error_sys(err, errno, "create exec.fifo");
    (void)!fchmodat(j->dirfd, "exec.fifo", 0622, 0);
  }
  autoclose int journal = openat(j->dirfd, "cgroups.journal",
                                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (journal < 0)
    return error_sys(err, errno, "create cgroups.journal");
  struct cgroup_config cg = {.id = o->id, .cgroups_path = cfg->linux.cgroups_path,
                             .systemd = j->rt->systemd_cgroup, .rootless = j->rootless,
                             .resources = cfg->linux.has_resources ? &cfg->linux.resources : NULL,
                             .journal_fd = journal};
  j->made_cgroups = true;
  if (cgroups_create(&cg, st, err) < 0)
    return error_stage(err, "cgroup");
  log_debug("create %s: %zu cgroup directories under \"%s\"", o->id, st->n_cgroups,
            st->cgroups_path ? st->cgroups_path : "");
  return state_write(j->dirfd, st, err);
}

/* The descriptors the init needs, then clone3. */
static int job_clone(struct job *j, struct error **err) {
  struct init_ctx *c = &j->c;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sock) < 0)
    return error_sys(err, errno, "socketpair");
  c->sync_fd = j->sock[1];
  c->st = &j->st;
  if (j->use_fifo) {
    c->state_dirfd = openat(j->dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->state_dirfd < 0)
      return error_sys(err, errno, "open the state directory");
  }
  if (container_env(c, j->o, err) < 0 || container_console_setup(c, j->o, &j->console_keep, err) < 0 ||
      cgroup_join_prepare(&j->st, &c->join, err) < 0)
    return -1;
  int pidfd = -1;
  struct vessel_clone_args ca = {.flags = (uint64_t)(unsigned)c->clone_flags | CLONE_PIDFD,
                                 .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD};
  c->self_join = j->st.n_cgroups > 0;
  if (c->join.v2dir >= 0) {
    ca.flags |= CLONE_INTO_CGROUP;
    ca.cgroup = (uint64_t)c->join.v2dir;
  }
  fflush(NULL);
  pid_t pid = (pid_t)sys_clone3(&ca);
  if (pid < 0 && c->join.v2dir >= 0 && (errno == EINVAL || errno == E2BIG || errno == ENOSYS)) {
    /* A kernel without CLONE_INTO_CGROUP: the parent moves the init. */
    ca.flags &= ~CLONE_INTO_CGROUP;
    c->self_join = false;
    pid = (pid_t)sys_clone3(&ca);
  }
  if (pid == 0) {
    c->parent_fds[0] = j->sock[0];
    c->parent_fds[1] = j->dirfd;
    c->parent_fds[2] = j->rootfd;
    c->parent_fds[3] = j->console_keep;
    init_main(c);
  }
  int clone_errno = errno;
  j->p.cgroup_joined = c->self_join;
  cgroup_join_close(&c->join);
  close(j->sock[1]);
  j->sock[1] = -1;
  ns_close_fds(c->ns_fd);
  if (c->console_master_sock >= 0) {
    close(c->console_master_sock);
    c->console_master_sock = -1;
  }
  if (pid < 0)
    return error_sys(err, clone_errno, "clone the container's init (flags %#x)", c->clone_flags),
           error_stage(err, "namespace");
  j->p.dirfd = j->dirfd;
  j->p.sock = j->sock[0];
  j->p.pidfd = pidfd;
  j->p.pid = pid;
  return 0;
}

/* Answer the init until it is ready, then the final record and pid file. */
static int job_finish(struct job *j, struct error **err) {
  struct container_state *st = &j->st;
  if (!j->c.two_stage) {
    /* The pid reaches state.json with the final write: until then the
     * init dies with this process (parent-death signal), and the cgroups
     * it is in are recorded already. */
    st->pid = j->p.pid;
    st->start_time = state_proc_start_time(j->p.pid);
    if (join_cgroup(&j->p, err) < 0 || move_net_devices(&j->cfg->linux, j->p.pid, err) < 0)
      return -1;
  }
  if (converse(&j->p, err) < 0 || (!j->p.cgroup_joined && join_cgroup(&j->p, err) < 0))
    return -1;
  st->created_ok = true;
  log_debug("create %s: init %d is ready", j->o->id, st->pid);
  if (state_write(j->dirfd, st, err) < 0)
    return -1;
  return j->o->pid_file ? write_pid_file(j->o->pid_file, st->pid, err) : 0;
}

static void job_free(struct job *j, bool failed) {
  if (failed) {
    if (j->p.first_pidfd >= 0)
      kill_and_reap(j->p.first_pidfd);
    kill_and_reap(j->p.pidfd);
    rootfs_host_release(j->st.rootfs, j->st.host_rootfs_base);
    if (j->made_cgroups)
      cgroups_destroy(&j->st, NULL);
    if (j->made_dir)
      state_dir_remove(j->rootfd, j->o->id, NULL);
  }
  int fds[] = {j->p.pidfd, j->p.procfd, j->console_keep, j->sock[0], j->sock[1],
               j->c.state_dirfd, j->dirfd, j->rootfd};
  for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
    if (fds[i] >= 0)
      close(fds[i]);
  ns_close_fds(j->c.ns_fd);
  seccomp_filter_free(j->c.seccomp);
  strv_free(j->c.env);
  cgroup_join_close(&j->c.join);
  container_close_process_fds(&j->c);
  state_free(&j->st);
  config_free(j->cfg);
  free(j->rootfs);
}

int container_create_process(const struct runtime_opts *rt, const struct create_opts *o,
                             bool use_fifo, struct created *out, struct error **err) {
  memset(out, 0, sizeof(*out));
  out->pidfd = out->sock = out->dirfd = out->console = -1;
  struct job j;
  job_init(&j, rt, o, use_fifo);
  if (job_check(&j, err) < 0 || job_record(&j, err) < 0 || job_clone(&j, err) < 0 ||
      job_finish(&j, err) < 0) {
    job_free(&j, true);
    return -1;
  }
  if (j.console_keep >= 0) {
    out->console = terminal_recv_master(j.console_keep, err);
    if (out->console < 0) {
      job_free(&j, true);
      return -1;
    }
  }
  out->pidfd = steal_fd(j.p.pidfd);
  out->sock = steal_fd(j.sock[0]);
  out->dirfd = steal_fd(j.dirfd);
  out->pid = j.st.pid;
  out->st = j.st;
  memset(&j.st, 0, sizeof(j.st));
  out->cfg = steal_ptr(j.cfg);
  job_free(&j, false);
  return 0;
}

int container_create(const struct runtime_opts *rt, const struct create_opts *o, struct error **err) {
  struct created cr;
  if (container_create_process(rt, o, true, &cr, err) < 0)
    return -1;
  created_free(&cr);
  return 0;
}
