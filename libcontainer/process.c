/* process.c - the user process: environment, executable lookup, working
 * directory, rlimits, oom score, scheduler, I/O priority, memory policy,
 * personality, keyring, user and groups, capabilities, no_new_privs, and the
 * final execve. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "caps.h"
#include "cpuset.h"
#include "fsutil.h"
#include "init.h"
#include "log.h"
#include "procfs.h"
#include "sigdefaults.h"
#include "process_env.h"
#include "sync.h"
#include "utils.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#define KEYCTL_DESCRIBE 6
#endif
#ifndef SYS_sched_setattr
#define SYS_sched_setattr 314
#endif
#ifndef SYS_set_mempolicy
#define SYS_set_mempolicy 238
#endif

struct vessel_sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static int set_rlimits(const struct process_cfg *p, struct error **err) {
  for (size_t i = 0; i < p->n_rlimits; i++) {
    struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
    if (setrlimit(p->rlimits[i].resource, &rl) < 0)
      return error_sys(err, errno, "setrlimit %s (soft %llu, hard %llu)", p->rlimits[i].name,
                       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  }
  return 0;
}

static int set_scheduler(const struct scheduler_cfg *s, struct error **err) {
  struct vessel_sched_attr a = {
      .size = sizeof(a), .sched_policy = (uint32_t)s->policy, .sched_flags = s->flags,
      .sched_nice = s->nice, .sched_priority = (uint32_t)s->priority,
      .sched_runtime = s->runtime, .sched_deadline = s->deadline, .sched_period = s->period};
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
    return error_sys(err, errno, "sched_setattr");
  return 0;
}

static int set_memory_policy(const struct memory_policy_cfg *m, struct error **err) {
  unsigned long mask[16] = {0};
  unsigned long maxnode = 0;
  if (m->nodes) {
    nodemask_parse(m->nodes, mask, sizeof(mask) * 8);
    maxnode = sizeof(mask) * 8;
  }
  if (syscall(SYS_set_mempolicy, m->mode | (int)m->flags, m->nodes ? mask : NULL, maxnode) < 0)
    return error_sys(err, errno, "set_mempolicy");
  return 0;
}

static int join_keyring(struct init_ctx *c, struct error **err) {
  if (c->no_new_keyring)
    return 0;
  autofree char *name = xasprintf("_ses.%s", c->id);
  long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (key < 0) {
    /* Kernels without keyrings (or a seccomp'd caller) are not an error. */
    if (errno == ENOSYS || errno == EPERM || errno == EACCES)
      return 0;
    return error_sys(err, errno, "join session keyring \"%s\"", name);
  }
  /* Add user-search to the keyring's permissions, as runc does, and
   * nothing more: other processes of the same uid get no write access. */
  char desc[256];
  long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof(desc) - 1);
  unsigned long perm = 0x3f1b0000;
  if (n > 0) {
    desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
    /* "type;uid;gid;perm;description" */
    char *p = desc;
    for (int field = 0; field < 3 && p; field++) {
      p = strchr(p, ';');
      if (p)
        p++;
    }
    if (p)
      perm = strtoul(p, NULL, 16);
  }
  if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm | 0x00080000) < 0)
    return error_sys(err, errno, "make session keyring \"%s\" searchable", name);
  return 0;
}

/* Settings that need the init's privileges, done before the user switch. */
int process_prepare(struct init_ctx *c, const char **exe, struct error **err) {
  const struct process_cfg *p = c->proc;
  const struct linux_cfg *l = &c->cfg->linux;
  (void)exe;
  if (p->has_oom_score_adj) {
    char v[16];
    snprintf(v, sizeof(v), "%d", p->oom_score_adj);
    if (procfs_write(c->procfd, "self/oom_score_adj", v, err) < 0)
      return error_stage(err, "process");
  }
  if (set_rlimits(p, err) < 0)
    return error_stage(err, "process");
  if (l->has_personality && personality(l->personality) < 0)
    return error_sys(err, errno, "personality"), error_stage(err, "process");
  if (p->has_scheduler && set_scheduler(&p->scheduler, err) < 0)
    return error_stage(err, "process");
  if (p->has_io_priority &&
      syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (p->io_priority_class << 13) | p->io_priority) < 0)
    return error_sys(err, errno, "ioprio_set"), error_stage(err, "process");
  if (l->has_memory_policy && set_memory_policy(&l->memory_policy, err) < 0)
    return error_stage(err, "process");
  if (join_keyring(c, err) < 0)
    return error_stage(err, "process");
  return 0;
}

static int switch_user(const struct process_cfg *p, bool userns, struct error **err) {
  const struct user_cfg *u = &p->user;
  gid_t groups[NGROUPS_MAX > 65536 ? 65536 : NGROUPS_MAX];
  size_t n = u->n_additional_gids;
  if (n > ARRAY_SIZE(groups))
    return error_set(err, E2BIG, "too many additional gids (%zu)", n);
  for (size_t i = 0; i < n; i++)
    groups[i] = u->additional_gids[i];
  if (setgroups(n, groups) < 0) {
    /* With setgroups denied in a user namespace only an empty list is
     * possible, and the list is empty already. */
    if (!(errno == EPERM && userns && n == 0))
      return error_sys(err, errno, "setgroups");
  }
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return error_sys(err, errno, "setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return error_sys(err, errno, "setuid %u", u->uid);
  return 0;
}

/* stdio made outside the container (a pty, pipes) belongs to the container's
 * user, as runc arranges; /dev/null is left alone. */
static void fix_stdio_owner(const struct user_cfg *u) {
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0)
      continue;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
      continue;
    if (st.st_uid == u->uid)
      continue;
    if (fchown(fd, u->uid, u->gid) < 0) {
      /* EINVAL: the id is not mapped; EPERM: not ours to change. */
    }
  }
}

/* User, capabilities and no_new_privs, then the working directory. */
int process_finalize(struct init_ctx *c, struct error **err) {
  const struct process_cfg *p = c->proc;
  bool userns = c->cfg->linux.ns[NS_USER].present;
  if (p->has_caps && caps_apply_bounding(&p->caps, err) < 0)
    return error_stage(err, "capabilities");
  if (p->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return error_sys(err, errno, "keep capabilities"), error_stage(err, "capabilities");
  if (p->user.uid != 0)
    fix_stdio_owner(&p->user);
  if (switch_user(p, userns, err) < 0)
    return error_stage(err, "user");
  if (p->has_caps) {
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
      return error_sys(err, errno, "clear keep capabilities"), error_stage(err, "capabilities");
    if (caps_apply_final(&p->caps, err) < 0)
      return error_stage(err, "capabilities");
  }
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return error_sys(err, errno, "set no_new_privs"), error_stage(err, "process");
  return 0;
}

_Noreturn void process_exec(struct init_ctx *c, const char *exe) {
  process_reset_signals();
  execve(exe, c->proc->args, c->env);
  int e = errno;
  if (c->sync_fd >= 0) {
    struct error *err = NULL;
    error_sys(&err, e, "exec: \"%s\"", exe);
    error_stage(&err, "exec");
    sync_send_error(c->sync_fd, err);
    error_free(err);
    _exit(e == ENOENT ? 127 : 126);
  }
  char msg[512];
  int n = snprintf(msg, sizeof(msg), "vessel: exec \"%s\": %s\n", exe, errno_text(e));
  if (n > 0)
    (void)!write(2, msg, (size_t)n);
  init_fifo_failed(c);
  _exit(e == ENOENT ? 127 : 126);
}
