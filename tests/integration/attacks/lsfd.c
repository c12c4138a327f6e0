/* lsfd - list this process's open descriptors, one "N TARGET" a line
 * (the descriptor used to read /proc/self/fd is left out), then run
 * ARGS... if given. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    perror("opendir /proc/self/fd");
    return 1;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    int fd = atoi(de->d_name);
    if (fd == dirfd(d))
      continue;
    char p[64], t[4096];
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(p, t, sizeof(t) - 1);
    t[n > 0 ? n : 0] = '\0';
    printf("%d %s\n", fd, t);
  }
  closedir(d);
  fflush(stdout);
  if (argc > 1) {
    execvp(argv[1], argv + 1);
    perror("exec");
    return 127;
  }
  return 0;
}
