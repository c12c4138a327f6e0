/* dirs.c - the container's cgroup directories as its state records them.
 *
 * st->cgroups lists, per hierarchy, the parents vessel had to make (in
 * creation order) and then the container's own directory, so the last entry
 * of a hierarchy is the container's cgroup and removal goes last to first. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../utils.h"
#include "internal.h"

static int check_under_root(const char *path, struct error **err);

/* Entries whose path is not under the cgroup root are never used. */
const struct cgroup_dir *cg_dir_for(const struct container_state *st, const char *ctrl) {
  for (size_t i = st->n_cgroups; i-- > 0;) {
    const struct cgroup_dir *d = &st->cgroups[i];
    const char *c = d->controller ? d->controller : "";
    bool match = st->cgroup_mode == CGROUP_MODE_V2 ||
                 (*ctrl == '\0' ? *c == '\0' : cg_list_has(c, ctrl));
    if (match && d->path && check_under_root(d->path, NULL) == 0)
      return d;
  }
  return NULL;
}

bool cg_path_ok(const char *path) { return check_under_root(path, NULL) == 0; }

bool cg_state_fake(const struct container_state *st) {
  const struct cg_host *h = cg_host_get(NULL, NULL);
  if (h == NULL || !h->fake || st->n_cgroups == 0)
    return false;
  return str_has_prefix(st->cgroups[0].path, h->root);
}

/* A recorded path must lie under the cgroup root: state.json is data, and
 * a path elsewhere must never be written to. */
static int check_under_root(const char *path, struct error **err) {
  const char *root = cgroups_root();
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/')
    n--;
  if (strncmp(path, root, n) != 0 || path[n] != '/' || strstr(path, "/../") ||
      str_has_suffix(path, "/.."))
    return error_set(err, EINVAL, "cgroup path \"%s\" is not under \"%.*s\"", path, (int)n, root);
  return 0;
}

int cg_dir_open(const struct container_state *st, const char *ctrl, const char **path,
                struct error **err) {
  const struct cgroup_dir *d = cg_dir_for(st, ctrl);
  if (d == NULL)
    return error_set(err, ENOENT, "container \"%s\" has no %s cgroup", st->id ? st->id : "",
                     *ctrl ? ctrl : "unified");
  if (check_under_root(d->path, err) < 0)
    return -1;
  if (path)
    *path = d->path;
  return cg_open_dir(d->path, cg_state_fake(st), err);
}

void cg_state_add(struct container_state *st, const char *ctrl, const char *path, bool created) {
  st->cgroups = xrealloc(st->cgroups, (st->n_cgroups + 1) * sizeof(*st->cgroups));
  struct cgroup_dir *d = &st->cgroups[st->n_cgroups++];
  d->controller = xstrdup(ctrl);
  d->path = xstrdup(path);
  d->created = created;
}

void cg_state_clear(struct container_state *st) {
  for (size_t i = 0; i < st->n_cgroups; i++) {
    free(st->cgroups[i].controller);
    free(st->cgroups[i].path);
  }
  free(st->cgroups);
  st->cgroups = NULL;
  st->n_cgroups = 0;
}
