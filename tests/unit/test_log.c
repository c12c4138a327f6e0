/* test_log.c - log lines: JSON lines with exactly level/msg/time (RFC3339),
 * plus stage/errno/path for the final error; logrus-style text in a file;
 * "vessel: msg" on a terminal; nothing but log lines in a --log file. */
#include "unit.h"

#include <errno.h>
#include <regex.h>

#include "../../libcontainer/json.h"
#include "../../libcontainer/log.h"

static bool matches(const char *re, const char *s) {
  regex_t r;
  assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
  bool ok = regexec(&r, s, 0, NULL, 0) == 0;
  regfree(&r);
  return ok;
}

#define RFC3339 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

/* Parse one JSON line and check its keys, in order. */
static yajl_val check_json_line(const char *line, const char *const *keys, size_t nkeys) {
  size_t len = strlen(line);
  assert_true(len > 0);
  assert_int_equal(line[len - 1], '\n');
  assert_null(memchr(line, '\n', len - 1));
  struct error *err = NULL;
  yajl_val v = NULL;
  int r = json_parse(line, len, &v, &err);
  assert_no_error(r, err);
  assert_int_equal(v->type, yajl_t_object);
  if (v->u.object.len != nkeys)
    fail_msg("line %s has %zu keys, want %zu", line, v->u.object.len, nkeys);
  for (size_t i = 0; i < nkeys; i++)
    assert_string_equal(v->u.object.keys[i], keys[i]);
  yajl_val t = json_get(v, "time");
  assert_non_null(t);
  assert_true(matches(RFC3339, t->u.string));
  return v;
}

static void test_json_line_plain(void **state) {
  (void)state;
  static const char *keys[] = {"level", "msg", "time"};
  static const struct { enum log_level l; const char *name; } levels[] = {
      {LOG_ERROR, "error"}, {LOG_WARN, "warning"}, {LOG_INFO, "info"}, {LOG_DEBUG, "debug"}};
  for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
    char *line = log_format_line(LOG_JSON, levels[i].l, "hello \"world\"", NULL, true);
    yajl_val v = check_json_line(line, keys, 3);
    assert_string_equal(json_get(v, "level")->u.string, levels[i].name);
    assert_string_equal(json_get(v, "msg")->u.string, "hello \"world\"");
    yajl_tree_free(v);
    free(line);
  }
}

static void test_json_line_error_fields(void **state) {
  (void)state;
  static const char *all[] = {"level", "msg", "time", "stage", "errno", "path"};
  struct error *e = NULL;
  error_sys(&e, ENOENT, "open \"/sys/fs/cgroup/x\"");
  error_stage(&e, "cgroup");
  error_object(&e, "/sys/fs/cgroup/x");
  char *line = log_format_line(LOG_JSON, LOG_ERROR, e->msg, e, true);
  yajl_val v = check_json_line(line, all, 6);
  assert_string_equal(json_get(v, "level")->u.string, "error");
  assert_string_equal(json_get(v, "msg")->u.string,
                      "open \"/sys/fs/cgroup/x\": no such file or directory");
  assert_string_equal(json_get(v, "stage")->u.string, "cgroup");
  assert_int_equal(json_get(v, "errno")->type, yajl_t_number);
  assert_int_equal(YAJL_GET_INTEGER(json_get(v, "errno")), ENOENT);
  assert_string_equal(json_get(v, "path")->u.string, "/sys/fs/cgroup/x");
  yajl_tree_free(v);
  free(line);
  error_free(e);

  /* Only the fields the error has. */
  static const char *some[] = {"level", "msg", "time", "stage"};
  e = error_new(0, "usage", NULL, "flag provided but not defined: -x");
  line = log_format_line(LOG_JSON, LOG_ERROR, e->msg, e, true);
  v = check_json_line(line, some, 4);
  yajl_tree_free(v);
  free(line);
  error_free(e);
}

static void test_json_line_odd_messages(void **state) {
  (void)state;
  static const char *keys[] = {"level", "msg", "time"};
  static const char *msgs[] = {"two\nlines", "tab\there", "ctl \x01\x1f", "back\\slash",
                               "unicode \xc3\xa9\xe2\x82\xac", "", "</script>&"};
  for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
    char *line = log_format_line(LOG_JSON, LOG_WARN, msgs[i], NULL, true);
    yajl_val v = check_json_line(line, keys, 3);
    assert_string_equal(json_get(v, "msg")->u.string, msgs[i]);
    yajl_tree_free(v);
    free(line);
  }
  /* Bytes that are not UTF-8 become U+FFFD; the rest of the message stays. */
  char *line = log_format_line(LOG_JSON, LOG_ERROR, "open \"/tmp/caf\xe9\": denied", NULL, true);
  yajl_val v = check_json_line(line, keys, 3);
  assert_string_equal(json_get(v, "msg")->u.string, "open \"/tmp/caf\xef\xbf\xbd\": denied");
  yajl_tree_free(v);
  free(line);
}

