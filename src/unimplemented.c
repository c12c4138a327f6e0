/* unimplemented.c - verbs vessel does not implement: checkpoint and restore
 * (CRIU).  They say so and exit 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../libcontainer/error.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

static int not_implemented(const struct cli_cmd *cmd, int argc, char **argv) {
  /* Whatever options a caller passes, the answer is the same. */
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      cli_print_cmd_usage(cmd, NULL, 0, 1);
      return 0;
    }
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
