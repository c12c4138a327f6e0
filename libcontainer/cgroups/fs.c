/* fs.c - cgroup file access by directory fd.
 *
 * Files are opened relative to a directory handle with O_NOFOLLOW |
 * O_CLOEXEC, values are written with one write(2) each (cgroupfs parses one
 * value per write), and errors name the whole path and the value:
 *   write "/sys/fs/cgroup/memory/x/memory.limit_in_bytes" = "12": invalid argument */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../syscalls.h"
#include "../utils.h"
#include "internal.h"

#define CG_READ_MAX (4u << 20)

/* A test tree is not a kernel: there, writes create the file and each value
 * is appended as a line, so that a test reads back every write in order. */
static bool test_tree;

void cg_set_test_tree(bool on) { test_tree = on; }

static int wflags(int flags) {
  return test_tree && (flags & O_ACCMODE) != O_RDONLY ? flags | O_CREAT | O_APPEND : flags;
}

/* The directories cgroups_create opened stay open for the rest of the
 * command (cgroups_enter follows right after it): a dup instead of a walk. */
static struct {
  char *path;
  int fd;
} cache[20];

void cg_dir_cache_put(const char *path, int fd) {
  for (size_t i = 0; i < ARRAY_SIZE(cache); i++)
    if (cache[i].path == NULL) {
      int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
      if (d < 0)
        return;
      cache[i].path = xstrdup(path);
      cache[i].fd = d;
      return;
    }
}

void cg_dir_cache_clear(void) {
  for (size_t i = 0; i < ARRAY_SIZE(cache); i++)
    if (cache[i].path) {
      close(cache[i].fd);
      free(cache[i].path);
      cache[i].path = NULL;
    }
}

int cg_open_dir(const char *path, bool fake, struct error **err) {
  for (size_t i = 0; i < ARRAY_SIZE(cache); i++)
    if (cache[i].path && strcmp(cache[i].path, path) == 0) {
      int d = fcntl(cache[i].fd, F_DUPFD_CLOEXEC, 3);
      if (d >= 0)
        return d;
    }
  struct open_how how = {.flags = O_DIRECTORY | O_RDONLY | O_CLOEXEC,
                         .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
  int fd = (int)sys_openat2(AT_FDCWD, path, &how, sizeof(how));
  if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
    fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return error_sys(err, errno, "open \"%s\"", path);
  if (!fake) {
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0 || (sf.f_type != CGROUP_SUPER_MAGIC &&
                                 sf.f_type != CGROUP2_SUPER_MAGIC)) {
      close(fd);
      return error_set(err, EINVAL, "\"%s\" is not a cgroup directory", path);
    }
  }
  return fd;
}

int cg_openat_dir(int dirfd, const char *dir, const char *name, struct error **err) {
  int fd = openat(dirfd, name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return error_sys(err, errno, "open \"%s/%s\"", dir, name);
  return fd;
}

int cg_open_file(int dirfd, const char *dir, const char *file, int flags, struct error **err) {
  int fd = openat(dirfd, file, wflags(flags) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
  if (fd < 0)
    return error_sys(err, errno, "open \"%s/%s\"", dir, file);
  return fd;
}

int cg_write_fd(int fd, const char *dir, const char *file, const char *value, struct error **err) {
  size_t len = strlen(value);
  ssize_t n;
  do
    n = write(fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_sys(err, errno, "write \"%s/%s\" = \"%s\"", dir, file, value);
  if ((size_t)n != len)
    return error_set(err, EIO, "write \"%s/%s\" = \"%s\": short write", dir, file, value);
  if (test_tree && write(fd, "\n", 1) != 1)
    return error_sys(err, errno, "write \"%s/%s\"", dir, file);
  return 0;
}

int cg_write(int dirfd, const char *dir, const char *file, const char *value, struct error **err) {
  autoclose int fd = openat(dirfd, file, wflags(O_WRONLY) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
  if (fd < 0)
    return error_sys(err, errno, "write \"%s/%s\" = \"%s\"", dir, file, value);
  return cg_write_fd(fd, dir, file, value, err);
}

int cg_writef(int dirfd, const char *dir, const char *file, struct error **err, const char *fmt,
              ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(buf))
    return error_set(err, EINVAL, "write \"%s/%s\": value too long", dir, file);
  return cg_write(dirfd, dir, file, buf, err);
}

static void trim(char *s, size_t *len) {
  while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == ' '))
    s[--*len] = '\0';
}

int cg_read_opt(int dirfd, const char *dir, const char *file, char **out, struct error **err) {
  autoclose int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT)
      return 1;
    return error_sys(err, errno, "open \"%s/%s\"", dir, file);
  }
  size_t len = 0;
  if (read_fd(fd, out, &len, CG_READ_MAX, err) < 0)
    return error_wrap(err, "read \"%s/%s\"", dir, file);
  trim(*out, &len);
  return 0;
}

int cg_read(int dirfd, const char *dir, const char *file, char **out, struct error **err) {
  int r = cg_read_opt(dirfd, dir, file, out, err);
  if (r == 1)
    return error_sys(err, ENOENT, "open \"%s/%s\"", dir, file);
  return r;
}

