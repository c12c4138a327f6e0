/* devices.c - device access rules: the container's own rules followed by
 * the devices every container may use (runc's AllowedDevices, in its order),
 * and the cgroup v1 writer (deny everything, then each rule in order).  The
 * v2 eBPF program built from the same list is in devices_bpf.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../utils.h"
#include "internal.h"

static const struct device_rule default_rules[] = {
    {true, 'c', false, false, -1, -1, "m"},   /* mknod of any char device */
    {true, 'b', false, false, -1, -1, "m"},   /* mknod of any block device */
    {true, 'c', true, true, 1, 3, "rwm"},     /* /dev/null */
    {true, 'c', true, true, 1, 8, "rwm"},     /* /dev/random */
    {true, 'c', true, true, 1, 7, "rwm"},     /* /dev/full */
    {true, 'c', true, true, 5, 0, "rwm"},     /* /dev/tty */
    {true, 'c', true, true, 1, 5, "rwm"},     /* /dev/zero */
    {true, 'c', true, true, 1, 9, "rwm"},     /* /dev/urandom */
    {true, 'c', true, false, 136, -1, "rwm"}, /* /dev/pts/N, and /dev/console on a pty */
    {true, 'c', true, true, 5, 2, "rwm"},     /* /dev/ptmx */
    {true, 'c', true, true, 10, 200, "rwm"},  /* /dev/net/tun */
};

struct device_rule *cg_device_rules(const struct resources_cfg *r, size_t *n) {
  size_t own = r ? r->n_devices : 0;
  *n = own + ARRAY_SIZE(default_rules);
  struct device_rule *v = xcalloc(*n, sizeof(*v));
  if (own)
    memcpy(v, r->devices, own * sizeof(*v));
  memcpy(v + own, default_rules, sizeof(default_rules));
  return v;
}

bool cg_device_rules_default(const struct device_rule *v, size_t n) {
  size_t d = ARRAY_SIZE(default_rules);
  if (n < d || n > d + 1 || memcmp(v + n - d, default_rules, sizeof(default_rules)) != 0)
    return false;
  /* nothing of the container's own, or only "deny all" (what `spec` writes) */
  return n == d || (!v[0].allow && v[0].type == 'a');
}

void cg_device_rule_str(const struct device_rule *d, char *buf, size_t n) {
  char maj[24] = "*", min[24] = "*";
  if (d->type == 'a') {
    snprintf(buf, n, "a *:* rwm");
    return;
  }
  if (d->major >= 0)
    snprintf(maj, sizeof(maj), "%" PRId64, d->major);
  if (d->minor >= 0)
    snprintf(min, sizeof(min), "%" PRId64, d->minor);
  snprintf(buf, n, "%c %s:%s %s", d->type, maj, min, *d->access ? d->access : "rwm");
}

/* v1: start from "deny all", then apply each rule in order; the kernel keeps
 * the exceptions, so later rules win as they do in the v2 program. */
int cg_v1_devices(int dirfd, const char *dir, const struct device_rule *rules, size_t n,
                  struct error **err) {
  autoclose int allow = cg_open_file(dirfd, dir, "devices.allow", O_WRONLY, err);
  if (allow < 0)
    return -1;
  autoclose int deny = cg_open_file(dirfd, dir, "devices.deny", O_WRONLY, err);
  if (deny < 0)
    return -1;
  if (cg_write_fd(deny, dir, "devices.deny", "a", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    char buf[64];
    cg_device_rule_str(&rules[i], buf, sizeof(buf));
    bool a = rules[i].allow;
    if (rules[i].type == 'a')
      strcpy(buf, "a");
    if (cg_write_fd(a ? allow : deny, dir, a ? "devices.allow" : "devices.deny", buf, err) < 0)
      return -1;
  }
  return 0;
}
