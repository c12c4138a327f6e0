/* selinux.c - SELinux labels through libselinux.  When SELinux is disabled,
 * mount labels are ignored (as runc does); a process label is refused by the
 * config check in container.c with runc's message. */
#define _GNU_SOURCE
#include "selinux.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"

bool selinux_runtime_supported(void) { return true; }

bool selinux_host_enabled(void) {
  static int enabled = -1;
  if (enabled < 0)
    enabled = is_selinux_enabled() > 0;
  return enabled;
}

int selinux_set_exec_label(const char *label, struct error **err) {
  if (label == NULL || *label == '\0' || !selinux_host_enabled())
    return 0;
  if (setexeccon(label) < 0)
    return error_sys(err, errno, "set SELinux exec label \"%s\"", label);
  return 0;
}

int selinux_set_key_label(const char *label, struct error **err) {
  if (label == NULL || *label == '\0' || !selinux_host_enabled())
    return 0;
  if (setkeycreatecon(label) < 0 && errno != ENOENT)
    return error_sys(err, errno, "set SELinux keyring label \"%s\"", label);
  return 0;
}

char *selinux_mount_data(const char *data, const char *label) {
  if (label == NULL || *label == '\0' || !selinux_host_enabled())
    return xstrdup(data);
  if (data == NULL || *data == '\0')
    return xasprintf("context=\"%s\"", label);
  return xasprintf("%s,context=\"%s\"", data, label);
}
