/* start.c - `vessel start ID`. */
#define _GNU_SOURCE
#include "../libcontainer/container.h"
#include "verbs.h"

int cmd_start(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  return cli_id_verb(cmd, g, argc, argv, container_start);
}
