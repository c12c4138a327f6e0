/* container.h - the lifecycle entry points, one per verb: create, start, run,
 * kill, delete, state, list (exec, pause, update... have their own files). */
#ifndef VESSEL_CONTAINER_H
#define VESSEL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "json.h"
#include "state.h"

/* What every verb needs from the global options. */
struct runtime_opts {
  const char *root;          /* state root */
  bool systemd_cgroup;
  const char *rootless;      /* "true", "false", "auto" or NULL */
};

struct create_opts {
  const char *id;
  const char *bundle;        /* absolute */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  /* run only */
  bool detach;
  bool keep;
  bool no_subreaper;
};

int container_create(const struct runtime_opts *rt, const struct create_opts *o, struct error **err);
int container_start(const struct runtime_opts *rt, const char *id, struct error **err);
/* create + start; in the foreground waits and stores the exit status
 * (128+N when killed by signal N). */
int container_run(const struct runtime_opts *rt, const struct create_opts *o, int *status,
                  struct error **err);
int container_kill(const struct runtime_opts *rt, const char *id, int sig, bool all,
                   struct error **err);
int container_delete(const struct runtime_opts *rt, const char *id, bool force, struct error **err);

/* `state ID` output (runc's shape, two-space indent). */
int container_state_json(const struct runtime_opts *rt, const char *id, char **out,
                         struct error **err);

struct container_info {
  struct container_state st;
  enum container_status status;
};
/* Every container under the root, sorted by id. */
int container_list(const struct runtime_opts *rt, struct container_info **out, size_t *n,
                   struct error **err);
void container_list_free(struct container_info *v, size_t n);

/* The state object as runc prints it (state, list --format json). */
void container_state_gen(struct jgen *g, const struct container_state *st,
                         enum container_status status, const char *owner);

/* Load a container's state (with the directory fd kept, locked if asked). */
int container_load(const struct runtime_opts *rt, const char *id, bool lock, int *dirfd,
                   struct container_state *st, struct error **err);

/* Signal names and numbers: "KILL", "SIGKILL", "9" -> 9. */
int signal_parse(const char *s, int *sig);
const char *signal_name(int sig);

#endif
