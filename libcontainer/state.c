/* state.c - state directories, state.json, locking, status. */
#define _GNU_SOURCE
#include "state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "json.h"
#include "utils.h"

int state_validate_id(const char *id, struct error **err) {
  if (id == NULL || *id == '\0')
    return error_set(err, EINVAL, "container id cannot be empty");
  bool ok = strcmp(id, ".") != 0 && strcmp(id, "..") != 0 && strlen(id) <= 1024;
  /* runc's ^[\w+-\.]+$: the bracket holds the range '+'..'.', which has
   * ',' in it too. */
  for (const char *p = id; ok && *p; p++)
    ok = isalnum((unsigned char)*p) || strchr("_+,-.", *p);
  if (ok)
    return 0;
  /* The id is the caller's: escaped, so that it cannot forge log lines. */
  autofree char *q = str_escape(id, true);
  return error_set(err, EINVAL, "invalid container id format: %s", q);
}

static int mkdir_p(const char *path, mode_t mode) {
  char buf[4096];
  if (strlen(path) >= sizeof(buf))
    return -1;
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int state_root_open(const char *root, bool create, struct error **err) {
  int fd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd >= 0 || !create || errno != ENOENT) {
    if (fd < 0 && errno == ENOENT)
      return error_set(err, ENOENT, "root directory \"%s\" does not exist", root);
    if (fd < 0)
      return error_sys(err, errno, "open root directory \"%s\"", root);
    return fd;
  }
  if (mkdir_p(root, 0700) < 0)
    return error_sys(err, errno, "create root directory \"%s\"", root);
  fd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return error_sys(err, errno, "open root directory \"%s\"", root);
  return fd;
}

int state_dir_create(int rootfd, const char *id, struct error **err) {
  if (mkdirat(rootfd, id, 0711) < 0) {
    if (errno == EEXIST)
      return error_set(err, EEXIST, "container with id exists: %s", id);
    return error_sys(err, errno, "create state directory for \"%s\"", id);
  }
  /* mkdirat honours the umask; the mode must be exactly 0711. */
  (void)!fchmodat(rootfd, id, 0711, 0);
  int fd = openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return error_sys(err, errno, "open state directory for \"%s\"", id);
  if (flock(fd, LOCK_EX) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "lock state directory for \"%s\"", id);
  }
  return fd;
}

int state_dir_open(int rootfd, const char *id, bool lock, struct error **err) {
  int fd = openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
      return error_set(err, ENOENT, "container \"%s\" does not exist", id);
    return error_sys(err, errno, "open state directory for \"%s\"", id);
  }
  if (lock && flock(fd, LOCK_EX) < 0) {
    int e = errno;
    close(fd);
    return error_sys(err, e, "lock state directory for \"%s\"", id);
  }
  return fd;
}

int state_dir_remove(int rootfd, const char *id, struct error **err) {
  autoclose int fd = openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0;
    return error_sys(err, errno, "open state directory for \"%s\"", id);
  }
  int dfd = dup(fd);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (d == NULL) {
    if (dfd >= 0)
      close(dfd);
    return error_sys(err, errno, "read state directory for \"%s\"", id);
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (unlinkat(fd, de->d_name, 0) < 0 && errno == EISDIR)
      unlinkat(fd, de->d_name, AT_REMOVEDIR);
  }
  closedir(d);
  if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return error_sys(err, errno, "remove state directory for \"%s\"", id);
  return 0;
}

