/* cgroup_join.h - how the container's processes enter its cgroups.
 *
 * Moving another process into a cgroup (writing its pid to cgroup.procs)
 * takes the kernel's global cgroup_threadgroup_rwsem for writing, which
 * waits for an RCU grace period: about 10 ms on this kind of host, more than
 * the rest of a container start.  A single-threaded process that moves
 * itself through the v1 "tasks" file does not take that lock, and a clone3
 * with CLONE_INTO_CGROUP starts a process in its cgroup v2 directly.  So the
 * parent opens the v1 "tasks" files and the v2 directory before the clone,
 * the child is cloned into the v2 cgroup and writes "0" to each "tasks"
 * file as its first act. */
#ifndef VESSEL_CGROUP_JOIN_H
#define VESSEL_CGROUP_JOIN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "state.h"

struct cgroup_join {
  int tasks[24];      /* v1: <dir>/tasks, opened for writing */
  char *paths[24];    /* their directories, for error messages */
  size_t n;
  int v2dir;          /* cgroup v2 (pure or the hybrid's unified): for CLONE_INTO_CGROUP */
};

/* Open what the child needs; returns 0 with nothing opened when the state
 * has no cgroups. */
int cgroup_join_prepare(const struct container_state *st, struct cgroup_join *j, struct error **err);
/* The child: move itself into every v1 cgroup. */
int cgroup_join_self(struct cgroup_join *j, struct error **err);
void cgroup_join_close(struct cgroup_join *j);

#endif
