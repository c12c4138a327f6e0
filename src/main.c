/* main.c - vessel's command line: global flags, the verb table, help and
 * version.  Verbs only parse their arguments and call one libcontainer entry
 * each. */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/config.h"
#include "../libcontainer/exe_protect.h"
#include "../libcontainer/log.h"
#include "../libcontainer/utils.h"
#include "cli.h"
#include "verbs.h"

#ifndef VESSEL_VERSION
#define VESSEL_VERSION "0.1.0"
#endif
#include "commit.h"

static const struct cli_cmd commands[] = {
    {"checkpoint", NULL, "checkpoint a running container", "<container-id>",
     "Checkpointing with CRIU.", cmd_checkpoint, false},
    {"create", NULL, "create a container", "<container-id>",
     "The create command creates an instance of a container for a bundle. The bundle\n"
     "is a directory with a specification file named \"config.json\" and a root\n"
     "filesystem. The container waits in the \"created\" state until `vessel start`.",
     cmd_create, true, true},
    {"delete", NULL, "delete any resources held by the container", "<container-id>",
     "Deletes the container's state, cgroups and processes (with --force, also of a\n"
     "running container).", cmd_delete, true},
    {"events", NULL, "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
     "<container-id>", "The events command displays information about the container. By default the\n"
     "information is displayed once every 5 seconds.", cmd_events, true},
    {"exec", NULL, "execute new process inside the container", "<container-id> <command> [command options]",
     "The exec command runs a new process inside a running container.", cmd_exec, true, true},
    {"kill", NULL, "kill sends the specified signal (default: SIGTERM) to the container's init process",
     "<container-id> [signal]", "Signals are names (KILL, SIGKILL) or numbers (9).", cmd_kill, true},
    {"list", NULL, "lists containers started by vessel with the given root", "",
     "Where the given root is specified via the global option \"--root\"\n(default: \"/run/vessel\").",
     cmd_list, true},
    {"pause", NULL, "pause suspends all processes inside the container", "<container-id>",
     "The pause command suspends all processes in the instance of the container.", cmd_pause, true},
    {"ps", NULL, "ps displays the processes running inside a container", "<container-id> [ps options]",
     "Arguments after the container id are passed to ps(1) (table format).", cmd_ps, true},
    {"restore", NULL, "restore a container from a previous checkpoint", "<container-id>",
     "Restoring with CRIU.", cmd_restore, false},
    {"resume", NULL, "resumes all processes that have been previously paused", "<container-id>",
     "The resume command resumes all processes in the instance of the container.", cmd_resume, true},
    {"run", NULL, "create and run a container", "<container-id>",
     "The run command creates an instance of a container for a bundle and starts it.\n"
     "In the foreground it forwards signals to the container and exits with its status.",
     cmd_run, true, true},
    {"spec", NULL, "create a new specification file", "",
     "The spec command creates a new specification file named \"config.json\" for the bundle.",
     cmd_spec, true},
    {"start", NULL, "executes the user defined process in a created container", "<container-id>",
     "The start command executes the user defined process in a created container.", cmd_start, true},
    {"state", NULL, "output the state of a container", "<container-id>",
     "The state command outputs current state information for the instance of a container.",
     cmd_state, true},
    {"update", NULL, "update container resource constraints", "<container-id>",
     "The update command changes the resource limits of a running container.", cmd_update, true},
    {"features", NULL, "show the enabled features", "",
     "Show the enabled features, in the OCI runtime features JSON format.", cmd_features, true},
};

