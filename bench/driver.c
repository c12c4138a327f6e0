/* driver.c - the timing loop of `make bench`.
 *
 * Runs each case round-robin over the runtimes (vessel, crun, runc, ...), so
 * that noise on a shared machine lands on all of them alike, and writes one
 * raw sample per line; bench/report.py turns the samples into medians and
 * ratios. Every process is waited for on a pidfd (poll), never with sleeps.
 * The driver is a child subreaper, so a container init left behind by
 * `create` becomes its child: that is how the "wait" phase is observed and
 * how the init is reaped promptly, as a shim would. Beside wall time each
 * sample has the command's user+sys CPU time (wait4 rusage, which includes
 * the processes it reaped): a figure that preemption on a busy machine does
 * not inflate.
 *
 *   driver -n ROUNDS -w WARMUP -o RAW -c CASES -t TMPDIR [-p ID_PREFIX]
 *          [-m MINIMAL ROOTFS] NAME=PATH:ROOT:BUNDLE_TRUE:BUNDLE_SLEEP ...
 *
 * CASES is a comma list of run,lifecycle,deletef,exec. Raw lines (TSV):
 *   sample CASE RUNTIME ROUND MICROSECONDS MAXRSS_KB CPU_MICROSECONDS
 *   fail   CASE RUNTIME 0 0 0 MESSAGE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

struct rt {
  char *name, *path, *root, *btrue, *bsleep;
  bool minimal;
  bool failed; /* in the current case */
};

static struct rt rts[16];
static int nrt;
static int rounds = 30, warmup = 3;
static FILE *raw;
static const char *tmpdir = "/tmp";
static int errfd = -1, nullfd = -1;
static unsigned idseq;

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("driver: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* The first line of what the last command wrote to stderr. */
static void last_error(char *buf, size_t size) {
  ssize_t n = pread(errfd, buf, size - 1, 0);
  if (n < 0)
    n = 0;
  buf[n] = 0;
  char *nl = strchr(buf, '\n');
  if (nl)
    *nl = 0;
  for (char *p = buf; *p; p++)
    if (*p == '\t')
      *p = ' ';
  if (!buf[0])
    snprintf(buf, size, "(no message)");
}

struct proc {
  pid_t pid;
  int pidfd;
  long long cpu_us; /* of a container init, once we reaped it */
};

static struct proc spawn(char *const argv[]) {
  if (ftruncate(errfd, 0) < 0)
    die("truncate stderr file: %m");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, nullfd, 0);
  posix_spawn_file_actions_adddup2(&fa, nullfd, 1);
  posix_spawn_file_actions_adddup2(&fa, errfd, 2);
  struct proc p = {0, -1, 0};
  int rc = posix_spawn(&p.pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    /* Reported like a failed command: the message goes where its stderr would. */
    dprintf(errfd, "spawn %s: %s\n", argv[0], strerror(rc));
    p.pid = -1;
    return p;
  }
  p.pidfd = pidfd_open(p.pid);
  if (p.pidfd < 0)
    die("pidfd_open: %m");
  return p;
}

/* Block on the pidfd until the process exits, then reap it. */
static int reap(struct proc *p, struct rusage *ru) {
  if (p->pid < 0) {
    if (ru)
      memset(ru, 0, sizeof(*ru));
    return 127 << 8; /* like a shell's "cannot execute" */
  }
  struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};
  while (poll(&pfd, 1, -1) < 0)
    if (errno != EINTR)
      die("poll: %m");
  int status = 0;
  struct rusage dummy;
  if (wait4(p->pid, &status, 0, ru ? ru : &dummy) < 0)
    die("wait4 %d: %m", p->pid);
  close(p->pidfd);
  p->pidfd = -1;
  return status;
}

struct result {
  long long ns;
  long maxrss;
  long long cpu_us;
  int status;
};

static long long cpu_us(const struct rusage *ru) {
  return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000LL + ru->ru_utime.tv_usec +
         ru->ru_stime.tv_usec;
}

static struct result timed(char *const argv[]) {
  struct result r;
  struct rusage ru;
  long long t0 = now_ns();
  struct proc p = spawn(argv);
  r.status = reap(&p, &ru);
  r.ns = now_ns() - t0;
  r.maxrss = ru.ru_maxrss;
  r.cpu_us = cpu_us(&ru);
  return r;
}

