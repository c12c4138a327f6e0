/* features.c - `vessel features`: the OCI features document. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "../libcontainer/features.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

#ifndef VESSEL_VERSION
#define VESSEL_VERSION "0.1.0"
#endif
#include "commit.h"

int cmd_features(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, NULL, 0, argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, NULL, 0, npos, 0, ARGS_EXACT)) >= 0)
    return r;
  (void)g;
  autofree char *doc = features_json(VESSEL_VERSION, VESSEL_COMMIT);
  fputs(doc, stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
