/* test_utils.c - the shared helpers: strict number parsing, string vectors,
 * whole-file reads with a size bound, CPU and NUMA node lists, closing fds. */
#include "unit.h"

#include <errno.h>
#include <regex.h>
#include <sys/wait.h>

#include "../../libcontainer/cpuset.h"

static void test_parse_numbers(void **state) {
  (void)state;
  uint64_t u = 7;
  int64_t i = 7;
  assert_int_equal(parse_u64("0", &u), 0);
  assert_int_equal(u, 0);
  assert_int_equal(parse_u64("18446744073709551615", &u), 0);
  assert_true(u == UINT64_MAX);
  static const char *bad_u[] = {"", "-1", "+1", " 1", "1 ", "18446744073709551616", "1x", "0x10",
                                "1.0", "-0", NULL};
  for (size_t k = 0; k < ARRAY_SIZE(bad_u); k++) {
    u = 7;
    assert_int_equal(parse_u64(bad_u[k], &u), -1);
    assert_int_equal(u, 7);
  }
  assert_int_equal(parse_i64("-9223372036854775808", &i), 0);
  assert_true(i == INT64_MIN);
  assert_int_equal(parse_i64("9223372036854775807", &i), 0);
  assert_true(i == INT64_MAX);
  assert_int_equal(parse_i64("-0", &i), 0);
  assert_int_equal(i, 0);
  static const char *bad_i[] = {"", " 1", "1 ", "9223372036854775808", "-9223372036854775809",
                                "--1", "1e3", NULL};
  for (size_t k = 0; k < ARRAY_SIZE(bad_i); k++) {
    i = 7;
    assert_int_equal(parse_i64(bad_i[k], &i), -1);
    assert_int_equal(i, 7);
  }
}

static void test_strings(void **state) {
  (void)state;
  char **v = NULL;
  size_t n = 0;
  assert_int_equal(strv_len(v), 0);
  strv_push(&v, &n, "a");
  strv_push(&v, &n, "");
  strv_push(&v, &n, "c");
  assert_int_equal(n, 3);
  assert_int_equal(strv_len(v), 3);
  assert_null(v[3]);
  char **d = strv_dup(v);
  assert_int_equal(strv_len(d), 3);
  assert_string_equal(d[2], "c");
  assert_ptr_not_equal(d[0], v[0]);
  strv_free(d);
  strv_free(v);
  strv_free(NULL);
  d = strv_dup(NULL);
  assert_null(d[0]);
  strv_free(d);
  assert_true(str_has_prefix("abc", ""));
  assert_true(str_has_prefix("abc", "ab"));
  assert_false(str_has_prefix("ab", "abc"));
  assert_true(str_has_suffix("abc", "bc"));
  assert_true(str_has_suffix("abc", ""));
  assert_false(str_has_suffix("c", "bc"));
  assert_null(xstrdup(NULL));
  autofree char *s = xstrndup("abcdef", 3);
  assert_string_equal(s, "abc");
  autofree char *f = xasprintf("%s-%d", "x", 5);
  assert_string_equal(f, "x-5");
}

static void test_escape(void **state) {
  (void)state;
  struct { const char *in, *plain, *quoted; } cases[] = {
      {"abc", "abc", "\"abc\""},
      {"", "", "\"\""},
      {"a\nb", "a\\nb", "\"a\\nb\""},
      {"\t\r\a\b\v\f", "\\t\\r\\a\\b\\v\\f", "\"\\t\\r\\a\\b\\v\\f\""},
      {"\x01\x1b[1m\x7f", "\\x01\\x1b[1m\\x7f", "\"\\x01\\x1b[1m\\x7f\""},
      {"say \"hi\" \\", "say \"hi\" \\", "\"say \\\"hi\\\" \\\\\""},
      {"caf\xc3\xa9", "caf\xc3\xa9", "\"caf\xc3\xa9\""},
  };
  for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
    autofree char *p = str_escape(cases[i].in, false);
    autofree char *q = str_escape(cases[i].in, true);
    assert_string_equal(p, cases[i].plain);
    assert_string_equal(q, cases[i].quoted);
  }
}