static void print_version(void) {
  const struct scmp_version *v = seccomp_version();
  printf("vessel version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", VESSEL_VERSION,
         VESSEL_COMMIT, VESSEL_OCI_VERSION, v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
}

static void print_usage(FILE *f) {
  struct global_opts none = {0};
  const char *root = cli_root(&none);
  fprintf(f,
          "NAME:\n   vessel - Open Container Initiative runtime\n\n"
          "vessel is a command line client for running applications packaged according to\n"
          "the Open Container Initiative (OCI) format; it is a drop-in replacement for runc.\n\n"
          "To start a new instance of a container:\n\n"
          "    # vessel run [ -b bundle ] <container-id>\n\n"
          "USAGE:\n   vessel [global options] command [command options] [arguments...]\n\n"
          "VERSION:\n   %s\n\nCOMMANDS:\n",
          VESSEL_VERSION);
  for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
    fprintf(f, "   %-11s %s%s\n", commands[i].name, commands[i].summary,
            commands[i].implemented ? "" : " (not implemented yet)");
  fprintf(f, "   %-11s %s\n", "help, h", "Shows a list of commands or help for one command");
  fprintf(f,
          "\nGLOBAL OPTIONS:\n"
          "   --debug             enable debug logging\n"
          "   --log value         set the log file to write vessel logs to (default is '/dev/stderr')\n"
          "   --log-format value  set the log format ('text' (default), or 'json') (default: \"text\")\n"
          "   --root value        root directory for storage of container state (this should be located in tmpfs) (default: \"%s\")\n"
          "   --criu value        path to the criu binary (accepted; checkpoint and restore are not implemented)\n"
          "   --systemd-cgroup    the systemd cgroup driver (not supported: vessel refuses to create with it)\n"
          "   --rootless value    run unprivileged: 'true', 'false', or 'auto' (rootless when not running as root); a\n"
          "                       rootless container needs a user namespace, and cgroup permission errors are ignored\n"
          "                       (default: \"auto\")\n"
          "   --help, -h          show help\n"
          "   --version, -v       print the version\n",
          root);
}

static const struct cli_cmd *find_cmd(const char *name) {
  for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static int usage_error(const char *msg) {
  struct error *e = error_new(EINVAL, "usage", NULL, msg);
  log_fatal_error(e);
  error_free(e);
  if (!log_to_file()) {
    fputc('\n', stderr);
    print_usage(stderr);
  }
  return 1;
}

static int help(int argc, char **argv) {
  if (argc < 1) {
    print_usage(stdout);
    return 0;
  }
  const struct cli_cmd *c = find_cmd(argv[0]);
  if (c == NULL) {
    autofree char *msg = xasprintf("no help topic for '%s'", argv[0]);
    return usage_error(msg);
  }
  char *hargv[] = {"--help", NULL};
  return c->run(c, &(struct global_opts){0}, 1, hargv);
}

int main(int argc, char **argv) {
  /* A reader that goes away (a hook that does not read its state, a closed
   * stderr) is an error to report, not a reason to die. */
  signal(SIGPIPE, SIG_IGN);
  /* A caller that ignores SIGCHLD would have the kernel reap vessel's
   * children before it learns how they ended. */
  signal(SIGCHLD, SIG_DFL);
  struct global_opts g = {0};
  bool show_help = false, show_version = false;
  struct cli_opt opts[] = {
      {"debug", 0, OPT_BOOL, &g.debug, "enable debug logging", NULL, false},
      {"log", 0, OPT_STRING, &g.log, "set the log file to write vessel logs to", NULL, false},
      {"log-format", 0, OPT_STRING, &g.log_format, "set the log format ('text' or 'json')", NULL, false},
      {"root", 0, OPT_STRING, &g.root, "root directory for storage of container state", NULL, false},
      {"criu", 0, OPT_STRING, &g.criu, "path to the criu binary (checkpoint/restore are not implemented)", NULL, false},
      {"systemd-cgroup", 0, OPT_BOOL, &g.systemd_cgroup, "use the systemd cgroup driver (not supported)", NULL, false},
      {"rootless", 0, OPT_STRING, &g.rootless, "run as a rootless container ('true', 'false', or 'auto')", NULL, false},
      {"help", 'h', OPT_BOOL, &show_help, "show help", NULL, false},
      {"version", 'v', OPT_BOOL, &show_version, "print the version", NULL, false},
  };
  /* Global flags end at the first non-flag argument: the verb. */
  int i = 1;
  char *msg = NULL;
  for (; i < argc; i++) {
    if (argv[i][0] != '-' || argv[i][1] == '\0')
      break;
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    char **pos = NULL;
    int npos;
    int take = 1;
    /* Options taking a value consume the next argument when not given with '='. */
    const char *name = argv[i] + (argv[i][1] == '-' ? 2 : 1);
    if (strchr(name, '=') == NULL) {
      for (size_t j = 0; j < ARRAY_SIZE(opts); j++)
        if (strcmp(opts[j].name, name) == 0 && opts[j].kind != OPT_BOOL)
          take = 2;
    }
    if (i + take > argc)
      take = argc - i;
    int r = cli_parse(opts, ARRAY_SIZE(opts), take, argv + i, false, &pos, &npos, &msg);
    if (r == 1) {
      show_help = true;
      r = 0;
    }
    if (r == 0)
      free(pos);
    if (r < 0) {
      int rc = usage_error(msg);
      free(msg);
      return rc;
    }
    i += take - 1;
  }
  enum log_format fmt = LOG_TEXT;
  if (g.log_format && strcmp(g.log_format, "json") == 0)
    fmt = LOG_JSON;
  else if (g.log_format && strcmp(g.log_format, "text") != 0) {
    autofree char *m = xasprintf("invalid log-format: %s", g.log_format);
    return usage_error(m);
  }
  struct error *err = NULL;
  if (log_init(g.log, fmt, g.debug, &err) < 0) {
    fprintf(stderr, "vessel: %s\n", err->msg);
    error_free(err);
    return 1;
  }
  if (g.rootless && strcmp(g.rootless, "true") && strcmp(g.rootless, "false") &&
      strcmp(g.rootless, "auto")) {
    autofree char *m = xasprintf("invalid value for --rootless: \"%s\" (true, false or auto)", g.rootless);
    return usage_error(m);
  }
  if (show_version) {
    print_version();
    return 0;
  }
  if (show_help || i >= argc) {
    print_usage(stdout);
    return 0;
  }
  const char *verb = argv[i];
  if (strcmp(verb, "help") == 0 || strcmp(verb, "h") == 0)
    return help(argc - i - 1, argv + i + 1);
  const struct cli_cmd *c = find_cmd(verb);
  if (c == NULL) {
    autofree char *m = xasprintf("unknown command \"%s\"", verb);
    return usage_error(m);
  }
  /* Before anything of a container exists, this process must run from a
   * binary the container cannot write (CVE-2019-5736). */
  if (c->enters_container && exe_protect(argv, &err) < 0) {
    log_fatal_error(err);
    error_free(err);
    return 1;
  }
  return c->run(c, &g, argc - i - 1, argv + i + 1);
}
