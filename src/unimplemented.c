/* unimplemented.c - verbs vessel does not implement: checkpoint and restore
 * (CRIU).  They say so and exit 1. */
#define _GNU_SOURCE
#include <errno.h>

#include "../libcontainer/error.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

static int not_implemented(const struct cli_cmd *cmd, int argc, char **argv) {
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, NULL, 0, argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  struct error *err = NULL;
  error_set(&err, ENOSYS, "%s: not implemented yet", cmd->name);
  return cli_fail(err);
}

int cmd_checkpoint(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  (void)g;
  return not_implemented(cmd, argc, argv);
}

int cmd_restore(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  (void)g;
  return not_implemented(cmd, argc, argv);
}
