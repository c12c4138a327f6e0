/* terminal.h - pseudo-terminals for the container's processes.
 *
 * The pty pair is made in the container's own devpts (its /dev/pts/ptmx,
 * opened under the rootfs descriptor); the slave is taken from the master
 * with TIOCGPTPEER (no path lookup), becomes the controlling terminal and
 * stdio of the process and is bound onto /dev/console by descriptor.  The
 * master goes to the --console-socket in one SCM_RIGHTS message, or, for a
 * foreground `run`/`exec` without a socket, to vessel itself, which relays
 * it to the caller's terminal in raw mode and passes on window size changes. */
#ifndef VESSEL_TERMINAL_H
#define VESSEL_TERMINAL_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Connect to the console socket (in the parent, before the init exists). */
int terminal_connect_socket(const char *path, struct error **err);

/* Make a pty pair from the devpts whose ptmx is ptmx_fd (or, if -1, the
 * ptmx reachable from rootfd).  *master and *slave receive descriptors. */
int terminal_open_pty(int rootfd, uint32_t rows, uint32_t cols, int *master, int *slave,
                      struct error **err);
/* Send the master over sock with a non-empty payload (its conventional name). */
int terminal_send_master(int sock, int master, struct error **err);
/* Receive a master from sock. */
int terminal_recv_master(int sock, struct error **err);
/* Make slave the controlling terminal and fds 0, 1, 2 of the caller. */
int terminal_become_controlling(int slave, struct error **err);
/* Bind the slave onto /dev/console inside rootfd (checked to be a pts). */
int terminal_bind_console(int rootfd, int slave, struct error **err);

/* Foreground relay between the caller's stdin/stdout and master, until the
 * process behind pidfd exits: raw mode while it runs (restored on every
 * path), SIGWINCH copied to the pty, other signals forwarded to the process.
 * Stores the wait status as run/exec report it (code, or 128+signal). */
int terminal_relay(int master, int pidfd, int sigfd, int *status, struct error **err);

#endif