static void test_time(void **state) {
  (void)state;
  regex_t re;
  assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{9})?Z$",
                           REG_EXTENDED | REG_NOSUB), 0);
  char *t = rfc3339_now(false);
  assert_int_equal(regexec(&re, t, 0, NULL, 0), 0);
  assert_int_equal(strlen(t), 20);
  free(t);
  t = rfc3339_now(true);
  assert_int_equal(regexec(&re, t, 0, NULL, 0), 0);
  assert_int_equal(strlen(t), 30);
  free(t);
  regfree(&re);
}

static int file_fd(const char *dir, const char *name, size_t size) {
  char *text = xmalloc(size + 1);
  memset(text, 'x', size);
  text[size] = '\0';
  unit_write_file(dir, name, text);
  free(text);
  autofree char *p = xasprintf("%s/%s", dir, name);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  return fd;
}

static void test_read_bounded(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  static const struct { size_t size, max; bool ok; } t[] = {
      {0, 0, true},        {0, 10, true},       {1, 0, false},       {10, 10, true},
      {11, 10, false},     {4096, 4096, true},  {4097, 4096, false}, {5000, 5000, true},
      {5001, 5000, false}, {6000, 5000, false}, {8192, 8192, true},  {8193, 8192, false},
      {100000, 1 << 20, true}, {3, 4096, true},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    int fd = file_fd(dir, "f", t[i].size);
    char *buf = NULL;
    size_t len = 99;
    struct error *err = NULL;
    int r = read_fd(fd, &buf, &len, t[i].max, &err);
    close(fd);
    if (t[i].ok) {
      if (r != 0)
        fail_msg("%zu bytes, max %zu: %s", t[i].size, t[i].max, err ? err->msg : "");
      assert_int_equal(len, t[i].size);
      assert_int_equal(buf[len], '\0');
      free(buf);
    } else {
      if (r != -1)
        fail_msg("%zu bytes, max %zu: accepted", t[i].size, t[i].max);
      assert_int_equal(err->errnum, EFBIG);
      autofree char *want = xasprintf("file larger than %zu bytes", t[i].max);
      assert_error_msg(err, want);
    }
  }
  struct error *err = NULL;
  char *buf = NULL;
  size_t len;
  assert_int_equal(read_file_at(AT_FDCWD, "/nonexistent/x", &buf, &len, 10, &err), -1);
  assert_error_msg(err, "open \"/nonexistent/x\": no such file or directory");
  int fd = file_fd(dir, "g", 20);
  close(fd);
  autofree char *g = xasprintf("%s/g", dir);
  assert_int_equal(read_file_at(AT_FDCWD, g, &buf, &len, 10, &err), -1);
  autofree char *want = xasprintf("\"%s\": file larger than 10 bytes", g);
  assert_error_msg(err, want);
  assert_int_equal(read_fd(-1, &buf, &len, 10, &err), -1);
  assert_error_msg(err, "read: bad file descriptor");
  unit_rmrf(dir);
}

