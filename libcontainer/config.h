/* config.h - the OCI runtime-spec v1.3.0 configuration (config.json) as C
 * structures, and the parser that builds them.
 *
 * Optional scalars come with a has_<name> flag.  Unknown fields are ignored
 * as the spec requires; a field of the wrong type, an unknown enumeration
 * value or an impossible combination is an error that names the JSON path:
 *   linux.namespaces[2].type: unknown namespace "pidd"
 */
#ifndef VESSEL_CONFIG_H
#define VESSEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* GNU C predefines "linux" as 1; vessel uses it as the name of the spec's
 * linux section. */
#undef linux

#define VESSEL_OCI_VERSION "1.3.0"
#define VESSEL_OCI_VERSION_MIN "1.0.0"

enum ns_type {
  NS_PID = 0, NS_NET, NS_IPC, NS_UTS, NS_MOUNT, NS_CGROUP, NS_USER, NS_TIME,
  NS_COUNT
};

struct id_mapping {
  uint32_t container_id, host_id, size;
};

struct hook {
  char *path;
  char **args;
  char **env;
  bool has_timeout;
  int64_t timeout;
};

enum hook_kind {
  HOOK_PRESTART = 0, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KIND_COUNT
};

struct hook_list {
  struct hook *v;
  size_t n;
};

struct rlimit_cfg {
  int resource;         /* RLIMIT_* */
  char *name;           /* "RLIMIT_NOFILE" */
  uint64_t soft, hard;
};

enum cap_set { CAP_SET_BOUNDING = 0, CAP_SET_EFFECTIVE, CAP_SET_INHERITABLE,
               CAP_SET_PERMITTED, CAP_SET_AMBIENT, CAP_SET_COUNT };

struct caps_cfg {
  bool has_set[CAP_SET_COUNT];
  uint64_t set[CAP_SET_COUNT];   /* bit n = capability n */
};

struct scheduler_cfg {
  int policy;           /* SCHED_* */
  int32_t nice, priority;
  uint64_t flags;       /* SCHED_FLAG_* */
  uint64_t runtime, deadline, period;
};

struct user_cfg {
  uint32_t uid, gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;
};

struct process_cfg {
  bool terminal;
  bool has_console_size;
  uint32_t console_height, console_width;
  struct user_cfg user;
  char **args;
  char **env;
  char *cwd;
  bool has_caps;
  struct caps_cfg caps;
  struct rlimit_cfg *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  bool has_scheduler;
  struct scheduler_cfg scheduler;
  char *selinux_label;
  bool has_io_priority;
  int io_priority_class;  /* IOPRIO_CLASS_* */
  int io_priority;
  char *exec_cpu_affinity_initial;
  char *exec_cpu_affinity_final;
};

/* A mount, with options already split into flags, propagation, recursive
 * attributes and the data string passed to the filesystem. */
struct mount_cfg {
  char *destination;
  char *type;
  char *source;
  char **options;          /* as written in config.json */
  unsigned long flags;     /* MS_* to set */
  unsigned long clear;     /* MS_* to clear (for bind remounts) */
  unsigned long propagation; /* MS_SHARED/MS_SLAVE/... (| MS_REC) or 0 */
  uint64_t rec_attr_set;   /* MOUNT_ATTR_* applied recursively (rro, ...) */
  uint64_t rec_attr_clr;
  bool bind, rbind;
  bool tmpcopyup;
  bool idmap, ridmap;
  bool nosymfollow;
  char *data;              /* comma separated filesystem options, or NULL */
  struct id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
};

struct namespace_cfg {
  bool present;            /* listed in linux.namespaces */
  char *path;              /* join this namespace, or NULL to create */
};

struct device_cfg {
  char *path;
  char type;               /* 'c', 'b', 'u', 'p' */
  int64_t major, minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid, has_gid;
  uint32_t uid, gid;
};

struct device_rule {
  bool allow;
  char type;               /* 'a', 'c', 'b' */
  bool has_major, has_minor;
  int64_t major, minor;    /* -1 for wildcard when absent */
  char access[4];          /* subset of "rwm" */
};

