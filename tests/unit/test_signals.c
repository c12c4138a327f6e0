/* test_signals.c - signal names as `vessel kill` takes them: with or without
 * the SIG prefix, any case, numbers, RTMIN+n / RTMAX-n. */
#include "unit.h"

#include <signal.h>

#include "../../libcontainer/container.h"

static int parse(const char *s) {
  int sig = -12345;
  if (signal_parse(s, &sig) < 0)
    return -1;
  return sig;
}

static void test_names_with_and_without_prefix(void **state) {
  (void)state;
  static const struct { const char *name; int sig; } t[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
      {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"IOT", SIGABRT},  {"BUS", SIGBUS},
      {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
      {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
      {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CLD", SIGCHLD}, {"CONT", SIGCONT},
      {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
      {"URG", SIGURG},   {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
      {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},  {"POLL", SIGIO},
      {"PWR", SIGPWR},   {"SYS", SIGSYS},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    char with[32];
    snprintf(with, sizeof(with), "SIG%s", t[i].name);
    assert_int_equal(parse(t[i].name), t[i].sig);
    assert_int_equal(parse(with), t[i].sig);
  }
}

static void test_case_insensitive(void **state) {
  (void)state;
  assert_int_equal(parse("kill"), SIGKILL);
  assert_int_equal(parse("sigkill"), SIGKILL);
  assert_int_equal(parse("SigTerm"), SIGTERM);
  assert_int_equal(parse("sIgUsR1"), SIGUSR1);
  assert_int_equal(parse("winch"), SIGWINCH);
}

static void test_numbers(void **state) {
  (void)state;
  assert_int_equal(parse("9"), 9);
  assert_int_equal(parse("15"), 15);
  assert_int_equal(parse("1"), 1);
  assert_int_equal(parse("34"), 34);
  char max[16];
  snprintf(max, sizeof(max), "%d", SIGRTMAX);
  assert_int_equal(parse(max), SIGRTMAX);
  snprintf(max, sizeof(max), "%d", SIGRTMAX + 1);
  assert_int_equal(parse(max), -1);
  assert_int_equal(parse("0"), -1);
  assert_int_equal(parse("-9"), -1);
  assert_int_equal(parse("+9"), -1);
  assert_int_equal(parse("9x"), -1);
  assert_int_equal(parse("9 "), -1);
  assert_int_equal(parse("99999999999999999999"), -1);
}

static void test_realtime(void **state) {
  (void)state;
  assert_int_equal(parse("RTMIN"), SIGRTMIN);
  assert_int_equal(parse("SIGRTMIN"), SIGRTMIN);
  assert_int_equal(parse("RTMAX"), SIGRTMAX);
  assert_int_equal(parse("SIGRTMAX"), SIGRTMAX);
  assert_int_equal(parse("RTMIN+1"), SIGRTMIN + 1);
  assert_int_equal(parse("SIGRTMIN+3"), SIGRTMIN + 3);
  assert_int_equal(parse("rtmin+2"), SIGRTMIN + 2);
  assert_int_equal(parse("RTMAX-1"), SIGRTMAX - 1);
  assert_int_equal(parse("SIGRTMAX-4"), SIGRTMAX - 4);
  int span = SIGRTMAX - SIGRTMIN;
  char buf[32];
  snprintf(buf, sizeof(buf), "RTMIN+%d", span);
  assert_int_equal(parse(buf), SIGRTMAX);
  snprintf(buf, sizeof(buf), "RTMAX-%d", span);
  assert_int_equal(parse(buf), SIGRTMIN);
  snprintf(buf, sizeof(buf), "RTMIN+%d", span + 1);
  assert_int_equal(parse(buf), -1);
  snprintf(buf, sizeof(buf), "RTMAX-%d", span + 1);
  assert_int_equal(parse(buf), -1);
  assert_int_equal(parse("RTMIN+0"), SIGRTMIN);
  assert_int_equal(parse("RTMAX-0"), SIGRTMAX);
}

static void test_invalid(void **state) {
  (void)state;
  static const char *bad[] = {
      "", "SIG", "SIGFOO", "FOO", "KILLL", "SIGKILL ", " KILL", "SIG KILL", "SIGSIGKILL",
      "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMAX-", "RTMIN+x", "RTMIN+1x", "RTMIN1", "RTMAX1",
      "RTMIN+-1", "RTMAX--1", "RTMAX-+1", "RTMIN++1", "RTMIN+ 1", "RTMIN+2147483647",
      "RTMIN+4294967296", "RTMAX-2147483648", "RTMIN+99999999999999999999", "RT", "RTMI",
      "-KILL", "--9",
  };
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
    int sig = -12345;
    if (signal_parse(bad[i], &sig) != -1)
      fail_msg("signal_parse(\"%s\") accepted it as %d", bad[i], sig);
    assert_int_equal(sig, -12345);
  }
  int sig = -12345;
  assert_int_equal(signal_parse(NULL, &sig), -1);
}

static void test_names_back(void **state) {
  (void)state;
  assert_string_equal(signal_name(SIGKILL), "KILL");
  assert_string_equal(signal_name(SIGTERM), "TERM");
  assert_string_equal(signal_name(SIGCHLD), "CHLD");
  assert_string_equal(signal_name(SIGWINCH), "WINCH");
  assert_null(signal_name(0));
  assert_null(signal_name(SIGRTMIN));
  for (int s = 1; s < 32; s++) {
    const char *n = signal_name(s);
    if (n == NULL)
      continue;
    assert_int_equal(parse(n), s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_with_and_without_prefix),
      cmocka_unit_test(test_case_insensitive),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_realtime),
      cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_names_back),
  };
  return cmocka_run_group_tests_name("signals", tests, NULL, NULL);
}
