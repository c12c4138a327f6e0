/* container_internal.h - pieces shared by the lifecycle files. */
#ifndef VESSEL_CONTAINER_INTERNAL_H
#define VESSEL_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "container.h"
#include "init.h"
#include "state.h"

/* --rootless true|false|auto (auto: when not running as root). */
bool container_rootless(const struct runtime_opts *rt);

/* A container whose init is waiting (create done). */
struct created {
  struct config *cfg;
  struct container_state st;
  int pidfd;        /* of the init */
  int sock;         /* sync socket (run: to send SYNC_START) */
  int dirfd;        /* state directory, locked */
  int console;      /* run in the foreground with a terminal: the pty master */
  pid_t pid;
};
void created_free(struct created *c);

/* Create the container; with use_fifo the init waits on exec.fifo (create),
 * without it on the sync socket (run). */
int container_create_process(const struct runtime_opts *rt, const struct create_opts *o,
                             bool use_fifo, struct created *out, struct error **err);

/* The terminal plumbing: a connection to --console-socket, or (foreground,
 * no socket) a socketpair whose other end *keep receives the master. */
int container_console_setup(struct init_ctx *c, const struct create_opts *o, int *keep,
                            struct error **err);

/* Descriptors the user process gets: preserved fds, socket activation. */
int container_prepare_process_fds(struct init_ctx *c, const struct create_opts *o, struct error **err);
void container_close_process_fds(struct init_ctx *c);
/* The user process environment (LISTEN_FDS, LISTEN_PID added when needed). */
int container_env(struct init_ctx *c, const struct create_opts *o, struct error **err);
/* Keep the exact config in the state directory. */
int container_save_config(int dirfd, const struct config *cfg, struct error **err);
/* Read it back. */
int container_load_config(int dirfd, struct config **cfg, struct error **err);
/* Open bind source mounts[index] for the init (idmapped, or out of its
 * reach), in its mount namespace, and send it (parent side, mount_source.c). */
int container_mount_source(struct init_ctx *c, pid_t pid, int index, int sock, struct error **err);
/* Bare pid, no newline, written atomically. */
int write_pid_file(const char *path, pid_t pid, struct error **err);
/* Remove everything of a container whose init is gone or killed: cgroups,
 * poststop hooks, the state directory (cfg as for container_poststart). */
int container_destroy(int rootfd, int dirfd, struct container_state *st, const struct config *cfg,
                      struct error **err);
/* Add the cgroups a killed create made but did not record (cgroups.journal). */
void container_recover_cgroups(int dirfd, struct container_state *st);
/* Kill the init with SIGKILL and wait until it is gone (pidfd, no sleeps). */
int container_kill_init_and_wait(const struct container_state *st, struct error **err);
/* What the seccomp listener receives with the notify descriptor, as runc
 * sends it: {"ociVersion","fds":["seccompFd"],"pid","metadata","state"}. */
char *container_notify_state(const struct container_state *st, const struct seccomp_cfg *s,
                             pid_t pid, const char *status);
/* Run poststart hooks, logging failures as warnings as the spec asks (cfg:
 * the container's config when at hand, else it is read from dirfd). */
void container_poststart(const struct container_state *st, int dirfd, const struct config *cfg);

#endif
