/* fsutil.c - safe path resolution inside the rootfs. */
#define _GNU_SOURCE
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "syscalls.h"
#include "utils.h"

static int resolve(int rootfd, const char *path, int flags, uint64_t extra, struct error **err) {
  struct open_how how = {
      /* openat2 refuses O_NOCTTY next to O_PATH. */
      .flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra,
  };
  if (flags & O_CREAT)
    how.mode = 0644;
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  int fd;
  do
    fd = (int)sys_openat2(rootfd, path, &how, sizeof(how));
  while (fd < 0 && errno == EAGAIN);
  if (fd < 0)
    return error_sys(err, errno, "open \"/%s\" in the container", path);
  return fd;
}

int root_open(int rootfd, const char *path, int flags, struct error **err) {
  return resolve(rootfd, path, flags, 0, err);
}

int root_open_nofollow(int rootfd, const char *path, int flags, struct error **err) {
  return resolve(rootfd, path, flags | O_NOFOLLOW, 0, err);
}

int root_parent(int rootfd, const char *path, bool create, const char **last, struct error **err) {
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  const char *slash = NULL;
  for (size_t i = 0; i < len; i++)
    if (path[i] == '/')
      slash = path + i;
  *last = slash ? slash + 1 : path;
  autofree char *parent = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
  if (create)
    return root_mkdir_p(rootfd, parent, 0755, err);
  return root_open(rootfd, parent, O_PATH | O_DIRECTORY, err);
}

/* Join a and b with one slash. */
static char *path_join(const char *a, const char *b) {
  while (*b == '/')
    b++;
  if (*a == '\0')
    return xstrdup(b);
  return xasprintf("%s/%s", a, b);
}

int root_mkdir_p(int rootfd, const char *path, mode_t mode, struct error **err) {
  /* The common case: the directory exists. */
  int fd = resolve(rootfd, path, O_PATH | O_DIRECTORY, 0, NULL);
  if (fd >= 0)
    return fd;
  if (strlen(path) >= PATH_MAX)
    return error_set(err, ENAMETOOLONG, "path \"%s\" is too long", path);
  autofree char *todo = xstrdup(path);
  int links = 0;
restart:;
  autofree char *done = xstrdup("");
  int cur = resolve(rootfd, "", O_PATH | O_DIRECTORY, 0, err);
  if (cur < 0)
    return -1;
  const char *p = todo;
  while (*p) {
    while (*p == '/')
      p++;
    if (*p == '\0')
      break;
    const char *end = strchr(p, '/');
    size_t clen = end ? (size_t)(end - p) : strlen(p);
    if (clen > NAME_MAX) {
      close(cur);
      return error_set(err, ENAMETOOLONG, "path component of \"%s\" is too long", path);
    }
    char comp[NAME_MAX + 1];
    memcpy(comp, p, clen);
    comp[clen] = '\0';
    p += clen;
    autofree char *cand = path_join(done, comp);
    int next = resolve(rootfd, cand, O_PATH | O_DIRECTORY, 0, NULL);
    if (next < 0 && errno == ENOENT) {
      struct stat st;
      if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        /* A link to a directory that does not exist yet: make its target,
         * resolved inside the rootfs like every link. */
        char target[PATH_MAX];
        ssize_t n = readlinkat(cur, comp, target, sizeof(target) - 1);
        close(cur);
        if (n < 0)
          return error_sys(err, errno, "readlink \"/%s\" in the container", cand);
        if (++links > 40)
          return error_set(err, ELOOP, "mkdir \"%s\" in the container: too many levels of symbolic links", path);
        target[n] = '\0';
        autofree char *base = target[0] == '/' ? xstrdup(target) : path_join(done, target);
        char *again = path_join(base, p);
        free(todo);
        todo = again;
        goto restart;
      }
      if (strcmp(comp, "..") != 0 && mkdirat(cur, comp, mode) < 0 && errno != EEXIST) {
        int e = errno;
        close(cur);
        return error_sys(err, e, "mkdir \"/%s\" in the container", cand);
      }
      next = resolve(rootfd, cand, O_PATH | O_DIRECTORY, 0, NULL);
    }
    if (next < 0) {
      int e = errno;
      close(cur);
      if (e == ENOTDIR)
        return error_set(err, e, "mkdir \"/%s\" in the container: not a directory", cand);
      return error_sys(err, e, "open \"/%s\" in the container", cand);
    }
    close(cur);
    cur = next;
    free(done);
    done = steal_ptr(cand);
  }
  return cur;
}

int root_dir_nosymlinks(int rootfd, const char *path, struct error **err) {
  int fd = resolve(rootfd, path, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS, NULL);
  if (fd < 0 && errno == ENOENT) {
    int made = root_mkdir_p(rootfd, path, 0755, err);
    if (made < 0)
      return -1;
    close(made);
    fd = resolve(rootfd, path, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS, NULL);
  }
  if (fd < 0) {
    int e = errno;
    if (e == ELOOP)
      return error_set(err, e, "mount destination \"%s\" must be mounted on ordinary directory, not reached through a symlink", path);
    if (e == ENOTDIR)
      return error_set(err, e, "mount destination \"%s\" is not a directory", path);
    return error_sys(err, e, "open \"%s\" in the container", path);
  }
  return fd;
}

