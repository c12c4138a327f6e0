/* config_validate.c - checks across fields of config.json: what needs which
 * namespace, and sysctl keys against the namespaces that own them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "utils.h"

/* A namespace the container gets for itself: new, or joined by a path that is
 * not the host's own namespace of that type. */
static bool ns_private(const struct linux_cfg *l, enum ns_type t) {
  if (!l->ns[t].present)
    return false;
  if (l->ns[t].path == NULL)
    return true;
  struct stat a, b;
  char self[64];
  snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_proc_name(t));
  if (stat(l->ns[t].path, &a) < 0 || stat(self, &b) < 0)
    return true; /* a bad path is reported when it is joined */
  return !(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

static const char *ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* Normalise "net/ipv4/ip_forward" to "net.ipv4.ip_forward". */
static char *normalise_sysctl(const char *key) {
  char *k = xstrdup(key);
  for (char *p = k; *p; p++)
    if (*p == '/')
      *p = '.';
  return k;
}

static const char *sysctl_value(const struct config *c, const char *key) {
  for (size_t i = 0; i < c->linux.n_sysctl; i++)
    if (strcmp(c->linux.sysctl_keys[i], key) == 0)
      return c->linux.sysctl_values[i];
  return NULL;
}

int config_validate_sysctl(const struct config *c, const char *key, struct error **err) {
  const struct linux_cfg *l = &c->linux;
  autofree char *k = normalise_sysctl(key);
  if (*k == '\0' || strstr(k, "..") || k[0] == '.' || str_has_suffix(k, "."))
    return error_set(err, EINVAL, "linux.sysctl: \"%s\" is not a valid sysctl name", key);
  for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
    if (strcmp(k, ipc_sysctls[i]) == 0) {
      if (!ns_private(l, NS_IPC))
        return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" is not allowed in the host's ipc namespace", key);
      return 0;
    }
  if (str_has_prefix(k, "fs.mqueue.")) {
    if (!ns_private(l, NS_IPC))
      return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" is not allowed in the host's ipc namespace", key);
    return 0;
  }
  if (str_has_prefix(k, "net.")) {
    if (!ns_private(l, NS_NET))
      return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" is not allowed in the host's network namespace", key);
    return 0;
  }
  if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0) {
    if (!ns_private(l, NS_UTS))
      return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" is not allowed in the host's uts namespace", key);
    /* The field and the sysctl set the same thing: both may be given
     * (engines write both) as long as they agree. */
    const char *field = k[7] == 'h' ? c->hostname : c->domainname;
    const char *value = sysctl_value(c, key);
    if (field && *field && (value == NULL || strcmp(field, value) != 0))
      return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" conflicts with the \"%s\" field",
                       key, k[7] == 'h' ? "hostname" : "domainname");
    return 0;
  }
  return error_set(err, EINVAL, "linux.sysctl: sysctl \"%s\" is not in a separate kernel namespace", key);
}

int config_validate(const struct config *c, struct error **err) {
  const struct linux_cfg *l = &c->linux;
  if (c->hostname && *c->hostname && !l->ns[NS_UTS].present)
    return error_set(err, EINVAL, "hostname: unable to set hostname without a private UTS namespace");
  if (c->domainname && *c->domainname && !l->ns[NS_UTS].present)
    return error_set(err, EINVAL, "domainname: unable to set domainname without a private UTS namespace");
  bool has_maps = l->n_uid_mappings || l->n_gid_mappings;
  if (has_maps && !l->ns[NS_USER].present)
    return error_set(err, EINVAL, "linux.uidMappings: uid/gid mappings require a user namespace");
  if (l->ns[NS_USER].present && l->ns[NS_USER].path == NULL) {
    if (l->n_uid_mappings == 0)
      return error_set(err, EINVAL, "linux.uidMappings: a new user namespace needs uid mappings");
    if (l->n_gid_mappings == 0)
      return error_set(err, EINVAL, "linux.gidMappings: a new user namespace needs gid mappings");
  }
  if ((l->time_monotonic.has || l->time_boottime.has) &&
      !(l->ns[NS_TIME].present && l->ns[NS_TIME].path == NULL))
    return error_set(err, EINVAL, "linux.timeOffsets: time offsets need a new time namespace");
  if (l->n_net_devices && !ns_private(l, NS_NET))
    return error_set(err, EINVAL, "linux.netDevices: moving network devices needs a network namespace of the container's own");
  if ((l->masked_paths || l->readonly_paths) && (strv_len(l->masked_paths) || strv_len(l->readonly_paths)) &&
      !l->ns[NS_MOUNT].present)
    return error_set(err, EINVAL, "linux.maskedPaths: unable to restrict paths without a private mount namespace");
  /* In the host's mount namespace only the host's root may mount. */
  if (!l->ns[NS_MOUNT].present && l->ns[NS_USER].present && c->n_mounts)
    return error_set(err, EINVAL, "mounts: a container in a user namespace cannot mount in the host's mount namespace (add a mount namespace)");
  if (!l->ns[NS_MOUNT].present && l->ns[NS_USER].present && c->root_readonly)
    return error_set(err, EINVAL, "root.readonly: a container in a user namespace cannot make its root read-only in the host's mount namespace (add a mount namespace)");
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (config_validate_sysctl(c, l->sysctl_keys[i], err) < 0)
      return -1;
  return 0;
}
