/* container_support.c - what create, start, run and delete share: the saved
 * config, socket activation and preserved descriptors, the environment, the
 * pid file, tearing a container down. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_internal.h"
#include "hooks.h"
#include "rootfs_host.h"
#include "json.h"
#include "log.h"
#include "process_env.h"
#include "syscalls.h"
#include "terminal.h"
#include <sys/socket.h>
#include "utils.h"

bool container_rootless(const struct runtime_opts *rt) {
  if (rt->rootless && strcmp(rt->rootless, "true") == 0)
    return true;
  if (rt->rootless && strcmp(rt->rootless, "false") == 0)
    return false;
  return geteuid() != 0;
}

void created_free(struct created *c) {
  config_free(c->cfg);
  state_free(&c->st);
  if (c->pidfd >= 0)
    close(c->pidfd);
  if (c->sock >= 0)
    close(c->sock);
  if (c->dirfd >= 0)
    close(c->dirfd);
  if (c->console >= 0)
    close(c->console);
  memset(c, 0, sizeof(*c));
  c->pidfd = c->sock = c->dirfd = c->console = -1;
}

int container_console_setup(struct init_ctx *c, const struct create_opts *o, int *keep,
                            struct error **err) {
  *keep = -1;
  c->console_master_sock = -1;
  if (!c->proc->terminal)
    return 0;
  if (o->console_socket) {
    c->console_master_sock = terminal_connect_socket(o->console_socket, err);
    return c->console_master_sock < 0 ? -1 : 0;
  }
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return error_sys(err, errno, "socketpair for the terminal");
  *keep = sp[0];
  c->console_master_sock = sp[1];
  return 0;
}

/* Socket activation: LISTEN_FDS meant for this process become the user
 * process's fds 3.., as runc passes them. */
static int listen_fds(void) {
  const char *n = getenv("LISTEN_FDS"), *p = getenv("LISTEN_PID");
  uint64_t fds, pid;
  if (n == NULL || parse_u64(n, &fds) < 0 || fds == 0 || fds > 1024)
    return 0;
  /* Only descriptors meant for this process, as systemd's activation
   * protocol (and runc) has it: LISTEN_PID must name it. */
  if (p == NULL || parse_u64(p, &pid) < 0 || pid != (uint64_t)getpid())
    return 0;
  return (int)fds;
}

int container_prepare_process_fds(struct init_ctx *c, const struct create_opts *o,
                                  struct error **err) {
  if (o->preserve_fds < 0)
    return error_set(err, EINVAL, "--preserve-fds must not be negative");
  c->preserve_fds = listen_fds() + o->preserve_fds;
  for (int fd = 3; fd < 3 + c->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return error_set(err, EBADF, "file descriptor %d to preserve is not open", fd);
  return 0;
}

void container_close_process_fds(struct init_ctx *c) {
  if (c->console_master_sock >= 0)
    close(c->console_master_sock);
  c->console_master_sock = -1;
}

int container_env(struct init_ctx *c, const struct create_opts *o, struct error **err) {
  (void)o;
  (void)err;
  char **env = strv_dup(c->proc->env);
  int n = listen_fds();
  if (n > 0) {
    char v[16];
    snprintf(v, sizeof(v), "%d", n);
    char **e1 = env_set(env, "LISTEN_FDS", v);
    char **e2 = env_set(e1, "LISTEN_PID", "1");
    strv_free(env);
    strv_free(e1);
    env = e2;
  }
  c->env = env;
  return 0;
}

int container_save_config(int dirfd, const struct config *cfg, struct error **err) {
  autoclose int fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return error_sys(err, errno, "save config.json in the state directory");
  if (write_all(fd, cfg->raw, cfg->raw_len) < 0)
    return error_sys(err, errno, "save config.json in the state directory");
  return 0;
}

int container_load_config(int dirfd, struct config **cfg, struct error **err) {
  autofree char *buf = NULL;
  size_t len = 0;
  if (read_file_at(dirfd, "config.json", &buf, &len, 64 << 20, err) < 0)
    return -1;
  if (config_parse(buf, len, cfg, err) < 0)
    return error_wrap(err, "saved config.json");
  return 0;
}

int container_kill_init_and_wait(const struct container_state *st, struct error **err) {
  if (!state_init_alive(st))
    return 0;
  int pidfd = sys_pidfd_open(st->pid, 0);
  if (pidfd < 0) {
    if (errno == ESRCH)
      return 0;
    return error_sys(err, errno, "pidfd_open %d", st->pid);
  }
  /* The pid may have been reused between the check and pidfd_open. */
  if (!state_init_alive(st)) {
    close(pidfd);
    return 0;
  }
  if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
    int e = errno;
    close(pidfd);
    return error_sys(err, e, "kill the container's init");
  }
  struct pollfd p = {pidfd, POLLIN, 0};
  while (poll(&p, 1, -1) < 0 && errno == EINTR)
    ;
  /* Our own child (run): reap it so it does not linger as a zombie. */
  siginfo_t si;
  waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG);
  close(pidfd);
  return 0;
}

