/* ps.c - `vessel ps ID [ps options]`: the container's processes, as a
 * ps(1) table filtered to them (arguments after the id go to ps, "-ef" by
 * default) or, with --format json, as the array of their pids. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../libcontainer/container_cgroups.h"
#include "../libcontainer/json.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

extern char **environ;

/* Run ps with args, stdout and stderr together, as runc does. */
static int run_ps(char **args, int nargs, char **out, struct error **err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return error_sys(err, errno, "pipe");
  char **argv = xcalloc((size_t)nargs + 2, sizeof(char *));
  argv[0] = "ps";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, p[1], STDERR_FILENO);
  pid_t pid;
  int rc = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  free(argv);
  close(p[1]);
  if (rc != 0) {
    close(p[0]);
    if (rc == ENOENT)
      return error_set(err, ENOENT, "exec: \"ps\": executable file not found in $PATH");
    return error_sys(err, rc, "exec: \"ps\"");
  }
  size_t len;
  rc = read_fd(p[0], out, &len, 64 << 20, err);
  close(p[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (rc < 0)
    return -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return error_set(err, EIO, "exit status %d: %s", WEXITSTATUS(status), *out);
  if (WIFSIGNALED(status))
    return error_set(err, EIO, "signal: %s: %s", strsignal(WTERMSIG(status)), *out);
  return 0;
}

/* Print the header and the lines whose PID column is one of pids. */
static int filter(char *text, const pid_t *pids, size_t n, struct error **err) {
  char *save = NULL, *header = strtok_r(text, "\n", &save);
  int col = -1, i = 0;
  autofree char *h = xstrdup(header ? header : "");
  for (char *s2 = NULL, *f = strtok_r(h, " \t", &s2); f; f = strtok_r(NULL, " \t", &s2), i++)
    if (strcmp(f, "PID") == 0 && col < 0)
      col = i;
  if (col < 0)
    return error_set(err, EINVAL, "couldn't find PID field in ps output");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    autofree char *copy = xstrdup(line);
    char *s2 = NULL, *f = strtok_r(copy, " \t", &s2);
    for (int k = 0; f && k < col; k++)
      f = strtok_r(NULL, " \t", &s2);
    if (f == NULL)
      continue;
    char *end;
    long v = strtol(f, &end, 10);
    if (*end != '\0')
      return error_set(err, EINVAL, "unable to parse pid: strconv.Atoi: parsing \"%s\": invalid "
                       "syntax", f);
    for (size_t k = 0; k < n; k++)
      if (pids[k] == v) {
        printf("%s\n", line);
        break;
      }
  }
  return 0;
}

static void print_json(const pid_t *pids, size_t n) {
  if (n == 0) {
    printf("null\n");
    return;
  }
  struct jgen *g = jgen_new(false);
  jgen_array_open(g);
  for (size_t i = 0; i < n; i++)
    jgen_int(g, pids[i]);
  jgen_array_close(g);
  autofree char *s = jgen_finish(g, true);
  fputs(s, stdout);
}

int cmd_ps(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char *format = NULL;
  struct cli_opt opts[] = {
      {"format", 'f', OPT_STRING, &format, "select one of: table or json", "\"table\"", false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, true, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 1, ARGS_MIN)) >= 0)
    return r;
  struct runtime_opts rt = {cli_root(g), g->systemd_cgroup, g->rootless};
  struct error *err = NULL;
  autofree pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids(&rt, pos[0], &pids, &n, &err) < 0)
    return cli_fail(err);
  const char *f = format ? format : "table";
  if (strcmp(f, "json") == 0) {
    print_json(pids, n);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (strcmp(f, "table") != 0) {
    error_set(&err, EINVAL, "invalid format option");
    return cli_fail(err);
  }
  static char *def[] = {"-ef"};
  autofree char *out = NULL;
  if (run_ps(npos > 1 ? pos + 1 : def, npos > 1 ? npos - 1 : 1, &out, &err) < 0 ||
      filter(out, pids, n, &err) < 0)
    return cli_fail(err);
  return fflush(stdout) == 0 ? 0 : 1;
}
