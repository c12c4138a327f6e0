/* caps.c - capability names and the five capability sets. */
#define _GNU_SOURCE
#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/capability.h>
#include <unistd.h>

#include "log.h"
#include "utils.h"

static const char *cap_names[VESSEL_CAP_COUNT] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int cap_from_spec_name(const char *name) {
  for (int i = 0; i < VESSEL_CAP_COUNT; i++)
    if (strcmp(cap_names[i], name) == 0)
      return i;
  return -1;
}

const char *cap_spec_name(int cap) {
  return cap >= 0 && cap < VESSEL_CAP_COUNT ? cap_names[cap] : NULL;
}

int cap_last_cap_value(void) {
  static int last = -1;
  if (last >= 0)
    return last;
  char buf[16] = "";
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n > 0)
      last = atoi(buf);
  }
  if (last <= 0) {
    /* Probe the bounding set: PR_CAPBSET_READ fails with EINVAL past the end. */
    last = 0;
    while (last < 63 && prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
      last++;
  }
  return last;
}

static uint64_t known_mask(void) {
  int last = cap_last_cap_value();
  return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* Capabilities asked for that this kernel does not have are skipped with a
 * warning, as runc does; unknown names were already refused by the parser. */
static uint64_t usable(const struct caps_cfg *c, int set) {
  uint64_t want = c->has_set[set] ? c->set[set] : 0;
  uint64_t extra = want & ~known_mask();
  if (extra) {
    for (int i = 0; i < 64; i++)
      if (extra & (1ULL << i))
        log_warn("capability %s is not supported by this kernel; ignoring it",
                 cap_spec_name(i) ? cap_spec_name(i) : "?");
  }
  return want & known_mask();
}

int caps_apply_bounding(const struct caps_cfg *c, struct error **err) {
  uint64_t keep = usable(c, CAP_SET_BOUNDING);
  int last = cap_last_cap_value();
  for (int i = 0; i <= last; i++) {
    if (keep & (1ULL << i))
      continue;
    if (cap_drop_bound((cap_value_t)i) < 0 && errno != EINVAL)
      return error_sys(err, errno, "drop capability %s from the bounding set",
                       cap_spec_name(i) ? cap_spec_name(i) : "?");
  }
  return 0;
}

static void set_flags(cap_t caps, cap_flag_t flag, uint64_t mask) {
  cap_value_t list[64];
  int n = 0;
  for (int i = 0; i < 64; i++)
    if (mask & (1ULL << i))
      list[n++] = (cap_value_t)i;
  if (n > 0)
    cap_set_flag(caps, flag, n, list, CAP_SET);
}

int caps_apply_final(const struct caps_cfg *c, struct error **err) {
  uint64_t eff = usable(c, CAP_SET_EFFECTIVE), perm = usable(c, CAP_SET_PERMITTED),
           inh = usable(c, CAP_SET_INHERITABLE), amb = usable(c, CAP_SET_AMBIENT);
  cap_t caps = cap_init();
  if (caps == NULL)
    return error_sys(err, errno, "allocate capability state");
  set_flags(caps, CAP_EFFECTIVE, eff);
  set_flags(caps, CAP_PERMITTED, perm);
  set_flags(caps, CAP_INHERITABLE, inh);
  int r = cap_set_proc(caps);
  int e = errno;
  cap_free(caps);
  if (r < 0)
    return error_sys(err, e, "set capabilities (effective %#llx, permitted %#llx, inheritable %#llx)",
                     (unsigned long long)eff, (unsigned long long)perm, (unsigned long long)inh);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return error_sys(err, errno, "clear the ambient capabilities");
  /* The kernel raises an ambient capability only when it is permitted and
   * inheritable; runc skips the others silently, and so does vessel,
   * without a system call for each. */
  amb &= perm & inh;
  for (int i = 0; i < 64; i++) {
    if (!(amb & (1ULL << i)))
      continue;
    if (cap_set_ambient((cap_value_t)i, CAP_SET) < 0)
      log_debug("cannot raise ambient capability %d: %s", i, errno_text(errno));
  }
  return 0;
}
