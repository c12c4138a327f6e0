/* state.h - the state directory of a container under --root.
 *
 *   <root>/            0700, created on demand
 *   <root>/<id>/       0711, one per container, flock()ed by mutating verbs
 *     state.json       written atomically (tmp + rename)
 *     config.json      the exact config the container was created with
 *     exec.fifo        present while the init waits for `start`
 *
 * Status is derived, never stored: no live init (or a reused pid) is
 * "stopped", a pending exec.fifo is "created", a frozen cgroup is "paused",
 * anything else "running". */
#ifndef VESSEL_STATE_H
#define VESSEL_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum container_status { STATUS_CREATING = 0, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED,
                        STATUS_STOPPED };

/* One cgroup directory the container uses: controller name ("" on v2) and
 * the absolute path; created marks the ones vessel made (and so removes). */
struct cgroup_dir {
  char *controller;
  char *path;
  bool created;
};

struct container_state {
  char *id;
  char *oci_version;
  pid_t pid;                 /* init pid, 0 before it exists */
  uint64_t start_time;       /* field 22 of /proc/<pid>/stat */
  char *bundle;
  char *rootfs;
  char *created;             /* RFC3339 with nanoseconds */
  uid_t owner_uid;
  char **annotation_keys, **annotation_values;
  size_t n_annotations;
  char *cgroups_path;        /* as resolved from linux.cgroupsPath */
  int cgroup_mode;           /* enum cgroup_mode of the host at create time */
  struct cgroup_dir *cgroups;
  size_t n_cgroups;
  bool systemd_cgroup;
  bool rootless;
  bool use_terminal;
  bool no_new_keyring;       /* create --no-new-keyring (exec follows it) */
  bool created_ok;           /* create finished; false while it runs */
  uint64_t host_rootfs_base; /* no mount namespace: the mount that was on the
                                rootfs before the init bound it (0: none) */
};

/* Container ids: ^[\w+-\.]+$ and not "." or "..". */
int state_validate_id(const char *id, struct error **err);

/* Open (creating with mode 0700 if needed) the root directory. */
int state_root_open(const char *root, bool create, struct error **err);
/* Make the container's directory and lock it: "container with id exists: ID". */
int state_dir_create(int rootfd, const char *id, struct error **err);
/* Open an existing container's directory: "container \"ID\" does not exist".
 * With lock, an exclusive flock is taken (blocking). */
int state_dir_open(int rootfd, const char *id, bool lock, struct error **err);
/* Remove the container's directory and everything in it. */
int state_dir_remove(int rootfd, const char *id, struct error **err);

int state_write(int dirfd, const struct container_state *st, struct error **err);
int state_read(int dirfd, const char *id, struct container_state *st, struct error **err);
void state_free(struct container_state *st);

/* Start time of pid from /proc/<pid>/stat; 0 if it does not exist or is a
 * zombie. */
uint64_t state_proc_start_time(pid_t pid);
/* Is the init of st alive (the same process, not a zombie)? */
bool state_init_alive(const struct container_state *st);
enum container_status state_status(int dirfd, const struct container_state *st);
const char *state_status_name(enum container_status s);

/* Trim a Go-style RFC3339Nano time: trailing zeros of the fraction dropped. */
char *state_time_now(void);

/* Owner name for the list table ("root", or the uid as a number). */
char *state_owner_name(uid_t uid);

#endif