/* Directories cgroups.journal lists that the state does not (a create
 * killed between making them and writing the state) are the container's. */
void container_recover_cgroups(int dirfd, struct container_state *st) {
  autofree char *buf = NULL;
  if (read_file_at(dirfd, "cgroups.journal", &buf, NULL, 1 << 20, NULL) < 0)
    return;
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(line, '\t');
    if (tab == NULL || tab[1] != '/')
      continue;
    *tab = '\0';
    if (line[0] == '!') {
      /* struck out: it existed before this container's create */
      for (size_t i = 0; i < st->n_cgroups; i++)
        if (st->cgroups[i].created && strcmp(st->cgroups[i].path, tab + 1) == 0 &&
            strcmp(st->cgroups[i].controller, line + 1) == 0)
          st->cgroups[i].created = false;
      continue;
    }
    bool known = false;
    for (size_t i = 0; i < st->n_cgroups && !known; i++)
      known = strcmp(st->cgroups[i].path, tab + 1) == 0 &&
              strcmp(st->cgroups[i].controller, line) == 0;
    if (known)
      continue;
    st->cgroups = xrealloc(st->cgroups, (st->n_cgroups + 1) * sizeof(*st->cgroups));
    struct cgroup_dir *d = &st->cgroups[st->n_cgroups++];
    d->controller = xstrdup(line);
    d->path = xstrdup(tab + 1);
    d->created = true;
  }
}

int container_destroy(int rootfd, int dirfd, struct container_state *st, const struct config *cfg,
                      struct error **err) {
  container_recover_cgroups(dirfd, st);
  if (container_kill_init_and_wait(st, err) < 0)
    return -1;
  rootfs_host_release(st->rootfs, st->host_rootfs_base);
  if (cgroups_destroy(st, err) < 0)
    return error_stage(err, "cgroup");
  struct config *loaded = NULL;
  struct error *e = NULL;
  if (cfg == NULL && st->created_ok && container_load_config(dirfd, &loaded, &e) == 0)
    cfg = loaded;
  if (st->created_ok && cfg && cfg->hooks[HOOK_POSTSTOP].n) {
    autofree char *s = hooks_state_json(st, "stopped", 0);
    hooks_run_warn(cfg->hooks, HOOK_POSTSTOP, s, st->bundle);
  }
  config_free(loaded);
  error_free(e);
  return state_dir_remove(rootfd, st->id, err);
}

char *container_notify_state(const struct container_state *st, const struct seccomp_cfg *s,
                             pid_t pid, const char *status) {
  autofree char *state = hooks_state_json(st, status, st->pid);
  autojson sv = NULL;
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "ociVersion", VESSEL_OCI_VERSION);
  jgen_key(g, "fds");
  jgen_array_open(g);
  jgen_str(g, "seccompFd");
  jgen_array_close(g);
  jgen_kv_int(g, "pid", pid);
  jgen_kv_str(g, "metadata", s->listener_metadata ? s->listener_metadata : "");
  jgen_key(g, "state");
  if (json_parse(state, strlen(state), &sv, NULL) == 0)
    jgen_value(g, sv);
  else
    jgen_null(g);
  jgen_map_close(g);
  return jgen_finish(g, false);
}

void container_poststart(const struct container_state *st, int dirfd, const struct config *cfg) {
  struct config *loaded = NULL;
  struct error *e = NULL;
  if (cfg == NULL && container_load_config(dirfd, &loaded, &e) == 0)
    cfg = loaded;
  if (cfg && cfg->hooks[HOOK_POSTSTART].n) {
    autofree char *s = hooks_state_json(st, "running", st->pid);
    hooks_run_warn(cfg->hooks, HOOK_POSTSTART, s, st->bundle);
  }
  config_free(loaded);
  error_free(e);
}
