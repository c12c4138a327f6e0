/* fsutil.h - paths inside the container's rootfs, resolved safely.
 *
 * Every path that comes from config.json and names something inside the
 * rootfs is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * relative to a descriptor of the rootfs: symlinks in the image resolve as
 * if the rootfs were "/", and can never lead to the host.  Directories and
 * files that must exist (mount targets, device nodes) are created one
 * component at a time under descriptors obtained that way. */
#ifndef VESSEL_FSUTIL_H
#define VESSEL_FSUTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Resolve path inside rootfd; flags as for open(2) (O_PATH commonly). */
int root_open(int rootfd, const char *path, int flags, struct error **err);
/* Like root_open without following a final symlink (the link itself). */
int root_open_nofollow(int rootfd, const char *path, int flags, struct error **err);
/* Make the directory path (and its parents) inside rootfd; returns an O_PATH
 * descriptor of it. */
int root_mkdir_p(int rootfd, const char *path, mode_t mode, struct error **err);
/* Make sure path exists as a regular file (parents created); returns an
 * O_PATH descriptor of it.  An existing file is kept. */
int root_mkfile(int rootfd, const char *path, mode_t mode, struct error **err);
/* The directory path (made if missing), reached without any symlink. */
int root_dir_nosymlinks(int rootfd, const char *path, struct error **err);
/* Like root_mkfile, but no component may be a symlink and the result must be
 * a regular file or a character device (for /dev/console and device binds). */
int root_mkfile_strict(int rootfd, const char *path, mode_t mode, struct error **err);
/* Split path into a descriptor of its parent directory (created if needed)
 * and the last component (pointer into path). */
int root_parent(int rootfd, const char *path, bool create, const char **last, struct error **err);

/* The "/proc/self/fd/N" spelling of fd, for interfaces that need a path. */
const char *fd_path(int fd, char buf[static 32]);

/* Copy the contents of directory src into directory dst (tmpcopyup). */
int copy_tree(int srcfd, int dstfd, struct error **err);

#endif
