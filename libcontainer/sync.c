/* sync.c - parent <-> init messages. */
#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "utils.h"

struct wire {
  uint32_t type;
  int32_t arg;
  int32_t errnum;
  uint16_t stage_len, object_len;
  /* followed by stage, object, message (not NUL terminated) */
};

#define SYNC_MAX 16384

static int send_buf(int sock, const void *buf, size_t len, int fd, struct error **err) {
  struct iovec iov = {(void *)buf, len};
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (fd >= 0) {
    memset(cbuf, 0, sizeof(cbuf));
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_sys(err, errno, "sync: send");
  return 0;
}

int sync_send(int sock, enum sync_type type, int32_t arg, int fd, struct error **err) {
  struct wire w = {.type = type, .arg = arg};
  return send_buf(sock, &w, sizeof(w), fd, err);
}

int sync_send_error(int sock, const struct error *e) {
  char buf[SYNC_MAX];
  struct wire w = {.type = SYNC_ERROR, .errnum = e ? e->errnum : 0};
  const char *stage = e && e->stage ? e->stage : "";
  const char *object = e && e->object ? e->object : "";
  const char *msg = e && e->msg ? e->msg : "unknown error";
  size_t sl = strnlen(stage, 64), ol = strnlen(object, 4096);
  size_t ml = strlen(msg);
  if (sizeof(w) + sl + ol + ml > sizeof(buf))
    ml = sizeof(buf) - sizeof(w) - sl - ol;
  w.stage_len = (uint16_t)sl;
  w.object_len = (uint16_t)ol;
  memcpy(buf, &w, sizeof(w));
  memcpy(buf + sizeof(w), stage, sl);
  memcpy(buf + sizeof(w) + sl, object, ol);
  memcpy(buf + sizeof(w) + sl + ol, msg, ml);
  return send_buf(sock, buf, sizeof(w) + sl + ol + ml, -1, NULL);
}

int sync_recv(int sock, struct sync_msg *m, struct error **err) {
  char buf[SYNC_MAX];
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {buf, sizeof(buf)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof(cbuf)};
  memset(m, 0, sizeof(*m));
  m->fd = -1;
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_sys(err, errno, "sync: receive");
  if (n == 0)
    return error_set(err, EPIPE, "sync: the other side exited");
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&m->fd, CMSG_DATA(c), sizeof(int));
  if ((size_t)n < sizeof(struct wire)) {
    if (m->fd >= 0)
      close(m->fd);
    return error_set(err, EPROTO, "sync: short message");
  }
  struct wire w;
  memcpy(&w, buf, sizeof(w));
  m->type = w.type;
  m->arg = w.arg;
  if (w.type == SYNC_ERROR) {
    size_t rest = (size_t)n - sizeof(w);
    if ((size_t)w.stage_len + w.object_len > rest)
      return error_set(err, EPROTO, "sync: malformed error message");
    char *p = buf + sizeof(w);
    autofree char *stage = xstrndup(p, w.stage_len);
    autofree char *object = xstrndup(p + w.stage_len, w.object_len);
    autofree char *text = xstrndup(p + w.stage_len + w.object_len, rest - w.stage_len - w.object_len);
    m->err = error_new(w.errnum, stage, object, text);
  }
  return 0;
}

int sync_expect(int sock, enum sync_type type, struct sync_msg *m, struct error **err) {
  if (sync_recv(sock, m, err) < 0)
    return -1;
  if (m->type == SYNC_ABORT)
    return error_set(err, ECANCELED, "sync: aborted by the other side");
  if (m->type != type) {
    if (m->fd >= 0)
      close(m->fd);
    if (m->err) {
      *err = m->err;
      m->err = NULL;
      return -1;
    }
    return error_set(err, EPROTO, "sync: expected message %d, got %u", type, m->type);
  }
  return 0;
}
