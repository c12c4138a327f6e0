/* features.c - what vessel supports, reported in the OCI features format.
 * Everything listed here is implemented; nothing is claimed ahead of code. */
#define _GNU_SOURCE
#include "features.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor.h"
#include "caps.h"
#include "cgroups/cgroups.h"
#include "config.h"
#include "exe_protect.h"
#include "json.h"
#include "seccomp.h"
#include "selinux.h"
#include "utils.h"

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sorted_list(struct jgen *g, const char *key, const char **v, size_t n) {
  qsort(v, n, sizeof(char *), cmp_str);
  jgen_key(g, key);
  jgen_array_open(g);
  for (size_t i = 0; i < n; i++)
    jgen_str(g, v[i]);
  jgen_array_close(g);
}

static void kv_enabled(struct jgen *g, const char *key, bool on) {
  jgen_key(g, key);
  jgen_map_open(g);
  jgen_kv_bool(g, "enabled", on);
  jgen_map_close(g);
}

char *features_json(const char *version, const char *commit) {
  const char *list[128];
  size_t n;
  struct jgen *g = jgen_new_indent("    ");
  jgen_map_open(g);
  jgen_kv_str(g, "ociVersionMin", VESSEL_OCI_VERSION_MIN);
  jgen_kv_str(g, "ociVersionMax", VESSEL_OCI_VERSION);
  jgen_key(g, "hooks");
  jgen_array_open(g);
  for (int k = 0; k < HOOK_KIND_COUNT; k++)
    jgen_str(g, hook_kind_name((enum hook_kind)k));
  jgen_array_close(g);
  n = mount_option_names(list, ARRAY_SIZE(list));
  sorted_list(g, "mountOptions", list, n);

  jgen_key(g, "linux");
  jgen_map_open(g);
  n = 0;
  for (int t = 0; t < NS_COUNT; t++)
    list[n++] = ns_type_name((enum ns_type)t);
  sorted_list(g, "namespaces", list, n);
  jgen_key(g, "capabilities");
  jgen_array_open(g);
  for (int c = 0; c < VESSEL_CAP_COUNT; c++)
    jgen_str(g, cap_spec_name(c));
  jgen_array_close(g);

  struct cgroup_features cf;
  cgroups_features(&cf);
  jgen_key(g, "cgroup");
  jgen_map_open(g);
  jgen_kv_bool(g, "v1", cf.v1);
  jgen_kv_bool(g, "v2", cf.v2);
  jgen_kv_bool(g, "systemd", cf.systemd);
  jgen_kv_bool(g, "systemdUser", cf.systemd_user);
  jgen_kv_bool(g, "rdma", cf.rdma);
  jgen_map_close(g);

  jgen_key(g, "seccomp");
  jgen_map_open(g);
  jgen_kv_bool(g, "enabled", true);
  n = seccomp_known_actions(list, ARRAY_SIZE(list));
  sorted_list(g, "actions", list, n);
  n = seccomp_known_operators(list, ARRAY_SIZE(list));
  sorted_list(g, "operators", list, n);
  n = seccomp_known_archs(list, ARRAY_SIZE(list));
  sorted_list(g, "archs", list, n);
  n = seccomp_known_flags(list, ARRAY_SIZE(list));
  sorted_list(g, "knownFlags", list, n);
  n = seccomp_supported_flags(list, ARRAY_SIZE(list));
  sorted_list(g, "supportedFlags", list, n);
  jgen_map_close(g);

  kv_enabled(g, "apparmor", apparmor_runtime_supported());
  kv_enabled(g, "selinux", selinux_runtime_supported());

  jgen_key(g, "intelRdt");
  jgen_map_open(g);
  jgen_kv_bool(g, "enabled", false);
  jgen_map_close(g);

  jgen_key(g, "memoryPolicy");
  jgen_map_open(g);
  const char *const *names = config_mpol_mode_names(&n);
  memcpy(list, names, n * sizeof(char *));
  sorted_list(g, "modes", list, n);
  names = config_mpol_flag_names(&n);
  memcpy(list, names, n * sizeof(char *));
  sorted_list(g, "flags", list, n);
  jgen_map_close(g);

  jgen_key(g, "mountExtensions");
  jgen_map_open(g);
  kv_enabled(g, "idmap", true);
  jgen_map_close(g);
  kv_enabled(g, "netDevices", true);
  jgen_map_close(g); /* linux */

  jgen_key(g, "annotations");
  jgen_map_open(g);
  const struct scmp_version *v = seccomp_version();
  char sv[32];
  snprintf(sv, sizeof(sv), "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
  jgen_kv_str(g, "io.github.seccomp.libseccomp.version", sv);
  /* How create, run and exec keep vessel's binary out of the containers'
   * reach on this host (exe_protect.h). */
  jgen_kv_str(g, "vessel.binary-protection", exe_protection_name(exe_protection_probe()));
  jgen_kv_str(g, "vessel.checkpoint.enabled", "false");
  jgen_kv_str(g, "vessel.commit", commit);
  jgen_kv_str(g, "vessel.version", version);
  jgen_map_close(g);
  jgen_map_close(g);
  return jgen_finish(g, true);
}
