/* config_linux.c - config.json "linux": namespaces, id mappings, time
 * offsets, devices, net devices, sysctl, propagation, masked / read-only
 * paths, personality, memory policy, Intel RDT.  Resources and seccomp have
 * files of their own. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "config.h"
#include "cpuset.h"
#include "json.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *name;   /* in config.json */
  const char *proc;   /* in /proc/<pid>/ns */
  int flag;
} namespaces[NS_COUNT] = {
    [NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [NS_NET] = {"network", "net", CLONE_NEWNET},
    [NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [NS_MOUNT] = {"mount", "mnt", CLONE_NEWNS},
    [NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [NS_USER] = {"user", "user", CLONE_NEWUSER},
    [NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *ns_type_name(enum ns_type t) { return namespaces[t].name; }
const char *ns_proc_name(enum ns_type t) { return namespaces[t].proc; }
int ns_clone_flag(enum ns_type t) { return namespaces[t].flag; }

int ns_type_from_name(const char *name) {
  for (int i = 0; i < NS_COUNT; i++)
    if (strcmp(namespaces[i].name, name) == 0)
      return i;
  return -1;
}

static int parse_namespaces(yajl_val arr, const char *path, struct linux_cfg *l,
                            struct error **err) {
  char ep[288];
  for (size_t i = 0; i < arr->u.array.len; i++) {
    yajl_val e = arr->u.array.values[i];
    autofree char *type = NULL;
    char *nspath = NULL;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int r = jget_str(e, ep, "type", &type, err);
    if (r < 0)
      return -1;
    if (r == 0)
      return error_set(err, EINVAL, "%s.type: missing required field", ep);
    int t = ns_type_from_name(type);
    if (t < 0)
      return error_set(err, EINVAL, "%s.type: unknown namespace \"%s\"", ep, type);
    if (l->ns[t].present)
      return error_set(err, EINVAL, "%s.type: namespace \"%s\" is listed twice", ep, type);
    if (jget_str(e, ep, "path", &nspath, err) < 0)
      return -1;
    if (nspath && nspath[0] == '\0') {
      free(nspath);
      nspath = NULL;
    }
    if (nspath && nspath[0] != '/') {
      error_set(err, EINVAL, "%s.path: \"%s\" is not an absolute path", ep, nspath);
      free(nspath);
      return -1;
    }
    l->ns[t].present = true;
    l->ns[t].path = nspath;
  }
  return 0;
}

static int parse_time_offsets(yajl_val v, const char *path, struct linux_cfg *l,
                              struct error **err) {
  char ep[320];
  for (size_t i = 0; i < v->u.object.len; i++) {
    const char *k = v->u.object.keys[i];
    yajl_val e = v->u.object.values[i];
    struct time_offset *t;
    snprintf(ep, sizeof(ep), "%s.%s", path, k);
    if (strcmp(k, "monotonic") == 0)
      t = &l->time_monotonic;
    else if (strcmp(k, "boottime") == 0)
      t = &l->time_boottime;
    else
      return error_set(err, EINVAL, "%s: unknown clock \"%s\" (monotonic or boottime)", path, k);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    if (jget_i64(e, ep, "secs", &t->secs, err) < 0 ||
        jget_u32(e, ep, "nanosecs", &t->nanosecs, err) < 0)
      return -1;
    if (t->nanosecs >= 1000000000U)
      return error_set(err, EINVAL, "%s.nanosecs: must be less than 1000000000", ep);
    t->has = true;
  }
  return 0;
}

/* fileMode may carry the file-type bits (podman writes 020666 for a
 * character device, as stat(2) reports it): they must then name the type the
 * entry declares, and are dropped; the permission bits are what is used. */
static int check_file_mode(struct device_cfg *d, const char *ep, struct error **err) {
  uint32_t fmt = d->file_mode & S_IFMT, want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  if (d->file_mode & ~(uint32_t)(S_IFMT | 07777))
    return error_set(err, EINVAL, "%s.fileMode: %#o is not a file mode", ep, d->file_mode);
  if (fmt && fmt != want)
    return error_set(err, EINVAL, "%s.fileMode: %#o is the mode of a %s, but type is \"%c\"", ep,
                     d->file_mode, fmt == S_IFBLK ? "block device" : fmt == S_IFCHR ? "character device" :
                     fmt == S_IFIFO ? "fifo" : "file that is not a device", d->type);
  d->file_mode &= 07777;
  return 0;
}

static int parse_devices(yajl_val arr, const char *path, struct linux_cfg *l, struct error **err) {
  char ep[288], p[320];
  l->n_devices = arr->u.array.len;
  l->devices = xcalloc(l->n_devices, sizeof(struct device_cfg));
  for (size_t i = 0; i < l->n_devices; i++) {
    yajl_val e = arr->u.array.values[i];
    struct device_cfg *d = &l->devices[i];
    autofree char *type = NULL;
    jpath_idx(ep, sizeof(ep), path, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    int r = jget_str(e, ep, "path", &d->path, err);
    if (r < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "path");
    if (r == 0)
      return error_set(err, EINVAL, "%s: missing required field", p);
    if (d->path[0] != '/')
      return error_set(err, EINVAL, "%s: \"%s\" is not an absolute path", p, d->path);
    if ((r = jget_str(e, ep, "type", &type, err)) < 0)
      return -1;
    jpath_key(p, sizeof(p), ep, "type");
    if (r == 0)
      return error_set(err, EINVAL, "%s: missing required field", p);
    if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
      return error_set(err, EINVAL, "%s: unknown device type \"%s\" (c, b, u or p)", p, type);
    d->type = type[0];
    int rmaj = jget_i64(e, ep, "major", &d->major, err);
    int rmin = rmaj < 0 ? -1 : jget_i64(e, ep, "minor", &d->minor, err);
    if (rmaj < 0 || rmin < 0)
      return -1;
    if (d->type != 'p' && (rmaj == 0 || rmin == 0))
      return error_set(err, EINVAL, "%s: major and minor are required for type \"%c\"", ep, d->type);
    if (d->major < 0 || d->minor < 0 || d->major > 0xfff || d->minor > 0xfffff)
      return error_set(err, EINVAL, "%s: device number %lld:%lld is out of range", ep,
                       (long long)d->major, (long long)d->minor);
    if ((r = jget_u32(e, ep, "fileMode", &d->file_mode, err)) < 0)
      return -1;
    d->has_file_mode = r;
    if (r && check_file_mode(d, ep, err) < 0)
      return -1;
    if ((r = jget_u32(e, ep, "uid", &d->uid, err)) < 0)
      return -1;
    d->has_uid = r;
    if ((r = jget_u32(e, ep, "gid", &d->gid, err)) < 0)
      return -1;
    d->has_gid = r;
  }
  return 0;
}

static int parse_net_devices(yajl_val v, const char *path, struct linux_cfg *l,
                             struct error **err) {
  char ep[320];
  l->n_net_devices = v->u.object.len;
  l->net_devices = xcalloc(l->n_net_devices, sizeof(struct net_device));
  for (size_t i = 0; i < l->n_net_devices; i++) {
    const char *k = v->u.object.keys[i];
    yajl_val e = v->u.object.values[i];
    snprintf(ep, sizeof(ep), "%s.%s", path, k);
    if (*k == '\0' || strlen(k) >= 16 || strchr(k, '/') || strcmp(k, ".") == 0 ||
        strcmp(k, "..") == 0)
      return error_set(err, EINVAL, "%s: \"%s\" is not a valid interface name", path, k);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    l->net_devices[i].host_name = xstrdup(k);
    if (jget_str(e, ep, "name", &l->net_devices[i].name, err) < 0)
      return -1;
    const char *n = l->net_devices[i].name;
    if (n && (*n == '\0' || strlen(n) >= 16 || strchr(n, '/') || strcmp(n, ".") == 0 ||
              strcmp(n, "..") == 0))
      return error_set(err, EINVAL, "%s.name: \"%s\" is not a valid interface name", ep, n);
  }
  return 0;
}

static int parse_propagation(const char *s, unsigned long *out) {
  static const struct { const char *n; unsigned long f; } t[] = {
      {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},   {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},     {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC}};
  for (size_t i = 0; i < ARRAY_SIZE(t); i++)
    if (strcmp(s, t[i].n) == 0) {
      *out = t[i].f;
      return 0;
    }
  return -1;
}

static int parse_personality(yajl_val v, const char *path, struct linux_cfg *l,
                             struct error **err) {
  autofree char *domain = NULL;
  char p[288];
  jpath_key(p, sizeof(p), path, "domain");
  int r = jget_str(v, path, "domain", &domain, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", p);
  if (strcmp(domain, "LINUX") == 0)
    l->personality = PER_LINUX;
  else if (strcmp(domain, "LINUX32") == 0)
    l->personality = PER_LINUX32;
  else
    return error_set(err, EINVAL, "%s: unknown personality domain \"%s\" (LINUX or LINUX32)", p,
                     domain);
  autostrv flags = NULL;
  size_t n = 0;
  if (jget_strv(v, path, "flags", &flags, &n, err) < 0)
    return -1;
  if (n > 0)
    return error_set(err, EINVAL, "%s.flags[0]: unknown personality flag \"%s\"", path, flags[0]);
  l->has_personality = true;
  return 0;
}

static const struct { const char *name; int mode; } mpol_modes[] = {
    {"MPOL_DEFAULT", 0}, {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2}, {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4}, {"MPOL_PREFERRED_MANY", 5}, {"MPOL_WEIGHTED_INTERLEAVE", 6}};
static const struct { const char *name; unsigned flag; } mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", 1U << 13}, {"MPOL_F_RELATIVE_NODES", 1U << 14},
    {"MPOL_F_STATIC_NODES", 1U << 15}};

static int parse_memory_policy(yajl_val v, const char *path, struct linux_cfg *l,
                               struct error **err) {
  struct memory_policy_cfg *m = &l->memory_policy;
  autofree char *mode = NULL;
  char p[288];
  jpath_key(p, sizeof(p), path, "mode");
  int r = jget_str(v, path, "mode", &mode, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return error_set(err, EINVAL, "%s: missing required field", p);
  m->mode = -1;
  for (size_t i = 0; i < ARRAY_SIZE(mpol_modes); i++)
    if (strcmp(mpol_modes[i].name, mode) == 0)
      m->mode = mpol_modes[i].mode;
  if (m->mode < 0)
    return error_set(err, EINVAL, "%s: unknown memory policy mode \"%s\"", p, mode);
  if (jget_str(v, path, "nodes", &m->nodes, err) < 0)
    return -1;
  jpath_key(p, sizeof(p), path, "nodes");
  bool want_nodes = m->mode != 0 && m->mode != 4;
  if (m->nodes && *m->nodes == '\0') {
    free(m->nodes);
    m->nodes = NULL;
  }
  if (m->nodes && !want_nodes)
    return error_set(err, EINVAL, "%s: mode %s takes no nodes", p, mode);
  if (!m->nodes && want_nodes && m->mode != 1)
    return error_set(err, EINVAL, "%s: mode %s needs a node list", p, mode);
  unsigned long mask[16];
  if (m->nodes && nodemask_parse(m->nodes, mask, sizeof(mask) * 8) < 0)
    return error_set(err, EINVAL, "%s: invalid node list \"%s\"", p, m->nodes);
  autostrv flags = NULL;
  size_t n = 0;
  if (jget_strv(v, path, "flags", &flags, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t j = 0; j < ARRAY_SIZE(mpol_flags); j++)
      if (strcmp(mpol_flags[j].name, flags[i]) == 0) {
        m->flags |= mpol_flags[j].flag;
        found = true;
      }
    if (!found)
      return error_set(err, EINVAL, "%s.flags[%zu]: unknown memory policy flag \"%s\"", path, i,
                       flags[i]);
  }
  if ((m->flags & (1U << 14)) && (m->flags & (1U << 15)))
    return error_set(err, EINVAL, "%s.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                     "exclude each other", path);
  l->has_memory_policy = true;
  return 0;
}

const char *const *config_mpol_mode_names(size_t *n) {
  static const char *names[ARRAY_SIZE(mpol_modes)];
  for (size_t i = 0; i < ARRAY_SIZE(mpol_modes); i++)
    names[i] = mpol_modes[i].name;
  *n = ARRAY_SIZE(mpol_modes);
  return names;
}

const char *const *config_mpol_flag_names(size_t *n) {
  static const char *names[ARRAY_SIZE(mpol_flags)];
  for (size_t i = 0; i < ARRAY_SIZE(mpol_flags); i++)
    names[i] = mpol_flags[i].name;
  *n = ARRAY_SIZE(mpol_flags);
  return names;
}

static int parse_intel_rdt(yajl_val v, const char *path, struct intel_rdt_cfg *r,
                           struct error **err) {
  char p[288];
  if (jget_str(v, path, "closID", &r->clos_id, err) < 0 ||
      jget_str(v, path, "l3CacheSchema", &r->l3_cache_schema, err) < 0 ||
      jget_str(v, path, "memBwSchema", &r->mem_bw_schema, err) < 0 ||
      jget_strv(v, path, "schemata", &r->schemata, NULL, err) < 0 ||
      jget_bool(v, path, "enableMonitoring", &r->enable_monitoring, err) < 0)
    return -1;
  bool cmt = false, mbm = false;
  if (jget_bool(v, path, "enableCMT", &cmt, err) < 0 || jget_bool(v, path, "enableMBM", &mbm, err) < 0)
    return -1;
  r->enable_monitoring |= cmt || mbm;
  jpath_key(p, sizeof(p), path, "closID");
  if (r->clos_id && (*r->clos_id == '\0' || strchr(r->clos_id, '/') ||
                     strcmp(r->clos_id, ".") == 0 || strcmp(r->clos_id, "..") == 0))
    return error_set(err, EINVAL, "%s: \"%s\" is not a valid CLOS name", p, r->clos_id);
  return 0;
}

static int parse_paths(yajl_val v, const char *path, const char *key, char ***out,
                       struct error **err) {
  size_t n = 0;
  char p[288];
  if (jget_strv(v, path, key, out, &n, err) < 0)
    return -1;
  jpath_key(p, sizeof(p), path, key);
  for (size_t i = 0; i < n; i++)
    if ((*out)[i][0] != '/')
      return error_set(err, EINVAL, "%s[%zu]: \"%s\" is not an absolute path", p, i, (*out)[i]);
  return 0;
}

int config_parse_linux(yajl_val v, const char *path, struct config *c, struct error **err) {
  struct linux_cfg *l = &c->linux;
  yajl_val sub;
  char sp[256];
  int r;
  if ((r = jget_arr(v, path, "namespaces", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "namespaces");
  if (r && parse_namespaces(sub, sp, l, err) < 0)
    return -1;
  if (config_parse_id_mappings(v, path, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
      config_parse_id_mappings(v, path, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "timeOffsets", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "timeOffsets");
  if (r && parse_time_offsets(sub, sp, l, err) < 0)
    return -1;
  if ((r = jget_arr(v, path, "devices", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "devices");
  if (r && parse_devices(sub, sp, l, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "netDevices", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "netDevices");
  if (r && parse_net_devices(sub, sp, l, err) < 0)
    return -1;
  if (jget_str(v, path, "cgroupsPath", &l->cgroups_path, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "resources", &sub, err)) < 0)
    return -1;
  l->has_resources = r;
  jpath_key(sp, sizeof(sp), path, "resources");
  if (r && config_parse_resources(sub, sp, &l->resources, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "intelRdt", &sub, err)) < 0)
    return -1;
  l->has_intel_rdt = r;
  jpath_key(sp, sizeof(sp), path, "intelRdt");
  if (r && parse_intel_rdt(sub, sp, &l->intel_rdt, err) < 0)
    return -1;
  if (jget_strmap(v, path, "sysctl", &l->sysctl_keys, &l->sysctl_values, &l->n_sysctl, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "seccomp", &sub, err)) < 0)
    return -1;
  l->has_seccomp = r;
  jpath_key(sp, sizeof(sp), path, "seccomp");
  if (r && config_parse_seccomp(sub, sp, &l->seccomp, err) < 0)
    return -1;
  autofree char *prop = NULL;
  if ((r = jget_str(v, path, "rootfsPropagation", &prop, err)) < 0)
    return -1;
  if (r && *prop && parse_propagation(prop, &l->rootfs_propagation) < 0)
    return error_set(err, EINVAL, "%s.rootfsPropagation: unknown propagation \"%s\"", path, prop);
  if (parse_paths(v, path, "maskedPaths", &l->masked_paths, err) < 0 ||
      parse_paths(v, path, "readonlyPaths", &l->readonly_paths, err) < 0)
    return -1;
  if (jget_str(v, path, "mountLabel", &l->mount_label, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "personality", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "personality");
  if (r && parse_personality(sub, sp, l, err) < 0)
    return -1;
  if ((r = jget_obj(v, path, "memoryPolicy", &sub, err)) < 0)
    return -1;
  jpath_key(sp, sizeof(sp), path, "memoryPolicy");
  if (r && parse_memory_policy(sub, sp, l, err) < 0)
    return -1;
  return 0;
}
