/* create.c - `vessel create`. */
#include <errno.h>
#include "../libcontainer/error.h"
#include "verbs.h"
int cmd_create(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  (void)g; (void)argc; (void)argv;
  struct error *err = NULL;
  error_set(&err, ENOSYS, "%s: not implemented yet", cmd->name);
  return cli_fail(err);
}
