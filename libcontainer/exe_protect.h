/* exe_protect.h - vessel's own binary out of the container's reach
 * (CVE-2019-5736).
 *
 * Every process vessel puts into a container is a clone of vessel until its
 * final execve.  If the container's program is a script whose interpreter is
 * /proc/self/exe, or is /proc/self/exe itself, the kernel runs vessel's
 * binary inside the container, dumpable again after that execve, and the
 * container can open it through /proc/<pid>/exe.  So before a verb that
 * enters a container does anything, the binary the process runs from must be
 * one that cannot be opened for writing from anywhere: vessel re-executes
 * itself from a read-only detached clone of the mount its binary lives on
 * (open_tree + mount_setattr + execveat), or, where that is not allowed
 * (rootless), from a sealed memfd copy.  A binary that the container's
 * processes could never write anyway (rootless vessel running a root-owned
 * binary it cannot write) needs neither. */
#ifndef VESSEL_EXE_PROTECT_H
#define VESSEL_EXE_PROTECT_H

#include "error.h"

enum exe_protection {
  EXE_UNPROTECTED = 0,
  EXE_NOT_WRITABLE,  /* nothing this process can do writes the binary */
  EXE_RO_MOUNT,      /* running from vessel's read-only clone of the mount */
  EXE_SEALED_MEMFD,  /* running from a sealed memfd copy */
};

/* Make sure this process runs from a binary the container cannot write.
 * Returns 0 when it already does; otherwise re-executes argv (with the same
 * environment) from a protected view and does not return.  -1 with *err when
 * no protection could be set up. */
int exe_protect(char **argv, struct error **err);

/* The protection a verb that enters a container gets on this host, as
 * exe_protect would choose it (for `features`): probed, not assumed. */
enum exe_protection exe_protection_probe(void);
const char *exe_protection_name(enum exe_protection p);

#endif
