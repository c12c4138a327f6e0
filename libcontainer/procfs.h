/* procfs.h - a procfs handle vessel can trust.
 *
 * Every write to /proc (uid_map, setgroups, oom_score_adj, attr files, sysctl)
 * goes through a handle opened here: a private procfs instance made with
 * fsopen()/fsmount() (or, on older kernels, a detached clone of /proc made
 * with open_tree()), checked to be procfs by its filesystem magic, and paths
 * under it resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV).  A container cannot mount over it or swap a symlink into
 * it. */
#ifndef VESSEL_PROCFS_H
#define VESSEL_PROCFS_H

#include <stdbool.h>

#include "error.h"

/* A new handle on the root of a procfs for the caller's pid namespace. */
int procfs_open_root(struct error **err);
/* Open path (relative, e.g. "self/oom_score_adj") under the handle; the
 * result is verified to be on procfs. */
int procfs_open(int procfd, const char *path, int flags, struct error **err);
/* Write a whole value to path under the handle. */
int procfs_write(int procfd, const char *path, const char *value, struct error **err);
/* Is fd on procfs? */
bool procfs_is_proc(int fd);

#endif
