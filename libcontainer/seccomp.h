/* seccomp.h - linux.seccomp as a libseccomp filter: built in the parent's
 * address space before the container is cloned, loaded last before execve of
 * the user process, with SCMP_ACT_NOTIFY listener support. */
#ifndef VESSEL_SECCOMP_H
#define VESSEL_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"

/* Names vessel recognises, for `features`. */
size_t seccomp_known_actions(const char **out, size_t max);
size_t seccomp_known_operators(const char **out, size_t max);
size_t seccomp_known_archs(const char **out, size_t max);
size_t seccomp_known_flags(const char **out, size_t max);
/* The subset of the flags that this kernel and libseccomp support. */
size_t seccomp_supported_flags(const char **out, size_t max);

/* Compile the filter (without loading it). */
struct seccomp_filter;
int seccomp_filter_build(const struct seccomp_cfg *cfg, struct seccomp_filter **out,
                         struct error **err);
/* Load it into the calling process.  When the filter has SCMP_ACT_NOTIFY
 * rules, *notify_fd receives the listener descriptor (else -1). */
int seccomp_filter_load(struct seccomp_filter *f, int *notify_fd, struct error **err);
bool seccomp_filter_wants_notify(const struct seccomp_filter *f);
void seccomp_filter_free(struct seccomp_filter *f);

/* Send the notify fd and the container state to listenerPath as runc does. */
int seccomp_send_notify(const struct seccomp_cfg *cfg, int notify_fd, const char *state_json,
                        struct error **err);

#endif