/* Zombies nobody tracks (helpers a runtime left behind). Called only when
 * no container init of ours can be a zombie we still need. */
static void reap_strays(void) {
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
}

static void sample(const char *cs, const struct rt *r, int round, long long ns, long maxrss,
                   long long cpu) {
  if (round < 0)
    return; /* warm-up */
  fprintf(raw, "sample\t%s\t%s\t%d\t%.1f\t%ld\t%lld\n", cs, r->name, round, ns / 1000.0,
          maxrss, cpu);
}

static bool check(const char *cs, struct rt *r, const struct result *res, const char *what) {
  if (WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0)
    return true;
  char msg[512];
  last_error(msg, sizeof(msg));
  fprintf(raw, "fail\t%s\t%s\t0\t0\t0\t%s: %s\n", cs, r->name, what, msg);
  fprintf(stderr, "  %s %s: %s failed (status 0x%x): %s\n", r->name, cs, what, res->status, msg);
  r->failed = true;
  return false;
}

static const char *idprefix = "bench";

static char *new_id(void) {
  char *id;
  if (asprintf(&id, "%s-%u", idprefix, ++idseq) < 0)
    die("oom");
  return id;
}

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

/* ---- run ---- */
static void case_run(struct rt *r, int round) {
  struct result res;
  if (r->minimal) {
    res = timed(ARGV(r->path, r->btrue));
  } else {
    char *id = new_id();
    res = timed(ARGV(r->path, "--root", r->root, "run", "--bundle", r->btrue, id));
    free(id);
  }
  if (check("run", r, &res, "run"))
    sample("run", r, round, res.ns, res.maxrss, res.cpu_us);
  reap_strays();
}

static struct result delete_reaping(struct rt *r, const char *id, bool force,
                                    struct proc *init);

/* create + read the pid file; returns the init as a pidfd'd child of ours. */
static bool create(const char *cs, struct rt *r, const char *bundle, const char *id,
                   struct proc *init, struct result *res) {
  char pidfile[4096];
  snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", tmpdir, id);
  *res = timed(ARGV(r->path, "--root", r->root, "create", "--bundle", (char *)bundle,
                    "--pid-file", pidfile, (char *)id));
  if (!check(cs, r, res, "create"))
    return false;
  FILE *f = fopen(pidfile, "r");
  int pid = 0;
  bool ok = f && fscanf(f, "%d", &pid) == 1 && pid > 0;
  if (f)
    fclose(f);
  unlink(pidfile);
  init->pid = pid;
  init->pidfd = ok ? pidfd_open(pid) : -1;
  if (init->pidfd < 0) {
    fprintf(raw, "fail\t%s\t%s\t0\t0\t0\tcreate: no usable pid in --pid-file\n", cs, r->name);
    fprintf(stderr, "  %s %s: create left no usable pid in %s\n", r->name, cs, pidfile);
    r->failed = true;
    delete_reaping(r, id, true, init);
    return false;
  }
  return true;
}

/* Reap a container init (our child, as subreaper) and keep its CPU time.
 * Not ours (ECHILD) is fine: then someone else reaped it. */
static void reap_init(struct proc *init) {
  struct rusage ru;
  if (wait4(init->pid, NULL, WNOHANG, &ru) == init->pid)
    init->cpu_us = cpu_us(&ru);
  close(init->pidfd);
  init->pidfd = -1;
}

/* Kill (if needed) and reap an init we hold a pidfd for. */
static void finish_init(struct proc *init, bool kill_it) {
  if (init->pidfd < 0)
    return;
  if (kill_it)
    syscall(SYS_pidfd_send_signal, init->pidfd, SIGKILL, NULL, 0);
  struct pollfd pfd = {.fd = init->pidfd, .events = POLLIN};
  if (poll(&pfd, 1, 10000) == 0) {
    fprintf(stderr, "driver: init %d still alive, killing it\n", init->pid);
    syscall(SYS_pidfd_send_signal, init->pidfd, SIGKILL, NULL, 0);
    poll(&pfd, 1, -1);
  }
  reap_init(init);
}

