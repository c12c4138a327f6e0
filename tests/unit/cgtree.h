/* cgtree.h - a fake cgroup tree for the cgroup unit tests: files under
 * `root` (a temporary directory that VESSEL_CGROUP_ROOT points at), made,
 * written and read by relative path. */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "unit.h"

#include "../../libcontainer/cgroups/cgroups.h"
#include "../../libcontainer/config.h"
#include "../../libcontainer/error.h"
#include "../../libcontainer/json.h"
#include "../../libcontainer/state.h"
#include "../../libcontainer/utils.h"

static char *root; /* the tree */

static inline char *at(const char *rel) { return xasprintf("%s/%s", root, rel); }

static inline void mkd(const char *rel) {
  char *p = at(rel);
  char *cmd = xasprintf("mkdir -p '%s'", p);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(p);
}

static inline void put(const char *rel, const char *content) {
  char *p = at(rel);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(content, f);
  fclose(f);
  free(p);
}

static inline char *get(const char *rel) {
  char *p = at(rel), *out = NULL;
  size_t len;
  struct error *err = NULL;
  if (read_file_at(AT_FDCWD, p, &out, &len, 1 << 20, &err) < 0) {
    error_free(err);
    out = NULL;
  }
  free(p);
  return out;
}

static inline void expect_file(const char *rel, const char *content) {
  char *got = get(rel);
  if (got == NULL)
    fail_msg("%s: missing", rel);
  assert_string_equal(got, content);
  free(got);
}

static inline bool exists(const char *rel) {
  char *p = at(rel);
  struct stat sb;
  bool r = lstat(p, &sb) == 0;
  free(p);
  return r;
}

static inline int teardown(void **state) {
  (void)state;
  unit_rmrf(root);
  free(root);
  root = NULL;
  return 0;
}

/* linux.resources from JSON; the test fails if it does not parse. */
static inline void res_parse(const char *json, struct resources_cfg *r) {
  yajl_val v;
  struct error *err = NULL;
  memset(r, 0, sizeof(*r));
  assert_int_equal(json_parse(json, strlen(json), &v, &err), 0);
  if (config_parse_resources(v, "linux.resources", r, &err) < 0)
    fail_msg("%s", err->msg);
  yajl_tree_free(v);
}

/* cgroups_create for a container "ctr" at cgroupsPath PATH in the tree,
 * with the resources in JSON (or none). */
static inline int tree_create(const char *path, const char *json, bool rootless,
                              struct container_state *st, struct error **err) {
  struct resources_cfg r;
  if (json)
    res_parse(json, &r);
  memset(st, 0, sizeof(*st));
  st->id = xstrdup("ctr");
  struct cgroup_config cfg = {.root = root, .id = "ctr", .cgroups_path = path,
                              .rootless = rootless, .resources = json ? &r : NULL};
  int rc = cgroups_create(&cfg, st, err);
  if (json)
    resources_cfg_free(&r);
  return rc;
}
