/* sigdefaults.c - a child of vessel about to exec (the container's process,
 * a hook) starts with no signal blocked and every disposition at its
 * default, whatever vessel's caller had blocked or ignored. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sigdefaults.h"

void process_reset_signals(void) {
  /* The system call itself: the C library refuses the two real-time
   * signals it keeps for its own use (32 and 33), and a caller may have
   * left those ignored too. */
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
  } dfl = {.handler = SIG_DFL};
  for (int s = 1; s <= 64; s++)
    if (s != SIGKILL && s != SIGSTOP)
      syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(dfl.mask));
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
}
