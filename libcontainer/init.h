/* init.h - the container's init: what the parent prepares before clone3 and
 * what the child does with it.  The child is a clone of vessel (no re-exec):
 * it joins and creates namespaces, builds the rootfs, pivots, applies the
 * security settings last, waits on exec.fifo and execs the user's program. */
#ifndef VESSEL_INIT_H
#define VESSEL_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup_join.h"
#include "config.h"
#include "seccomp.h"
#include "state.h"

struct init_ctx {
  const struct config *cfg;
  const struct process_cfg *proc;   /* cfg->process (or exec's process) */
  const struct container_state *st;
  const char *id;
  const char *bundle;
  const char *rootfs;               /* absolute host path */
  int sync_fd;                      /* the init's end of the socketpair */
  int state_dirfd;                  /* O_PATH of <root>/<id>, for exec.fifo */
  int fifo_fd;                      /* exec.fifo after `start` released us: open
                                       (close-on-exec) until execve, so that
                                       `start` sees its end (-1 if none) */
  int ns_fd[NS_COUNT];              /* namespaces to join (opened by the parent) */
  int clone_flags;                  /* CLONE_NEW* created by clone3 itself */
  int unshare_flags;                /* CLONE_NEW* the init creates with unshare */
  bool two_stage;                   /* a second fork is needed (see container_create.c) */
  bool want_cgroupns;               /* unshare(CLONE_NEWCGROUP) after joining the cgroup */
  bool no_pivot;
  bool host_mntns;                  /* no mount namespace: the host's is shared */
  bool no_new_keyring;
  bool detached;                    /* create, or run -d: the parent will not wait */
  int preserve_fds;                 /* fds 3.. kept for the user process */
  struct seccomp_filter *seccomp;   /* built by the parent, or NULL */
  char **env;                       /* the user process environment (final) */
  /* Filled in by the init itself. */
  int rootfd;                       /* the rootfs (after the self bind) */
  int procfd;                       /* verified private procfs */
  int devnull_tree;                 /* detached clone of the host's /dev/null */
  int pty_slave_fd;                 /* the terminal for the user process, or -1 */
  pid_t host_pid;                   /* our pid as the host sees it */
  bool is_exec;                     /* an exec'd process, not the init */
  struct cgroup_join join;          /* the child enters its cgroups itself */
  bool self_join;                   /* ... and need not ask the parent */
  int pidfd;                        /* exec: the container init's pidfd */
  int setns_flags;                  /* exec: namespaces to join through pidfd */
  int init_root;                    /* exec into a container in the host's mount
                                       namespace: the init's root, or -1 */
  int console_master_sock;          /* the socket that gets the pty master, or -1 */
  struct {
    const char *dest;               /* mounts[].destination */
    int fd;                         /* the mount vessel attached there */
    bool ro_later;                  /* a read-only tmpfs, made read-only last */
  } mounted[64];
  size_t n_mounted;
  int parent_fds[4];                /* the parent's descriptors (the state
                                       lock among them): closed first thing */
};

/* The child side, called right after clone3; never returns. */
_Noreturn void init_main(struct init_ctx *c);
/* The common end of init and exec: from seal_fds to execve. */
_Noreturn void init_finish(struct init_ctx *c);
/* Tell `start` (through exec.fifo) that the program will not run. */
void init_fifo_failed(struct init_ctx *c);
/* Report e to the parent and exit. */
_Noreturn void init_fail(struct init_ctx *c, struct error *e);
void init_open_proc_and_labels(struct init_ctx *c); /* or init_fail */
/* Clone the process that goes on (CLONE_PARENT: vessel's child), hand its
 * pidfd to the parent and exit; returns 0 in the new process. */
int init_fork_second_stage(struct init_ctx *c, struct error **err);
/* Set up process.terminal (init.c). */
int init_terminal(struct init_ctx *c, bool bind_console, struct error **err);
/* The exec child (container_exec.c). */
_Noreturn void exec_main(struct init_ctx *c);

/* Steps (each file owns one): */
int rootfs_setup(struct init_ctx *c, struct error **err);        /* rootfs.c */
int rootfs_pivot(struct init_ctx *c, struct error **err);        /* rootfs.c */
int rootfs_finalize(struct init_ctx *c, struct error **err);     /* rootfs.c */
int mounts_apply(struct init_ctx *c, struct error **err);        /* mounts.c */
int mount_cgroups(struct init_ctx *c, const struct mount_cfg *m, int targetfd,
                  struct error **err);                           /* mount_cgroup.c */
int devices_setup(struct init_ctx *c, struct error **err);       /* devices.c */
int paths_mask_and_readonly(struct init_ctx *c, struct error **err); /* paths.c */
int process_prepare(struct init_ctx *c, const char **exe, struct error **err); /* process.c */
int process_finalize(struct init_ctx *c, struct error **err);    /* process.c */
_Noreturn void process_exec(struct init_ctx *c, const char *exe);  /* process.c */

#endif
