/* cgroups.c - the container's cgroups: create (validate, make the
 * directories, record them, apply the resources), update, enter.
 *
 * Every hierarchy is walked from its mount point by directory fd: each
 * component is made with mkdirat and opened with O_NOFOLLOW, and the
 * resources are written under the handle of the container's directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../log.h"
#include "../syscalls.h"
#include "../utils.h"
#include "internal.h"

void cgroups_features(struct cgroup_features *f) {
  f->v1 = true;
  f->v2 = true;
  f->systemd = false;
  f->systemd_user = false;
  f->rdma = true;
}

static bool perm_error(int e) { return e == EACCES || e == EPERM || e == EROFS; }

/* The effective cpus / mems of the existing directory fd, for the subset
 * check before anything below it is made. */
static int check_cpuset_parent(int fd, const char *dir, bool v2, const struct resources_cfg *r,
                               struct error **err) {
  if (r == NULL || ((!r->cpu_cpus || !*r->cpu_cpus) && (!r->cpu_mems || !*r->cpu_mems)))
    return 0;
  const char *cf = v2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus";
  const char *mf = v2 ? "cpuset.mems.effective" : "cpuset.effective_mems";
  autofree char *cpus = NULL, *mems = NULL;
  if (cg_read_opt(fd, dir, cf, &cpus, err) < 0 || cg_read_opt(fd, dir, mf, &mems, err) < 0)
    return -1;
  if (cg_cpuset_check("linux.resources.cpu.cpus", r->cpu_cpus, cpus, false, err) < 0 ||
      cg_cpuset_check("linux.resources.cpu.mems", r->cpu_mems, mems, true, err) < 0)
    return -1;
  return 0;
}

struct walk {
  const struct cg_host *host;
  const struct cgroup_config *cfg;
  const char *ctrls;
  bool v2, cpuset;
};

/* Walk from the mount point of a hierarchy to leaf, making what is missing
 * (each directory recorded as created as soon as it is made, parents
 * first).  Returns the leaf's fd; *made says whether the leaf was made. */
static int walk_create(const struct walk *w, const char *mount, const char *leaf,
                       struct container_state *st, bool *made, struct error **err) {
  int fd = cg_open_dir(mount, true, err); /* checked by the host probe */
  if (fd < 0)
    return -1;
  autofree char *cur = xstrdup(mount);
  const char *p = leaf + strlen(mount);
  bool checked = false;
  *made = false;
  while (*p == '/')
    p++;
  while (*p) {
    size_t len = strcspn(p, "/");
    autofree char *name = xstrndup(p, len);
    p += len;
    while (*p == '/')
      p++;
    if (w->v2 && cg_v2_enable_controllers(fd, cur, err) < 0)
      goto fail;
    if ((w->v2 || w->cpuset) && !checked && !cg_exists(fd, name)) {
      checked = true;
      if (check_cpuset_parent(fd, cur, w->v2, w->cfg->resources, err) < 0)
        goto fail;
    }
    autofree char *next = xasprintf("%s/%s", cur, name);
    /* The journal survives a vessel killed before the state is written:
     * delete --force removes what it lists. The line goes in before the
     * mkdir, so no kill leaves a directory it does not name; one that
     * turned out to exist already is struck out again with a '!' line. */
    bool journaled = false;
    if (w->cfg->journal_fd > 2 && !cg_exists(fd, name)) {
      autofree char *line = xasprintf("%s\t%s\n", w->ctrls, next);
      journaled = write(w->cfg->journal_fd, line, strlen(line)) == (ssize_t)strlen(line);
    }
    int r = cg_mkdirat(fd, cur, name, err);
    if (journaled && r != 1) {
      autofree char *line = xasprintf("!%s\t%s\n", w->ctrls, next);
      (void)!write(w->cfg->journal_fd, line, strlen(line));
    }
    if (r < 0)
      goto fail;
    /* Recorded as soon as it exists, so that a failure below removes it. */
    if (r == 1)
      cg_state_add(st, w->ctrls, next, true);
    *made = r == 1;
    int nfd = cg_openat_dir(fd, cur, name, err);
    if (nfd < 0)
      goto fail;
    bool last = *p == '\0';
    if (w->cpuset && cg_v1_cpuset_init(fd, cur, nfd, next, r == 1,
                                       last ? w->cfg->resources : NULL, err) < 0) {
      close(nfd);
      goto fail;
    }
    close(fd);
    fd = nfd;
    free(cur);
    cur = steal_ptr(next);
  }
  return fd;
fail:
  close(fd);
  return -1;
}

