/* sync.h - messages between vessel and the container's init over a
 * SOCK_SEQPACKET socketpair: requests from the init (uid/gid maps, cgroup
 * join, hooks, a descriptor to pass on), the replies, "ready", and errors as
 * messages so the parent reports the init's failure with its own text. */
#ifndef VESSEL_SYNC_H
#define VESSEL_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum sync_type {
  SYNC_ERROR = 1,       /* init -> parent: payload is an error */
  SYNC_USERMAP_REQ,     /* init: write my uid/gid maps */
  SYNC_USERMAP_DONE,
  SYNC_CGROUP_REQ,      /* init: make sure I am in the container's cgroups */
  SYNC_CGROUP_DONE,
  SYNC_HOOKS_REQ,       /* init: run prestart / createRuntime hooks now */
  SYNC_HOOKS_DONE,
  SYNC_PIDFD,           /* init (second stage): the real init, fd attached, pid in arg */
  SYNC_SECCOMP_FD,      /* init: seccomp notify fd attached */
  SYNC_SECCOMP_DONE,
  SYNC_MOUNT_REQ,       /* init: a bind source the parent must open (idmap, or
                           out of the init's reach), arg = index */
  SYNC_MOUNT_FD,        /* parent -> init: the prepared mount, fd attached */
  SYNC_READY,           /* init: set up; waiting on exec.fifo */
  SYNC_START,           /* parent -> init (run): exec the user process now */
  SYNC_ABORT,           /* parent -> init: give up and exit */
};

struct sync_msg {
  uint32_t type;
  int32_t arg;          /* pid, index, or errno */
  int fd;               /* received descriptor or -1 */
  struct error *err;    /* for SYNC_ERROR */
};

/* Send a message, optionally with a descriptor (fd >= 0). */
int sync_send(int sock, enum sync_type type, int32_t arg, int fd, struct error **err);
/* Send an error (the init side: its failure becomes the parent's message). */
int sync_send_error(int sock, const struct error *e);
/* Receive one message; returns 0, or -1 when the peer is gone (EOF) or the
 * receive failed, with *err set. */
int sync_recv(int sock, struct sync_msg *m, struct error **err);
/* Wait for a message of the given type; an error message or EOF fails. */
int sync_expect(int sock, enum sync_type type, struct sync_msg *m, struct error **err);

#endif