int state_write(int dirfd, const struct container_state *st, struct error **err) {
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "id", st->id);
  jgen_kv_str(g, "ociVersion", st->oci_version ? st->oci_version : "");
  jgen_kv_int(g, "pid", st->pid);
  jgen_kv_uint(g, "initStartTime", st->start_time);
  jgen_kv_str(g, "bundle", st->bundle);
  jgen_kv_str(g, "rootfs", st->rootfs);
  jgen_kv_str(g, "created", st->created);
  jgen_kv_uint(g, "ownerUid", st->owner_uid);
  jgen_key(g, "annotations");
  jgen_map_open(g);
  for (size_t i = 0; i < st->n_annotations; i++)
    jgen_kv_str(g, st->annotation_keys[i], st->annotation_values[i]);
  jgen_map_close(g);
  jgen_kv_str(g, "cgroupsPath", st->cgroups_path ? st->cgroups_path : "");
  jgen_kv_int(g, "cgroupMode", st->cgroup_mode);
  jgen_key(g, "cgroups");
  jgen_array_open(g);
  for (size_t i = 0; i < st->n_cgroups; i++) {
    jgen_map_open(g);
    jgen_kv_str(g, "controller", st->cgroups[i].controller);
    jgen_kv_str(g, "path", st->cgroups[i].path);
    jgen_kv_bool(g, "created", st->cgroups[i].created);
    jgen_map_close(g);
  }
  jgen_array_close(g);
  jgen_kv_bool(g, "systemdCgroup", st->systemd_cgroup);
  jgen_kv_bool(g, "rootless", st->rootless);
  jgen_kv_bool(g, "terminal", st->use_terminal);
  jgen_kv_bool(g, "noNewKeyring", st->no_new_keyring);
  jgen_kv_bool(g, "createdOk", st->created_ok);
  if (st->host_rootfs_base)
    jgen_kv_uint(g, "hostRootfsBase", st->host_rootfs_base);
  jgen_map_close(g);
  autofree char *text = jgen_finish(g, true);

  autoclose int fd = openat(dirfd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return error_sys(err, errno, "create state.json");
  /* No fsync: the rename makes the update atomic for every reader and
   * against vessel being killed at any point; fsync would only add
   * durability across a host crash, after which no container runs anyway,
   * and it costs milliseconds per write when --root is not on tmpfs. */
  if (write_all(fd, text, strlen(text)) < 0)
    return error_sys(err, errno, "write state.json");
  if (renameat(dirfd, "state.json.tmp", dirfd, "state.json") < 0)
    return error_sys(err, errno, "rename state.json");
  return 0;
}

static int read_cgroups(yajl_val doc, struct container_state *st, struct error **err) {
  yajl_val arr;
  int r = jget_arr(doc, "", "cgroups", &arr, err);
  if (r <= 0)
    return r;
  st->n_cgroups = arr->u.array.len;
  st->cgroups = xcalloc(st->n_cgroups ? st->n_cgroups : 1, sizeof(struct cgroup_dir));
  for (size_t i = 0; i < st->n_cgroups; i++) {
    yajl_val e = arr->u.array.values[i];
    char p[64];
    jpath_idx(p, sizeof(p), "cgroups", i);
    if (jget_str(e, p, "controller", &st->cgroups[i].controller, err) < 0 ||
        jget_str(e, p, "path", &st->cgroups[i].path, err) < 0 ||
        jget_bool(e, p, "created", &st->cgroups[i].created, err) < 0)
      return -1;
    if (st->cgroups[i].controller == NULL)
      st->cgroups[i].controller = xstrdup("");
    if (st->cgroups[i].path == NULL)
      return error_set(err, EINVAL, "%s.path: missing", p);
  }
  return 0;
}

