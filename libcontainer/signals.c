/* signals.c - signal names and numbers as kill(1) and runc spell them. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "container.h"
#include "utils.h"

static const struct {
  const char *name;
  int sig;
} signals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},     {"IOT", SIGIOT},     {"BUS", SIGBUS},
    {"FPE", SIGFPE},     {"KILL", SIGKILL},     {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},   {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},
    {"URG", SIGURG},     {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},   {"WINCH", SIGWINCH},   {"IO", SIGIO},       {"POLL", SIGPOLL},
    {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

int signal_parse(const char *s, int *sig) {
  if (s == NULL || *s == '\0')
    return -1;
  if (s[0] >= '0' && s[0] <= '9') {
    char *end;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v <= 0 || v > SIGRTMAX)
      return -1;
    *sig = (int)v;
    return 0;
  }
  const char *n = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
    if (strcasecmp(n, signals[i].name) == 0) {
      *sig = signals[i].sig;
      return 0;
    }
  /* RTMIN, RTMIN+3, RTMAX-2 */
  if (strncasecmp(n, "RTMIN", 5) == 0 || strncasecmp(n, "RTMAX", 5) == 0) {
    bool min = strncasecmp(n, "RTMIN", 5) == 0;
    int base = min ? SIGRTMIN : SIGRTMAX;
    const char *rest = n + 5;
    long off = 0;
    if (*rest) {
      char *end;
      if ((min && *rest != '+') || (!min && *rest != '-'))
        return -1;
      /* Digits only: strtol would also take a sign or leading blanks. */
      if (rest[1] < '0' || rest[1] > '9')
        return -1;
      off = strtol(rest + 1, &end, 10);
      if (*end != '\0' || off > SIGRTMAX - SIGRTMIN)
        return -1;
      if (!min)
        off = -off;
    }
    int v = base + (int)off;
    if (v < SIGRTMIN || v > SIGRTMAX)
      return -1;
    *sig = v;
    return 0;
  }
  return -1;
}

const char *signal_name(int sig) {
  for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
    if (signals[i].sig == sig)
      return signals[i].name;
  return NULL;
}