static void test_cpuset(void **state) {
  (void)state;
  cpu_set_t set;
  assert_int_equal(cpuset_parse("0", &set), 0);
  assert_int_equal(CPU_COUNT(&set), 1);
  assert_true(CPU_ISSET(0, &set));
  assert_int_equal(cpuset_parse("0-3,8,10-11", &set), 0);
  assert_int_equal(CPU_COUNT(&set), 7);
  assert_true(CPU_ISSET(3, &set) && CPU_ISSET(8, &set) && CPU_ISSET(11, &set));
  assert_false(CPU_ISSET(4, &set) || CPU_ISSET(9, &set));
  /* As the kernel prints it, with the newline. */
  assert_int_equal(cpuset_parse("0-1\n", &set), 0);
  assert_int_equal(CPU_COUNT(&set), 2);
  char last[32];
  snprintf(last, sizeof(last), "%d", CPU_SETSIZE - 1);
  assert_int_equal(cpuset_parse(last, &set), 0);
  assert_true(CPU_ISSET(CPU_SETSIZE - 1, &set));
  snprintf(last, sizeof(last), "0-%d", CPU_SETSIZE);
  assert_int_equal(cpuset_parse(last, &set), -1);
  static const char *bad[] = {"", "-", "0-", "-1", "3-1", "1,", ",1", "1,,2", "a", "1 ", " 1",
                              "1-2-3", "0x1", "1\n2", "99999999999999999999", "+1", NULL};
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    if (cpuset_parse(bad[i], &set) != -1)
      fail_msg("\"%s\" accepted", bad[i] ? bad[i] : "(null)");
}

static void test_nodemask(void **state) {
  (void)state;
  /* The mask is exactly nbits wide: nothing is written past it. */
  unsigned long buf[18];
  memset(buf, 0xa5, sizeof(buf));
  unsigned long *mask = buf + 1;
  assert_int_equal(nodemask_parse("0,63-64,1023", mask, 16 * 64), 0);
  assert_true(buf[0] == (unsigned long)0xa5a5a5a5a5a5a5a5ULL);
  assert_true(buf[17] == (unsigned long)0xa5a5a5a5a5a5a5a5ULL);
  assert_true(mask[0] == (1UL | (1UL << 63)));
  assert_true(mask[1] == 1UL);
  for (int w = 2; w < 15; w++)
    assert_true(mask[w] == 0);
  assert_true(mask[15] == (1UL << 63));
  assert_int_equal(nodemask_parse("1024", mask, 16 * 64), -1);
  /* A width that is not a whole number of words. */
  memset(buf, 0xa5, sizeof(buf));
  assert_int_equal(nodemask_parse("0-69", mask, 70), 0);
  assert_true(mask[0] == ~0UL);
  assert_true(mask[1] == 0x3f);
  assert_true(buf[3] == (unsigned long)0xa5a5a5a5a5a5a5a5ULL);
  assert_int_equal(nodemask_parse("70", mask, 70), -1);
}

/* In a child (closing fds in the test process would close cmocka's). */
static void test_close_fds(void **state) {
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fds[6];
    for (int i = 0; i < 6; i++)
      fds[i] = open("/dev/null", O_RDONLY);
    int keep[] = {fds[4], fds[1], fds[1], 1};
    if (close_fds_from(fds[0], keep, ARRAY_SIZE(keep)) != 0)
      _exit(10);
    for (int i = 0; i < 6; i++) {
      bool open_now = fcntl(fds[i], F_GETFD) >= 0;
      if (open_now != (i == 1 || i == 4))
        _exit(20 + i);
    }
    if (fcntl(1, F_GETFD) < 0)
      _exit(30);
    int many[65] = {0};
    if (close_fds_from(3, many, 65) != -1)
      _exit(31);
    if (close_fds_from(3, NULL, 0) != 0 || fcntl(fds[4], F_GETFD) >= 0 || fcntl(2, F_GETFD) < 0)
      _exit(32);
    _exit(0);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_read_write_all(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write_all(p[1], "hello", 5), 5);
  close(p[1]);
  char buf[16];
  assert_int_equal(read_all(p[0], buf, sizeof(buf)), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(read_all(p[0], buf, sizeof(buf)), 0);
  close(p[0]);
  assert_int_equal(write_all(-1, "x", 1), -1);
  assert_int_equal(read_all(-1, buf, 1), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_numbers),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_time),
      cmocka_unit_test(test_read_bounded),
      cmocka_unit_test(test_cpuset),
      cmocka_unit_test(test_nodemask),
      cmocka_unit_test(test_close_fds),
      cmocka_unit_test(test_read_write_all),
  };
  return cmocka_run_group_tests_name("utils", tests, NULL, NULL);
}
