/* error.h - the one error type of vessel.
 *
 * Functions that can fail return 0 on success and -1 on failure, and fill
 * `struct error **err` with what failed and why.  An error carries errno,
 * a human readable message, the stage of the lifecycle (config, cgroup,
 * mount, exec, hook, ...) and the path or object involved.  Errors are
 * wrapped with context on the way up: "create container: mount ...: ...".
 */
#ifndef VESSEL_ERROR_H
#define VESSEL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

struct error {
  int errnum;       /* errno, or 0 when the error is not a system error */
  char *msg;        /* the full message, context included */
  char *stage;      /* config, state, cgroup, mount, exec, hook, ... or NULL */
  char *object;     /* path or object involved, or NULL */
};

/* Set *err to a new error; the message is the formatted text.  Returns -1.
 * If *err is already set, the old error is kept (first error wins). */
__attribute__((format(printf, 3, 4)))
int error_set(struct error **err, int errnum, const char *fmt, ...);

/* strerror() in lower case, as Go prints errno texts. */
const char *errno_text(int errnum);

/* Like error_set, with ": <errno_text(errnum)>" appended. */
__attribute__((format(printf, 3, 4)))
int error_sys(struct error **err, int errnum, const char *fmt, ...);

/* Prefix the message of *err with "<context>: ".  Returns -1. */
__attribute__((format(printf, 2, 3)))
int error_wrap(struct error **err, const char *fmt, ...);

/* Record the stage and the object (path) of *err, if not set yet.  Return -1. */
int error_stage(struct error **err, const char *stage);
int error_object(struct error **err, const char *object);

/* Build an error from parts (used when an error crosses a process boundary). */
struct error *error_new(int errnum, const char *stage, const char *object,
                        const char *msg);

void error_free(struct error *e);
void error_freep(struct error **e);
#define autoerror __attribute__((cleanup(error_freep))) struct error *

#endif
