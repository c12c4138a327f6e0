/* events.c - `vessel events ID`: stats every --interval (default 5s) and
 * OOM notifications as JSON lines, or one stats object with --stats. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../libcontainer/cgroups/cgroups.h"
#include "../libcontainer/container_cgroups.h"
#include "../libcontainer/log.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

static int print_line(const char *json, void *arg) {
  (void)arg;
  if (fputs(json, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
    return -1;
  return 0;
}

static int usage_error(const struct cli_cmd *cmd, struct cli_opt *opts, size_t n, const char *msg) {
  struct error *e = error_new(EINVAL, "usage", NULL, msg);
  log_fatal_error(e);
  error_free(e);
  if (!log_to_file() || log_get_format() != LOG_JSON)
    cli_print_cmd_usage(cmd, opts, n, 2);
  return 1;
}

int cmd_events(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char *interval = NULL;
  bool stats = false;
  struct cli_opt opts[] = {
      {"interval", 0, OPT_STRING, &interval, "set the stats collection interval", "5s", false},
      {"stats", 0, OPT_BOOL, &stats, "display the container's stats then exit", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  int64_t ns = 5000000000LL;
  if (interval && cgroups_parse_duration(interval, &ns) < 0) {
    autofree char *msg = xasprintf("invalid value \"%s\" for flag -interval: parse error", interval);
    return usage_error(cmd, opts, ARRAY_SIZE(opts), msg);
  }
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct error *err = NULL;
  if (ns <= 0) {
    error_set(&err, EINVAL, "duration interval must be greater than 0");
    return cli_fail(err);
  }
  uint64_t ms = (uint64_t)ns / 1000000;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  if (container_events(&rt, pos[0], stats, ms ? ms : 1, print_line, NULL, &err) < 0)
    return cli_fail(err);
  return 0;
}
