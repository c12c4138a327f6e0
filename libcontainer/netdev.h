/* netdev.h - network devices: loopback up in a new network namespace, and
 * linux.netDevices moved (and renamed) into the container's network
 * namespace over rtnetlink (libmnl). */
#ifndef VESSEL_NETDEV_H
#define VESSEL_NETDEV_H

#include <sys/types.h>

#include "error.h"

/* Bring "lo" up in the caller's network namespace. */
int netdev_loopback_up(struct error **err);
/* Does the host have an interface of this name? */
int netdev_exists(const char *name);
/* Move host interface name into the network namespace netns_fd, renamed to
 * new_name when it is not NULL. */
int netdev_move(const char *name, const char *new_name, int netns_fd, struct error **err);

#endif
