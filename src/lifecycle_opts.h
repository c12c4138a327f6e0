/* lifecycle_opts.h - the options create and run share. */
#ifndef VESSEL_LIFECYCLE_OPTS_H
#define VESSEL_LIFECYCLE_OPTS_H

#include "../libcontainer/container.h"
#include "cli.h"

struct lifecycle_opts {
  char *bundle, *pid_file, *console_socket;
  bool no_pivot, no_new_keyring;
  long preserve_fds;
};

#define LIFECYCLE_CREATE_OPTS(lo)                                                                   \
  {"bundle", 'b', OPT_STRING, &(lo).bundle, "path to the root of the bundle directory, defaults to the current directory", NULL, false}, \
  {"console-socket", 0, OPT_STRING, &(lo).console_socket, "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal", NULL, false}, \
  {"pid-file", 0, OPT_STRING, &(lo).pid_file, "specify the file to write the process id to", NULL, false}, \
  {"no-pivot", 0, OPT_BOOL, &(lo).no_pivot, "do not use pivot root to jail process inside rootfs", NULL, false}, \
  {"no-new-keyring", 0, OPT_BOOL, &(lo).no_new_keyring, "do not create a new session keyring for the container", NULL, false}, \
  {"preserve-fds", 0, OPT_INT, &(lo).preserve_fds, "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "0", false}

/* Resolve the bundle and pid file to absolute paths and fill o. */
int lifecycle_fill(struct lifecycle_opts *lo, const char *id, bool detach, struct create_opts *o,
                   struct error **err);
void lifecycle_free(struct lifecycle_opts *lo, struct create_opts *o);

#endif
