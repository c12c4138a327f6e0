/* utils.c - small helpers shared by every file. */
#define _GNU_SOURCE
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void freep(void *p) { free(*(void **)p); }

void closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
  *fd = -1;
}

void strvfreep(char ***v) {
  strv_free(*v);
  *v = NULL;
}

static void oom(void) {
  static const char msg[] = "vessel: out of memory\n";
  (void)!write(2, msg, sizeof(msg) - 1);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL)
    oom();
  return p;
}

void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (p == NULL)
    oom();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL)
    oom();
  return p;
}

char *xstrdup(const char *s) {
  if (s == NULL)
    return NULL;
  char *p = strdup(s);
  if (p == NULL)
    oom();
  return p;
}

char *xstrndup(const char *s, size_t n) {
  char *p = strndup(s, n);
  if (p == NULL)
    oom();
  return p;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  char *s;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0)
    oom();
  return s;
}

size_t strv_len(char *const *v) {
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void strv_free(char **v) {
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

char **strv_dup(char *const *v) {
  size_t n = strv_len(v);
  char **r = xcalloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    r[i] = xstrdup(v[i]);
  return r;
}

void strv_push(char ***v, size_t *n, const char *s) {
  *v = xrealloc(*v, (*n + 2) * sizeof(char *));
  (*v)[(*n)++] = xstrdup(s);
  (*v)[*n] = NULL;
}

bool str_has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *str_escape(const char *s, bool quote) {
  size_t n = strlen(s);
  char *out = xmalloc(4 * n + 3), *o = out;
  if (quote)
    *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p >= 0x07 && *p <= 0x0d) {
      *o++ = '\\';
      *o++ = "abtnvfr"[*p - 0x07];
    } else if (*p < 0x20 || *p == 0x7f) {
      o += sprintf(o, "\\x%02x", *p);
    } else if (quote && (*p == '"' || *p == '\\')) {
      *o++ = '\\';
      *o++ = (char)*p;
    } else {
      *o++ = (char)*p;
    }
  }
  if (quote)
    *o++ = '"';
  *o = '\0';
  return out;
}

bool str_has_suffix(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

ssize_t read_all(int fd, void *buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = read(fd, (char *)buf + done, n - done);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    if (r == 0)
      break;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

ssize_t write_all(int fd, const void *buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = write(fd, (const char *)buf + done, n - done);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    done += (size_t)r;
  }
  return (ssize_t)done;
}

int read_fd(int fd, char **out, size_t *len, size_t max, struct error **err) {
  size_t cap = max < 4096 ? max : 4096, n = 0;
  char *buf = xmalloc(cap + 1);
  for (;;) {
    if (n == cap && cap < max) {
      cap = cap > max / 2 ? max : cap * 2;
      buf = xrealloc(buf, cap + 1);
    }
    /* Full at max: one more byte (into the room kept for the NUL) tells a
     * file of exactly max bytes from a larger one. */
    ssize_t r = read(fd, buf + n, n < cap ? cap - n : 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      return error_sys(err, e, "read");
    }
    if (r == 0)
      break;
    if (n == cap) {
      free(buf);
      return error_set(err, EFBIG, "file larger than %zu bytes", max);
    }
    n += (size_t)r;
  }
  buf[n] = '\0';
  *out = buf;
  if (len)
    *len = n;
  return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len,
                 size_t max, struct error **err) {
  autoclose int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return error_sys(err, errno, "open \"%s\"", path);
  if (read_fd(fd, out, len, max, err) < 0)
    return error_wrap(err, "\"%s\"", path);
  return 0;
}

int parse_u64(const char *s, uint64_t *out) {
  if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
    return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

int parse_i64(const char *s, int64_t *out) {
  if (s == NULL || *s == '\0' || *s == ' ')
    return -1;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (errno || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

char *rfc3339_now(bool nanoseconds) {
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  if (nanoseconds)
    snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
  else
    snprintf(buf + n, sizeof(buf) - n, "Z");
  return xstrdup(buf);
}

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int close_fds_from(int from, const int *keep, size_t nkeep) {
  int sorted[64];
  if (nkeep > ARRAY_SIZE(sorted))
    return -1;
  if (nkeep)
    memcpy(sorted, keep, nkeep * sizeof(int));
  qsort(sorted, nkeep, sizeof(int), cmp_int);
  unsigned int lo = (unsigned int)from;
  for (size_t i = 0; i <= nkeep; i++) {
    unsigned int hi = i < nkeep ? (unsigned int)sorted[i] : ~0U;
    if (i < nkeep && sorted[i] < from)
      continue;
    if (hi > lo && syscall(SYS_close_range, lo, hi - 1, 0) < 0)
      return -1;
    if (i < nkeep)
      lo = hi + 1;
  }
  return 0;
}

int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
