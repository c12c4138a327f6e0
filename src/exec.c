/* exec.c - `vessel exec [options] ID COMMAND [ARGS...]`. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "../libcontainer/exec.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

int cmd_exec(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  struct exec_opts o = {0};
  char *console_socket = NULL, *cwd = NULL, *user = NULL, *process = NULL, *label = NULL,
       *apparmor = NULL, *pid_file = NULL;
  char **env = NULL, **gids = NULL, **caps = NULL, **cgroups = NULL;
  long preserve = 0;
  struct cli_opt opts[] = {
      {"console-socket", 0, OPT_STRING, &console_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", NULL, false},
      {"cwd", 0, OPT_STRING, &cwd, "current working directory in the container", NULL, false},
      {"env", 'e', OPT_STRINGS, &env, "set environment variables", NULL, false},
      {"tty", 't', OPT_BOOL, &o.tty, "allocate a pseudo-TTY", NULL, false},
      {"user", 'u', OPT_STRING, &user, "UID (format: <uid>[:<gid>])", NULL, false},
      {"additional-gids", 'g', OPT_STRINGS, &gids, "additional gids", NULL, false},
      {"process", 'p', OPT_STRING, &process, "path to the process.json", NULL, false},
      {"detach", 'd', OPT_BOOL, &o.detach, "detach from the container's process", NULL, false},
      {"pid-file", 0, OPT_STRING, &pid_file, "specify the file to write the process id to", NULL, false},
      {"process-label", 0, OPT_STRING, &label, "set the asm process label for the process commonly used with selinux", NULL, false},
      {"apparmor", 0, OPT_STRING, &apparmor, "set the apparmor profile for the process", NULL, false},
      {"no-new-privs", 0, OPT_BOOL, &o.no_new_privs, "set the no new privileges value for the process", NULL, false},
      {"cap", 'c', OPT_STRINGS, &caps, "add a capability to the bounding set for the process", NULL, false},
      {"preserve-fds", 0, OPT_INT, &preserve, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "0", false},
      {"cgroup", 0, OPT_STRINGS, &cgroups, "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>.", NULL, false},
      {"ignore-paused", 0, OPT_BOOL, &o.ignore_paused, "allow exec in a paused container", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  /* The command's own flags follow the container id. */
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, true, &pos, &npos);
  if (r >= 0)
    goto done;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, process ? 1 : 2, ARGS_MIN)) >= 0)
    goto done;
  o.id = pos[0];
  o.args = pos + 1;
  o.process_file = process;
  o.console_socket = console_socket;
  o.cwd = cwd;
  o.env = env;
  o.tty_set = opts[3].seen;
  o.user = user;
  o.additional_gids = gids;
  o.process_label = label;
  o.apparmor = apparmor;
  o.no_new_privs_set = opts[11].seen;
  o.caps = caps;
  o.preserve_fds = (int)preserve;
  o.pid_file = pid_file;
  o.cgroups = cgroups;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct error *err = NULL;
  int status = 0;
  r = container_exec(&rt, &o, &status, &err) < 0 ? cli_fail(err) : status;
done:
  free(console_socket);
  free(cwd);
  free(user);
  free(process);
  free(label);
  free(apparmor);
  free(pid_file);
  strv_free(env);
  strv_free(gids);
  strv_free(caps);
  strv_free(cgroups);
  return r;
}
