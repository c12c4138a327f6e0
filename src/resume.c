/* resume.c - `vessel resume ID`: thaw a paused container. */
#define _GNU_SOURCE
#include "../libcontainer/container_cgroups.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

int cmd_resume(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, NULL, 0, argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, NULL, 0, npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct error *err = NULL;
  return container_resume(&rt, pos[0], &err) < 0 ? cli_fail(err) : 0;
}
