/* exec.h - `exec`: a new process in a running container. */
#ifndef VESSEL_EXEC_H
#define VESSEL_EXEC_H

#include <stdbool.h>

#include "container.h"
#include "error.h"

struct exec_opts {
  const char *id;
  const char *process_file;   /* --process: a process.json */
  char **args;                /* the command */
  const char *console_socket;
  const char *cwd;
  char **env;                 /* --env, appended (later wins) */
  bool tty, tty_set;
  const char *user;           /* "uid[:gid]" */
  char **additional_gids;
  const char *process_label;
  const char *apparmor;
  bool no_new_privs, no_new_privs_set;
  char **caps;                /* --cap, added to every set */
  int preserve_fds;
  const char *pid_file;
  bool detach;
  char **cgroups;             /* --cgroup */
  bool ignore_paused;
};

/* Run the process; in the foreground *status gets its exit status (128+N
 * when killed by signal N). */
int container_exec(const struct runtime_opts *rt, const struct exec_opts *o, int *status,
                   struct error **err);

#endif