static const char *v2_needed[] = {"memory", "cpu", "cpuset", "pids", "io", "hugetlb", "rdma"};

static bool v2_needs(const struct resources_cfg *r, const char *c) {
  if (r == NULL)
    return false;
  for (size_t i = 0; i < r->n_unified; i++)
    if (strncmp(r->unified_keys[i], c, strlen(c)) == 0 && r->unified_keys[i][strlen(c)] == '.')
      return true;
  if (strcmp(c, "memory") == 0)
    return (r->has_mem_limit && r->mem_limit) || (r->has_mem_swap && r->mem_swap) ||
           (r->has_mem_reservation && r->mem_reservation);
  if (strcmp(c, "cpu") == 0)
    return (r->has_cpu_shares && r->cpu_shares) || (r->has_cpu_quota && r->cpu_quota) ||
           (r->has_cpu_period && r->cpu_period) || r->has_cpu_idle || r->has_cpu_burst;
  if (strcmp(c, "cpuset") == 0)
    return (r->cpu_cpus && *r->cpu_cpus) || (r->cpu_mems && *r->cpu_mems);
  if (strcmp(c, "pids") == 0)
    return r->has_pids_limit && r->pids_limit;
  if (strcmp(c, "io") == 0)
    return (r->has_blkio_weight && r->blkio_weight) || r->n_weight_devices || r->n_throttle[0] ||
           r->n_throttle[1] || r->n_throttle[2] || r->n_throttle[3];
  if (strcmp(c, "hugetlb") == 0)
    return r->n_hugepages > 0;
  return strcmp(c, "rdma") == 0 && r->n_rdma > 0;
}

/* After the walk every controller a resource needs must be enabled for the
 * container's cgroup (an ancestor with processes in it cannot delegate). */
