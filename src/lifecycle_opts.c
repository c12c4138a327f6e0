/* lifecycle_opts.c - the options create and run share. */
#define _GNU_SOURCE
#include "lifecycle_opts.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../libcontainer/utils.h"

static char *absolute(const char *p) {
  if (p[0] == '/')
    return xstrdup(p);
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) == NULL)
    return xstrdup(p);
  return xasprintf("%s/%s", cwd, p);
}

int lifecycle_fill(struct lifecycle_opts *lo, const char *id, bool detach, struct create_opts *o,
                   struct error **err) {
  memset(o, 0, sizeof(*o));
  o->id = id;
  char real[PATH_MAX];
  const char *b = lo->bundle && *lo->bundle ? lo->bundle : ".";
  if (realpath(b, real) == NULL)
    return error_sys(err, errno, "bundle \"%s\"", b);
  o->bundle = xstrdup(real);
  if (lo->pid_file && *lo->pid_file)
    o->pid_file = absolute(lo->pid_file);
  if (lo->console_socket && *lo->console_socket)
    o->console_socket = absolute(lo->console_socket);
  o->no_pivot = lo->no_pivot;
  o->no_new_keyring = lo->no_new_keyring;
  o->preserve_fds = (int)lo->preserve_fds;
  o->detach = detach;
  return 0;
}

void lifecycle_free(struct lifecycle_opts *lo, struct create_opts *o) {
  free((char *)o->bundle);
  free((char *)o->pid_file);
  free((char *)o->console_socket);
  free(lo->bundle);
  free(lo->pid_file);
  free(lo->console_socket);
}
