/* create.c - `vessel create`. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/container.h"
#include "../libcontainer/utils.h"
#include "lifecycle_opts.h"
#include "verbs.h"

int cmd_create(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  struct lifecycle_opts lo = {0};
  struct cli_opt opts[] = {LIFECYCLE_CREATE_OPTS(lo)};
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct create_opts o;
  struct error *err = NULL;
  if (lifecycle_fill(&lo, pos[0], true, &o, &err) < 0)
    return cli_fail(err);
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  int rc = container_create(&rt, &o, &err) < 0 ? cli_fail(err) : 0;
  lifecycle_free(&lo, &o);
  return rc;
}
