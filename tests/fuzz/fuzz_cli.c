/* fuzz_cli.c - cli_parse on an argument vector made of the input split at
 * NUL bytes, with every kind of option, stopping at the first positional
 * argument or not. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli.h"

#define MAX_ARGS 64

static void run(char **argv, int argc, bool stop) {
  bool detach = false, tty = false, force = false;
  char *bundle = NULL, *format = NULL;
  long fds = 0;
  char **env = NULL;
  struct cli_opt opts[] = {
      {"detach", 'd', OPT_BOOL, &detach, "detach", NULL, false},
      {"tty", 't', OPT_BOOL, &tty, "tty", NULL, false},
      {"force", 'f', OPT_BOOL, &force, "force", NULL, false},
      {"bundle", 'b', OPT_STRING, &bundle, "bundle", NULL, false},
      {"format", 0, OPT_STRING, &format, "format", NULL, false},
      {"preserve-fds", 0, OPT_INT, &fds, "fds", NULL, false},
      {"env", 'e', OPT_STRINGS, &env, "env", NULL, false},
  };
  char **pos = NULL, *msg = (char *)1;
  int npos = -1;
  int r = cli_parse(opts, sizeof(opts) / sizeof(opts[0]), argc, argv, stop, &pos, &npos, &msg);
  if (r == 0) {
    if (pos == NULL || npos < 0 || npos > argc || pos[npos] != NULL || msg != NULL)
      abort();
    for (int i = 0; i < npos; i++) {
      /* Positional arguments are the caller's strings, in order. */
      bool found = false;
      for (int j = 0; j < argc && !found; j++)
        found = pos[i] == argv[j];
      if (!found)
        abort();
    }
    free(pos);
  } else if (r < 0) {
    if (msg == NULL || msg == (char *)1 || msg[0] == '\0' || pos != NULL)
      abort();
    free(msg);
  } else if (r != 1 || pos != NULL || msg != NULL) {
    abort();
  }
  free(bundle);
  free(format);
  for (size_t i = 0; env && env[i]; i++)
    free(env[i]);
  free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[MAX_ARGS + 1];
  int argc = 0;
  size_t start = 0;
  for (size_t i = 0; i <= size && argc < MAX_ARGS; i++)
    if (i == size || buf[i] == '\0') {
      if (i > start || i < size)
        argv[argc++] = buf + start;
      start = i + 1;
    }
  argv[argc] = NULL;
  run(argv, argc, false);
  run(argv, argc, true);
  free(buf);
  return 0;
}