static int v2_check_enabled(int fd, const char *dir, const struct resources_cfg *r,
                            struct error **err) {
  autofree char *have = NULL;
  int rc = cg_read_opt(fd, dir, "cgroup.controllers", &have, err);
  if (rc != 0)
    return rc < 0 ? -1 : 0; /* only a test tree lacks it */
  for (size_t i = 0; i < ARRAY_SIZE(v2_needed); i++) {
    const char *c = v2_needed[i];
    size_t n = strlen(c);
    bool on = false;
    for (const char *p = have; (p = strstr(p, c)) != NULL; p++)
      if ((p == have || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
        on = true;
    if (!on && v2_needs(r, c))
      return error_set(err, ENOENT, "the %s controller is not enabled for \"%s\" (not in its "
                       "parent's cgroup.subtree_control)", c, dir);
  }
  return 0;
}

static int create_one(const struct cg_host *host, const struct cgroup_config *cfg,
                      const struct cg_hier *h, const char *inner, struct container_state *st,
                      struct error **err) {
  bool v2 = host->mode == CGROUP_MODE_V2, unified = *h->controllers == '\0';
  struct walk w = {host, cfg, h->controllers, v2, cg_list_has(h->controllers, "cpuset")};
  autofree char *leaf = cg_leaf_path(host, h, inner);
  bool made = false;
  struct error *e = NULL;
  autoclose int fd = walk_create(&w, h->mount, leaf, st, &made, &e);
  if (fd < 0) {
    /* On a hybrid host no controller lives in the unified hierarchy:
     * joining it is best effort, as are the cgroups of a rootless run. */
    if ((unified && !v2) || (cfg->rootless && perm_error(e->errnum))) {
      log_debug("cgroup not used: %s", e->msg);
      error_free(e);
      return 0;
    }
    return cg_error_move(err, e);
  }
  if (!made)
    cg_state_add(st, h->controllers, leaf, false);
  cg_dir_cache_put(leaf, fd);
  struct cg_apply_ctx c = {cfg->resources, cfg->resources, true, made, cfg->rootless};
  if (v2) {
    if (v2_check_enabled(fd, leaf, cfg->resources, err) < 0)
      return -1;
    return cg_v2_apply(fd, leaf, &c, err);
  }
  if (unified)
    return 0;
  return cg_v1_apply_one(h->controllers, fd, leaf, &c, err);
}

/* Undo a failed create: nothing has joined yet, so plain rmdir, last first. */
static void remove_created(struct container_state *st) {
  cg_dir_cache_clear();
  for (size_t i = st->n_cgroups; i-- > 0;)
    if (st->cgroups[i].created && cg_rmdir(st->cgroups[i].path) < 0 && errno != ENOENT)
      log_warn("remove cgroup \"%s\": %s", st->cgroups[i].path, strerror(errno));
  cg_state_clear(st);
}

static int resolve_inner(const struct cgroup_config *cfg, char **inner, struct error **err) {
  const char *p = cfg->cgroups_path;
  if (p == NULL || *p == '\0') {
    *inner = xstrdup(cfg->id);
    return 0;
  }
  *inner = cg_clean_path(p);
  if (**inner == '\0' || strcmp(*inner, "/") == 0) {
    free(*inner);
    *inner = NULL;
    return error_set(err, EINVAL, "linux.cgroupsPath \"%s\": names the cgroup root, not a cgroup "
                     "of the container", p);
  }
  return 0;
}

int cgroups_create(const struct cgroup_config *cfg, struct container_state *st,
                   struct error **err) {
  if (cfg->systemd)
    return error_set(err, ENOTSUP, "--systemd-cgroup: the systemd cgroup driver is not supported "
                     "by vessel; run without --systemd-cgroup to use the cgroupfs driver");
  const struct cg_host *host = cg_host_get(cfg->root, err);
  if (host == NULL)
    return error_stage(err, "cgroup");
  if (host->mode == CGROUP_MODE_NONE) {
    if (cfg->rootless)
      return 0;
    error_set(err, ENOENT, "no cgroup filesystem found under \"%s\"", host->root);
    return error_stage(err, "cgroup");
  }
  autofree char *inner = NULL;
  if (resolve_inner(cfg, &inner, err) < 0 || cg_validate(host, cfg->resources, NULL, err) < 0 ||
      (!host->fake && cg_refuse_frozen(host, inner, err) < 0))
    return error_stage(err, "cgroup");
  if (host->mode != CGROUP_MODE_V2 && !cfg->rootless && !cg_host_has(host, "devices")) {
    error_set(err, ENOENT, "the devices cgroup controller is not available: refusing to run a "
                           "container without device restrictions");
    return error_stage(err, "cgroup");
  }
  cg_state_clear(st);
  free(st->cgroups_path);
  st->cgroups_path = xstrdup(inner);
  st->cgroup_mode = host->mode;
  for (size_t i = 0; i < host->n; i++) {
    if (create_one(host, cfg, &host->h[i], inner, st, err) < 0) {
      remove_created(st);
      return error_stage(err, "cgroup");
    }
  }
  return 0;
}

/* The entries that are a hierarchy's container directory (not a parent). */
static bool is_leaf(const struct container_state *st, size_t i) {
  const char *c = st->cgroups[i].controller ? st->cgroups[i].controller : "";
  for (size_t j = i + 1; j < st->n_cgroups; j++)
    if (strcmp(st->cgroups[j].controller ? st->cgroups[j].controller : "", c) == 0)
      return false;
  return true;
}

int cgroups_update(const struct container_state *st, const struct resources_cfg *r,
                   const struct resources_cfg *eff, struct error **err) {
  const struct cg_host *host = cg_host_get(NULL, err);
  if (host == NULL)
    return -1;
  if (cg_validate(host, r, eff, err) < 0)
    return -1;
  bool fake = cg_state_fake(st);
  for (size_t i = 0; i < st->n_cgroups; i++) {
    const struct cgroup_dir *d = &st->cgroups[i];
    if (!is_leaf(st, i) || (st->cgroup_mode != CGROUP_MODE_V2 && *d->controller == '\0'))
      continue;
    autoclose int fd = cg_open_dir(d->path, fake, err);
    if (fd < 0)
      return -1;
    struct cg_apply_ctx c = {r, eff ? eff : r, false, false, st->rootless};
    int rc = st->cgroup_mode == CGROUP_MODE_V2 ? cg_v2_apply(fd, d->path, &c, err)
                                                : cg_v1_apply_one(d->controller, fd, d->path, &c, err);
    if (rc < 0)
      return -1;
  }
  return 0;
}

int cgroups_apply(const struct container_state *st, const struct resources_cfg *r,
                  struct error **err) {
  return cgroups_update(st, r, r, err);
}

/* One "[controllers:]path" spec of exec --cgroup. */
/* Every controller named in "cpu,memory:" is one the container has. */
static int check_controllers(const struct container_state *st, const char *only, struct error **err) {
  autofree char *copy = xstrdup(only);
  char *save = NULL;
  for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
    bool found = false;
    for (size_t i = 0; i < st->n_cgroups && !found; i++)
      found = cg_list_has(st->cgroups[i].controller, c);
    if (!found)
      return error_set(err, EINVAL, "unknown controller %s in --cgroup", c);
  }
  return 0;
}

static int enter_spec(const struct container_state *st, const char *spec, char **only,
                      char **sub, struct error **err) {
  const char *colon = strchr(spec, ':');
  *only = colon ? xstrndup(spec, (size_t)(colon - spec)) : NULL;
  const char *path = colon ? colon + 1 : spec;
  /* As runc: a sub-cgroup path stays below the container's cgroup. */
  for (const char *p = path; *p;) {
    const char *e = strchr(p, '/');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == 2 && p[0] == '.' && p[1] == '.')
      return error_set(err, EINVAL, "%s is not a sub cgroup path", path);
    p += l;
    while (*p == '/')
      p++;
  }
  if (*only && st->cgroup_mode != CGROUP_MODE_V2 && check_controllers(st, *only, err) < 0)
    return -1;
  *sub = cg_clean_path(path);
  if ((*sub)[0] == '/') {
    char *rel = xstrdup(*sub + 1);
    free(*sub);
    *sub = rel;
  }
  if (*only && st->cgroup_mode == CGROUP_MODE_V2)
    return error_set(err, EINVAL, "--cgroup \"%s\": cgroup v2 has no per-controller cgroups", spec);
  return 0;
}

