/* resume.c - `vessel resume ID`: thaw a paused container. */
#define _GNU_SOURCE
#include "../libcontainer/container_cgroups.h"
#include "verbs.h"

int cmd_resume(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  return cli_id_verb(cmd, g, argc, argv, container_resume);
}
