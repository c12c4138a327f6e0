/* hooks.c - OCI hooks. */
#define _GNU_SOURCE
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "sigdefaults.h"
#include "syscalls.h"
#include "utils.h"

char *hooks_state_json(const struct container_state *st, const char *status, pid_t pid) {
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "ociVersion", st->oci_version ? st->oci_version : "");
  jgen_kv_str(g, "id", st->id);
  jgen_kv_str(g, "status", status);
  if (pid > 0)
    jgen_kv_int(g, "pid", pid);
  jgen_kv_str(g, "bundle", st->bundle);
  if (st->n_annotations) {
    jgen_key(g, "annotations");
    jgen_strmap_sorted(g, st->annotation_keys, st->annotation_values, st->n_annotations);
  }
  jgen_map_close(g);
  return jgen_finish(g, false);
}

struct capture {
  char *buf;
  size_t len;
};

static void capture_read(int fd, struct capture *c) {
  char tmp[4096];
  ssize_t n = read(fd, tmp, sizeof(tmp));
  if (n <= 0)
    return;
  if (c->len < 8192) {
    size_t take = (size_t)n;
    if (c->len + take > 8192)
      take = 8192 - c->len;
    c->buf = xrealloc(c->buf, c->len + take + 1);
    memcpy(c->buf + c->len, tmp, take);
    c->len += take;
    c->buf[c->len] = '\0';
  }
}

static _Noreturn void hook_child(const struct hook *h, const char *cwd, char *const *env_default,
                                 int in, int out, int errfd) {
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
    _exit(127);
  /* Hooks run in the bundle, as runc runs them. */
  if (cwd && chdir(cwd) < 0) {
    dprintf(2, "chdir \"%s\": %s", cwd, errno_text(errno));
    _exit(127);
  }
  close_fds_from(3, NULL, 0);
  process_reset_signals();
  char *fallback[] = {h->path, NULL};
  char **argv = h->args && h->args[0] ? h->args : fallback;
  execve(h->path, argv, h->env ? h->env : env_default ? env_default : environ);
  dprintf(2, "exec \"%s\": %s", h->path, errno_text(errno));
  _exit(127);
}

static char *trimmed(struct capture *c) {
  if (c->buf == NULL)
    return xstrdup("");
  while (c->len && (c->buf[c->len - 1] == '\n' || c->buf[c->len - 1] == ' '))
    c->buf[--c->len] = '\0';
  return xstrdup(c->buf);
}

static int run_one(const struct hook *h, const char *kind, size_t idx, const char *state,
                   const char *cwd, char *const *env_default, struct error **err) {
  int in[2], out[2], errp[2];
  if (pipe2(in, O_CLOEXEC) < 0)
    return error_sys(err, errno, "pipe");
  if (pipe2(out, O_CLOEXEC) < 0) {
    close(in[0]);
    close(in[1]);
    return error_sys(err, errno, "pipe");
  }
  if (pipe2(errp, O_CLOEXEC) < 0) {
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    return error_sys(err, errno, "pipe");
  }
  int pidfd = -1;
  struct vessel_clone_args ca = {.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd,
                                 .exit_signal = SIGCHLD};
  pid_t pid = (pid_t)sys_clone3(&ca);
  if (pid == 0)
    hook_child(h, cwd, env_default, in[0], out[1], errp[1]);
  int e = errno;
  close(in[0]);
  close(out[1]);
  close(errp[1]);
  if (pid < 0) {
    close(in[1]); close(out[0]); close(errp[0]);
    return error_sys(err, e, "error running %s hook #%zu: \"%s\"", kind, idx, h->path);
  }
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  struct capture cout = {0}, cerr = {0};
  size_t sent = 0, slen = strlen(state);
  int64_t deadline = h->has_timeout ? now_ms() + h->timeout * 1000 : -1;
  bool exited = false, timed_out = false;
  int wfd = in[1];
  while (!exited) {
    struct pollfd p[4] = {{pidfd, POLLIN, 0}, {out[0], POLLIN, 0}, {errp[0], POLLIN, 0},
                          {wfd, POLLOUT, 0}};
    int timeout = -1;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      timeout = left > 0 ? (int)left : 0;
    }
    int n = poll(p, wfd >= 0 ? 4 : 3, timeout);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0) {
      timed_out = true;
      sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
      break;
    }
    if (p[1].revents)
      capture_read(out[0], &cout);
    if (p[2].revents)
      capture_read(errp[0], &cerr);
    if (wfd >= 0 && p[3].revents) {
      ssize_t w = write(wfd, state + sent, slen - sent);
      if (w > 0)
        sent += (size_t)w;
      if (w < 0 && errno != EAGAIN) {
        close(wfd);
        wfd = -1;
      } else if (sent == slen) {
        close(wfd);
        wfd = -1;
      }
    }
    if (p[0].revents & POLLIN)
      exited = true;
  }
  if (wfd >= 0)
    close(wfd);
  siginfo_t si = {0};
  while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
  /* Drain what is left in the pipes. */
  struct pollfd p[2] = {{out[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
  while (poll(p, 2, 0) > 0 && ((p[0].revents & POLLIN) || (p[1].revents & POLLIN))) {
    size_t before = cout.len + cerr.len;
    if (p[0].revents & POLLIN)
      capture_read(out[0], &cout);
    if (p[1].revents & POLLIN)
      capture_read(errp[0], &cerr);
    if (cout.len + cerr.len == before)
      break;
  }
  close(out[0]);
  close(errp[0]);
  close(pidfd);
  autofree char *so = trimmed(&cout);
  autofree char *se = trimmed(&cerr);
  free(cout.buf);
  free(cerr.buf);
  if (timed_out)
    return error_set(err, ETIMEDOUT, "error running %s hook #%zu: \"%s\": timed out after %lld seconds", kind, idx,
                     h->path, (long long)h->timeout);
  if (si.si_code == CLD_EXITED && si.si_status == 0)
    return 0;
  autofree char *status = si.si_code == CLD_EXITED ? xasprintf("exit status %d", si.si_status)
                                                   : xasprintf("killed by signal %d", si.si_status);
  return error_set(err, ECANCELED, "error running %s hook #%zu: \"%s\": %s%s%s%s%s", kind, idx, h->path,
                   status, *so ? ", stdout: " : "", so, *se ? ", stderr: " : "", se);
}

int hooks_run(const struct hook_list *hooks, enum hook_kind kind, const char *state_json,
              const char *cwd, char *const *env_default, struct error **err) {
  const struct hook_list *l = &hooks[kind];
  for (size_t i = 0; i < l->n; i++) {
    log_debug("running %s hook #%zu: %s", hook_kind_name(kind), i, l->v[i].path);
    if (run_one(&l->v[i], hook_kind_name(kind), i, state_json, cwd, env_default, err) < 0) {
      error_object(err, l->v[i].path);
      return error_stage(err, "hook");
    }
  }
  return 0;
}

void hooks_run_warn(const struct hook_list *hooks, enum hook_kind kind, const char *state_json,
                    const char *cwd) {
  const struct hook_list *l = &hooks[kind];
  for (size_t i = 0; i < l->n; i++) {
    struct error *e = NULL;
    log_debug("running %s hook #%zu: %s", hook_kind_name(kind), i, l->v[i].path);
    if (run_one(&l->v[i], hook_kind_name(kind), i, state_json, cwd, NULL, &e) < 0)
      log_warn("%s", e->msg);
    error_free(e);
  }
}
