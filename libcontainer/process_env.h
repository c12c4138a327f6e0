/* process_env.h - the pure parts of starting the user process: the
 * environment (HOME from the container's /etc/passwd when unset), the
 * executable lookup along $PATH with runc's error texts, LISTEN_FDS. */
#ifndef VESSEL_PROCESS_ENV_H
#define VESSEL_PROCESS_ENV_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* The value of name in env, or NULL. */
const char *env_get(char *const *env, const char *name);
/* A copy of env with name=value appended, or replacing an existing name. */
char **env_set(char *const *env, const char *name, const char *value);

/* Home directory of uid from the passwd file read from fd (the container's
 * /etc/passwd); NULL when there is no entry. */
char *passwd_home_fd(int fd, uid_t uid);

/* Find file the way runc's exec.LookPath does: a name with a slash is used as
 * it is, otherwise each $PATH entry is tried.  Errors read
 *   exec: "x": executable file not found in $PATH
 *   exec: "/x": stat /x: no such file or directory
 *   exec: "/etc": permission denied */
int exe_lookup(const char *file, const char *path_env, char **out, struct error **err);

#endif
