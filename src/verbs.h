/* verbs.h - the entry point of every verb; each lives in a file of its own. */
#ifndef VESSEL_VERBS_H
#define VESSEL_VERBS_H

#include "cli.h"

int cmd_checkpoint(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_create(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_delete(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_events(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_exec(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_features(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_kill(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_list(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_pause(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_ps(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_restore(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_resume(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_run(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_spec(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_start(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_state(const struct cli_cmd *, struct global_opts *, int, char **);
int cmd_update(const struct cli_cmd *, struct global_opts *, int, char **);

#endif
