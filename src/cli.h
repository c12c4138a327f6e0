/* cli.h - vessel's argument parser: runc-compatible flag spellings
 * (--flag value, --flag=value, -flag value, short flags, combined short
 * booleans like -dt), a verb table, and usage texts. */
#ifndef VESSEL_CLI_H
#define VESSEL_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum opt_kind { OPT_BOOL, OPT_STRING, OPT_INT, OPT_STRINGS };

struct cli_opt {
  const char *name;       /* long name, without dashes */
  char short_name;        /* 0 for none */
  enum opt_kind kind;
  void *dest;             /* bool *, char **, long *, char *** */
  const char *help;
  const char *def;        /* default shown in the usage text, or NULL */
  bool seen;              /* set by the parser */
};

/* Options shared by every verb. */
struct global_opts {
  char *root;
  char *log;
  char *log_format;
  bool debug;
  bool systemd_cgroup;
  char *rootless;
  char *criu;
};

struct cli_cmd;
typedef int (*cli_run_fn)(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv);

struct cli_cmd {
  const char *name;
  const char *alias;      /* e.g. "h" for help */
  const char *summary;
  const char *args_usage; /* "<container-id>" */
  const char *description;
  cli_run_fn run;
  bool implemented;
  bool enters_container;  /* puts processes into a container: runs from a
                             protected view of the binary (exe_protect.h) */
};

/* Parse argv against opts; positional arguments are collected into *pos
 * (argv storage, not copied).  With stop_at_positional, the first positional
 * argument ends option parsing (exec: the command's own flags follow).
 * Returns 0, or -1 with *msg set ("flag provided but not defined: -x"),
 * or 1 when --help / -h was given. */
int cli_parse(struct cli_opt *opts, size_t nopts, int argc, char **argv, bool stop_at_positional,
              char ***pos, int *npos, char **msg);

void cli_print_cmd_usage(const struct cli_cmd *cmd, const struct cli_opt *opts, size_t nopts,
                         int fd);

/* Standard handling at the start of a verb: parse, print usage on --help, or
 * print a usage error.  Returns -1 to continue, or the exit status to return
 * (0 after --help, 1 after a usage error). */
int cli_verb_parse(const struct cli_cmd *cmd, struct cli_opt *opts, size_t nopts, int argc,
                   char **argv, bool stop_at_positional, char ***pos, int *npos);

/* "create" requires exactly 1 argument(s): a usage error (returns 1), or -1
 * to continue. */
enum arg_check { ARGS_EXACT, ARGS_MIN, ARGS_MAX };
int cli_check_args(const struct cli_cmd *cmd, struct cli_opt *opts, size_t nopts, int npos,
                   int n, enum arg_check check);

/* Report an error from libcontainer the standard way; returns 1. */
struct error;
int cli_fail(struct error *e);

/* Resolve the state root for the global options (--root, or the default). */
const char *cli_root(const struct global_opts *g);

/* A verb that takes no options and exactly one container id: parse, check,
 * then fn(runtime options, id). Returns the exit status. */
struct runtime_opts;
typedef int (*cli_id_fn)(const struct runtime_opts *rt, const char *id, struct error **err);
int cli_id_verb(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv,
                cli_id_fn fn);

#endif
