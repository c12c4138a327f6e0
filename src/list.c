/* list.c - `vessel list`: a table like runc's, --format json, -q. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../libcontainer/container.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

/* runc prints with text/tabwriter (minwidth 12, padding 3). */
static void print_table(struct container_info *v, size_t n) {
  const char *hdr[6] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
  size_t w[5];
  char **cells = xcalloc(n * 6 + 1, sizeof(char *));
  for (int c = 0; c < 5; c++)
    w[c] = strlen(hdr[c]);
  for (size_t i = 0; i < n; i++) {
    const struct container_state *st = &v[i].st;
    bool dead = v[i].status == STATUS_STOPPED || v[i].status == STATUS_CREATING;
    cells[i * 6 + 0] = xstrdup(st->id);
    cells[i * 6 + 1] = xasprintf("%d", dead ? 0 : st->pid);
    cells[i * 6 + 2] = xstrdup(state_status_name(v[i].status));
    cells[i * 6 + 3] = xstrdup(st->bundle ? st->bundle : "");
    cells[i * 6 + 4] = xstrdup(st->created ? st->created : "");
    cells[i * 6 + 5] = state_owner_name(st->owner_uid);
    for (int c = 0; c < 5; c++)
      if (strlen(cells[i * 6 + c]) > w[c])
        w[c] = strlen(cells[i * 6 + c]);
  }
  for (int c = 0; c < 5; c++) {
    w[c] += 3;
    if (w[c] < 12)
      w[c] = 12;
  }
  for (size_t i = 0; i <= n; i++) {
    for (int c = 0; c < 6; c++) {
      const char *s = i == 0 ? hdr[c] : cells[(i - 1) * 6 + c];
      if (c < 5)
        printf("%-*s", (int)w[c], s);
      else
        printf("%s\n", s);
    }
  }
  for (size_t i = 0; i < n * 6; i++)
    free(cells[i]);
  free(cells);
}

int cmd_list(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char *format = NULL;
  bool quiet = false;
  struct cli_opt opts[] = {
      {"format", 'f', OPT_STRING, &format, "select one of: table or json", "\"table\"", false},
      {"quiet", 'q', OPT_BOOL, &quiet, "display only container IDs", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 0, ARGS_EXACT)) >= 0)
    return r;
  struct error *err = NULL;
  if (format && strcmp(format, "table") && strcmp(format, "json")) {
    error_set(&err, EINVAL, "invalid format option: \"%s\" (table or json)", format);
    return cli_fail(err);
  }
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct container_info *v;
  size_t n;
  if (container_list(&rt, &v, &n, &err) < 0)
    return cli_fail(err);
  if (quiet) {
    for (size_t i = 0; i < n; i++)
      printf("%s\n", v[i].st.id);
  } else if (format && strcmp(format, "json") == 0) {
    if (n == 0) {
      printf("null\n");
    } else {
      struct jgen *j = jgen_new(false);
      jgen_array_open(j);
      for (size_t i = 0; i < n; i++) {
        autofree char *owner = state_owner_name(v[i].st.owner_uid);
        container_state_gen(j, &v[i].st, v[i].status, owner);
      }
      jgen_array_close(j);
      autofree char *out = jgen_finish(j, true);
      fputs(out, stdout);
    }
  } else {
    print_table(v, n);
  }
  container_list_free(v, n);
  return fflush(stdout) == 0 ? 0 : 1;
}
