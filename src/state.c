/* state.c - `vessel state ID`. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "../libcontainer/container.h"
#include "../libcontainer/error.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

static int print_state(const struct runtime_opts *rt, const char *id, struct error **err) {
  autofree char *out = NULL;
  if (container_state_json(rt, id, &out, err) < 0)
    return -1;
  fputs(out, stdout);
  if (fflush(stdout) != 0)
    return error_sys(err, errno, "write the state");
  return 0;
}

int cmd_state(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  return cli_id_verb(cmd, g, argc, argv, print_state);
}
