/* hooks.h - running the six kinds of OCI hooks: the container state on
 * stdin, args / env / timeout honoured, stdout and stderr captured for the
 * error message.  Waits on a pidfd with poll(); no sleeping. */
#ifndef VESSEL_HOOKS_H
#define VESSEL_HOOKS_H

#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "state.h"

/* The state document a hook reads on stdin. */
char *hooks_state_json(const struct container_state *st, const char *status, pid_t pid);

/* Run every hook of kind in order, in directory cwd (the bundle; NULL: the
 * current one); the first failure stops and fails.  A hook without "env"
 * gets env_default (NULL: vessel's own environment), as runc's hooks do. */
int hooks_run(const struct hook_list *hooks, enum hook_kind kind, const char *state_json,
              const char *cwd, char *const *env_default, struct error **err);
/* poststart and poststop: every hook runs; each failure is a warning (the
 * spec: "the remaining hooks and lifecycle continue"). */
void hooks_run_warn(const struct hook_list *hooks, enum hook_kind kind, const char *state_json,
                    const char *cwd);

#endif
