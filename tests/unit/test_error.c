/* test_error.c - the error type: set, sys, wrap, stage/object, first error wins. */
#include "unit.h"

#include <errno.h>

static void test_set_formats_message(void **state) {
  (void)state;
  struct error *err = NULL;
  assert_int_equal(error_set(&err, EINVAL, "bad %s %d", "thing", 7), -1);
  assert_non_null(err);
  assert_int_equal(err->errnum, EINVAL);
  assert_null(err->stage);
  assert_null(err->object);
  assert_error_msg(err, "bad thing 7");
}

static void test_first_error_wins(void **state) {
  (void)state;
  struct error *err = NULL;
  error_set(&err, ENOENT, "first");
  assert_int_equal(error_set(&err, EINVAL, "second"), -1);
  assert_int_equal(error_sys(&err, EPERM, "third"), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "first");
}

static void test_null_err_is_allowed(void **state) {
  (void)state;
  assert_int_equal(error_set(NULL, EINVAL, "nobody listens"), -1);
  assert_int_equal(error_sys(NULL, EINVAL, "nobody listens"), -1);
  assert_int_equal(error_wrap(NULL, "ctx"), -1);
  assert_int_equal(error_stage(NULL, "config"), -1);
  assert_int_equal(error_object(NULL, "/x"), -1);
  struct error *none = NULL;
  assert_int_equal(error_wrap(&none, "ctx"), -1);
  assert_null(none);
  error_free(NULL);
}

static void test_sys_appends_go_style_errno_text(void **state) {
  (void)state;
  struct error *err = NULL;
  error_sys(&err, ENOENT, "open \"%s\"", "/sys/fs/cgroup/pids/x/pids.max");
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "open \"/sys/fs/cgroup/pids/x/pids.max\": no such file or directory");
  error_sys(&err, EACCES, "open");
  assert_error_msg(err, "open: permission denied");
  error_sys(&err, EPERM, "mount");
  assert_error_msg(err, "mount: operation not permitted");
}

static void test_errno_text_lowercases_only_words(void **state) {
  (void)state;
  assert_string_equal(errno_text(ENOENT), "no such file or directory");
  assert_string_equal(errno_text(EEXIST), "file exists");
  assert_string_equal(errno_text(ESRCH), "no such process");
  assert_string_equal(errno_text(EBUSY), "device or resource busy");
  /* An acronym at the start stays as it is. */
  assert_string_equal(errno_text(ENOTTY), "inappropriate ioctl for device");
  assert_string_equal(errno_text(EIO), "input/output error");
}

static void test_wrap_prefixes_context(void **state) {
  (void)state;
  struct error *err = NULL;
  error_sys(&err, EACCES, "mount \"%s\"", "/proc");
  error_wrap(&err, "create container");
  error_wrap(&err, "vessel %s", "run");
  assert_int_equal(err->errnum, EACCES);
  assert_error_msg(err, "vessel run: create container: mount \"/proc\": permission denied");
}

static void test_stage_and_object_set_once(void **state) {
  (void)state;
  struct error *err = NULL;
  error_set(&err, EINVAL, "x");
  assert_int_equal(error_stage(&err, "mount"), -1);
  assert_int_equal(error_stage(&err, "config"), -1);
  assert_int_equal(error_object(&err, "/a"), -1);
  assert_int_equal(error_object(&err, "/b"), -1);
  assert_string_equal(err->stage, "mount");
  assert_string_equal(err->object, "/a");
  error_stage(&err, NULL);
  assert_string_equal(err->stage, "mount");
  assert_error_msg(err, "x");
}

static void test_new_from_parts(void **state) {
  (void)state;
  struct error *e = error_new(ENOENT, "exec", "/bin/sh", "exec: \"sh\": not found");
  assert_int_equal(e->errnum, ENOENT);
  assert_string_equal(e->stage, "exec");
  assert_string_equal(e->object, "/bin/sh");
  assert_error_msg(e, "exec: \"sh\": not found");
  e = error_new(0, "", "", NULL);
  assert_null(e->stage);
  assert_null(e->object);
  assert_int_equal(e->errnum, 0);
  assert_error_msg(e, "unknown error");
}

static void test_autoerror_frees(void **state) {
  (void)state;
  autoerror e = NULL;
  error_set(&e, EINVAL, "freed by the cleanup attribute");
  error_stage(&e, "config");
  error_object(&e, "/x");
  assert_non_null(e);
}

static void test_long_messages(void **state) {
  (void)state;
  char *big = xmalloc(100001);
  memset(big, 'a', 100000);
  big[100000] = '\0';
  struct error *err = NULL;
  error_set(&err, EINVAL, "%s", big);
  error_wrap(&err, "%s", big);
  assert_int_equal(strlen(err->msg), 200002);
  error_free(err);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_formats_message),
      cmocka_unit_test(test_first_error_wins),
      cmocka_unit_test(test_null_err_is_allowed),
      cmocka_unit_test(test_sys_appends_go_style_errno_text),
      cmocka_unit_test(test_errno_text_lowercases_only_words),
      cmocka_unit_test(test_wrap_prefixes_context),
      cmocka_unit_test(test_stage_and_object_set_once),
      cmocka_unit_test(test_new_from_parts),
      cmocka_unit_test(test_autoerror_frees),
      cmocka_unit_test(test_long_messages),
  };
  return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
