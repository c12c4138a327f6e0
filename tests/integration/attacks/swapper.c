/* swapper - flip a path between a real entry and a symlink, as fast as the
 * kernel allows, for the mount-destination race tests (CVE-2019-19921,
 * CVE-2021-30465) and the /dev/null race (CVE-2025-31133).
 *
 *   swapper [-F] [-f] DIR NAME SECONDS COUNTFILE TARGET...
 *
 * In DIR, NAME is made a directory (-f: an empty regular file) and
 * NAME.swap a symlink to the first TARGET; then renameat2(RENAME_EXCHANGE)
 * swaps the two names in a loop, so that NAME is a symlink half of the
 * time.  Every 64 swaps the symlink is pointed at the next TARGET.  After
 * SECONDS, or on SIGTERM, NAME is left as the real entry and the number of
 * swaps is written to COUNTFILE.  The process forks once it is set up: the
 * parent prints the swapper's pid and exits; with -F it stays in the
 * foreground (as a container's process). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }

int main(int argc, char **argv) {
  int file = 0, foreground = 0, a = 1;
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (strcmp(argv[a], "-f") == 0)
      file = 1;
    else if (strcmp(argv[a], "-F") == 0)
      foreground = 1;
    else
      break;
  }
  if (argc - a < 5) {
    fprintf(stderr, "usage: swapper [-F] [-f] DIR NAME SECONDS COUNTFILE TARGET...\n");
    return 2;
  }
  const char *dir = argv[a], *name = argv[a + 1], *countfile = argv[a + 3];
  int seconds = atoi(argv[a + 2]);
  char **targets = argv + a + 4;
  int n_targets = argc - a - 4;
  int d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) {
    perror("open dir");
    return 1;
  }
  char swap[512], tmp[512];
  snprintf(swap, sizeof(swap), "%s.swap", name);
  snprintf(tmp, sizeof(tmp), "%s.tmp", name);
  unlinkat(d, swap, 0);
  unlinkat(d, tmp, 0);
  struct stat st;
  if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (file) {
      int f = openat(d, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      if (f >= 0)
        close(f);
    } else {
      mkdirat(d, name, 0755);
    }
  }
  if (symlinkat(targets[0], d, swap) < 0) {
    perror("symlink");
    return 1;
  }
  if (!foreground) {
    pid_t child = fork();
    if (child < 0)
      return 1;
    if (child > 0) {
      printf("%d\n", child);
      return 0;
    }
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
  }
  struct sigaction sa = {.sa_handler = on_term};
  sigaction(SIGTERM, &sa, NULL);
  time_t end = time(NULL) + seconds;
  unsigned long swaps = 0;
  int link_is_swap = 1, next = 1;
  while (!stop) {
    if (renameat2(d, name, d, swap, RENAME_EXCHANGE) == 0) {
      swaps++;
      link_is_swap = !link_is_swap;
    }
    if ((swaps & 63) == 0) {
      if (time(NULL) >= end)
        break;
      if (link_is_swap && n_targets > 1) {
        unlinkat(d, tmp, 0);
        if (symlinkat(targets[next % n_targets], d, tmp) == 0 && renameat(d, tmp, d, swap) == 0)
          next++;
      }
    }
  }
  if (!link_is_swap)
    renameat2(d, name, d, swap, RENAME_EXCHANGE);
  unlinkat(d, swap, 0);
  FILE *f = fopen(countfile, "w");
  if (f) {
    fprintf(f, "%lu\n", swaps);
    fclose(f);
  }
  return 0;
}