struct weight_device {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
};

struct throttle_device {
  int64_t major, minor;
  uint64_t rate;
};

struct hugepage_limit {
  char *page_size;         /* "2MB" */
  uint64_t limit;
};

struct net_priority {
  char *name;
  uint32_t priority;
};

struct rdma_limit {
  char *device;
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
};

struct resources_cfg {
  struct device_rule *devices;
  size_t n_devices;
  /* memory */
  bool has_mem_limit, has_mem_reservation, has_mem_swap, has_mem_kernel,
       has_mem_kernel_tcp, has_mem_swappiness, has_disable_oom_killer,
       has_use_hierarchy, has_check_before_update;
  int64_t mem_limit, mem_reservation, mem_swap, mem_kernel, mem_kernel_tcp;
  uint64_t mem_swappiness;
  bool disable_oom_killer, use_hierarchy, check_before_update;
  /* cpu */
  bool has_cpu_shares, has_cpu_quota, has_cpu_burst, has_cpu_period,
       has_cpu_rt_runtime, has_cpu_rt_period, has_cpu_idle;
  uint64_t cpu_shares, cpu_burst, cpu_period, cpu_rt_period;
  int64_t cpu_quota, cpu_rt_runtime, cpu_idle;
  char *cpu_cpus, *cpu_mems;
  /* pids */
  bool has_pids_limit;
  int64_t pids_limit;
  /* blockIO */
  bool has_blkio_weight, has_blkio_leaf_weight;
  uint16_t blkio_weight, blkio_leaf_weight;
  struct weight_device *weight_devices;
  size_t n_weight_devices;
  struct throttle_device *throttle[4];  /* read bps, write bps, read iops, write iops */
  size_t n_throttle[4];
  /* hugetlb */
  struct hugepage_limit *hugepages;
  size_t n_hugepages;
  /* network */
  bool has_net_class_id;
  uint32_t net_class_id;
  struct net_priority *net_priorities;
  size_t n_net_priorities;
  /* rdma */
  struct rdma_limit *rdma;
  size_t n_rdma;
  /* unified */
  char **unified_keys, **unified_values;
  size_t n_unified;
};

enum throttle_kind { THROTTLE_READ_BPS = 0, THROTTLE_WRITE_BPS, THROTTLE_READ_IOPS,
                     THROTTLE_WRITE_IOPS };

enum seccomp_action_kind {
  SECCOMP_ACT_KILL_THREAD_ = 0, SECCOMP_ACT_KILL_PROCESS_, SECCOMP_ACT_TRAP_,
  SECCOMP_ACT_ERRNO_, SECCOMP_ACT_TRACE_, SECCOMP_ACT_ALLOW_, SECCOMP_ACT_LOG_,
  SECCOMP_ACT_NOTIFY_, SECCOMP_ACT_KILL_
};

struct seccomp_arg {
  uint32_t index;
  uint64_t value, value_two;
  int op;                  /* enum scmp_compare */
};

struct seccomp_syscall {
  char **names;
  int action;              /* enum seccomp_action_kind */
  bool has_errno_ret;
  uint32_t errno_ret;
  struct seccomp_arg *args;
  size_t n_args;
};

