/* run.c - `vessel run`: create and start; in the foreground, exit with the
 * container's status. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "../libcontainer/container.h"
#include "../libcontainer/utils.h"
#include "lifecycle_opts.h"
#include "verbs.h"

int cmd_run(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  struct lifecycle_opts lo = {0};
  bool detach = false, keep = false, no_subreaper = false;
  struct cli_opt opts[] = {
      LIFECYCLE_CREATE_OPTS(lo),
      {"detach", 'd', OPT_BOOL, &detach, "detach from the container's process", NULL, false},
      {"keep", 0, OPT_BOOL, &keep, "do not delete the container after it exits", NULL, false},
      {"no-subreaper", 0, OPT_BOOL, &no_subreaper, "disable the use of the subreaper used to reap reparented processes", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct create_opts o;
  struct error *err = NULL;
  if (lifecycle_fill(&lo, pos[0], detach, &o, &err) < 0)
    return cli_fail(err);
  o.detach = detach;
  o.keep = keep;
  o.no_subreaper = no_subreaper;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  int status = 0;
  int rc = container_run(&rt, &o, &status, &err) < 0 ? cli_fail(err) : status;
  lifecycle_free(&lo, &o);
  return rc;
}
