/* seccomp.c - linux.seccomp as a libseccomp filter. */
#define _GNU_SOURCE
#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "utils.h"

struct seccomp_filter {
  scmp_filter_ctx ctx;
  bool notify;
};

static uint32_t action_value(int kind, bool has_errno, uint32_t errno_ret) {
  switch (kind) {
  case SECCOMP_ACT_KILL_:
  case SECCOMP_ACT_KILL_THREAD_: return SCMP_ACT_KILL_THREAD;
  case SECCOMP_ACT_KILL_PROCESS_: return SCMP_ACT_KILL_PROCESS;
  case SECCOMP_ACT_TRAP_: return SCMP_ACT_TRAP;
  case SECCOMP_ACT_ERRNO_: return SCMP_ACT_ERRNO(has_errno ? errno_ret : EPERM);
  case SECCOMP_ACT_TRACE_: return SCMP_ACT_TRACE(has_errno ? errno_ret : EPERM);
  case SECCOMP_ACT_LOG_: return SCMP_ACT_LOG;
  case SECCOMP_ACT_NOTIFY_: return SCMP_ACT_NOTIFY;
  case SECCOMP_ACT_ALLOW_:
  default: return SCMP_ACT_ALLOW;
  }
}

/* The libseccomp API level each flag needs. */
static const struct { const char *name; unsigned api; } flag_api[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 2}, {"SECCOMP_FILTER_FLAG_LOG", 3},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4}, {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 7},
};

size_t seccomp_supported_flags(const char **out, size_t max) {
  unsigned api = seccomp_api_get();
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(flag_api) && n < max; i++)
    if (api >= flag_api[i].api)
      out[n++] = flag_api[i].name;
  return n;
}

static int set_flag(scmp_filter_ctx ctx, const char *name, struct error **err) {
  unsigned api = seccomp_api_get();
  for (size_t i = 0; i < ARRAY_SIZE(flag_api); i++) {
    if (strcmp(flag_api[i].name, name) != 0)
      continue;
    if (api < flag_api[i].api)
      return error_set(err, ENOTSUP, "seccomp flag %s is not supported by this kernel and libseccomp", name);
    int r = 0;
    if (i == 0)
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    else if (i == 1)
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
    else if (i == 2)
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
    else
      r = -ENOTSUP;
    if (r < 0)
      return error_sys(err, -r, "set seccomp flag %s", name);
    return 0;
  }
  return error_set(err, EINVAL, "unknown seccomp flag %s", name);
}

/* Arguments with distinct indexes form one rule (all must match); when an
 * index repeats, each argument becomes a rule of its own (any may match), as
 * runc does. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct seccomp_syscall *sc,
                    const char *name, struct error **err) {
  struct scmp_arg_cmp cmps[6];
  bool distinct = sc->n_args <= 6;
  for (size_t i = 0; i < sc->n_args && distinct; i++)
    for (size_t j = 0; j < i; j++)
      if (sc->args[i].index == sc->args[j].index)
        distinct = false;
  int r = 0;
  if (sc->n_args == 0) {
    r = seccomp_rule_add_array(ctx, action, nr, 0, NULL);
  } else if (distinct) {
    for (size_t i = 0; i < sc->n_args; i++)
      cmps[i] = (struct scmp_arg_cmp){sc->args[i].index, (enum scmp_compare)sc->args[i].op,
                                      sc->args[i].value, sc->args[i].value_two};
    r = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->n_args, cmps);
  } else {
    for (size_t i = 0; i < sc->n_args && r == 0; i++) {
      cmps[0] = (struct scmp_arg_cmp){sc->args[i].index, (enum scmp_compare)sc->args[i].op,
                                      sc->args[i].value, sc->args[i].value_two};
      r = seccomp_rule_add_array(ctx, action, nr, 1, cmps);
    }
  }
  if (r < 0)
    return error_sys(err, -r, "add seccomp rule for syscall \"%s\"", name);
  return 0;
}

int seccomp_filter_build(const struct seccomp_cfg *cfg, struct seccomp_filter **out,
                         struct error **err) {
  uint32_t def = action_value(cfg->default_action, cfg->has_default_errno_ret, cfg->default_errno_ret);
  scmp_filter_ctx ctx = seccomp_init(def);
  if (ctx == NULL)
    return error_set(err, EINVAL, "seccomp: cannot initialise the filter");
  struct seccomp_filter *f = xcalloc(1, sizeof(*f));
  f->ctx = ctx;
  /* no_new_privs is the config's decision (process.noNewPrivileges), not
   * libseccomp's. */
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (size_t i = 0; i < cfg->n_archs; i++) {
    int r = seccomp_arch_add(ctx, cfg->archs[i]);
    if (r < 0 && r != -EEXIST) {
      seccomp_filter_free(f);
      return error_sys(err, -r, "seccomp: add architecture");
    }
  }
  for (size_t i = 0; cfg->flags && cfg->flags[i]; i++)
    if (set_flag(ctx, cfg->flags[i], err) < 0) {
      seccomp_filter_free(f);
      return -1;
    }
  for (size_t i = 0; i < cfg->n_syscalls; i++) {
    const struct seccomp_syscall *sc = &cfg->syscalls[i];
    uint32_t action = action_value(sc->action, sc->has_errno_ret, sc->errno_ret);
    if (action == def) {
      log_debug("seccomp: skipping rule %zu, its action is the default action", i);
      continue;
    }
    if (sc->action == SECCOMP_ACT_NOTIFY_)
      f->notify = true;
    for (size_t j = 0; sc->names && sc->names[j]; j++) {
      int nr = seccomp_syscall_resolve_name(sc->names[j]);
      if (nr == __NR_SCMP_ERROR) {
        log_debug("seccomp: unknown syscall \"%s\", skipping it", sc->names[j]);
        continue;
      }
      if (add_rule(ctx, action, nr, sc, sc->names[j], err) < 0) {
        seccomp_filter_free(f);
        return -1;
      }
    }
  }
  *out = f;
  return 0;
}

bool seccomp_filter_wants_notify(const struct seccomp_filter *f) { return f && f->notify; }

int seccomp_filter_load(struct seccomp_filter *f, int *notify_fd, struct error **err) {
  if (notify_fd)
    *notify_fd = -1;
  int r = seccomp_load(f->ctx);
  if (r < 0)
    return error_sys(err, -r, "load seccomp filter");
  if (f->notify && notify_fd) {
    int fd = seccomp_notify_fd(f->ctx);
    if (fd < 0)
      return error_sys(err, -fd, "get the seccomp notify descriptor");
    *notify_fd = fd;
  }
  return 0;
}

void seccomp_filter_free(struct seccomp_filter *f) {
  if (f == NULL)
    return;
  seccomp_release(f->ctx);
  free(f);
}

int seccomp_send_notify(const struct seccomp_cfg *cfg, int notify_fd, const char *state_json,
                        struct error **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(cfg->listener_path) >= sizeof(addr.sun_path))
    return error_set(err, ENAMETOOLONG, "seccomp listener path \"%s\" is too long", cfg->listener_path);
  strcpy(addr.sun_path, cfg->listener_path);
  autoclose int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return error_sys(err, errno, "socket");
  if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return error_sys(err, errno, "connect to seccomp listener \"%s\"", cfg->listener_path);
  struct iovec iov = {(void *)state_json, strlen(state_json)};
  char cbuf[CMSG_SPACE(sizeof(int))] = {0};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
  if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0)
    return error_sys(err, errno, "send the seccomp notify descriptor to \"%s\"", cfg->listener_path);
  return 0;
}
