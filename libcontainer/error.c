/* error.c - the one error type of vessel. */
#define _GNU_SOURCE
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xvasprintf(const char *fmt, va_list ap) {
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    return NULL;
  return s;
}

static struct error *alloc_error(int errnum, char *msg) {
  struct error *e = calloc(1, sizeof(*e));
  if (e == NULL) {
    free(msg);
    return NULL;
  }
  e->errnum = errnum;
  e->msg = msg ? msg : strdup("out of memory");
  return e;
}

int error_set(struct error **err, int errnum, const char *fmt, ...) {
  if (err == NULL || *err != NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  *err = alloc_error(errnum, msg);
  return -1;
}

const char *errno_text(int errnum) {
  static char buf[128];
  const char *s = strerror(errnum);
  snprintf(buf, sizeof(buf), "%s", s ? s : "unknown error");
  /* Lower case, as Go spells errno texts: callers match on
   * "no such file or directory" and "permission denied". */
  if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
    buf[0] = (char)(buf[0] - 'A' + 'a');
  return buf;
}

int error_sys(struct error **err, int errnum, const char *fmt, ...) {
  if (err == NULL || *err != NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *head = xvasprintf(fmt, ap);
  va_end(ap);
  char *msg = NULL;
  if (head && asprintf(&msg, "%s: %s", head, errno_text(errnum)) < 0)
    msg = NULL;
  free(head);
  *err = alloc_error(errnum, msg);
  return -1;
}

int error_wrap(struct error **err, const char *fmt, ...) {
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *ctx = xvasprintf(fmt, ap);
  va_end(ap);
  char *msg = NULL;
  if (ctx && asprintf(&msg, "%s: %s", ctx, (*err)->msg) >= 0) {
    free((*err)->msg);
    (*err)->msg = msg;
  }
  free(ctx);
  return -1;
}

int error_stage(struct error **err, const char *stage) {
  if (err && *err && (*err)->stage == NULL && stage)
    (*err)->stage = strdup(stage);
  return -1;
}

int error_object(struct error **err, const char *object) {
  if (err && *err && (*err)->object == NULL && object)
    (*err)->object = strdup(object);
  return -1;
}

struct error *error_new(int errnum, const char *stage, const char *object,
                        const char *msg) {
  struct error *e = alloc_error(errnum, strdup(msg ? msg : "unknown error"));
  if (e == NULL)
    return NULL;
  if (stage && *stage)
    e->stage = strdup(stage);
  if (object && *object)
    e->object = strdup(object);
  return e;
}

void error_free(struct error *e) {
  if (e == NULL)
    return;
  free(e->msg);
  free(e->stage);
  free(e->object);
  free(e);
}

void error_freep(struct error **e) {
  error_free(*e);
  *e = NULL;
}