struct seccomp_cfg {
  int default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  uint32_t *archs;         /* SCMP_ARCH_* tokens */
  size_t n_archs;
  char **flags;            /* SECCOMP_FILTER_FLAG_* names */
  char *listener_path;
  char *listener_metadata;
  struct seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct time_offset {
  bool has;
  int64_t secs;
  uint32_t nanosecs;
};

struct net_device {
  char *host_name;         /* key of linux.netDevices */
  char *name;              /* name inside the container, or NULL */
};

struct intel_rdt_cfg {
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  bool enable_monitoring;
};

struct memory_policy_cfg {
  int mode;                /* MPOL_* */
  char *nodes;
  unsigned flags;          /* MPOL_F_* */
};

struct linux_cfg {
  struct namespace_cfg ns[NS_COUNT];
  struct id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct time_offset time_monotonic, time_boottime;
  struct device_cfg *devices;
  size_t n_devices;
  struct net_device *net_devices;
  size_t n_net_devices;
  char *cgroups_path;
  bool has_resources;
  struct resources_cfg resources;
  bool has_intel_rdt;
  struct intel_rdt_cfg intel_rdt;
  char **sysctl_keys, **sysctl_values;
  size_t n_sysctl;
  bool has_seccomp;
  struct seccomp_cfg seccomp;
  unsigned long rootfs_propagation;  /* MS_* or 0 */
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  bool has_personality;
  unsigned long personality;
  bool has_memory_policy;
  struct memory_policy_cfg memory_policy;
};

struct config {
  char *oci_version;
  char *root_path;
  bool root_readonly;
  bool has_process;
  struct process_cfg process;
  char *hostname;
  char *domainname;
  struct mount_cfg *mounts;
  size_t n_mounts;
  struct hook_list hooks[HOOK_KIND_COUNT];
  char **annotation_keys, **annotation_values;
  size_t n_annotations;
  bool has_linux;
  struct linux_cfg linux;
  /* The raw document, kept so the state dir can hold the exact config. */
  char *raw;
  size_t raw_len;
};

/* Parse and validate a config document.  Messages are prefixed by the caller
 * with the file name ("config.json: ..."). */
int config_parse(const char *buf, size_t len, struct config **out, struct error **err);
/* Read <bundle>/config.json and parse it. */
int config_load(const char *bundle, struct config **out, struct error **err);
void config_free(struct config *c);
void config_freep(struct config **c);
#define autoconfig __attribute__((cleanup(config_freep))) struct config *

/* Pieces reused by other parsers (process.json for exec, update -r). */
int config_parse_process(yajl_val v, const char *path, struct process_cfg *p,
                         bool require_args, struct error **err);
void process_cfg_free(struct process_cfg *p);
int config_parse_resources(yajl_val v, const char *path, struct resources_cfg *r,
                           struct error **err);
void resources_cfg_free(struct resources_cfg *r);
int config_parse_hooks(yajl_val v, const char *path, struct hook_list *hooks,
                       struct error **err);
int config_parse_mounts(yajl_val v, const char *path, struct config *c, struct error **err);
int config_parse_linux(yajl_val v, const char *path, struct config *c, struct error **err);
int config_parse_seccomp(yajl_val v, const char *path, struct seccomp_cfg *s,
                         struct error **err);
void seccomp_cfg_free(struct seccomp_cfg *s);
int config_validate(const struct config *c, struct error **err);

/* Names <-> values. */
const char *ns_type_name(enum ns_type t);       /* "pid", "network", ... */
int ns_type_from_name(const char *name);        /* -1 if unknown */
int ns_clone_flag(enum ns_type t);               /* CLONE_NEW* */
const char *ns_proc_name(enum ns_type t);        /* "pid", "net", ... in /proc/<pid>/ns */
const char *hook_kind_name(enum hook_kind k);    /* "prestart", ... */
int rlimit_from_name(const char *name);          /* -1 if unknown */
const char *rlimit_name(int resource);

/* Mount options: apply one option to m; returns 1 if recognised as a flag,
 * 0 if it is filesystem data, -1 on error. */
int mount_option_apply(struct mount_cfg *m, const char *opt, struct error **err);
/* Every mount option name vessel recognises (for `features`). */
size_t mount_option_names(const char **out, size_t max);
/* Parse linux.uidMappings-style arrays. */
int config_parse_id_mappings(yajl_val v, const char *path, const char *key,
                             struct id_mapping **out, size_t *n, struct error **err);
/* A process.env entry is NAME=VALUE with a non-empty NAME (as runc checks). */
int config_check_env(const char *entry, const char *path, size_t i, struct error **err);
/* Check one sysctl key against the namespaces of c. */
int config_validate_sysctl(const struct config *c, const char *key, struct error **err);
/* Memory policy names (for `features`). */
const char *const *config_mpol_mode_names(size_t *n);
const char *const *config_mpol_flag_names(size_t *n);
/* Does the mount type / options denote a bind mount? */
bool mount_is_bind(const struct mount_cfg *m);

#endif
