/* log.c - text / JSON-lines logging. */
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "utils.h"

static struct {
  int fd;
  enum log_format format;
  bool debug;
  bool to_file;
} logger = {2, LOG_TEXT, false, false};

static const char *level_names[] = {"error", "warning", "info", "debug"};

int log_init(const char *path, enum log_format format, bool debug,
             struct error **err) {
  logger.format = format;
  logger.debug = debug;
  if (path == NULL || *path == '\0' || strcmp(path, "/dev/stderr") == 0) {
    logger.fd = 2;
    logger.to_file = false;
    return 0;
  }
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    return error_sys(err, errno, "open log file \"%s\"", path);
  /* Far from fds 3.. that a caller may want passed to the container
   * (--preserve-fds, LISTEN_FDS). */
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 1000);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  logger.fd = fd;
  logger.to_file = true;
  return 0;
}

int log_fd(void) { return logger.fd; }
bool log_to_file(void) { return logger.to_file; }
enum log_format log_get_format(void) { return logger.format; }
bool log_debug_enabled(void) { return logger.debug; }

void log_set_fd(int fd, enum log_format format, bool debug, bool to_file) {
  logger.fd = fd;
  logger.format = format;
  logger.debug = debug;
  logger.to_file = to_file;
}

/* logrus-style quoting for text lines written to a file. */
static void append_quoted(char **buf, size_t *len, size_t *cap, const char *s) {
  for (const char *p = s;; p++) {
    if (*len + 8 > *cap) {
      *cap = *cap * 2 + 16;
      *buf = xrealloc(*buf, *cap);
    }
    if (*p == '\0')
      break;
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\') {
      (*buf)[(*len)++] = '\\';
      (*buf)[(*len)++] = (char)c;
    } else if (c == '\n') {
      (*buf)[(*len)++] = '\\';
      (*buf)[(*len)++] = 'n';
    } else if (c < 0x20) {
      *len += (size_t)snprintf(*buf + *len, 8, "\\x%02x", c);
    } else {
      (*buf)[(*len)++] = (char)c;
    }
  }
  (*buf)[*len] = '\0';
}

char *log_format_line(enum log_format format, enum log_level l, const char *msg,
                      const struct error *e, bool for_file) {
  autofree char *now = rfc3339_now(false);
  if (format == LOG_JSON) {
    struct jgen *g = jgen_new(false);
    jgen_map_open(g);
    jgen_kv_str(g, "level", level_names[l]);
    jgen_kv_str(g, "msg", msg);
    jgen_kv_str(g, "time", now);
    if (e) {
      if (e->stage)
        jgen_kv_str(g, "stage", e->stage);
      if (e->errnum)
        jgen_kv_int(g, "errno", e->errnum);
      if (e->object)
        jgen_kv_str(g, "path", e->object);
    }
    jgen_map_close(g);
    char *line = jgen_finish(g, true);
    return line;
  }
  if (!for_file) {
    /* One line whatever the message holds (a caller's id, a path from
     * config.json): control characters are escaped. */
    autofree char *m = str_escape(msg, false);
    if (l == LOG_ERROR)
      return xasprintf("vessel: %s\n", m);
    return xasprintf("vessel: %s: %s\n", level_names[l], m);
  }
  size_t cap = strlen(msg) + 64, len = 0;
  char *buf = xmalloc(cap);
  len = (size_t)snprintf(buf, cap, "time=\"%s\" level=%s msg=\"", now, level_names[l]);
  append_quoted(&buf, &len, &cap, msg);
  buf = xrealloc(buf, len + 3);
  buf[len++] = '"';
  buf[len++] = '\n';
  buf[len] = '\0';
  return buf;
}

static void emit(enum log_level l, const char *msg, const struct error *e) {
  autofree char *line = log_format_line(logger.format, l, msg, e, logger.to_file);
  int saved = errno;
  (void)!write_all(logger.fd, line, strlen(line));
  errno = saved;
}

void log_msg(enum log_level l, const char *fmt, ...) {
  if (l == LOG_DEBUG && !logger.debug)
    return;
  va_list ap;
  char *msg;
  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  if (msg == NULL)
    return;
  emit(l, msg, NULL);
  free(msg);
}

void log_fatal_error(const struct error *e) {
  const char *msg = e && e->msg ? e->msg : "unknown error";
  emit(LOG_ERROR, msg, e);
  if (logger.to_file) {
    autofree char *m = str_escape(msg, false);
    autofree char *line = xasprintf("vessel: %s\n", m);
    (void)!write_all(2, line, strlen(line));
  }
}
