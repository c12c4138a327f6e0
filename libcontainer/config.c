/* config.c - config.json: top level, root, process, hooks, annotations.
 * The linux section is in config_linux.c, resources in config_resources.c,
 * seccomp in config_seccomp.c, mounts in config_mounts.c. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "cpuset.h"
#include "json.h"
#include "utils.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif

static const struct {
  const char *name;
  int value;
} rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
};

int rlimit_from_name(const char *name) {
  for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
    if (strcmp(rlimits[i].name, name) == 0)
      return rlimits[i].value;
  return -1;
}

const char *rlimit_name(int resource) {
  for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
    if (rlimits[i].value == resource)
      return rlimits[i].name;
  return "RLIMIT_?";
}

static const char *hook_names[HOOK_KIND_COUNT] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};

const char *hook_kind_name(enum hook_kind k) { return hook_names[k]; }

int config_check_env(const char *entry, const char *path, size_t i, struct error **err) {
  const char *eq = strchr(entry, '=');
  if (eq == NULL)
    return error_set(err, EINVAL, "%s[%zu]: invalid environment variable \"%s\": missing '='", path, i, entry);
  if (eq == entry)
    return error_set(err, EINVAL, "%s[%zu]: invalid environment variable \"%s\": name cannot be empty", path, i, entry);
  return 0;
}

/* "1.2.3", "1.0.2-dev", "1.3" -> major, minor; -1 when it is not a version. */
static int parse_version(const char *v, unsigned long *major, unsigned long *minor) {
  char *end;
  if (*v < '0' || *v > '9')
    return -1;
  *major = strtoul(v, &end, 10);
  if (*end != '.' || end[1] < '0' || end[1] > '9')
    return -1;
  *minor = strtoul(end + 1, &end, 10);
  if (*end == '.') {
    if (end[1] < '0' || end[1] > '9')
      return -1;
    strtoul(end + 1, &end, 10);
  }
  return *end == '\0' || *end == '-' || *end == '+' ? 0 : -1;
}

static int parse_user(yajl_val v, const char *path, struct user_cfg *u, struct error **err) {
  char p[256];
  if (jget_u32(v, path, "uid", &u->uid, err) < 0 || jget_u32(v, path, "gid", &u->gid, err) < 0)
    return -1;
  int r = jget_u32(v, path, "umask", &u->umask, err);
  if (r < 0)
    return -1;
  u->has_umask = r;
  if (r && u->umask > 0777) {
    jpath_key(p, sizeof(p), path, "umask");
    return error_set(err, EINVAL, "%s: %o is not a valid umask", p, u->umask);
  }
  yajl_val gids;
  r = jget_arr(v, path, "additionalGids", &gids, err);
  if (r < 0)
    return -1;
  if (r) {
    char gp[256], ep[288];
    jpath_key(gp, sizeof(gp), path, "additionalGids");
    u->n_additional_gids = gids->u.array.len;
    u->additional_gids = xcalloc(u->n_additional_gids, sizeof(uint32_t));
    for (size_t i = 0; i < u->n_additional_gids; i++) {
      uint64_t g;
      jpath_idx(ep, sizeof(ep), gp, i);
      if (jval_u64(gids->u.array.values[i], ep, &g, err) < 0)
        return -1;
      if (g > UINT32_MAX)
        return error_set(err, ERANGE, "%s: %lu is not a valid gid", ep, (unsigned long)g);
      u->additional_gids[i] = (uint32_t)g;
    }
  }
  return jget_str(v, path, "username", &u->username, err) < 0 ? -1 : 0;
}

static int parse_rlimits(yajl_val arr, const char *path, struct process_cfg *p,
                         struct error **err) {
  char ep[288];
  p->n_rlimits = arr->u.array.len;
  p->rlimits = xcalloc(p->n_rlimits, sizeof(struct rlimit_cfg));
  for (size_t i = 0; i < p->n_rlimits; i++) {
    yajl_val e = arr->u.array.values[i];
    struct rlimit_cfg *rl = &p->rlimits[i];
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int r = jget_str(e, ep, "type", &rl->name, err);
    if (r < 0)
      return -1;
    if (r == 0)
      return error_set(err, EINVAL, "%s.type: missing required field", ep);
    rl->resource = rlimit_from_name(rl->name);
    if (rl->resource < 0)
      return error_set(err, EINVAL, "%s.type: unknown rlimit \"%s\"", ep, rl->name);
    if (jget_u64(e, ep, "soft", &rl->soft, err) < 0 || jget_u64(e, ep, "hard", &rl->hard, err) < 0)
      return -1;
    if (rl->soft > rl->hard)
      return error_set(err, EINVAL, "%s: soft limit %lu exceeds hard limit %lu", ep,
                       (unsigned long)rl->soft, (unsigned long)rl->hard);
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[j].resource == rl->resource)
        return error_set(err, EINVAL, "%s.type: rlimit \"%s\" is set twice", ep, rl->name);
  }
  return 0;
}

