/* config_seccomp.c - linux.seccomp: actions, operators, architectures and
 * flags checked against the names vessel knows; syscall names are kept as
 * text (unknown ones are skipped when the filter is built, as runc does). */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "seccomp.h"
#include "utils.h"

static const struct { const char *name; int v; } actions[] = {
    {"SCMP_ACT_KILL", SECCOMP_ACT_KILL_},
    {"SCMP_ACT_KILL_PROCESS", SECCOMP_ACT_KILL_PROCESS_},
    {"SCMP_ACT_KILL_THREAD", SECCOMP_ACT_KILL_THREAD_},
    {"SCMP_ACT_TRAP", SECCOMP_ACT_TRAP_},
    {"SCMP_ACT_ERRNO", SECCOMP_ACT_ERRNO_},
    {"SCMP_ACT_TRACE", SECCOMP_ACT_TRACE_},
    {"SCMP_ACT_ALLOW", SECCOMP_ACT_ALLOW_},
    {"SCMP_ACT_LOG", SECCOMP_ACT_LOG_},
    {"SCMP_ACT_NOTIFY", SECCOMP_ACT_NOTIFY_},
};

static const struct { const char *name; int v; } operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* The spec's architecture names and libseccomp's names for them. */
static const struct { const char *spec; const char *scmp; } archs[] = {
    {"SCMP_ARCH_X86", "x86"},           {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},           {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},   {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},     {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},     {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"}, {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},       {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},         {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},     {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},   {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},         {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
};

static const char *known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

size_t seccomp_known_actions(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(actions) && n < max; i++)
    out[n++] = actions[i].name;
  return n;
}

size_t seccomp_known_operators(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(operators) && n < max; i++)
    out[n++] = operators[i].name;
  return n;
}

size_t seccomp_known_archs(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(archs) && n < max; i++)
    if (seccomp_arch_resolve_name(archs[i].scmp) != 0)
      out[n++] = archs[i].spec;
  return n;
}

size_t seccomp_known_flags(const char **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(known_flags) && n < max; i++)
    out[n++] = known_flags[i];
  return n;
}

static int parse_action(const char *name, int *out) {
  for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
    if (strcmp(actions[i].name, name) == 0) {
      *out = actions[i].v;
      return 0;
    }
  return -1;
}

