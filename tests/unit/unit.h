/* unit.h - what every cmocka unit test includes. */
#ifndef VESSEL_UNIT_H
#define VESSEL_UNIT_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../libcontainer/error.h"
#include "../../libcontainer/utils.h"

/* Assert that a call failed with an error whose message is exactly msg. */
#define assert_error_msg(err, msg)                \
  do {                                            \
    assert_non_null(err);                         \
    assert_string_equal((err)->msg, (msg));       \
    error_free(err);                              \
    (err) = NULL;                                 \
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

#endif
