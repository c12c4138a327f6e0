/* cli.c - runc-compatible argument parsing and usage texts. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/container.h"
#include "../libcontainer/error.h"
#include "../libcontainer/log.h"
#include "../libcontainer/utils.h"

static struct cli_opt *find_long(struct cli_opt *opts, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
      return &opts[i];
  if (len == 1)
    for (size_t i = 0; i < n; i++)
      if (opts[i].short_name == name[0])
        return &opts[i];
  return NULL;
}

static int parse_bool_value(const char *v, bool *out) {
  if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "t") || !strcmp(v, "T") ||
      !strcmp(v, "TRUE") || !strcmp(v, "True")) {
    *out = true;
    return 0;
  }
  if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "f") || !strcmp(v, "F") ||
      !strcmp(v, "FALSE") || !strcmp(v, "False")) {
    *out = false;
    return 0;
  }
  return -1;
}

/* Messages spell the flag with one dash whatever the user typed, as Go's flag
 * package (and so runc) does. */
static int store(struct cli_opt *o, const char *value, char **msg) {
  o->seen = true;
  switch (o->kind) {
  case OPT_BOOL:
    if (value == NULL) {
      *(bool *)o->dest = true;
    } else if (parse_bool_value(value, (bool *)o->dest) < 0) {
      *msg = xasprintf("invalid boolean value \"%s\" for -%s: parse error", value, o->name);
      return -1;
    }
    return 0;
  case OPT_STRING:
    free(*(char **)o->dest);
    *(char **)o->dest = xstrdup(value);
    return 0;
  case OPT_INT: {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 0);
    if (errno || *value == '\0' || *end != '\0') {
      *msg = xasprintf("invalid value \"%s\" for flag -%s: parse error", value, o->name);
      return -1;
    }
    *(long *)o->dest = v;
    return 0;
  }
  case OPT_STRINGS: {
    char ***v = (char ***)o->dest;
    size_t n = strv_len(*v);
    strv_push(v, &n, value);
    return 0;
  }
  }
  return 0;
}

/* One argument that starts with '-': a long flag (one or two dashes), a short
 * flag, or a cluster of short booleans.  *consumed is set to 2 when the value
 * was taken from the next argument. */
static int parse_flag(struct cli_opt *opts, size_t nopts, char *arg, char *next, int *consumed,
                      char **msg) {
  const char *dashes = arg[1] == '-' ? "--" : "-";
  char *name = arg + strlen(dashes);
  char *eq = strchr(name, '=');
  size_t len = eq ? (size_t)(eq - name) : strlen(name);
  *consumed = 1;
  if (len == 0 || name[0] == '-') {
    *msg = xasprintf("bad flag syntax: %s", arg);
    return -1;
  }
  if (strncmp(name, "help", len) == 0 && len == 4)
    return 1;
  if (len == 1 && name[0] == 'h' && find_long(opts, nopts, "h", 1) == NULL)
    return 1;
  struct cli_opt *o = find_long(opts, nopts, name, len);
  if (o == NULL && dashes[1] == '\0' && eq == NULL && len > 1) {
    /* -dt: every letter must be a boolean short flag. */
    for (size_t i = 0; i < len; i++) {
      struct cli_opt *s = NULL;
      for (size_t j = 0; j < nopts; j++)
        if (opts[j].short_name == name[i])
          s = &opts[j];
      if (s == NULL || s->kind != OPT_BOOL)
        goto undefined;
    }
    for (size_t i = 0; i < len; i++)
      for (size_t j = 0; j < nopts; j++)
        if (opts[j].short_name == name[i])
          store(&opts[j], NULL, msg);
    return 0;
  }
  if (o == NULL)
    goto undefined;
  if (o->kind == OPT_BOOL)
    return store(o, eq ? eq + 1 : NULL, msg);
  if (eq)
    return store(o, eq + 1, msg);
  if (next == NULL) {
    *msg = xasprintf("flag needs an argument: -%.*s", (int)len, name);
    return -1;
  }
  *consumed = 2;
  return store(o, next, msg);
undefined:
  *msg = xasprintf("flag provided but not defined: -%.*s", (int)len, name);
  return -1;
}