static int parse_caps(yajl_val v, const char *path, struct caps_cfg *c, struct error **err) {
  static const char *set_names[CAP_SET_COUNT] = {"bounding", "effective", "inheritable",
                                                 "permitted", "ambient"};
  for (int s = 0; s < CAP_SET_COUNT; s++) {
    autostrv names = NULL;
    size_t n = 0;
    char sp[256], ep[288];
    int r = jget_strv(v, path, set_names[s], &names, &n, err);
    if (r < 0)
      return -1;
    c->has_set[s] = r;
    jpath_key(sp, sizeof(sp), path, set_names[s]);
    for (size_t i = 0; i < n; i++) {
      int cap = cap_from_spec_name(names[i]);
      jpath_idx(ep, sizeof(ep), sp, i);
      if (cap < 0)
        return error_set(err, EINVAL, "%s: unknown capability \"%s\"", ep, names[i]);
      c->set[s] |= 1ULL << cap;
    }
  }
  return 0;
}

static int parse_scheduler(yajl_val v, const char *path, struct scheduler_cfg *s,
                           struct error **err) {
  static const struct { const char *name; int v; } policies[] = {
      {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},   {"SCHED_RR", SCHED_RR},
      {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", SCHED_ISO},     {"SCHED_IDLE", SCHED_IDLE},
      {"SCHED_DEADLINE", SCHED_DEADLINE}};
  static const struct { const char *name; uint64_t v; } flags[] = {
      {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},
      {"SCHED_FLAG_DL_OVERRUN", 0x04},    {"SCHED_FLAG_KEEP_POLICY", 0x08},
      {"SCHED_FLAG_KEEP_PARAMS", 0x10},   {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
      {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}};
  autofree char *policy = NULL;
  char p[256];
  int r = jget_str(v, path, "policy", &policy, err);
  if (r < 0)
    return -1;
  jpath_key(p, sizeof(p), path, "policy");
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", p);
  s->policy = -1;
  for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
    if (strcmp(policies[i].name, policy) == 0)
      s->policy = policies[i].v;
  if (s->policy < 0)
    return error_set(err, EINVAL, "%s: unknown scheduler policy \"%s\"", p, policy);
  if (jget_i32(v, path, "nice", &s->nice, err) < 0 ||
      jget_i32(v, path, "priority", &s->priority, err) < 0 ||
      jget_u64(v, path, "runtime", &s->runtime, err) < 0 ||
      jget_u64(v, path, "deadline", &s->deadline, err) < 0 ||
      jget_u64(v, path, "period", &s->period, err) < 0)
    return -1;
  if (s->nice < -20 || s->nice > 19) {
    jpath_key(p, sizeof(p), path, "nice");
    return error_set(err, EINVAL, "%s: %d is out of range -20..19", p, s->nice);
  }
  autostrv fl = NULL;
  size_t n = 0;
  if (jget_strv(v, path, "flags", &fl, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t j = 0; j < ARRAY_SIZE(flags); j++)
      if (strcmp(flags[j].name, fl[i]) == 0) {
        s->flags |= flags[j].v;
        found = true;
      }
    if (!found) {
      jpath_key(p, sizeof(p), path, "flags");
      return error_set(err, EINVAL, "%s[%zu]: unknown scheduler flag \"%s\"", p, i, fl[i]);
    }
  }
  return 0;
}

static int parse_io_priority(yajl_val v, const char *path, struct process_cfg *pr,
                             struct error **err) {
  autofree char *cls = NULL;
  char p[256];
  int r = jget_str(v, path, "class", &cls, err);
  if (r < 0)
    return -1;
  jpath_key(p, sizeof(p), path, "class");
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", p);
  if (strcmp(cls, "IOPRIO_CLASS_RT") == 0)
    pr->io_priority_class = IOPRIO_CLASS_RT;
  else if (strcmp(cls, "IOPRIO_CLASS_BE") == 0)
    pr->io_priority_class = IOPRIO_CLASS_BE;
  else if (strcmp(cls, "IOPRIO_CLASS_IDLE") == 0)
    pr->io_priority_class = IOPRIO_CLASS_IDLE;
  else
    return error_set(err, EINVAL, "%s: unknown I/O priority class \"%s\"", p, cls);
  int32_t prio = 0;
  if (jget_i32(v, path, "priority", &prio, err) < 0)
    return -1;
  if (prio < 0 || prio > 7) {
    jpath_key(p, sizeof(p), path, "priority");
    return error_set(err, EINVAL, "%s: %d is out of range 0..7", p, prio);
  }
  pr->io_priority = prio;
  return 0;
}

static int parse_cpu_affinity(yajl_val v, const char *path, struct process_cfg *pr,
                              struct error **err) {
  char p[256];
  if (jget_str(v, path, "initial", &pr->exec_cpu_affinity_initial, err) < 0 ||
      jget_str(v, path, "final", &pr->exec_cpu_affinity_final, err) < 0)
    return -1;
  const char *vals[2] = {pr->exec_cpu_affinity_initial, pr->exec_cpu_affinity_final};
  const char *keys[2] = {"initial", "final"};
  for (int i = 0; i < 2; i++) {
    if (vals[i] == NULL)
      continue;
    jpath_key(p, sizeof(p), path, keys[i]);
    cpu_set_t set;
    if (cpuset_parse(vals[i], &set) < 0)
      return error_set(err, EINVAL, "%s: invalid CPU list \"%s\"", p, vals[i]);
  }
  return 0;
}

int config_parse_process(yajl_val v, const char *path, struct process_cfg *p,
                         bool require_args, struct error **err) {
  char sp[256];
  yajl_val sub;
  int r;
  if (jget_bool(v, path, "terminal", &p->terminal, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "consoleSize", &sub, err)) < 0)
    return -1;
  if (r) {
    jpath_key(sp, sizeof(sp), path, "consoleSize");
    p->has_console_size = true;
    if (jget_u32(sub, sp, "height", &p->console_height, err) < 0 ||
        jget_u32(sub, sp, "width", &p->console_width, err) < 0)
      return -1;
  }
  if ((r = jget_obj(v, path, "user", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "user");
  if (r && parse_user(sub, sp, &p->user, err) < 0)
    return -1;
  size_t nargs = 0;
  if (jget_strv(v, path, "args", &p->args, &nargs, err) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "args");
  if (require_args && nargs == 0)
    return error_set(err, EINVAL, "%s: must contain at least one entry", sp);
  if (nargs > 0 && p->args[0][0] == '\0')
    return error_set(err, EINVAL, "%s[0]: must not be empty", sp);
  size_t nenv = 0;
  if (jget_strv(v, path, "env", &p->env, &nenv, err) < 0)
    return -1;
  for (size_t i = 0; i < nenv; i++) {
    jpath_key(sp, sizeof(sp), path, "env");
    if (config_check_env(p->env[i], sp, i, err) < 0)
      return -1;
  }
  r = jget_str(v, path, "cwd", &p->cwd, err);
  if (r < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "cwd");
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", sp);
  if (p->cwd[0] != '/')
    return error_set(err, EINVAL, "%s: \"%s\" is not an absolute path", sp, p->cwd);
  if ((r = jget_obj(v, path, "capabilities", &sub, err)) < 0)
    return -1;
  p->has_caps = r;
  jpath_key(sp, sizeof(sp), path, "capabilities");
  if (r && parse_caps(sub, sp, &p->caps, err) < 0)
    return -1;
  if ((r = jget_arr(v, path, "rlimits", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "rlimits");
  if (r && parse_rlimits(sub, sp, p, err) < 0)
    return -1;
  if (jget_bool(v, path, "noNewPrivileges", &p->no_new_privileges, err) < 0 ||
      jget_str(v, path, "apparmorProfile", &p->apparmor_profile, err) < 0 ||
      jget_str(v, path, "selinuxLabel", &p->selinux_label, err) < 0)
    return -1;
  int32_t oom;
  if ((r = jget_i32(v, path, "oomScoreAdj", &oom, err)) < 0)
    return -1;
  if (r) {
    jpath_key(sp, sizeof(sp), path, "oomScoreAdj");
    if (oom < -1000 || oom > 1000)
      return error_set(err, EINVAL, "%s: %d is out of range -1000..1000", sp, oom);
    p->has_oom_score_adj = true;
    p->oom_score_adj = oom;
  }
  if ((r = jget_obj(v, path, "scheduler", &sub, err)) < 0)
    return -1;
  p->has_scheduler = r;
  jpath_key(sp, sizeof(sp), path, "scheduler");
  if (r && parse_scheduler(sub, sp, &p->scheduler, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "ioPriority", &sub, err)) < 0)
    return -1;
  p->has_io_priority = r;
  jpath_key(sp, sizeof(sp), path, "ioPriority");
  if (r && parse_io_priority(sub, sp, p, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "execCPUAffinity", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "execCPUAffinity");
  if (r && parse_cpu_affinity(sub, sp, p, err) < 0)
    return -1;
  return 0;
}

void process_cfg_free(struct process_cfg *p) {
  free(p->user.additional_gids);
  free(p->user.username);
  strv_free(p->args);
  strv_free(p->env);
  free(p->cwd);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free(p->rlimits[i].name);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
  memset(p, 0, sizeof(*p));
}

static int parse_hook(yajl_val e, const char *ep, struct hook *h, struct error **err) {
  char p[320];
  if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
    return -1;
  int r = jget_str(e, ep, "path", &h->path, err);
  if (r < 0)
    return -1;
  jpath_key(p, sizeof(p), ep, "path");
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", p);
  if (h->path[0] != '/')
    return error_set(err, EINVAL, "%s: \"%s\" is not an absolute path", p, h->path);
  if (jget_strv(e, ep, "args", &h->args, NULL, err) < 0 ||
      jget_strv(e, ep, "env", &h->env, NULL, err) < 0)
    return -1;
  r = jget_i64(e, ep, "timeout", &h->timeout, err);
  if (r < 0)
    return -1;
  h->has_timeout = r;
  if (r && h->timeout <= 0) {
    jpath_key(p, sizeof(p), ep, "timeout");
    return error_set(err, EINVAL, "%s: must be greater than zero", p);
  }
  return 0;
}

int config_parse_hooks(yajl_val v, const char *path, struct hook_list *hooks,
                       struct error **err) {
  for (int k = 0; k < HOOK_KIND_COUNT; k++) {
    yajl_val arr;
    char kp[256], ep[288];
    int r = jget_arr(v, path, hook_names[k], &arr, err);
    if (r < 0)
      return -1;
    if (r == 0)
      continue;
    jpath_key(kp, sizeof(kp), path, hook_names[k]);
    hooks[k].n = arr->u.array.len;
    hooks[k].v = xcalloc(hooks[k].n, sizeof(struct hook));
    for (size_t i = 0; i < hooks[k].n; i++) {
      jpath_idx(ep, sizeof(ep), kp, i);
      if (parse_hook(arr->u.array.values[i], ep, &hooks[k].v[i], err) < 0)
        return -1;
    }
  }
  return 0;
}

static void hooks_free(struct hook_list *hooks) {
  for (int k = 0; k < HOOK_KIND_COUNT; k++) {
    for (size_t i = 0; i < hooks[k].n; i++) {
      free(hooks[k].v[i].path);
      strv_free(hooks[k].v[i].args);
      strv_free(hooks[k].v[i].env);
    }
    free(hooks[k].v);
    hooks[k].v = NULL;
    hooks[k].n = 0;
  }
}

static int parse_document(yajl_val doc, struct config *c, struct error **err) {
  yajl_val sub;
  int r;
  if (jval_expect(doc, "config", "a JSON object", doc->type == yajl_t_object, err) < 0)
    return -1;
  r = jget_str(doc, "", "ociVersion", &c->oci_version, err);
  if (r < 0)
    return -1;
  if (r == 0 || c->oci_version[0] == '\0')
    return error_set(err, EINVAL, "ociVersion: missing required field");
  unsigned long major, minor;
  if (parse_version(c->oci_version, &major, &minor) < 0)
    return error_set(err, EINVAL, "ociVersion: \"%s\" is not a version (MAJOR.MINOR.PATCH)", c->oci_version);
  /* 1.0.0 to 1.3.x: what this runtime implements. */
  if (major != 1 || minor > 3)
    return error_set(err, EINVAL, "ociVersion: unsupported version \"%s\" (vessel supports %s to %s)",
                     c->oci_version, VESSEL_OCI_VERSION_MIN, VESSEL_OCI_VERSION);
  if ((r = jget_obj(doc, "", "root", &sub, err)) < 0)
    return -1;
  if (r == 0)
    return error_set(err, EINVAL, "root: missing required field");
  if ((r = jget_str(sub, "root", "path", &c->root_path, err)) < 0)
    return -1;
  if (r == 0 || c->root_path[0] == '\0')
    return error_set(err, EINVAL, "root.path: missing required field");
  if (jget_bool(sub, "root", "readonly", &c->root_readonly, err) < 0)
    return -1;
  if ((r = jget_obj(doc, "", "process", &sub, err)) < 0)
    return -1;
  c->has_process = r;
  if (r && config_parse_process(sub, "process", &c->process, true, err) < 0)
    return -1;
  if (jget_str(doc, "", "hostname", &c->hostname, err) < 0 ||
      jget_str(doc, "", "domainname", &c->domainname, err) < 0)
    return -1;
  if (config_parse_mounts(doc, "", c, err) < 0)
    return -1;
  if ((r = jget_obj(doc, "", "hooks", &sub, err)) < 0)
    return -1;
  if (r && config_parse_hooks(sub, "hooks", c->hooks, err) < 0)
    return -1;
  if (jget_strmap(doc, "", "annotations", &c->annotation_keys, &c->annotation_values,
                  &c->n_annotations, err) < 0)
    return -1;
  if ((r = jget_obj(doc, "", "linux", &sub, err)) < 0)
    return -1;
  c->has_linux = r;
  if (r && config_parse_linux(sub, "linux", c, err) < 0)
    return -1;
  return config_validate(c, err);
}

int config_parse(const char *buf, size_t len, struct config **out, struct error **err) {
  autojson doc = NULL;
  if (json_parse(buf, len, &doc, err) < 0)
    return -1;
  struct config *c = xcalloc(1, sizeof(*c));
  if (parse_document(doc, c, err) < 0) {
    config_free(c);
    return -1;
  }
  c->raw = xstrndup(buf, len);
  c->raw_len = len;
  *out = c;
  return 0;
}

int config_load(const char *bundle, struct config **out, struct error **err) {
  autofree char *path = xasprintf("%s/config.json", bundle);
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT)
      error_set(err, e, "config.json: open \"%s\": no such file or directory", path);
    else
      error_sys(err, e, "config.json: open \"%s\"", path);
    error_object(err, path);
    return error_stage(err, "config");
  }
  autofree char *buf = NULL;
  size_t len = 0;
  if (read_fd(fd, &buf, &len, 64 << 20, err) < 0)
    return error_wrap(err, "config.json"), error_stage(err, "config");
  if (config_parse(buf, len, out, err) < 0) {
    error_wrap(err, "config.json");
    error_object(err, path);
    return error_stage(err, "config");
  }
  return 0;
}

void config_free(struct config *c) {
  if (c == NULL)
    return;
  free(c->oci_version);
  free(c->root_path);
  process_cfg_free(&c->process);
  free(c->hostname);
  free(c->domainname);
  for (size_t i = 0; i < c->n_mounts; i++) {
    struct mount_cfg *m = &c->mounts[i];
    free(m->destination);
    free(m->type);
    free(m->source);
    strv_free(m->options);
    free(m->data);
    free(m->uid_mappings);
    free(m->gid_mappings);
  }
  free(c->mounts);
  hooks_free(c->hooks);
  strv_free(c->annotation_keys);
  strv_free(c->annotation_values);
  struct linux_cfg *l = &c->linux;
  for (int i = 0; i < NS_COUNT; i++)
    free(l->ns[i].path);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free(l->devices[i].path);
  free(l->devices);
  for (size_t i = 0; i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
  free(l->cgroups_path);
  resources_cfg_free(&l->resources);
  free(l->intel_rdt.clos_id);
  free(l->intel_rdt.l3_cache_schema);
  free(l->intel_rdt.mem_bw_schema);
  strv_free(l->intel_rdt.schemata);
  strv_free(l->sysctl_keys);
  strv_free(l->sysctl_values);
  seccomp_cfg_free(&l->seccomp);
  strv_free(l->masked_paths);
  strv_free(l->readonly_paths);
  free(l->mount_label);
  free(l->memory_policy.nodes);
  free(c->raw);
  free(c);
}

void config_freep(struct config **c) {
  config_free(*c);
  *c = NULL;
}