int root_mkfile_strict(int rootfd, const char *path, mode_t mode, struct error **err) {
  const char *last;
  struct error *e = NULL;
  /* Every component must be a real directory: no symlink at all. */
  autofree char *parent = xstrndup(path, (size_t)(strrchr(path, '/') ? strrchr(path, '/') - path : 0));
  autoclose int dir = resolve(rootfd, parent, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS, &e);
  if (dir < 0) {
    *err = e;
    return error_wrap(err, "\"%s\" must be reached without symlinks", path);
  }
  last = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  int f = openat(dir, last, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
  if (f >= 0)
    close(f);
  else if (errno != EEXIST)
    return error_sys(err, errno, "create \"%s\" in the container", path);
  int fd = openat(dir, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "open \"%s\" in the container", path);
  struct stat st;
  if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
    close(fd);
    return error_set(err, EPERM, "\"%s\" in the container is not a regular file or device; refusing to mount on it", path);
  }
  return fd;
}

/* A dangling link in the last component: runc creates what it points to,
 * resolved inside the rootfs. The in-root path of the link's target. */
static char *dangling_target(int dir, const char *path, const char *last) {
  struct stat st;
  char target[PATH_MAX];
  if (fstatat(dir, last, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
    return NULL;
  ssize_t n = readlinkat(dir, last, target, sizeof(target) - 1);
  if (n <= 0)
    return NULL;
  target[n] = '\0';
  if (target[0] == '/')
    return xstrdup(target);
  autofree char *parent = xstrndup(path, (size_t)(last - path));
  return path_join(parent, target);
}

static int mkfile_links(int rootfd, const char *path, mode_t mode, int links, struct error **err) {
  int fd = resolve(rootfd, path, O_PATH, 0, NULL);
  if (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      return error_set(err, EISDIR, "\"%s\" in the container is a directory, not a file", path);
    }
    return fd;
  }
  const char *last;
  autoclose int dir = root_parent(rootfd, path, true, &last, err);
  if (dir < 0)
    return -1;
  if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
    return error_set(err, EINVAL, "\"%s\" is not a file name", path);
  int f = openat(dir, last, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
  if (f < 0 && errno != EEXIST)
    return error_sys(err, errno, "create \"%s\" in the container", path);
  if (f >= 0) {
    close(f);
  } else {
    autofree char *target = dangling_target(dir, path, last);
    if (target) {
      if (links >= 40)
        return error_set(err, ELOOP, "create \"%s\" in the container: too many levels of symbolic links", path);
      return mkfile_links(rootfd, target, mode, links + 1, err);
    }
  }
  return resolve(rootfd, path, O_PATH, 0, err);
}

int root_mkfile(int rootfd, const char *path, mode_t mode, struct error **err) {
  return mkfile_links(rootfd, path, mode, 0, err);
}

const char *fd_path(int fd, char buf[static 32]) {
  snprintf(buf, 32, "/proc/self/fd/%d", fd);
  return buf;
}

static int copy_file(int srcdir, int dstdir, const char *name, const struct stat *st,
                     struct error **err) {
  autoclose int in = openat(srcdir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0)
    return error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
  autoclose int out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                             st->st_mode & 07777);
  if (out < 0)
    return error_sys(err, errno, "tmpcopyup: create \"%s\"", name);
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return error_sys(err, errno, "tmpcopyup: read \"%s\"", name);
    if (n == 0)
      break;
    if (write_all(out, buf, (size_t)n) < 0)
      return error_sys(err, errno, "tmpcopyup: write \"%s\"", name);
  }
  if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
    return error_sys(err, errno, "tmpcopyup: set owner of \"%s\"", name);
  return 0;
}

int copy_tree(int srcfd, int dstfd, struct error **err) {
  int dfd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return error_sys(err, errno, "tmpcopyup: open source directory");
  DIR *d = fdopendir(dfd);
  if (d == NULL) {
    close(dfd);
    return error_sys(err, errno, "tmpcopyup: read source directory");
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      rc = error_sys(err, errno, "tmpcopyup: stat \"%s\"", name);
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      if (mkdirat(dstfd, name, st.st_mode & 07777) < 0 && errno != EEXIST) {
        rc = error_sys(err, errno, "tmpcopyup: mkdir \"%s\"", name);
        break;
      }
      int s = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int t = openat(dstfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s >= 0 && t >= 0)
        rc = copy_tree(s, t, err);
      else
        rc = error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
      if (s >= 0)
        close(s);
      if (t >= 0) {
        if (rc == 0 && (fchownat(t, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0))
          rc = error_sys(err, errno, "tmpcopyup: chown \"%s\"", name);
        close(t);
      }
    } else if (S_ISREG(st.st_mode)) {
      rc = copy_file(dfd, dstfd, name, &st, err);
    } else if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
      if (n < 0) {
        rc = error_sys(err, errno, "tmpcopyup: readlink \"%s\"", name);
        break;
      }
      target[n] = '\0';
      if (symlinkat(target, dstfd, name) < 0 ||
          fchownat(dstfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        rc = error_sys(err, errno, "tmpcopyup: symlink \"%s\"", name);
    } else {
      if (mknodat(dstfd, name, st.st_mode, st.st_rdev) < 0)
        rc = error_sys(err, errno, "tmpcopyup: mknod \"%s\"", name);
    }
  }
  closedir(d);
  return rc;
}