static int action_field(yajl_val v, const char *path, const char *key, int *out, bool required,
                        struct error **err) {
  autofree char *s = NULL;
  char p[352];
  jpath_key(p, sizeof(p), path, key);
  int r = jget_str(v, path, key, &s, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return required ? error_set(err, EINVAL, "%s: missing required field", p) : 0;
  if (parse_action(s, out) < 0)
    return error_set(err, EINVAL, "%s: unknown seccomp action \"%s\"", p, s);
  return 1;
}

static int parse_args(yajl_val arr, const char *path, struct seccomp_syscall *sc,
                      struct error **err) {
  char ep[384], p[400];
  sc->n_args = arr->u.array.len;
  sc->args = xcalloc(sc->n_args, sizeof(struct seccomp_arg));
  for (size_t i = 0; i < sc->n_args; i++) {
    yajl_val e = arr->u.array.values[i];
    struct seccomp_arg *a = &sc->args[i];
    autofree char *op = NULL;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    if (jget_u32(e, ep, "index", &a->index, err) < 0 || jget_u64(e, ep, "value", &a->value, err) < 0 ||
        jget_u64(e, ep, "valueTwo", &a->value_two, err) < 0)
      return -1;
    if (a->index > 5)
      return error_set(err, EINVAL, "%s.index: %u is out of range 0..5", ep, a->index);
    int r = jget_str(e, ep, "op", &op, err);
    if (r < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "op");
    if (r == 0)
      return error_set(err, EINVAL, "%s: missing required field", p);
    a->op = -1;
    for (size_t j = 0; j < ARRAY_SIZE(operators); j++)
      if (strcmp(operators[j].name, op) == 0)
        a->op = operators[j].v;
    if (a->op < 0)
      return error_set(err, EINVAL, "%s: unknown seccomp operator \"%s\"", p, op);
  }
  return 0;
}

static int parse_syscalls(yajl_val arr, const char *path, struct seccomp_cfg *s,
                          struct error **err) {
  char ep[352], p[384];
  s->n_syscalls = arr->u.array.len;
  s->syscalls = xcalloc(s->n_syscalls, sizeof(struct seccomp_syscall));
  for (size_t i = 0; i < s->n_syscalls; i++) {
    yajl_val e = arr->u.array.values[i];
    struct seccomp_syscall *sc = &s->syscalls[i];
    size_t n = 0;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    if (jget_strv(e, ep, "names", &sc->names, &n, err) < 0)
      return -1;
    if (n == 0)
      return error_set(err, EINVAL, "%s.names: must contain at least one syscall name", ep);
    if (action_field(e, ep, "action", &sc->action, true, err) < 0)
      return -1;
    int r = jget_u32(e, ep, "errnoRet", &sc->errno_ret, err);
    if (r < 0)
      return -1;
    sc->has_errno_ret = r;
    if (r && sc->action != SECCOMP_ACT_ERRNO_ && sc->action != SECCOMP_ACT_TRACE_)
      return error_set(err, EINVAL, "%s.errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", ep);
    yajl_val args;
    if ((r = jget_arr(e, ep, "args", &args, err)) < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "args");
    if (r && parse_args(args, p, sc, err) < 0)
      return -1;
  }
  return 0;
}

int config_parse_seccomp(yajl_val v, const char *path, struct seccomp_cfg *s,
                         struct error **err) {
  char p[320];
  if (action_field(v, path, "defaultAction", &s->default_action, true, err) < 0)
    return -1;
  if (s->default_action == SECCOMP_ACT_NOTIFY_)
    return error_set(err, EINVAL, "%s.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
                     path);
  int r = jget_u32(v, path, "defaultErrnoRet", &s->default_errno_ret, err);
  if (r < 0)
    return -1;
  s->has_default_errno_ret = r;
  autostrv names = NULL;
  size_t n = 0;
  if (jget_strv(v, path, "architectures", &names, &n, err) < 0)
    return -1;
  s->n_archs = n;
  s->archs = xcalloc(n ? n : 1, sizeof(uint32_t));
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t j = 0; j < ARRAY_SIZE(archs); j++)
      if (strcmp(archs[j].spec, names[i]) == 0) {
        s->archs[i] = seccomp_arch_resolve_name(archs[j].scmp);
        found = s->archs[i] != 0;
      }
    if (!found)
      return error_set(err, EINVAL, "%s.architectures[%zu]: unknown architecture \"%s\"", path, i,
                       names[i]);
  }
  n = 0;
  if (jget_strv(v, path, "flags", &s->flags, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t j = 0; j < ARRAY_SIZE(known_flags); j++)
      found |= strcmp(known_flags[j], s->flags[i]) == 0;
    if (!found)
      return error_set(err, EINVAL, "%s.flags[%zu]: unknown seccomp flag \"%s\"", path, i,
                       s->flags[i]);
  }
  if (jget_str(v, path, "listenerPath", &s->listener_path, err) < 0 ||
      jget_str(v, path, "listenerMetadata", &s->listener_metadata, err) < 0)
    return -1;
  yajl_val arr;
  if ((r = jget_arr(v, path, "syscalls", &arr, err)) < 0)
    return -1;
  jpath_key(p, sizeof(p), path, "syscalls");
  if (r && parse_syscalls(arr, p, s, err) < 0)
    return -1;
  bool notify = false;
  for (size_t i = 0; i < s->n_syscalls; i++)
    notify |= s->syscalls[i].action == SECCOMP_ACT_NOTIFY_;
  if (notify && (s->listener_path == NULL || *s->listener_path == '\0'))
    return error_set(err, EINVAL, "%s.listenerPath: required when an action is SCMP_ACT_NOTIFY", path);
  if (s->listener_path && *s->listener_path && s->listener_path[0] != '/')
    return error_set(err, EINVAL, "%s.listenerPath: \"%s\" is not an absolute path", path,
                     s->listener_path);
  return 0;
}

void seccomp_cfg_free(struct seccomp_cfg *s) {
  free(s->archs);
  strv_free(s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    strv_free(s->syscalls[i].names);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
  memset(s, 0, sizeof(*s));
}
