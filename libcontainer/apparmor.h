/* apparmor.h - AppArmor profiles through the procfs attr interface. */
#ifndef VESSEL_APPARMOR_H
#define VESSEL_APPARMOR_H

#include <stdbool.h>

#include "error.h"

bool apparmor_runtime_supported(void);
/* Is AppArmor enabled on this host (/sys/module/apparmor/parameters/enabled)? */
bool apparmor_host_enabled(void);
/* Change to profile at the next execve, writing "exec <profile>" through the
 * verified procfs handle procfd (attr/apparmor/exec, or attr/exec). */
int apparmor_set_exec_profile(int procfd, const char *profile, struct error **err);

#endif
