/* apparmor.c - AppArmor exec profiles via the procfs attr interface. */
#define _GNU_SOURCE
#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "utils.h"

bool apparmor_runtime_supported(void) { return true; }

bool apparmor_host_enabled(void) {
  static int enabled = -1;
  if (enabled >= 0)
    return enabled;
  char buf[4] = "";
  int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  enabled = 0;
  if (fd >= 0) {
    if (read(fd, buf, sizeof(buf) - 1) > 0 && buf[0] == 'Y')
      enabled = 1;
    close(fd);
  }
  return enabled;
}

int apparmor_set_exec_profile(int procfd, const char *profile, struct error **err) {
  if (profile == NULL || *profile == '\0')
    return 0;
  autofree char *value = xasprintf("exec %s", profile);
  /* The LSM-specific file first (Linux 5.8+), then the shared one. */
  int fd = procfs_open(procfd, "thread-self/attr/apparmor/exec", O_WRONLY, NULL);
  if (fd < 0)
    fd = procfs_open(procfd, "thread-self/attr/exec", O_WRONLY, err);
  if (fd < 0)
    return error_wrap(err, "apparmor failed to apply profile");
  ssize_t n = write(fd, value, strlen(value));
  int e = errno;
  close(fd);
  if (n < 0)
    return error_sys(err, e, "apparmor failed to apply profile: write attr/exec");
  return 0;
}
