/* terminal.c - ptys for the container's processes. */
#define _GNU_SOURCE
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fsutil.h"
#include "syscalls.h"
#include "utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int terminal_connect_socket(const char *path, struct error **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return error_set(err, ENAMETOOLONG, "console socket path \"%s\" is too long", path);
  strcpy(addr.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return error_sys(err, errno, "socket");
  if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    int e = errno;
    close(s);
    error_sys(err, e, "connect to console socket \"%s\"", path);
    error_object(err, path);
    return error_stage(err, "terminal");
  }
  return s;
}

int terminal_open_pty(int rootfd, uint32_t rows, uint32_t cols, int *master, int *slave,
                      struct error **err) {
  int m = rootfd >= 0 ? root_open(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, err)
                      : open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 && rootfd < 0)
    error_sys(err, errno, "open /dev/pts/ptmx");
  if (m < 0)
    return error_wrap(err, "create the terminal"), error_stage(err, "terminal");
  int unlock = 0;
  if (ioctl(m, TIOCSPTLCK, &unlock) < 0) {
    int e = errno;
    close(m);
    return error_sys(err, e, "unlock the pty"), error_stage(err, "terminal");
  }
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(m);
    return error_sys(err, e, "open the pty peer"), error_stage(err, "terminal");
  }
  if (rows || cols) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    ioctl(m, TIOCSWINSZ, &ws);
  }
  *master = m;
  *slave = s;
  return 0;
}

int terminal_send_master(int sock, int master, struct error **err) {
  static const char name[] = "/dev/ptmx";
  struct iovec iov = {(void *)name, sizeof(name) - 1};
  char cbuf[CMSG_SPACE(sizeof(int))] = {0};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof(cbuf)};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof(int));
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_sys(err, errno, "send the terminal to the console socket"), error_stage(err, "terminal");
  return 0;
}

int terminal_recv_master(int sock, struct error **err) {
  char buf[256], cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {buf, sizeof(buf)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof(cbuf)};
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return error_sys(err, errno, "receive the terminal"), error_stage(err, "terminal");
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof(int));
      return fd;
    }
  return error_set(err, EPROTO, "no terminal received"), error_stage(err, "terminal");
}

int terminal_become_controlling(int slave, struct error **err) {
  if (setsid() < 0 && errno != EPERM)
    return error_sys(err, errno, "setsid"), error_stage(err, "terminal");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return error_sys(err, errno, "set the controlling terminal"), error_stage(err, "terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return error_sys(err, errno, "dup2 the terminal onto fd %d", fd), error_stage(err, "terminal");
  if (slave > 2)
    close(slave);
  return 0;
}

int terminal_bind_console(int rootfd, int slave, struct error **err) {
  struct stat st;
  /* Unix98 pty slaves are majors 136..143. */
  if (fstat(slave, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) < 136 ||
      major(st.st_rdev) > 143)
    return error_set(err, EPERM, "the terminal is not a pty slave; refusing to bind it"),
           error_stage(err, "terminal");
  autoclose int target = root_mkfile_strict(rootfd, "/dev/console", 0600, err);
  if (target < 0)
    return error_stage(err, "terminal");
  autoclose int tree = sys_open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return error_sys(err, errno, "bind the terminal onto /dev/console"), error_stage(err, "terminal");
  if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return error_sys(err, errno, "bind the terminal onto /dev/console"), error_stage(err, "terminal");
  return 0;
}

static struct termios saved_termios;
static bool raw_mode;

static void restore_terminal(void) {
  if (raw_mode) {
    tcsetattr(0, TCSANOW, &saved_termios);
    raw_mode = false;
  }
}

static void copy_winsize(int master) {
  struct winsize ws;
  /* A terminal that reports no size keeps the configured consoleSize. */
  if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
    ioctl(master, TIOCSWINSZ, &ws);
}

/* Copy what is readable from in to out; returns false on EOF / error. */
static bool pump(int in, int out) {
  char buf[16384];
  ssize_t n = read(in, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  return write_all(out, buf, (size_t)n) >= 0;
}

int terminal_relay(int master, int pidfd, int sigfd, int *status, struct error **err) {
  if (isatty(0) && tcgetattr(0, &saved_termios) == 0) {
    struct termios raw = saved_termios;
    cfmakeraw(&raw);
    if (tcsetattr(0, TCSANOW, &raw) == 0)
      raw_mode = true;
    copy_winsize(master);
  }
  bool in_open = true, out_open = true;
  int rc = 0;
  for (;;) {
    /* A closed side is left out (fd -1): poll reports hang-ups even for
     * descriptors asked for no events. */
    struct pollfd p[4] = {{pidfd, POLLIN, 0}, {sigfd, POLLIN, 0},
                          {out_open ? master : -1, POLLIN, 0}, {in_open ? 0 : -1, POLLIN, 0}};
    if (poll(p, 4, -1) < 0) {
      if (errno == EINTR)
        continue;
      rc = error_sys(err, errno, "poll");
      break;
    }
    if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
      out_open = pump(master, 1);
    if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
      in_open = pump(0, master);
    if (sigfd >= 0 && (p[1].revents & POLLIN)) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGWINCH)
          copy_winsize(master);
        else if (si.ssi_signo != SIGCHLD)
          sys_pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
      }
    }
    if (p[0].revents & POLLIN) {
      /* Drain the output that is still in the pty before reporting. */
      while (out_open) {
        struct pollfd q = {master, POLLIN, 0};
        if (poll(&q, 1, 0) <= 0 || !(q.revents & POLLIN))
          break;
        out_open = pump(master, 1);
      }
      siginfo_t si = {0};
      while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
        ;
      *status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
      break;
    }
  }
  restore_terminal();
  return rc;
}
