/* container_cgroups.c - pause, resume, update, events and ps: each loads
 * the container's state, checks its status the way runc does, and works
 * on the cgroups recorded there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "container_cgroups.h"
#include "json.h"
#include "log.h"
#include "utils.h"

struct loaded {
  struct container_state st;
  int dirfd;
  enum container_status status;
};

static void loaded_free(struct loaded *l) {
  state_free(&l->st);
  if (l->dirfd >= 0)
    close(l->dirfd);
}
#define autoloaded __attribute__((cleanup(loaded_free))) struct loaded

static int load(const struct runtime_opts *rt, const char *id, bool lock, struct loaded *l,
                struct error **err) {
  memset(l, 0, sizeof(*l));
  l->dirfd = -1;
  if (container_load(rt, id, lock, &l->dirfd, &l->st, err) < 0)
    return -1;
  l->status = state_status(l->dirfd, &l->st);
  return 0;
}

int container_pause(const struct runtime_opts *rt, const char *id, struct error **err) {
  autoloaded l;
  if (load(rt, id, true, &l, err) < 0)
    return -1;
  if (l.status != STATUS_RUNNING && l.status != STATUS_CREATED)
    return error_set(err, EINVAL, "container not running");
  if (cgroups_freeze(&l.st, true, err) < 0)
    return error_stage(err, "cgroup");
  return 0;
}

int container_resume(const struct runtime_opts *rt, const char *id, struct error **err) {
  autoloaded l;
  if (load(rt, id, true, &l, err) < 0)
    return -1;
  if (l.status != STATUS_PAUSED)
    return error_set(err, EINVAL, "container not paused");
  if (cgroups_freeze(&l.st, false, err) < 0)
    return error_stage(err, "cgroup");
  return 0;
}

static int parse_resources_doc(const char *buf, size_t len, bool whole_config,
                               struct resources_cfg *out, struct error **err) {
  autojson doc = NULL;
  if (json_parse(buf, len, &doc, err) < 0)
    return -1;
  yajl_val v = doc;
  const char *path = "";
  if (whole_config) {
    v = json_get(json_get(doc, "linux"), "resources");
    path = "linux.resources";
    if (v == NULL || v->type == yajl_t_null)
      return 0;
  }
  return config_parse_resources(v, path, out, err);
}

int container_resources(int dirfd, struct resources_cfg *out, struct error **err) {
  autofree char *buf = NULL;
  size_t len = 0;
  memset(out, 0, sizeof(*out));
  bool updated = faccessat(dirfd, "resources.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  const char *file = updated ? "resources.json" : "config.json";
  if (read_file_at(dirfd, file, &buf, &len, 64 << 20, err) < 0)
    return -1;
  if (parse_resources_doc(buf, len, !updated, out, err) < 0) {
    resources_cfg_free(out);
    return error_wrap(err, "%s in the state directory", file);
  }
  return 0;
}

static int save_resources(int dirfd, const struct resources_cfg *r, struct error **err) {
  struct jgen *g = jgen_new(false);
  cgroups_resources_gen(g, r);
  autofree char *text = jgen_finish(g, true);
  autoclose int fd = openat(dirfd, "resources.json.tmp",
                            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return error_sys(err, errno, "create resources.json");
  if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0)
    return error_sys(err, errno, "write resources.json");
  if (renameat(dirfd, "resources.json.tmp", dirfd, "resources.json") < 0)
    return error_sys(err, errno, "rename resources.json");
  return 0;
}

int container_update(const struct runtime_opts *rt, const char *id,
                     const struct resources_cfg *change, struct error **err) {
  autoloaded l;
  if (load(rt, id, true, &l, err) < 0)
    return -1;
  if (l.status == STATUS_STOPPED || l.status == STATUS_CREATING)
    return error_set(err, EINVAL, "container not running");
  if ((change->has_mem_kernel && change->mem_kernel) ||
      (change->has_mem_kernel_tcp && change->mem_kernel_tcp))
    log_warn("Kernel memory settings are ignored and will be removed");
  struct resources_cfg eff;
  if (container_resources(l.dirfd, &eff, err) < 0)
    return -1;
  /* Only what update changes is written: copy those fields alone. */
  struct resources_cfg only = {0};
  cgroups_resources_merge(&only, change);
  cgroups_resources_merge(&eff, change);
  /* As runc: an unlimited memory limit without a swap value asks for
   * unlimited swap too (else a swap limit would outlive the memory limit it
   * was set with, and cgroup v2 cannot keep one without the other). */
  if (change->has_mem_limit && change->mem_limit == -1 && !change->has_mem_swap) {
    only.has_mem_swap = eff.has_mem_swap = true;
    only.mem_swap = eff.mem_swap = -1;
  }
  int rc = cgroups_update(&l.st, &only, &eff, err);
  if (rc == 0)
    rc = save_resources(l.dirfd, &eff, err);
  else
    error_stage(err, "cgroup");
  resources_cfg_free(&only);
  resources_cfg_free(&eff);
  return rc;
}

