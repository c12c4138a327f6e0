/* namespaces.c - joining by path, uid/gid maps, time offsets. */
#define _GNU_SOURCE
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfs.h"
#include "syscalls.h"
#include "utils.h"

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)
#endif

int ns_open_paths(const struct linux_cfg *l, int fds[NS_COUNT], struct error **err) {
  for (int t = 0; t < NS_COUNT; t++)
    fds[t] = -1;
  for (int t = 0; t < NS_COUNT; t++) {
    const char *p = l->ns[t].path;
    if (!l->ns[t].present || p == NULL)
      continue;
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      ns_close_fds(fds);
      error_sys(err, e, "open %s namespace path \"%s\"", ns_type_name(t), p);
      error_object(err, p);
      return error_stage(err, "namespace");
    }
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type < 0 || type != ns_clone_flag(t)) {
      close(fd);
      ns_close_fds(fds);
      error_set(err, EINVAL, "namespace path \"%s\" is not a %s namespace", p, ns_type_name(t));
      error_object(err, p);
      return error_stage(err, "namespace");
    }
    fds[t] = fd;
  }
  return 0;
}

void ns_close_fds(int fds[NS_COUNT]) {
  for (int t = 0; t < NS_COUNT; t++)
    if (fds[t] >= 0) {
      close(fds[t]);
      fds[t] = -1;
    }
}

int ns_join(int fds[NS_COUNT], struct error **err) {
  static const enum ns_type order[] = {NS_USER, NS_IPC, NS_UTS, NS_NET, NS_PID,
                                       NS_MOUNT, NS_CGROUP, NS_TIME};
  for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
    enum ns_type t = order[i];
    if (fds[t] < 0)
      continue;
    if (setns(fds[t], ns_clone_flag(t)) < 0)
      return error_sys(err, errno, "join the %s namespace", ns_type_name(t)),
             error_stage(err, "namespace");
    close(fds[t]);
    fds[t] = -1;
  }
  return 0;
}

char *ns_format_map(const struct id_mapping *m, size_t n) {
  size_t cap = n * 36 + 1, len = 0;
  char *s = xmalloc(cap);
  s[0] = '\0';
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(s + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                            m[i].size);
  return s;
}

/* Only the caller's own ids can be mapped without privilege; anything else
 * goes through the setuid helpers newuidmap / newgidmap (package uidmap). */
static bool only_own_id(const struct id_mapping *m, size_t n, uint32_t id) {
  return n == 1 && m[0].host_id == id && m[0].size == 1;
}

static int run_idmap_helper(const char *helper, pid_t pid, const struct id_mapping *m, size_t n,
                            struct error **err) {
  char *argv[3 + 3 * 64 + 1];
  char nums[3 * 64][16];
  char pidbuf[16];
  if (n > 64)
    return error_set(err, E2BIG, "too many id mappings for %s", helper);
  snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
  size_t a = 0;
  argv[a++] = (char *)helper;
  argv[a++] = pidbuf;
  for (size_t i = 0; i < n; i++) {
    snprintf(nums[3 * i], 16, "%u", m[i].container_id);
    snprintf(nums[3 * i + 1], 16, "%u", m[i].host_id);
    snprintf(nums[3 * i + 2], 16, "%u", m[i].size);
    argv[a++] = nums[3 * i];
    argv[a++] = nums[3 * i + 1];
    argv[a++] = nums[3 * i + 2];
  }
  argv[a] = NULL;
  pid_t child = fork();
  if (child < 0)
    return error_sys(err, errno, "fork %s", helper);
  if (child == 0) {
    execvp(helper, argv);
    _exit(127);
  }
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return error_set(err, ENOENT, "%s not found: mapping more than the caller's own id in a rootless container needs it (Debian package uidmap)", helper);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return error_set(err, EPERM, "%s %d failed (exit status %d)", helper, pid,
                     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}

int ns_write_id_maps_rootless(int procfd, pid_t pid, const struct linux_cfg *l, struct error **err) {
  bool own_uid = only_own_id(l->uid_mappings, l->n_uid_mappings, geteuid());
  bool own_gid = only_own_id(l->gid_mappings, l->n_gid_mappings, getegid());
  if (own_uid && own_gid)
    return ns_write_id_maps(procfd, pid, l, true, err);
  if (own_uid) {
    struct linux_cfg u = *l;
    u.n_gid_mappings = 0;
    if (ns_write_id_maps(procfd, pid, &u, false, err) < 0)
      return -1;
  } else if (run_idmap_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, err) < 0) {
    return error_stage(err, "namespace");
  }
  if (run_idmap_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, err) < 0)
    return error_stage(err, "namespace");
  return 0;
}

int ns_write_id_maps(int procfd, pid_t pid, const struct linux_cfg *l, bool deny_setgroups,
                     struct error **err) {
  char path[64];
  if (deny_setgroups) {
    snprintf(path, sizeof(path), "%d/setgroups", pid);
    if (procfs_write(procfd, path, "deny", err) < 0)
      return error_stage(err, "namespace");
  }
  autofree char *uid = ns_format_map(l->uid_mappings, l->n_uid_mappings);
  autofree char *gid = ns_format_map(l->gid_mappings, l->n_gid_mappings);
  snprintf(path, sizeof(path), "%d/uid_map", pid);
  if (l->n_uid_mappings && procfs_write(procfd, path, uid, err) < 0)
    return error_wrap(err, "write uid mappings"), error_stage(err, "namespace");
  snprintf(path, sizeof(path), "%d/gid_map", pid);
  if (l->n_gid_mappings && procfs_write(procfd, path, gid, err) < 0)
    return error_wrap(err, "write gid mappings"), error_stage(err, "namespace");
  return 0;
}

int ns_write_time_offsets(int procfd, const struct linux_cfg *l, struct error **err) {
  char buf[128];
  int n = 0;
  if (l->time_monotonic.has)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
                  (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
  if (l->time_boottime.has)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
                  (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
  if (n == 0)
    return 0;
  if (procfs_write(procfd, "self/timens_offsets", buf, err) < 0)
    return error_wrap(err, "write time offsets"), error_stage(err, "namespace");
  return 0;
}
