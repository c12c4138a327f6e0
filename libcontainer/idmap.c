/* idmap.c - idmapped bind mounts (mount uidMappings / gidMappings).
 *
 * The parent makes them: it can reach the bind source on the host and a user
 * namespace with the mount's mappings from outside.  When the mappings are
 * the container's own, the container's user namespace is used; otherwise a
 * throwaway user namespace is made for them.  The detached, idmapped tree
 * goes to the init over the sync socket, and the init attaches it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_internal.h"
#include "namespaces.h"
#include "procfs.h"
#include "sync.h"
#include "syscalls.h"
#include "utils.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

static bool same_maps(const struct id_mapping *a, size_t na, const struct id_mapping *b, size_t nb) {
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (a[i].container_id != b[i].container_id || a[i].host_id != b[i].host_id ||
        a[i].size != b[i].size)
      return false;
  return true;
}

/* A user namespace holding the given mappings, kept by its descriptor. */
static int make_userns(const struct mount_cfg *m, struct error **err) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return error_sys(err, errno, "pipe");
  int pidfd = -1;
  struct vessel_clone_args ca = {.flags = CLONE_NEWUSER | CLONE_PIDFD,
                                 .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD};
  pid_t pid = (pid_t)sys_clone3(&ca);
  if (pid == 0) {
    char c;
    close(pipefd[1]);
    /* Hold the namespace until the parent has opened it. */
    while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  int e = errno;
  close(pipefd[0]);
  if (pid < 0) {
    close(pipefd[1]);
    return error_sys(err, e, "create a user namespace for an idmapped mount");
  }
  int fd = -1;
  struct linux_cfg l = {0};
  l.uid_mappings = m->uid_mappings;
  l.n_uid_mappings = m->n_uid_mappings;
  l.gid_mappings = m->gid_mappings;
  l.n_gid_mappings = m->n_gid_mappings;
  int procfd = procfs_open_root(err);
  if (procfd >= 0 && ns_write_id_maps(procfd, pid, &l, true, err) == 0) {
    char path[64];
    snprintf(path, sizeof(path), "%d/ns/user", pid);
    fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      error_sys(err, errno, "open the idmap user namespace");
  }
  if (procfd >= 0)
    close(procfd);
  close(pipefd[1]);
  siginfo_t si;
  while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
  close(pidfd);
  return fd;
}

int container_idmap_mount(struct init_ctx *c, pid_t pid, int index, int sock, struct error **err) {
  if (index < 0 || (size_t)index >= c->cfg->n_mounts)
    return error_set(err, EPROTO, "sync: mount index %d out of range", index);
  const struct mount_cfg *m = &c->cfg->mounts[index];
  const struct linux_cfg *l = &c->cfg->linux;
  autofree char *src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
  bool recursive = m->ridmap || m->rbind;
  autoclose int tree = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                        (recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return error_sys(err, errno, "mounts[%d]: bind mount source \"%s\"", index, src),
           error_stage(err, "mount");
  const struct id_mapping *um = m->n_uid_mappings ? m->uid_mappings : l->uid_mappings;
  size_t nu = m->n_uid_mappings ? m->n_uid_mappings : l->n_uid_mappings;
  const struct id_mapping *gm = m->n_gid_mappings ? m->gid_mappings : l->gid_mappings;
  size_t ng = m->n_gid_mappings ? m->n_gid_mappings : l->n_gid_mappings;
  autoclose int userns = -1;
  if (l->ns[NS_USER].present && same_maps(um, nu, l->uid_mappings, l->n_uid_mappings) &&
      same_maps(gm, ng, l->gid_mappings, l->n_gid_mappings)) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
    userns = open(path, O_RDONLY | O_CLOEXEC);
    if (userns < 0)
      return error_sys(err, errno, "open the container's user namespace"), error_stage(err, "mount");
  } else {
    if (nu == 0 || ng == 0)
      return error_set(err, EINVAL, "mounts[%d]: an idmapped mount needs uidMappings and gidMappings (or a user namespace with mappings)", index),
             error_stage(err, "mount");
    struct mount_cfg tmp = *m;
    tmp.uid_mappings = (struct id_mapping *)um;
    tmp.n_uid_mappings = nu;
    tmp.gid_mappings = (struct id_mapping *)gm;
    tmp.n_gid_mappings = ng;
    userns = make_userns(&tmp, err);
    if (userns < 0)
      return error_stage(err, "mount");
  }
  struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a) < 0)
    return error_sys(err, errno, "mounts[%d]: idmap \"%s\"", index, src), error_stage(err, "mount");
  return sync_send(sock, SYNC_MOUNT_FD, index, tree, err);
}