int state_read(int dirfd, const char *id, struct container_state *st, struct error **err) {
  autofree char *buf = NULL;
  size_t len = 0;
  memset(st, 0, sizeof(*st));
  autoclose int fd = openat(dirfd, "state.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return error_set(err, ENOENT, "container \"%s\" does not exist", id);
    return error_sys(err, errno, "open state of \"%s\"", id);
  }
  if (read_fd(fd, &buf, &len, 16 << 20, err) < 0)
    return error_wrap(err, "state of \"%s\"", id);
  autojson doc = NULL;
  if (json_parse(buf, len, &doc, err) < 0)
    return error_wrap(err, "state of \"%s\": state.json", id);
  int64_t pid = 0, mode = 0;
  uint64_t owner = 0;
  if (jget_str(doc, "", "id", &st->id, err) < 0 || jget_str(doc, "", "ociVersion", &st->oci_version, err) < 0 ||
      jget_i64(doc, "", "pid", &pid, err) < 0 ||
      jget_u64(doc, "", "initStartTime", &st->start_time, err) < 0 ||
      jget_str(doc, "", "bundle", &st->bundle, err) < 0 || jget_str(doc, "", "rootfs", &st->rootfs, err) < 0 ||
      jget_str(doc, "", "created", &st->created, err) < 0 || jget_u64(doc, "", "ownerUid", &owner, err) < 0 ||
      jget_strmap(doc, "", "annotations", &st->annotation_keys, &st->annotation_values,
                  &st->n_annotations, err) < 0 ||
      jget_str(doc, "", "cgroupsPath", &st->cgroups_path, err) < 0 ||
      jget_i64(doc, "", "cgroupMode", &mode, err) < 0 || read_cgroups(doc, st, err) < 0 ||
      jget_bool(doc, "", "systemdCgroup", &st->systemd_cgroup, err) < 0 ||
      jget_bool(doc, "", "rootless", &st->rootless, err) < 0 ||
      jget_bool(doc, "", "terminal", &st->use_terminal, err) < 0 ||
      jget_bool(doc, "", "noNewKeyring", &st->no_new_keyring, err) < 0 ||
      jget_bool(doc, "", "createdOk", &st->created_ok, err) < 0 ||
      jget_u64(doc, "", "hostRootfsBase", &st->host_rootfs_base, err) < 0) {
    error_wrap(err, "state of \"%s\": state.json", id);
    state_free(st);
    return -1;
  }
  /* Out of range, a pid would wrap to another process (or to -1). */
  if (pid < 0 || pid > INT32_MAX || owner > UINT32_MAX) {
    if (pid < 0 || pid > INT32_MAX)
      error_set(err, EINVAL, "state of \"%s\": state.json: pid: %" PRId64 " is not a valid pid", id, pid);
    else
      error_set(err, EINVAL, "state of \"%s\": state.json: ownerUid: %" PRIu64 " is not a valid uid",
                id, owner);
    state_free(st);
    return -1;
  }
  if (st->id == NULL)
    st->id = xstrdup(id);
  st->pid = (pid_t)pid;
  st->owner_uid = (uid_t)owner;
  st->cgroup_mode = (int)mode;
  return 0;
}

void state_free(struct container_state *st) {
  free(st->id);
  free(st->oci_version);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  strv_free(st->annotation_keys);
  strv_free(st->annotation_values);
  free(st->cgroups_path);
  for (size_t i = 0; i < st->n_cgroups; i++) {
    free(st->cgroups[i].controller);
    free(st->cgroups[i].path);
  }
  free(st->cgroups);
  memset(st, 0, sizeof(*st));
}

uint64_t state_proc_start_time(pid_t pid) {
  char path[64], buf[1024];
  if (pid <= 0)
    return 0;
  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may hold spaces and parentheses: skip to the last ')'. */
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  p += 2;
  char state = *p;
  if (state == 'Z' || state == 'X' || state == 'x')
    return 0;
  /* Field 3 is the state; the start time is field 22. */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return 0;
    p++;
  }
  return strtoull(p, NULL, 10);
}

bool state_init_alive(const struct container_state *st) {
  if (st->pid <= 0)
    return false;
  uint64_t t = state_proc_start_time(st->pid);
  return t != 0 && t == st->start_time;
}

enum container_status state_status(int dirfd, const struct container_state *st) {
  if (!state_init_alive(st))
    return st->created_ok || st->pid > 0 ? STATUS_STOPPED : STATUS_CREATING;
  /* A frozen container is paused even before `start`, as with runc. */
  if (cgroups_state_frozen(st))
    return STATUS_PAUSED;
  if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return STATUS_RUNNING;
}

const char *state_status_name(enum container_status s) {
  switch (s) {
  case STATUS_CREATING: return "creating";
  case STATUS_CREATED: return "created";
  case STATUS_RUNNING: return "running";
  case STATUS_PAUSED: return "paused";
  case STATUS_STOPPED: return "stopped";
  }
  return "unknown";
}

char *state_time_now(void) {
  char *t = rfc3339_now(true);
  /* "....123456000Z" -> "....123456Z", and "....000000000Z" -> "...Z". */
  char *z = strchr(t, 'Z'), *dot = strchr(t, '.');
  if (z && dot) {
    char *e = z;
    while (e > dot + 1 && e[-1] == '0')
      e--;
    if (e == dot + 1)
      e = dot;
    memmove(e, z, 2);
  }
  return t;
}

char *state_owner_name(uid_t uid) {
  struct passwd pw, *res = NULL;
  char buf[1024];
  if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
    return xstrdup(res->pw_name);
  return xasprintf("#%u", (unsigned)uid);
}