int cli_parse(struct cli_opt *opts, size_t nopts, int argc, char **argv, bool stop_at_positional,
              char ***pos, int *npos, char **msg) {
  char **p = xcalloc((size_t)argc + 1, sizeof(char *));
  int n = 0;
  /* Callers may free *pos whatever the result: it is NULL unless 0 is
   * returned. */
  *pos = NULL;
  *npos = 0;
  *msg = NULL;
  for (int i = 0; i < argc; i++) {
    char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc; i++)
        p[n++] = argv[i];
      break;
    }
    if (a[0] != '-' || a[1] == '\0') {
      p[n++] = a;
      if (stop_at_positional) {
        for (i++; i < argc; i++)
          p[n++] = argv[i];
        break;
      }
      continue;
    }
    int consumed;
    int r = parse_flag(opts, nopts, a, i + 1 < argc ? argv[i + 1] : NULL, &consumed, msg);
    if (r != 0) {
      free(p);
      return r;
    }
    i += consumed - 1;
  }
  *pos = p;
  *npos = n;
  return 0;
}

void cli_print_cmd_usage(const struct cli_cmd *cmd, const struct cli_opt *opts, size_t nopts,
                         int fd) {
  FILE *f = fdopen(dup(fd), "w");
  if (f == NULL)
    return;
  bool has_args = cmd->args_usage && *cmd->args_usage;
  fprintf(f, "NAME:\n   vessel %s - %s\n\nUSAGE:\n   vessel %s%s%s%s\n", cmd->name, cmd->summary,
          cmd->name, nopts ? " [command options]" : "", has_args ? " " : "",
          has_args ? cmd->args_usage : "");
  if (cmd->description && *cmd->description)
    fprintf(f, "\nDESCRIPTION:\n%s\n", cmd->description);
  if (!cmd->implemented)
    fprintf(f, "\nThis command is not implemented yet.\n");
  if (nopts) {
    fprintf(f, "\nOPTIONS:\n");
    for (size_t i = 0; i < nopts; i++) {
      char left[96];
      const char *val = opts[i].kind == OPT_BOOL ? "" : " value";
      if (opts[i].short_name)
        snprintf(left, sizeof(left), "--%s%s, -%c%s", opts[i].name, val, opts[i].short_name, val);
      else
        snprintf(left, sizeof(left), "--%s%s", opts[i].name, val);
      fprintf(f, "   %-30s %s", left, opts[i].help);
      if (opts[i].def)
        fprintf(f, " (default: %s)", opts[i].def);
      fputc('\n', f);
    }
  }
  fclose(f);
}

int cli_verb_parse(const struct cli_cmd *cmd, struct cli_opt *opts, size_t nopts, int argc,
                   char **argv, bool stop_at_positional, char ***pos, int *npos) {
  char *msg = NULL;
  int r = cli_parse(opts, nopts, argc, argv, stop_at_positional, pos, npos, &msg);
  if (r == 1) {
    cli_print_cmd_usage(cmd, opts, nopts, 1);
    return 0;
  }
  if (r < 0) {
    struct error *e = error_new(EINVAL, "usage", NULL, msg);
    log_fatal_error(e);
    if (!log_to_file() || log_get_format() != LOG_JSON)
      cli_print_cmd_usage(cmd, opts, nopts, 2);
    error_free(e);
    free(msg);
    return 1;
  }
  return -1;
}

int cli_check_args(const struct cli_cmd *cmd, struct cli_opt *opts, size_t nopts, int npos,
                   int n, enum arg_check check) {
  const char *what = NULL;
  if (check == ARGS_EXACT && npos != n)
    what = "exactly";
  else if (check == ARGS_MIN && npos < n)
    what = "a minimum of";
  else if (check == ARGS_MAX && npos > n)
    what = "a maximum of";
  if (what == NULL)
    return -1;
  autofree char *msg = xasprintf("\"%s\" requires %s %d argument(s)", cmd->name, what, n);
  struct error *e = error_new(EINVAL, "usage", NULL, msg);
  log_fatal_error(e);
  error_free(e);
  if (!log_to_file() || log_get_format() != LOG_JSON)
    cli_print_cmd_usage(cmd, opts, nopts, 2);
  return 1;
}

int cli_fail(struct error *e) {
  log_fatal_error(e);
  error_free(e);
  return 1;
}

const char *cli_root(const struct global_opts *g) {
  static char buf[4096];
  if (g->root && *g->root)
    return g->root;
  if (geteuid() != 0) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg) {
      snprintf(buf, sizeof(buf), "%s/vessel", xdg);
      return buf;
    }
  }
  return "/run/vessel";
}

int cli_id_verb(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv,
                cli_id_fn fn) {
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, NULL, 0, argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, NULL, 0, npos, 1, ARGS_EXACT)) >= 0)
    return r;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct error *err = NULL;
  return fn(&rt, pos[0], &err) < 0 ? cli_fail(err) : 0;
}
