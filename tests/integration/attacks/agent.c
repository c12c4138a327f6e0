/* agent - a seccomp notify listener (linux.seccomp.listenerPath).
 *
 *   agent -s SOCKET -o OUTDIR [-r SYSCALL=ACTION]... [-H CONN:SYSCALL -T TRIGGER -D DONE]
 *         [-t SECONDS]
 *
 * Listens on SOCKET; every connection from the runtime carries the notify
 * descriptor (SCM_RIGHTS) and the container process state JSON, saved as
 * OUTDIR/state.N.json (N counts connections from 1).  Notifications are
 * answered by the rules: ACTION is "errno:N" (the call fails with N),
 * "ok:V" (the call is not made and returns V) or "continue" (the default:
 * the call is made).  Each one is logged to OUTDIR/notify.log as
 * "conn=N pid=P syscall=NAME answer=ACTION".
 *
 * -H holds the first notification of SYSCALL on connection CONN: the agent
 * writes "pid=P nspid=N capeff=MASK exe=LINK" to OUTDIR/held (N: the pid
 * in the process's own pid namespace, MASK its effective capabilities), writes "go" to the fifo TRIGGER,
 * waits for EOF on the fifo DONE, and only then lets the call continue.
 * That keeps the notified process in its system call, deterministically,
 * while something else looks at it.
 *
 * The agent forks once it listens: the parent prints the agent's pid and
 * exits, so the caller knows the socket is ready.  It exits by itself after
 * -t SECONDS (default 30). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAXC 16
#define MAXR 16

static struct { char name[64]; char action[64]; } rules[MAXR];
static int n_rules;
static const char *outdir, *trigger, *done_fifo;
static int hold_conn = -1;
static char hold_sys[64];
static bool held;
static FILE *logf;

static void on_alarm(int s) { (void)s; }

static void die(const char *what) {
  fprintf(stderr, "agent: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int recv_conn(int s, int n) {
  char buf[65536], cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {buf, sizeof(buf) - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
  ssize_t r = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
  if (r < 0)
    return -1;
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&fd, CMSG_DATA(c), sizeof(int));
  /* The rest of the state, if the runtime wrote more than one segment. */
  size_t len = (size_t)r;
  for (;;) {
    struct pollfd p = {s, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0)
      break;
    ssize_t m = read(s, buf + len, sizeof(buf) - 1 - len);
    if (m <= 0)
      break;
    len += (size_t)m;
  }
  buf[len] = '\0';
  char path[4096];
  snprintf(path, sizeof(path), "%s/state.%d.json", outdir, n);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(buf, f);
    fclose(f);
  }
  fprintf(logf, "conn=%d fd=%s bytes=%zu\n", n, fd >= 0 ? "yes" : "no", len);
  fflush(logf);
  return fd;
}

/* Wait for the other side of the hold; bounded by alarm(). */
static void hold(int conn, pid_t pid) {
  char path[4096], exe[4096] = "", link[64];
  snprintf(link, sizeof(link), "/proc/%d/exe", pid);
  ssize_t n = readlink(link, exe, sizeof(exe) - 1);
  if (n > 0)
    exe[n] = '\0';
  /* "NSpid:\t<host pid>\t...\t<innermost pid>" */
  char status[64], line[256], nspid[32] = "?", capeff[32] = "?";
  snprintf(status, sizeof(status), "/proc/%d/status", pid);
  FILE *st = fopen(status, "re");
  while (st && fgets(line, sizeof(line), st))
    if (strncmp(line, "NSpid:", 6) == 0) {
      char *last = strrchr(line, '\t');
      if (last)
        snprintf(nspid, sizeof(nspid), "%.*s", (int)strcspn(last + 1, "\n"), last + 1);
    } else if (strncmp(line, "CapEff:\t", 8) == 0) {
      snprintf(capeff, sizeof(capeff), "%.*s", (int)strcspn(line + 8, "\n"), line + 8);
    }
  if (st)
    fclose(st);
  snprintf(path, sizeof(path), "%s/held", outdir);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "pid=%d nspid=%s capeff=%s exe=%s\n", pid, nspid, capeff, exe);
    fclose(f);
  }
  fprintf(logf, "conn=%d hold pid=%d exe=%s\n", conn, pid, exe);
  fflush(logf);
  alarm(15);
  int t = open(trigger, O_WRONLY | O_CLOEXEC);
  if (t >= 0) {
    (void)!write(t, "go\n", 3);
    close(t);
    int d = open(done_fifo, O_RDONLY | O_CLOEXEC);
    if (d >= 0) {
      char b[256];
      while (read(d, b, sizeof(b)) > 0)
        ;
      close(d);
    }
  }
  alarm(0);
  fprintf(logf, "conn=%d release pid=%d%s\n", conn, pid, errno == EINTR ? " (timed out)" : "");
  fflush(logf);
}

