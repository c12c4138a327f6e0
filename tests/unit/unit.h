/* unit.h - what every cmocka unit test includes. */
#ifndef VESSEL_UNIT_H
#define VESSEL_UNIT_H

#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../libcontainer/error.h"
#include "../../libcontainer/utils.h"

/* Assert that a call failed with an error whose message is exactly msg. */
#define assert_error_msg(err, expected)           \
  do {                                            \
    assert_non_null(err);                         \
    assert_string_equal((err)->msg, (expected));  \
    error_free(err);                              \
    (err) = NULL;                                 \
  } while (0)

/* Assert that a call succeeded; print the error message when it did not. */
#define assert_no_error(rc, err)                                         \
  do {                                                                   \
    if ((err) != NULL)                                                   \
      print_error("unexpected error: %s\n", (err)->msg);                \
    assert_null(err);                                                    \
    assert_true((rc) >= 0);                                              \
  } while (0)

/* A temporary directory removed with rm -rf at the end of a test. */
static inline char *unit_tmpdir(void) {
  char tmpl[] = "/tmp/vessel-unit-XXXXXX";
  char *d = mkdtemp(tmpl);
  return d ? xstrdup(d) : NULL;
}

static inline void unit_rmrf(const char *dir) {
  char *cmd = xasprintf("rm -rf '%s'", dir);
  if (system(cmd) != 0) {
  }
  free(cmd);
}

/* Write a whole file (mode 0644) under dir; fails the test on error. */
static inline void unit_write_file(const char *dir, const char *name, const char *text) {
  char *path = xasprintf("%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write_all(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  free(path);
}

/* Read a whole file; NULL if it cannot be read. */
static inline char *unit_read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char *buf = NULL;
  size_t n = 0;
  int r = read_fd(fd, &buf, &n, 64 << 20, NULL);
  close(fd);
  if (r < 0)
    return NULL;
  if (len)
    *len = n;
  return buf;
}

/* The directory of test data (tests/unit/corpus): $VESSEL_UNIT_CORPUS, else
 * next to this source file (builds run from the top of the tree), else found
 * from the test binary's place in <top>/<build>/tests/. */
static inline char *unit_corpus_dir(void) {
  const char *env = getenv("VESSEL_UNIT_CORPUS");
  if (env && *env)
    return xstrdup(env);
  char *src = xstrdup(__FILE__);
  char *slash = strrchr(src, '/');
  char *dir = slash ? xasprintf("%.*s/corpus", (int)(slash - src), src) : xstrdup("corpus");
  free(src);
  struct stat st;
  if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
    return dir;
  free(dir);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    for (int up = 0; up < 3; up++) {
      char *s = strrchr(exe, '/');
      if (s)
        *s = '\0';
    }
    return xasprintf("%s/tests/unit/corpus", exe);
  }
  return xstrdup("tests/unit/corpus");
}

#endif
