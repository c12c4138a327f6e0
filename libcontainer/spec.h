/* spec.h - the default config.json that `vessel spec` writes. */
#ifndef VESSEL_SPEC_H
#define VESSEL_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

/* The default specification; rootless maps the given ids into a user
 * namespace (as `runc spec --rootless` does).  Returns a malloc'ed document. */
char *spec_default(bool rootless, uid_t uid, gid_t gid);

#endif