/* delete / delete -f, reaping the init the moment it dies, as a shim does. */
static struct result delete_reaping(struct rt *r, const char *id, bool force,
                                    struct proc *init) {
  struct result res;
  struct rusage ru;
  char *argv[7] = {r->path, "--root", r->root, "delete"};
  int a = 4;
  if (force)
    argv[a++] = "-f";
  argv[a++] = (char *)id;
  argv[a] = NULL;
  long long t0 = now_ns();
  struct proc d = spawn(argv);
  while (d.pid > 0) {
    struct pollfd pfd[2] = {{.fd = d.pidfd, .events = POLLIN},
                            {.fd = init->pidfd, .events = POLLIN}};
    int n = poll(pfd, init->pidfd >= 0 ? 2 : 1, -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      die("poll: %m");
    if (init->pidfd >= 0 && (pfd[1].revents & POLLIN))
      reap_init(init);
    if (pfd[0].revents & POLLIN)
      break;
  }
  res.status = reap(&d, &ru);
  res.ns = now_ns() - t0;
  res.maxrss = ru.ru_maxrss;
  res.cpu_us = cpu_us(&ru);
  return res;
}

/* ---- lifecycle: create, start, wait, delete ---- */
static void case_lifecycle(struct rt *r, int round) {
  char *id = new_id();
  struct proc init = {0, -1, 0};
  struct result c, s, d;
  if (!create("lifecycle", r, r->btrue, id, &init, &c))
    goto out;
  s = timed(ARGV(r->path, "--root", r->root, "start", id));
  long long t_started = now_ns();
  if (!check("lifecycle", r, &s, "start")) {
    delete_reaping(r, id, true, &init);
    goto out;
  }
  struct pollfd pfd = {.fd = init.pidfd, .events = POLLIN};
  while (poll(&pfd, 1, -1) < 0)
    if (errno != EINTR)
      die("poll: %m");
  long long wait_ns = now_ns() - t_started;
  finish_init(&init, false);
  d = delete_reaping(r, id, false, &init);
  if (!check("lifecycle", r, &d, "delete"))
    goto out;
  sample("create", r, round, c.ns, c.maxrss, c.cpu_us);
  sample("start", r, round, s.ns, s.maxrss, s.cpu_us);
  sample("wait", r, round, wait_ns, 0, 0);
  sample("delete", r, round, d.ns, d.maxrss, d.cpu_us);
  sample("lifecycle", r, round, c.ns + s.ns + wait_ns + d.ns, 0,
         c.cpu_us + s.cpu_us + d.cpu_us + init.cpu_us);
out:
  finish_init(&init, true);
  reap_strays();
  free(id);
}

/* A running `sleep 1000` container. */
static bool start_sleeper(const char *cs, struct rt *r, const char *id, struct proc *init) {
  struct result c, s;
  if (!create(cs, r, r->bsleep, id, init, &c))
    return false;
  s = timed(ARGV(r->path, "--root", r->root, "start", (char *)id));
  if (!check(cs, r, &s, "start")) {
    delete_reaping(r, id, true, init);
    finish_init(init, true);
    return false;
  }
  return true;
}

/* ---- delete -f of a running container ---- */
static void case_deletef(struct rt *r, int round) {
  char *id = new_id();
  struct proc init = {0, -1, 0};
  if (start_sleeper("deletef", r, id, &init)) {
    struct result d = delete_reaping(r, id, true, &init);
    if (check("deletef", r, &d, "delete -f"))
      sample("deletef", r, round, d.ns, d.maxrss, d.cpu_us);
  }
  finish_init(&init, true);
  reap_strays();
  free(id);
}

/* ---- exec into a running container ---- */
struct execctx {
  char *id;
  struct proc init;
  bool up;
};

static void case_exec_all(void) {
  struct execctx ctx[16] = {0};
  for (int i = 0; i < nrt; i++) {
    struct rt *r = &rts[i];
    ctx[i].init.pidfd = -1;
    if (r->minimal || r->failed)
      continue;
    ctx[i].id = new_id();
    ctx[i].up = start_sleeper("exec", r, ctx[i].id, &ctx[i].init);
    if (!ctx[i].up)
      continue;
  }
  for (int round = -warmup; round < rounds; round++) {
    for (int k = 0; k < nrt; k++) {
      int i = (k + round + warmup) % nrt;
      struct rt *r = &rts[i];
      if (!ctx[i].up || r->failed)
        continue;
      struct result e =
          timed(ARGV(r->path, "--root", r->root, "exec", ctx[i].id, "/bin/true"));
      if (check("exec", r, &e, "exec"))
        sample("exec", r, round, e.ns, e.maxrss, e.cpu_us);
    }
  }
  for (int i = 0; i < nrt; i++) {
    if (!ctx[i].up)
      continue;
    struct result d = delete_reaping(&rts[i], ctx[i].id, true, &ctx[i].init);
    if (!(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 0)) {
      char msg[512];
      last_error(msg, sizeof(msg));
      fprintf(stderr, "  %s exec: cleanup delete -f failed: %s\n", rts[i].name, msg);
    }
    finish_init(&ctx[i].init, true);
    free(ctx[i].id);
  }
  reap_strays();
}

static void each_round(const char *cs, void (*fn)(struct rt *, int), bool with_minimal) {
  for (int i = 0; i < nrt; i++)
    rts[i].failed = false;
  fprintf(stderr, "bench: %s (%d rounds + %d warm-up)\n", cs, rounds, warmup);
  for (int round = -warmup; round < rounds; round++)
    for (int k = 0; k < nrt; k++) {
      /* Rotate who goes first, so no runtime always follows the same one. */
      struct rt *r = &rts[(k + round + warmup) % nrt];
      if (r->failed || (r->minimal && !with_minimal))
        continue;
      fn(r, round);
    }
  fflush(raw);
}

static bool has_case(const char *cases, const char *c) {
  size_t n = strlen(c);
  for (const char *p = cases; (p = strstr(p, c)); p += n)
    if ((p == cases || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
      return true;
  return false;
}

int main(int argc, char **argv) {
  const char *out = NULL, *cases = "run,lifecycle,deletef,exec";
  int opt;
  while ((opt = getopt(argc, argv, "n:w:o:c:t:m:p:")) != -1) {
    switch (opt) {
    case 'n': rounds = atoi(optarg); break;
    case 'w': warmup = atoi(optarg); break;
    case 'o': out = optarg; break;
    case 'c': cases = optarg; break;
    case 't': tmpdir = optarg; break;
    case 'p': idprefix = optarg; break;
    case 'm':
      if (optind >= argc)
        die("-m MINIMAL ROOTFS");
      rts[nrt++] = (struct rt){.name = "minimal", .path = optarg, .btrue = argv[optind++],
                               .minimal = true};
      break;
    default: die("bad usage");
    }
  }
  for (; optind < argc; optind++) {
    if (nrt == 16)
      die("too many runtimes");
    struct rt *r = &rts[nrt++];
    char *s = strdup(argv[optind]);
    char *eq = strchr(s, '=');
    if (!eq)
      die("runtime spec NAME=PATH:ROOT:BUNDLE_TRUE:BUNDLE_SLEEP");
    *eq = 0;
    r->name = s;
    r->path = strtok(eq + 1, ":");
    r->root = strtok(NULL, ":");
    r->btrue = strtok(NULL, ":");
    r->bsleep = strtok(NULL, ":");
    if (!r->path || !r->root || !r->btrue || !r->bsleep)
      die("runtime spec NAME=PATH:ROOT:BUNDLE_TRUE:BUNDLE_SLEEP");
  }
  if (rounds < 1 || warmup < 0 || nrt == 0)
    die("bad usage");
  raw = out ? fopen(out, "w") : stdout;
  if (!raw)
    die("open %s: %m", out);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
    die("PR_SET_CHILD_SUBREAPER: %m");
  nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
  char errpath[4096];
  snprintf(errpath, sizeof(errpath), "%s/stderr.txt", tmpdir);
  errfd = open(errpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (nullfd < 0 || errfd < 0)
    die("open: %m");
  /* Children must not inherit a blocked or ignored SIGCHLD/SIGPIPE. */
  signal(SIGPIPE, SIG_DFL);

  if (has_case(cases, "run"))
    each_round("run", case_run, true);
  if (has_case(cases, "lifecycle"))
    each_round("lifecycle", case_lifecycle, false);
  if (has_case(cases, "deletef"))
    each_round("deletef", case_deletef, false);
  if (has_case(cases, "exec")) {
    for (int i = 0; i < nrt; i++)
      rts[i].failed = false;
    fprintf(stderr, "bench: exec (%d rounds + %d warm-up)\n", rounds, warmup);
    case_exec_all();
  }
  reap_strays();
  fclose(raw);
  return 0;
}
