/* utils.h - small helpers shared by every file: cleanup attributes for memory
 * and file descriptors, checked allocation, string vectors, full reads and
 * writes that retry on EINTR. */
#ifndef VESSEL_UTILS_H
#define VESSEL_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

void freep(void *p);
void closep(int *fd);
void strvfreep(char ***v);

#define autofree __attribute__((cleanup(freep)))
#define autoclose __attribute__((cleanup(closep)))
#define autostrv __attribute__((cleanup(strvfreep))) char **

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Return the value and leave the variable empty (ownership transfer). */
#define steal_ptr(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define steal_fd(fd) ({ int _t = (fd); (fd) = -1; _t; })

/* Allocation that cannot fail: vessel is a short-lived process, running out of
 * memory aborts with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

size_t strv_len(char *const *v);
void strv_free(char **v);
char **strv_dup(char *const *v);
/* Append a copy of s; the vector stays NULL terminated. */
void strv_push(char ***v, size_t *n, const char *s);

/* s safe to print on one line: control characters and DEL escaped as Go
 * escapes them (\n, \t, \x01); with quote, also wrapped in double quotes
 * with '"' and '\\' escaped, as Go's %q prints a caller's string. */
char *str_escape(const char *s, bool quote);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);

/* Read/write the whole buffer, retrying short transfers and EINTR. */
ssize_t read_all(int fd, void *buf, size_t n);
ssize_t write_all(int fd, const void *buf, size_t n);

/* Read a whole file (at most max bytes) into a NUL terminated buffer. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len,
                 size_t max, struct error **err);
/* Read a whole fd from its current offset. */
int read_fd(int fd, char **out, size_t *len, size_t max, struct error **err);

/* Parse numbers strictly: the whole string must be a number. */
int parse_u64(const char *s, uint64_t *out);
int parse_i64(const char *s, int64_t *out);

/* Current time as RFC3339 with nanoseconds in UTC: 2006-01-02T15:04:05.999999999Z */
char *rfc3339_now(bool nanoseconds);

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
int64_t now_ms(void);

/* Close every fd >= from except those listed (sorted or not). */
int close_fds_from(int from, const int *keep, size_t nkeep);

#endif
