/* config_mounts.c - config.json "mounts": fields and mount options. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "syscalls.h"
#include "utils.h"

struct flag_opt {
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_opt flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},      {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},        {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},    {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},  {"nolazytime", true, MS_LAZYTIME},
    {"silent", false, MS_SILENT},      {"loud", true, MS_SILENT},
    {"iversion", false, MS_I_VERSION}, {"noiversion", true, MS_I_VERSION},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"symfollow", true, MS_NOSYMFOLLOW},
    {"acl", false, MS_POSIXACL},       {"noacl", true, MS_POSIXACL},
};

static const struct {
  const char *name;
  unsigned long flag;
} propagation_opts[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Recursive mount attributes (mount_setattr(2) with AT_RECURSIVE). */
static const struct {
  const char *name;
  bool clear;
  uint64_t attr;
} rec_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},        {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},      {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME}, {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},  {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

int mount_option_apply(struct mount_cfg *m, const char *opt, struct error **err) {
  (void)err;
  for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
    if (strcmp(opt, flag_opts[i].name) == 0) {
      if (flag_opts[i].clear) {
        m->flags &= ~flag_opts[i].flag;
        m->clear |= flag_opts[i].flag;
      } else {
        m->flags |= flag_opts[i].flag;
        m->clear &= ~flag_opts[i].flag;
      }
      return 1;
    }
  for (size_t i = 0; i < ARRAY_SIZE(propagation_opts); i++)
    if (strcmp(opt, propagation_opts[i].name) == 0) {
      m->propagation = propagation_opts[i].flag;
      return 1;
    }
  for (size_t i = 0; i < ARRAY_SIZE(rec_opts); i++)
    if (strcmp(opt, rec_opts[i].name) == 0) {
      if (rec_opts[i].clear) {
        m->rec_attr_clr |= rec_opts[i].attr;
        m->rec_attr_set &= ~rec_opts[i].attr;
      } else {
        m->rec_attr_set |= rec_opts[i].attr;
        m->rec_attr_clr &= ~rec_opts[i].attr;
      }
      return 1;
    }
  if (strcmp(opt, "bind") == 0) {
    m->bind = true;
    return 1;
  }
  if (strcmp(opt, "rbind") == 0) {
    m->bind = m->rbind = true;
    return 1;
  }
  if (strcmp(opt, "tmpcopyup") == 0) {
    m->tmpcopyup = true;
    return 1;
  }
  if (strcmp(opt, "idmap") == 0) {
    m->idmap = true;
    return 1;
  }
  if (strcmp(opt, "ridmap") == 0) {
    m->idmap = m->ridmap = true;
    return 1;
  }
  return 0;
}

bool mount_is_bind(const struct mount_cfg *m) {
  return m->bind || (m->type && strcmp(m->type, "bind") == 0);
}

static int parse_id_mappings(yajl_val v, const char *path, const char *key,
                             struct id_mapping **out, size_t *n, struct error **err);

static int parse_mount(yajl_val e, const char *ep, struct mount_cfg *m, struct error **err) {
  char p[320];
  if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
    return -1;
  int r = jget_str(e, ep, "destination", &m->destination, err);
  if (r < 0)
    return -1;
  jpath_key(p, sizeof(p), ep, "destination");
  if (r == 0 || m->destination[0] == '\0')
    return error_set(err, EINVAL, "%s: missing required field", p);
  if (m->destination[0] != '/') {
    log_warn("%s: \"%s\" is not an absolute path; treating it as \"/%s\"", p,
             m->destination, m->destination);
    char *abs = xasprintf("/%s", m->destination);
    free(m->destination);
    m->destination = abs;
  }
  if (jget_str(e, ep, "type", &m->type, err) < 0 || jget_str(e, ep, "source", &m->source, err) < 0)
    return -1;
  size_t nopts = 0;
  if (jget_strv(e, ep, "options", &m->options, &nopts, err) < 0)
    return -1;
  size_t dlen = 0;
  for (size_t i = 0; i < nopts; i++) {
    const char *o = m->options[i];
    if (mount_option_apply(m, o, err) == 1)
      continue;
    if (*o == '\0')
      continue;
    size_t ol = strlen(o);
    m->data = xrealloc(m->data, dlen + ol + 2);
    if (dlen)
      m->data[dlen++] = ',';
    memcpy(m->data + dlen, o, ol + 1);
    dlen += ol;
  }
  if (m->type && strcmp(m->type, "bind") == 0)
    m->bind = true;
  if (parse_id_mappings(e, ep, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err) < 0 ||
      parse_id_mappings(e, ep, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err) < 0)
    return -1;
  if ((m->n_uid_mappings > 0) != (m->n_gid_mappings > 0))
    return error_set(err, EINVAL, "%s: uidMappings and gidMappings must be given together", ep);
  if (m->n_uid_mappings > 0 && !m->idmap)
    m->idmap = true;
  if (m->idmap && !m->bind)
    return error_set(err, EINVAL, "%s: idmapped mounts are supported for bind mounts only", ep);
  if (m->bind && (m->source == NULL || m->source[0] == '\0'))
    return error_set(err, EINVAL, "%s.source: a bind mount needs a source", ep);
  return 0;
}

int config_parse_mounts(yajl_val doc, const char *path, struct config *c, struct error **err) {
  yajl_val arr;
  char ep[64];
  int r = jget_arr(doc, path, "mounts", &arr, err);
  if (r <= 0)
    return r;
  c->n_mounts = arr->u.array.len;
  c->mounts = xcalloc(c->n_mounts, sizeof(struct mount_cfg));
  for (size_t i = 0; i < c->n_mounts; i++) {
    jpath_idx(ep, sizeof(ep), "mounts", i);
    if (parse_mount(arr->u.array.values[i], ep, &c->mounts[i], err) < 0)
      return -1;
  }
  return 0;
}

static int parse_id_mappings(yajl_val v, const char *path, const char *key,
                             struct id_mapping **out, size_t *n, struct error **err) {
  yajl_val arr;
  char ap[320], ep[340];
  int r = jget_arr(v, path, key, &arr, err);
  if (r <= 0)
    return r;
  jpath_key(ap, sizeof(ap), path, key);
  *n = arr->u.array.len;
  *out = xcalloc(*n, sizeof(struct id_mapping));
  for (size_t i = 0; i < *n; i++) {
    yajl_val e = arr->u.array.values[i];
    struct id_mapping *m = &(*out)[i];
    jpath_idx(ep, sizeof(ep), ap, i);
    if (jval_expect(e, ep, "object", e && e->type == yajl_t_object, err) < 0)
      return -1;
    if (jget_u32(e, ep, "containerID", &m->container_id, err) < 0 ||
        jget_u32(e, ep, "hostID", &m->host_id, err) < 0 ||
        jget_u32(e, ep, "size", &m->size, err) < 0)
      return -1;
    if (m->size == 0)
      return error_set(err, EINVAL, "%s.size: must be greater than zero", ep);
    if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX ||
        (uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
      return error_set(err, ERANGE, "%s: the mapped range overflows 32 bits", ep);
  }
  return 0;
}

/* Shared with config_linux.c for linux.uidMappings / gidMappings. */
int config_parse_id_mappings(yajl_val v, const char *path, const char *key,
                             struct id_mapping **out, size_t *n, struct error **err) {
  return parse_id_mappings(v, path, key, out, n, err);
}

/* Every option name vessel recognises (for `features`), unsorted. */
size_t mount_option_names(const char **out, size_t max) {
  static const char *extra[] = {"bind", "rbind", "tmpcopyup", "idmap", "ridmap"};
  size_t n = 0;
  for (size_t i = 0; i < ARRAY_SIZE(flag_opts) && n < max; i++)
    out[n++] = flag_opts[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(propagation_opts) && n < max; i++)
    out[n++] = propagation_opts[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(rec_opts) && n < max; i++)
    out[n++] = rec_opts[i].name;
  for (size_t i = 0; i < ARRAY_SIZE(extra) && n < max; i++)
    out[n++] = extra[i];
  return n;
}
