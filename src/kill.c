/* kill.c - `vessel kill ID [SIGNAL]`. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>

#include "../libcontainer/container.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

int cmd_kill(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  bool all = false;
  struct cli_opt opts[] = {
      {"all", 'a', OPT_BOOL, &all, "send the specified signal to all processes inside the container", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_MIN)) >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 2, ARGS_MAX)) >= 0)
    return r;
  struct error *err = NULL;
  int sig = SIGTERM;
  if (npos == 2 && signal_parse(pos[1], &sig) < 0) {
    error_set(&err, EINVAL, "unknown signal \"%s\"", pos[1]);
    return cli_fail(err);
  }
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  return container_kill(&rt, pos[0], sig, all, &err) < 0 ? cli_fail(err) : 0;
}
