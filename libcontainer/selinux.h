/* selinux.h - SELinux process and mount labels through libselinux. */
#ifndef VESSEL_SELINUX_H
#define VESSEL_SELINUX_H

#include <stdbool.h>

#include "error.h"

/* vessel implements process.selinuxLabel and linux.mountLabel. */
bool selinux_runtime_supported(void);
/* Is SELinux enabled on this host? */
bool selinux_host_enabled(void);
/* Label the next execve (setexeccon); a no-op when SELinux is disabled. */
int selinux_set_exec_label(const char *label, struct error **err);
/* Label keyrings created next (setkeycreatecon). */
int selinux_set_key_label(const char *label, struct error **err);
/* Add context="label" to a mount data string when SELinux is enabled;
 * returns a new string (or a copy of data). */
char *selinux_mount_data(const char *data, const char *label);

#endif