int cg_read_u64(int dirfd, const char *dir, const char *file, uint64_t *out, struct error **err) {
  autofree char *s = NULL;
  if (cg_read(dirfd, dir, file, &s, err) < 0)
    return -1;
  if (strcmp(s, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  if (parse_u64(s, out) < 0)
    return error_set(err, EINVAL, "\"%s/%s\": \"%s\" is not a number", dir, file, s);
  return 0;
}

int cg_error_move(struct error **err, struct error *e) {
  if (err && *err == NULL)
    *err = e;
  else
    error_free(e);
  return -1;
}

bool cg_exists(int dirfd, const char *file) {
  struct stat sb;
  return fstatat(dirfd, file, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

int cg_keyed_u64(const char *text, const char *key, uint64_t *out) {
  size_t klen = strlen(key);
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == ' ') {
      char num[32];
      size_t vl = len - klen - 1;
      if (vl == 0 || vl >= sizeof(num))
        return -1;
      memcpy(num, p + klen + 1, vl);
      num[vl] = '\0';
      if (strcmp(num, "max") == 0) {
        *out = UINT64_MAX;
        return 0;
      }
      return parse_u64(num, out);
    }
    p = nl ? nl + 1 : NULL;
  }
  return -1;
}

int cg_mkdirat(int dirfd, const char *dir, const char *name, struct error **err) {
  if (mkdirat(dirfd, name, 0755) == 0)
    return 1;
  if (errno == EEXIST) {
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode))
      return 0;
    return error_set(err, EEXIST, "create cgroup \"%s/%s\": exists and is not a directory", dir,
                     name);
  }
  return error_sys(err, errno, "create cgroup \"%s/%s\"", dir, name);
}

static int rmdir_children(int dirfd, const char *path, int depth, struct error **err) {
  if (depth > 64)
    return error_set(err, ELOOP, "remove cgroup \"%s\": nested too deep", path);
  int dfd = dup(dirfd);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (d == NULL) {
    if (dfd >= 0)
      close(dfd);
    return error_sys(err, errno, "read cgroup \"%s\"", path);
  }
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (test_tree && de->d_type == DT_REG)
      unlinkat(dirfd, de->d_name, 0); /* cgroupfs removes its files itself */
    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    autofree char *sub = xasprintf("%s/%s", path, de->d_name);
    autoclose int fd = openat(dirfd, de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      continue;
    if (rmdir_children(fd, sub, depth + 1, err) < 0) {
      rc = -1;
      break;
    }
    if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
      rc = error_sys(err, errno, "remove cgroup \"%s\"", sub);
      break;
    }
  }
  closedir(d);
  return rc;
}

int cg_rmdir(const char *path) {
  if (test_tree) {
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d)) != NULL;)
      if (de->d_type == DT_REG)
        unlinkat(dirfd(d), de->d_name, 0);
    if (d)
      closedir(d);
  }
  return rmdir(path);
}

int cg_rmdir_tree(const char *path, struct error **err) {
  if (cg_rmdir(path) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY && errno != ENOTEMPTY && errno != EEXIST)
    return error_sys(err, errno, "remove cgroup \"%s\"", path);
  int e = errno;
  autoclose int fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return error_sys(err, e, "remove cgroup \"%s\"", path);
  if (rmdir_children(fd, path, 0, err) < 0)
    return -1;
  if (rmdir(path) < 0 && errno != ENOENT)
    return error_sys(err, errno, "remove cgroup \"%s\"", path);
  return 0;
}

static void add_pids(const char *text, pid_t **pids, size_t *n, size_t *cap) {
  for (const char *p = text; *p;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p)
      break;
    if (v > 0) {
      if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *pids = xrealloc(*pids, *cap * sizeof(pid_t));
      }
      (*pids)[(*n)++] = (pid_t)v;
    }
    p = end;
    while (*p == '\n')
      p++;
  }
}

static int procs_walk(int dirfd, const char *dir, int depth, pid_t **pids, size_t *n, size_t *cap,
                      struct error **err) {
  autofree char *text = NULL;
  int r = cg_read_opt(dirfd, dir, "cgroup.procs", &text, err);
  if (r < 0)
    return -1;
  if (r == 0)
    add_pids(text, pids, n, cap);
  if (depth > 64)
    return 0;
  int dfd = dup(dirfd);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (d == NULL) {
    if (dfd >= 0)
      close(dfd);
    return error_sys(err, errno, "read cgroup \"%s\"", dir);
  }
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    autoclose int fd = openat(dirfd, de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      continue;
    autofree char *sub = xasprintf("%s/%s", dir, de->d_name);
    rc = procs_walk(fd, sub, depth + 1, pids, n, cap, err);
  }
  closedir(d);
  return rc;
}

int cg_procs_tree(int dirfd, const char *dir, pid_t **pids, size_t *n, struct error **err) {
  size_t cap = 0;
  *pids = NULL;
  *n = 0;
  if (procs_walk(dirfd, dir, 0, pids, n, &cap, err) < 0) {
    free(*pids);
    *pids = NULL;
    *n = 0;
    return -1;
  }
  return 0;
}

int cg_v2_events_wait(int fd, const char *dir, const char *key, uint64_t want, int64_t deadline,
                      const char *what, struct error **err) {
  autoclose int ev = cg_open_file(fd, dir, "cgroup.events", O_RDONLY, err);
  if (ev < 0)
    return -1;
  for (;;) {
    char buf[256];
    ssize_t n = pread(ev, buf, sizeof(buf) - 1, 0);
    if (n < 0)
      return error_sys(err, errno, "read \"%s/cgroup.events\"", dir);
    buf[n] = '\0';
    uint64_t v;
    if (cg_keyed_u64(buf, key, &v) < 0)
      return 1;
    if (v == want)
      return 0;
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return error_set(err, ETIMEDOUT, "timed out waiting for %s", what);
    /* cgroup.events changes wake POLLPRI */
    struct pollfd p = {ev, POLLPRI, 0};
    if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
      return error_sys(err, errno, "poll \"%s/cgroup.events\"", dir);
  }
}