static void answer(int conn, int fd) {
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  if (seccomp_notify_alloc(&req, &resp) < 0)
    die("seccomp_notify_alloc");
  if (seccomp_notify_receive(fd, req) < 0) {
    seccomp_notify_free(req, resp);
    return;
  }
  char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
  const char *action = "continue";
  for (int i = 0; i < n_rules; i++)
    if (name && strcmp(rules[i].name, name) == 0)
      action = rules[i].action;
  if (conn == hold_conn && !held && name && strcmp(name, hold_sys) == 0) {
    held = true;
    hold(conn, (pid_t)req->pid);
  }
  resp->id = req->id;
  resp->val = 0;
  resp->error = 0;
  resp->flags = 0;
  if (strncmp(action, "errno:", 6) == 0)
    resp->error = -atoi(action + 6);
  else if (strncmp(action, "ok:", 3) == 0)
    resp->val = atoll(action + 3);
  else
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  int r = seccomp_notify_respond(fd, resp);
  fprintf(logf, "conn=%d pid=%d syscall=%s answer=%s%s\n", conn, req->pid, name ? name : "?", action,
          r < 0 ? " (respond failed)" : "");
  fflush(logf);
  free(name);
  seccomp_notify_free(req, resp);
}

int main(int argc, char **argv) {
  const char *sock = NULL;
  int timeout = 30, o;
  while ((o = getopt(argc, argv, "s:o:r:H:T:D:t:")) != -1) {
    switch (o) {
    case 's': sock = optarg; break;
    case 'o': outdir = optarg; break;
    case 'r': {
      char *eq = strchr(optarg, '=');
      if (!eq || n_rules == MAXR)
        return 2;
      snprintf(rules[n_rules].name, sizeof(rules[0].name), "%.*s", (int)(eq - optarg), optarg);
      snprintf(rules[n_rules].action, sizeof(rules[0].action), "%s", eq + 1);
      n_rules++;
      break;
    }
    case 'H': hold_conn = atoi(optarg); snprintf(hold_sys, sizeof(hold_sys), "%s", strchr(optarg, ':') ? strchr(optarg, ':') + 1 : ""); break;
    case 'T': trigger = optarg; break;
    case 'D': done_fifo = optarg; break;
    case 't': timeout = atoi(optarg); break;
    default: return 2;
    }
  }
  if (!sock || !outdir || (hold_conn > 0 && (!trigger || !done_fifo))) {
    fprintf(stderr, "usage: agent -s SOCKET -o OUTDIR [-r SYSCALL=ACTION]... [-H CONN:SYSCALL -T FIFO -D FIFO] [-t S]\n");
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/notify.log", outdir);
  logf = fopen(path, "a");
  if (!logf)
    die("open notify.log");
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
  unlink(sock);
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 8) < 0)
    die("listen");
  pid_t child = fork();
  if (child < 0)
    die("fork");
  if (child > 0) {
    printf("%d\n", child);
    return 0;
  }
  setsid();
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  snprintf(path, sizeof(path), "%s/agent.err", outdir);
  int errfd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (errfd >= 0)
    dup2(errfd, 2);
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);
  time_t end = time(NULL) + timeout;
  struct pollfd p[1 + MAXC];
  int conn_of[1 + MAXC], n = 1, conns = 0;
  p[0] = (struct pollfd){l, POLLIN, 0};
  while (time(NULL) < end) {
    int r = poll(p, (nfds_t)n, 500);
    if (r < 0 && errno != EINTR)
      die("poll");
    if (r <= 0)
      continue;
    if (p[0].revents & POLLIN) {
      int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
      if (c >= 0) {
        int fd = recv_conn(c, ++conns);
        close(c);
        if (fd >= 0 && n < 1 + MAXC) {
          conn_of[n] = conns;
          p[n++] = (struct pollfd){fd, POLLIN, 0};
        }
      }
    }
    for (int i = 1; i < n; i++) {
      if (p[i].revents & POLLIN) {
        answer(conn_of[i], p[i].fd);
      } else if (p[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        fprintf(logf, "conn=%d closed\n", conn_of[i]);
        fflush(logf);
        close(p[i].fd);
        p[i] = p[n - 1];
        conn_of[i] = conn_of[n - 1];
        n--;
        i--;
      }
    }
  }
  return 0;
}
