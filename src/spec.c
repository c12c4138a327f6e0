/* spec.c - `vessel spec`: write a default config.json into the bundle. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/error.h"
#include "../libcontainer/spec.h"
#include "../libcontainer/utils.h"
#include "verbs.h"

int cmd_spec(const struct cli_cmd *cmd, struct global_opts *g, int argc, char **argv) {
  autofree char *bundle = NULL;
  bool rootless = false;
  struct cli_opt opts[] = {
      {"bundle", 'b', OPT_STRING, &bundle, "path to the root of the bundle directory", NULL, false},
      {"rootless", 0, OPT_BOOL, &rootless, "generate a configuration for a rootless container", NULL, false},
  };
  autofree char **pos = NULL;
  int npos;
  int r = cli_verb_parse(cmd, opts, ARRAY_SIZE(opts), argc, argv, false, &pos, &npos);
  if (r >= 0)
    return r;
  if ((r = cli_check_args(cmd, opts, ARRAY_SIZE(opts), npos, 0, ARGS_EXACT)) >= 0)
    return r;
  (void)g;
  struct error *err = NULL;
  autoclose int dirfd = open(bundle ? bundle : ".", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dirfd < 0) {
    error_sys(&err, errno, "open bundle directory \"%s\"", bundle ? bundle : ".");
    return cli_fail(err);
  }
  autofree char *doc = spec_default(rootless, geteuid(), getegid());
  int fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    if (errno == EEXIST)
      error_set(&err, EEXIST, "File config.json exists. Remove it first");
    else
      error_sys(&err, errno, "create config.json");
    return cli_fail(err);
  }
  if (write_all(fd, doc, strlen(doc)) < 0) {
    error_sys(&err, errno, "write config.json");
    close(fd);
    unlinkat(dirfd, "config.json", 0);
    return cli_fail(err);
  }
  close(fd);
  return 0;
}