static void test_text_lines(void **state) {
  (void)state;
  char *line = log_format_line(LOG_TEXT, LOG_ERROR, "container not running", NULL, false);
  assert_string_equal(line, "vessel: container not running\n");
  free(line);
  line = log_format_line(LOG_TEXT, LOG_WARN, "careful", NULL, false);
  assert_string_equal(line, "vessel: warning: careful\n");
  free(line);
  line = log_format_line(LOG_TEXT, LOG_DEBUG, "details", NULL, false);
  assert_string_equal(line, "vessel: debug: details\n");
  free(line);
  /* In a file: logrus' text format, one line, quoted. */
  line = log_format_line(LOG_TEXT, LOG_INFO, "say \"hi\"\nback\\slash\x01", NULL, true);
  assert_true(matches("^time=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\" "
                      "level=info msg=\"say \\\\\"hi\\\\\"\\\\nback\\\\\\\\slash\\\\x01\"\n$",
                      line));
  free(line);
  /* A long message is quoted without being cut. */
  char *big = xmalloc(10001);
  memset(big, '"', 10000);
  big[10000] = '\0';
  line = log_format_line(LOG_TEXT, LOG_ERROR, big, NULL, true);
  assert_int_equal(strlen(line), strlen("time=\"2006-01-02T15:04:05Z\" level=error msg=\"") +
                                     20000 + 2);
  free(line);
  free(big);
}

/* Logging to a file: every line is a log line; fatal errors also go to
 * stderr as "vessel: msg". */
static void test_log_file(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  autofree char *path = xasprintf("%s/log.json", dir);
  autofree char *errpath = xasprintf("%s/stderr", dir);
  struct error *err = NULL;
  int saved_err = dup(2);
  int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  assert_true(efd >= 0 && saved_err >= 0);
  dup2(efd, 2);
  close(efd);

  int r = log_init(path, LOG_JSON, false, &err);
  assert_no_error(r, err);
  assert_true(log_to_file());
  assert_int_equal(log_get_format(), LOG_JSON);
  assert_false(log_debug_enabled());
  log_info("starting %s", "x");
  log_debug("not shown");
  log_warn("w");
  struct error *fatal = NULL;
  error_set(&fatal, ESRCH, "container not running");
  error_stage(&fatal, "kill");
  log_fatal_error(fatal);
  error_free(fatal);
  int lfd = log_fd();
  assert_true(lfd > 2);
  close(lfd);
  r = log_init(NULL, LOG_TEXT, true, &err);
  assert_no_error(r, err);
  assert_false(log_to_file());
  assert_int_equal(log_fd(), 2);
  assert_true(log_debug_enabled());
  log_debug("to stderr");
  log_init(NULL, LOG_TEXT, false, &err);

  dup2(saved_err, 2);
  close(saved_err);

  autofree char *text = unit_read_file(path, NULL);
  assert_non_null(text);
  char *save = NULL;
  int n = 0;
  static const char *keys[] = {"level", "msg", "time"};
  static const char *fkeys[] = {"level", "msg", "time", "stage", "errno"};
  static const char *want_msg[] = {"starting x", "w", "container not running"};
  static const char *want_level[] = {"info", "warning", "error"};
  for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), n++) {
    assert_true(n < 3);
    autofree char *withnl = xasprintf("%s\n", l);
    yajl_val v = n < 2 ? check_json_line(withnl, keys, 3) : check_json_line(withnl, fkeys, 5);
    assert_string_equal(json_get(v, "msg")->u.string, want_msg[n]);
    assert_string_equal(json_get(v, "level")->u.string, want_level[n]);
    yajl_tree_free(v);
  }
  assert_int_equal(n, 3);
  autofree char *errtext = unit_read_file(errpath, NULL);
  assert_string_equal(errtext, "vessel: container not running\nvessel: debug: to stderr\n");
  unit_rmrf(dir);
}

static void test_log_file_appends(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  autofree char *path = xasprintf("%s/log", dir);
  unit_write_file(dir, "log", "{\"level\":\"info\",\"msg\":\"old\",\"time\":\"2006-01-02T15:04:05Z\"}\n");
  struct error *err = NULL;
  int r = log_init(path, LOG_JSON, false, &err);
  assert_no_error(r, err);
  log_warn("new");
  close(log_fd());
  log_init(NULL, LOG_TEXT, false, &err);
  autofree char *text = unit_read_file(path, NULL);
  assert_true(str_has_prefix(text, "{\"level\":\"info\",\"msg\":\"old\""));
  assert_non_null(strstr(text, "}\n{\"level\":\"warning\",\"msg\":\"new\",\"time\":\""));
  unit_rmrf(dir);
}

static void test_log_init_errors(void **state) {
  (void)state;
  struct error *err = NULL;
  assert_int_equal(log_init("/nonexistent/dir/log.json", LOG_JSON, false, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "open log file \"/nonexistent/dir/log.json\": no such file or directory");
  /* "/dev/stderr" means stderr itself, not a file. */
  assert_int_equal(log_init("/dev/stderr", LOG_JSON, false, &err), 0);
  assert_false(log_to_file());
  assert_int_equal(log_fd(), 2);
  log_init(NULL, LOG_TEXT, false, &err);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_line_plain),
      cmocka_unit_test(test_json_line_error_fields),
      cmocka_unit_test(test_json_line_odd_messages),
      cmocka_unit_test(test_text_lines),
      cmocka_unit_test(test_log_file),
      cmocka_unit_test(test_log_file_appends),
      cmocka_unit_test(test_log_init_errors),
  };
  return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
