/* ignore_all PROGRAM ARG...: run PROGRAM with every signal that can be
 * ignored set to SIG_IGN and every one that can be blocked blocked,
 * through the system calls themselves so that the two real-time signals
 * the C library keeps for itself (32 and 33) are included. The worst
 * caller a runtime can have. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ignore_all PROGRAM ARG...\n");
    return 2;
  }
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
  } ign = {.handler = SIG_IGN};
  for (int s = 1; s <= 64; s++)
    if (s != SIGKILL && s != SIGSTOP &&
        syscall(SYS_rt_sigaction, s, &ign, NULL, sizeof(ign.mask)) < 0) {
      perror("rt_sigaction");
      return 2;
    }
  uint64_t all = ~(uint64_t)0;
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all)) < 0) {
    perror("rt_sigprocmask");
    return 2;
  }
  execvp(argv[1], argv + 1);
  perror(argv[1]);
  return 127;
}