static int enter_one(const struct cgroup_dir *d, bool fake, pid_t pid, const char *sub,
                     struct error **err) {
  autoclose int fd = cg_open_dir(d->path, fake, err);
  if (fd < 0)
    return -1;
  autofree char *path = sub && *sub ? xasprintf("%s/%s", d->path, sub) : xstrdup(d->path);
  autoclose int sfd = sub && *sub ? -1 : dup(fd);
  if (sub && *sub) {
    struct open_how how = {.flags = O_DIRECTORY | O_RDONLY | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
    sfd = (int)sys_openat2(fd, sub, &how, sizeof(how));
    if (sfd < 0)
      return error_sys(err, errno, "join cgroup \"%s\"", path);
  }
  return cg_writef(sfd, path, "cgroup.procs", err, "%d", pid);
}

int cgroups_enter_subs(const struct container_state *st, pid_t pid, char *const *specs,
                       struct error **err) {
  bool fake = cg_state_fake(st);
  for (size_t i = 0; i < st->n_cgroups; i++) {
    const struct cgroup_dir *d = &st->cgroups[i];
    if (!is_leaf(st, i))
      continue;
    autofree char *sub = NULL;
    for (size_t k = 0; specs && specs[k]; k++) {
      autofree char *only = NULL, *s = NULL;
      if (enter_spec(st, specs[k], &only, &s, err) < 0)
        return -1;
      if (only == NULL || cg_list_has(only, *d->controller ? d->controller : "unified")) {
        free(sub);
        sub = steal_ptr(s);
      }
    }
    struct error *e = NULL;
    if (enter_one(d, fake, pid, sub, &e) == 0)
      continue;
    if (st->cgroup_mode != CGROUP_MODE_V2 && *d->controller == '\0') {
      log_debug("join the unified hierarchy: %s", e->msg);
      error_free(e);
      continue;
    }
    cg_error_move(err, e);
    return error_stage(err, "cgroup");
  }
  return 0;
}

int cgroups_enter(const struct container_state *st, pid_t pid, const char *sub,
                  struct error **err) {
  char *specs[2] = {(char *)sub, NULL};
  return cgroups_enter_subs(st, pid, sub && *sub ? specs : NULL, err);
}

int cgroups_v2_dirfd(const struct container_state *st) {
  if (st->cgroup_mode != CGROUP_MODE_V2 || st->n_cgroups == 0)
    return -1;
  return cg_dir_open(st, "", NULL, NULL);
}
