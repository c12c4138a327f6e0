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

#include "../../libcontainer/error.h"
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
