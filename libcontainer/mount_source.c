/* mount_source.c - bind mount sources the parent opens for the init.
 *
 * The init opens its bind sources itself, except two kinds it asks the
 * parent for (SYNC_MOUNT_REQ): idmapped mounts (they need a user namespace
 * with the mount's mappings, reachable only from outside), and, in a user
 * namespace, sources its root cannot reach (a 0700 directory of the host's
 * root).  The parent forks a helper with its own credentials that joins the
 * init's mount namespace (so the source resolves as the init would see it,
 * earlier mounts of the container included), clones the source there with
 * open_tree(), idmaps it if asked, and sends the detached tree back; the init
 * attaches it.  When the mappings are the container's own, the container's
 * user namespace is used; otherwise a throwaway one is made for them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
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

/* The helper: in the init's mount namespace, clone the source (idmap it
 * with userns >= 0) and send it on sock; an error goes the same way. */
static _Noreturn void source_helper(int mntns, const char *src, bool recursive, bool ridmap, int userns,
                                    int sock) {
  struct error *e = NULL;
  int tree = -1;
  if (mntns >= 0 && setns(mntns, CLONE_NEWNS) < 0) {
    error_sys(&e, errno, "join the container's mount namespace");
    goto fail;
  }
  tree = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0) {
    if (errno == ENOENT)
      error_set(&e, ENOENT, "bind mount source \"%s\": no such file or directory", src);
    else
      error_sys(&e, errno, "bind mount source \"%s\"", src);
    goto fail;
  }
  if (userns >= 0) {
    struct vessel_mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &a) < 0) {
      error_sys(&e, errno, "idmap \"%s\"", src);
      goto fail;
    }
  }
  _exit(sync_send(sock, SYNC_MOUNT_FD, 0, tree, NULL) < 0 ? 1 : 0);
fail:
  sync_send_error(sock, e);
  _exit(1);
}

/* The user namespace an idmapped mount takes its mappings from. */
static int idmap_userns(const struct init_ctx *c, pid_t pid, const struct mount_cfg *m, int index,
                        struct error **err) {
  const struct linux_cfg *l = &c->cfg->linux;
  const struct id_mapping *um = m->n_uid_mappings ? m->uid_mappings : l->uid_mappings;
  size_t nu = m->n_uid_mappings ? m->n_uid_mappings : l->n_uid_mappings;
  const struct id_mapping *gm = m->n_gid_mappings ? m->gid_mappings : l->gid_mappings;
  size_t ng = m->n_gid_mappings ? m->n_gid_mappings : l->n_gid_mappings;
  if (l->ns[NS_USER].present && same_maps(um, nu, l->uid_mappings, l->n_uid_mappings) &&
      same_maps(gm, ng, l->gid_mappings, l->n_gid_mappings)) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return error_sys(err, errno, "open the container's user namespace");
    return fd;
  }
  if (nu == 0 || ng == 0)
    return error_set(err, EINVAL, "mounts[%d]: an idmapped mount needs uidMappings and gidMappings (or a user namespace with mappings)", index);
  struct mount_cfg tmp = *m;
  tmp.uid_mappings = (struct id_mapping *)um;
  tmp.n_uid_mappings = nu;
  tmp.gid_mappings = (struct id_mapping *)gm;
  tmp.n_gid_mappings = ng;
  return make_userns(&tmp, err);
}

int container_mount_source(struct init_ctx *c, pid_t pid, int index, int sock, struct error **err) {
  if (index < 0 || (size_t)index >= c->cfg->n_mounts || !mount_is_bind(&c->cfg->mounts[index]))
    return error_set(err, EPROTO, "sync: mount index %d is not a bind mount", index);
  const struct mount_cfg *m = &c->cfg->mounts[index];
  autofree char *src = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", c->bundle, m->source);
  /* rbind clones the submounts too; only ridmap idmaps them as well (with
   * "idmap" they keep their owners, as in runc). */
  bool recursive = m->rbind || m->ridmap;
  autoclose int userns = -1, mntns = -1;
  if (m->idmap && (userns = idmap_userns(c, pid, m, index, err)) < 0)
    return error_stage(err, "mount");
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
  mntns = open(path, O_RDONLY | O_CLOEXEC);
  if (mntns < 0)
    return error_sys(err, errno, "open the container's mount namespace"), error_stage(err, "mount");
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return error_sys(err, errno, "socketpair"), error_stage(err, "mount");
  int pidfd = -1;
  struct vessel_clone_args ca = {.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd,
                                 .exit_signal = SIGCHLD};
  pid_t helper = (pid_t)sys_clone3(&ca);
  if (helper == 0) {
    close(pair[0]);
    source_helper(mntns, src, recursive, m->ridmap, userns, pair[1]);
  }
  int e = errno;
  close(pair[1]);
  if (helper < 0) {
    close(pair[0]);
    return error_sys(err, e, "start the mount source helper"), error_stage(err, "mount");
  }
  struct sync_msg msg;
  int r = sync_expect(pair[0], SYNC_MOUNT_FD, &msg, err);
  close(pair[0]);
  siginfo_t si;
  while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
    ;
  close(pidfd);
  if (r < 0)
    return error_wrap(err, "mounts[%d]", index), error_stage(err, "mount");
  if (msg.fd < 0)
    return error_set(err, EPROTO, "sync: mount source descriptor missing"), error_stage(err, "mount");
  r = sync_send(sock, SYNC_MOUNT_FD, index, msg.fd, err);
  close(msg.fd);
  return r;
}
