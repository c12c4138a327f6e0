/* container_cgroups.h - the verbs that work on a container's cgroups:
 * pause, resume, update, events, ps. */
#ifndef VESSEL_CONTAINER_CGROUPS_H
#define VESSEL_CONTAINER_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "container.h"
#include "error.h"

/* Freeze a running (or created) container: "container not running"
 * otherwise.  Resume: "container not paused" unless it is paused. */
int container_pause(const struct runtime_opts *rt, const char *id, struct error **err);
int container_resume(const struct runtime_opts *rt, const char *id, struct error **err);

/* Apply change to a live container and record the container's effective
 * resources in <state dir>/resources.json (written atomically), so that a
 * later update combines with them.  Only what runc's update changes is
 * taken from change (see cgroups_resources_merge). */
int container_update(const struct runtime_opts *rt, const char *id,
                     const struct resources_cfg *change, struct error **err);

/* The resources in effect: resources.json after an update, else the
 * linux.resources of the container's config.json (empty when none). */
int container_resources(int dirfd, struct resources_cfg *out, struct error **err);

/* Each event is handed over as one JSON document (no newline). */
typedef int (*event_sink)(const char *json, void *arg);

/* events --stats: one {"type":"stats","id":...,"data":{...}} event.
 * events: a stats event every interval_ms and {"type":"oom","id":...} as
 * OOMs happen, until the container's cgroups are gone or the sink fails. */
int container_events(const struct runtime_opts *rt, const char *id, bool stats_only,
                     uint64_t interval_ms, event_sink sink, void *arg, struct error **err);

/* 0 when the container exists, else its error ("container \"x\" does not
 * exist"): lets a verb report that before the errors in its own values. */
int container_exists(const struct runtime_opts *rt, const char *id, struct error **err);

/* The pids in the container's cgroups. */
int container_pids(const struct runtime_opts *rt, const char *id, pid_t **pids, size_t *n,
                   struct error **err);

#endif