static int stats_event(const struct container_state *st, char **out, struct error **err) {
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "type", "stats");
  jgen_kv_str(g, "id", st->id);
  jgen_key(g, "data");
  jgen_map_open(g);
  int rc = cgroups_stats(st, g, err);
  jgen_key(g, "intel_rdt");
  jgen_map_open(g);
  jgen_map_close(g);
  jgen_key(g, "network_interfaces");
  jgen_null(g);
  jgen_map_close(g);
  jgen_map_close(g);
  char *text = jgen_finish(g, false);
  if (rc < 0) {
    free(text);
    return -1;
  }
  *out = text;
  return 0;
}

static int oom_event(const struct container_state *st, event_sink sink, void *arg) {
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "type", "oom");
  jgen_kv_str(g, "id", st->id);
  jgen_map_close(g);
  autofree char *text = jgen_finish(g, false);
  return sink(text, arg);
}

static int emit_stats(const struct container_state *st, event_sink sink, void *arg,
                      struct error **err) {
  autofree char *text = NULL;
  if (stats_event(st, &text, err) < 0)
    return -1;
  if (sink(text, arg) < 0)
    return error_sys(err, errno, "write event");
  return 0;
}

/* The event loop: a timerfd for the stats, the OOM descriptor for OOMs. */
static int event_loop(const struct container_state *st, uint64_t interval_ms, event_sink sink,
                      void *arg, struct error **err) {
  autoclose int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (tfd < 0)
    return error_sys(err, errno, "timerfd_create");
  struct itimerspec its = {{(time_t)(interval_ms / 1000), (long)(interval_ms % 1000) * 1000000},
                           {(time_t)(interval_ms / 1000), (long)(interval_ms % 1000) * 1000000}};
  if (timerfd_settime(tfd, 0, &its, NULL) < 0)
    return error_sys(err, errno, "timerfd_settime");
  int ofd = cgroups_oom_fd(st, err);
  if (ofd < 0)
    return -1;
  int rc = 0;
  for (bool done = false; !done && rc == 0;) {
    struct pollfd fds[2] = {{tfd, POLLIN, 0}, {ofd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno != EINTR)
        rc = error_sys(err, errno, "poll");
      continue;
    }
    if (fds[1].revents) {
      int r = 0;
      while (rc == 0 && (r = cgroups_oom_check(st, ofd)) == 1)
        if (oom_event(st, sink, arg) < 0)
          rc = error_sys(err, errno, "write event");
      done = r < 0;
    }
    if (rc == 0 && !done && (fds[0].revents & POLLIN)) {
      uint64_t ticks;
      if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
        rc = error_sys(err, errno, "read timerfd");
      else
        rc = emit_stats(st, sink, arg, err);
    }
  }
  cgroups_oom_close(ofd);
  return rc;
}

int container_events(const struct runtime_opts *rt, const char *id, bool stats_only,
                     uint64_t interval_ms, event_sink sink, void *arg, struct error **err) {
  autoloaded l;
  if (load(rt, id, false, &l, err) < 0)
    return -1;
  if (l.status == STATUS_STOPPED || l.status == STATUS_CREATING)
    return error_set(err, EINVAL, "container with id %s is not running", id);
  if (stats_only)
    return emit_stats(&l.st, sink, arg, err);
  if (interval_ms == 0)
    return error_set(err, EINVAL, "duration interval must be greater than 0");
  return event_loop(&l.st, interval_ms, sink, arg, err);
}

int container_pids(const struct runtime_opts *rt, const char *id, pid_t **pids, size_t *n,
                   struct error **err) {
  autoloaded l;
  if (load(rt, id, false, &l, err) < 0)
    return -1;
  return cgroups_pids(&l.st, pids, n, err);
}

int container_exists(const struct runtime_opts *rt, const char *id, struct error **err) {
  autoloaded l;
  return load(rt, id, false, &l, err);
}
