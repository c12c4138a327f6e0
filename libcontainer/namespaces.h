/* namespaces.h - joining namespaces by path, uid/gid maps, time offsets. */
#ifndef VESSEL_NAMESPACES_H
#define VESSEL_NAMESPACES_H

#include <sys/types.h>

#include "config.h"
#include "error.h"

/* Open every namespace path of the config (in the parent, before anything
 * else happens) and check each is a namespace of the right type:
 * fds[t] is the descriptor or -1. */
int ns_open_paths(const struct linux_cfg *l, int fds[NS_COUNT], struct error **err);
void ns_close_fds(int fds[NS_COUNT]);

/* Join the namespaces in fds, user first when it is joined, as runc does. */
int ns_join(int fds[NS_COUNT], struct error **err);

/* Write uid_map / gid_map of pid through the verified procfs handle. */
int ns_write_id_maps(int procfd, pid_t pid, const struct linux_cfg *l, bool deny_setgroups,
                     struct error **err);
/* Without privilege: the caller's own uid/gid written directly (setgroups
 * denied), anything more through newuidmap / newgidmap. */
int ns_write_id_maps_rootless(int procfd, pid_t pid, const struct linux_cfg *l, struct error **err);
/* Format a mapping list as the kernel wants it ("0 1000 1\n..."). */
char *ns_format_map(const struct id_mapping *m, size_t n);

/* Write linux.timeOffsets for the calling process's next time namespace. */
int ns_write_time_offsets(int procfd, const struct linux_cfg *l, struct error **err);

#endif
