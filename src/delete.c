/* delete.c - `vessel delete [-f] ID`. */
#define _GNU_SOURCE
#include "../libcontainer/container.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

int cmd_delete(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  bool force = false;
  struct cli_opt opts[] = {
      {"force", 'f', OPT_BOOL, &force, "forcibly deletes the container if it is still running (uses SIGKILL)", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct error *err = NULL;
  return container_delete(&rt, pos[0], force, &err) < 0 ? cli_fail(err) : 0;
}
