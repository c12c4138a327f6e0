/* netdev.c - network devices: rtnetlink with libmnl, and the loopback. */
#define _GNU_SOURCE
#include "netdev.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

/* Send one RTM_NEWLINK request and wait for its acknowledgement. */
static int link_request(int ifindex, unsigned flags, unsigned change, int netns_fd,
                        const char *ifname, struct error **err) {
  char buf[8192];
  struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl == NULL)
    return error_sys(err, errno, "open a netlink socket");
  int rc = -1;
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    error_sys(err, errno, "bind the netlink socket");
    goto out;
  }
  struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  unsigned seq = (unsigned)time(NULL);
  nlh->nlmsg_seq = seq;
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = ifindex;
  ifm->ifi_flags = flags;
  ifm->ifi_change = change;
  if (netns_fd >= 0)
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
  if (ifname)
    mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
    error_sys(err, errno, "netlink send");
    goto out;
  }
  ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
  if (n < 0) {
    error_sys(err, errno, "netlink receive");
    goto out;
  }
  if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0) {
    error_sys(err, errno, "netlink");
    goto out;
  }
  rc = 0;
out:
  mnl_socket_close(nl);
  return rc;
}

/* SIOCSIFFLAGS rather than RTM_NEWLINK: the same kernel path, without the
 * netlink round trip, which costs milliseconds in a fresh namespace. */
int netdev_loopback_up(struct error **err) {
  autoclose int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return error_sys(err, errno, "bring the loopback interface up: socket"), error_stage(err, "network");
  struct ifreq r;
  memset(&r, 0, sizeof(r));
  strcpy(r.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &r) < 0)
    return error_sys(err, errno, "bring the loopback interface up"), error_stage(err, "network");
  if (r.ifr_flags & IFF_UP)
    return 0;
  r.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &r) < 0)
    return error_sys(err, errno, "bring the loopback interface up"), error_stage(err, "network");
  return 0;
}

int netdev_exists(const char *name) { return if_nametoindex(name) != 0; }

int netdev_move(const char *name, const char *new_name, int netns_fd, struct error **err) {
  unsigned idx = if_nametoindex(name);
  if (idx == 0)
    return error_set(err, ENODEV, "network device \"%s\" does not exist", name),
           error_stage(err, "network");
  if (link_request((int)idx, 0, 0, netns_fd, new_name, err) < 0)
    return error_wrap(err, "move network device \"%s\" into the container", name),
           error_stage(err, "network");
  return 0;
}
