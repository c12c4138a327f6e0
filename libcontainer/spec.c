/* spec.c - the default config.json, close to runc's default so that bundles
 * written for one work with the other. */
#define _GNU_SOURCE
#include "spec.h"

#include "config.h"
#include "json.h"
#include "utils.h"

static void caps_set(struct jgen *g, const char *name) {
  static const char *caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
  jgen_kv_strv(g, name, (char *const *)caps);
}

static void mount(struct jgen *g, const char *dest, const char *type, const char *src,
                  const char *const *opts) {
  jgen_map_open(g);
  jgen_kv_str(g, "destination", dest);
  jgen_kv_str(g, "type", type);
  jgen_kv_str(g, "source", src);
  if (opts)
    jgen_kv_strv(g, "options", (char *const *)opts);
  jgen_map_close(g);
}

static void id_map(struct jgen *g, const char *key, unsigned id) {
  jgen_key(g, key);
  jgen_array_open(g);
  jgen_map_open(g);
  jgen_kv_int(g, "containerID", 0);
  jgen_kv_int(g, "hostID", id);
  jgen_kv_int(g, "size", 1);
  jgen_map_close(g);
  jgen_array_close(g);
}

char *spec_default(bool rootless, uid_t uid, gid_t gid) {
  static const char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                              "TERM=xterm", NULL};
  static const char *args[] = {"sh", NULL};
  static const char *dev_opts[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
  static const char *pts_opts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                   "mode=0620", "gid=5", NULL};
  static const char *pts_opts_rootless[] = {"nosuid", "noexec", "newinstance",
                                            "ptmxmode=0666", "mode=0620", NULL};
  static const char *shm_opts[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL};
  static const char *mq_opts[] = {"nosuid", "noexec", "nodev", NULL};
  static const char *sys_opts[] = {"nosuid", "noexec", "nodev", "ro", NULL};
  static const char *sys_opts_rootless[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
  static const char *cg_opts[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
  static const char *masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                 "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                 "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL};
  static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                   "/proc/sysrq-trigger", NULL};

  struct jgen *g = jgen_new_indent("\t");
  jgen_map_open(g);
  jgen_kv_str(g, "ociVersion", VESSEL_OCI_VERSION);
  jgen_key(g, "process");
  jgen_map_open(g);
  jgen_kv_bool(g, "terminal", true);
  jgen_key(g, "user");
  jgen_map_open(g);
  jgen_kv_int(g, "uid", 0);
  jgen_kv_int(g, "gid", 0);
  jgen_map_close(g);
  jgen_kv_strv(g, "args", (char *const *)args);
  jgen_kv_strv(g, "env", (char *const *)env);
  jgen_kv_str(g, "cwd", "/");
  jgen_key(g, "capabilities");
  jgen_map_open(g);
  caps_set(g, "bounding");
  caps_set(g, "effective");
  caps_set(g, "permitted");
  caps_set(g, "ambient");
  jgen_map_close(g);
  jgen_key(g, "rlimits");
  jgen_array_open(g);
  jgen_map_open(g);
  jgen_kv_str(g, "type", "RLIMIT_NOFILE");
  jgen_kv_int(g, "hard", 1024);
  jgen_kv_int(g, "soft", 1024);
  jgen_map_close(g);
  jgen_array_close(g);
  jgen_kv_bool(g, "noNewPrivileges", true);
  jgen_map_close(g);
  jgen_key(g, "root");
  jgen_map_open(g);
  jgen_kv_str(g, "path", "rootfs");
  jgen_kv_bool(g, "readonly", true);
  jgen_map_close(g);
  jgen_kv_str(g, "hostname", "vessel");
  jgen_key(g, "mounts");
  jgen_array_open(g);
  mount(g, "/proc", "proc", "proc", NULL);
  mount(g, "/dev", "tmpfs", "tmpfs", dev_opts);
  mount(g, "/dev/pts", "devpts", "devpts", rootless ? pts_opts_rootless : pts_opts);
  mount(g, "/dev/shm", "tmpfs", "shm", shm_opts);
  mount(g, "/dev/mqueue", "mqueue", "mqueue", mq_opts);
  if (rootless)
    mount(g, "/sys", "none", "/sys", sys_opts_rootless);
  else
    mount(g, "/sys", "sysfs", "sysfs", sys_opts);
  mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cg_opts);
  jgen_array_close(g);
  jgen_key(g, "linux");
  jgen_map_open(g);
  if (rootless) {
    id_map(g, "uidMappings", uid);
    id_map(g, "gidMappings", gid);
  } else {
    jgen_key(g, "resources");
    jgen_map_open(g);
    jgen_key(g, "devices");
    jgen_array_open(g);
    jgen_map_open(g);
    jgen_kv_bool(g, "allow", false);
    jgen_kv_str(g, "access", "rwm");
    jgen_map_close(g);
    jgen_array_close(g);
    jgen_map_close(g);
  }
  jgen_key(g, "namespaces");
  jgen_array_open(g);
  static const char *ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", "user"};
  for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
    if (rootless && i == 1)
      continue;
    if (!rootless && i == 6)
      continue;
    jgen_map_open(g);
    jgen_kv_str(g, "type", ns[i]);
    jgen_map_close(g);
  }
  jgen_array_close(g);
  jgen_kv_strv(g, "maskedPaths", (char *const *)masked);
  jgen_kv_strv(g, "readonlyPaths", (char *const *)readonly);
  jgen_map_close(g);
  jgen_map_close(g);
  return jgen_finish(g, true);
}
