/* test_process_env.c - the environment of the user process, HOME from the
 * container's passwd file, and the executable lookup with exec.LookPath's
 * error texts (what runc prints, and what callers match on). */
#include "unit.h"

#include <errno.h>

#include "../../libcontainer/process_env.h"

static void test_env_get(void **state) {
  (void)state;
  char *env[] = {"PATH=/bin", "HOME=/root", "EMPTY=", "HOMEX=no", "=odd", NULL};
  assert_string_equal(env_get(env, "PATH"), "/bin");
  assert_string_equal(env_get(env, "HOME"), "/root");
  assert_string_equal(env_get(env, "EMPTY"), "");
  assert_string_equal(env_get(env, "HOMEX"), "no");
  assert_null(env_get(env, "HOM"));
  assert_null(env_get(env, "TERM"));
  assert_null(env_get(NULL, "PATH"));
}

static void test_env_set_appends(void **state) {
  (void)state;
  char *env[] = {"PATH=/bin", "TERM=xterm", NULL};
  autostrv r = env_set(env, "HOME", "/root");
  assert_int_equal(strv_len(r), 3);
  assert_string_equal(r[0], "PATH=/bin");
  assert_string_equal(r[1], "TERM=xterm");
  assert_string_equal(r[2], "HOME=/root");
  /* The input is untouched. */
  assert_string_equal(env[1], "TERM=xterm");
  assert_null(env[2]);
}

static void test_env_set_replaces_in_place(void **state) {
  (void)state;
  char *env[] = {"PATH=/bin", "HOME=/old", "TERM=xterm", "HOME=/older", "HOMER=simpson", NULL};
  autostrv r = env_set(env, "HOME", "/new");
  assert_int_equal(strv_len(r), 4);
  assert_string_equal(r[0], "PATH=/bin");
  assert_string_equal(r[1], "HOME=/new");
  assert_string_equal(r[2], "TERM=xterm");
  assert_string_equal(r[3], "HOMER=simpson");
}

static void test_env_set_on_empty(void **state) {
  (void)state;
  autostrv r = env_set(NULL, "A", "");
  assert_int_equal(strv_len(r), 1);
  assert_string_equal(r[0], "A=");
  autostrv r2 = env_set(r, "B", "x=y");
  assert_int_equal(strv_len(r2), 2);
  assert_string_equal(r2[1], "B=x=y");
}

static int passwd_fd(const char *dir, const char *text) {
  unit_write_file(dir, "passwd", text);
  char *p = xasprintf("%s/passwd", dir);
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  free(p);
  assert_true(fd >= 0);
  return fd;
}

static void test_passwd_home(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  const char *pw =
      "root:x:0:0:root:/root:/bin/sh\n"
      "# a comment line\n"
      "\n"
      "short:x:5\n"
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "nohome:x:7:7::\n"
      "bad:x:abc:1:bad:/bad:/bin/sh\n"
      "user:x:1000:1000:A User,,,:/home/user:/bin/bash\n"
      "last:x:4294967295:1:last:/last";
  int uids[] = {0, 1, 7, 1000, 5, 42};
  const char *want[] = {"/root", "/usr/sbin", "", "/home/user", NULL, NULL};
  for (size_t i = 0; i < ARRAY_SIZE(uids); i++) {
    int fd = passwd_fd(dir, pw);
    char *home = passwd_home_fd(fd, (uid_t)uids[i]);
    close(fd);
    if (want[i] == NULL) {
      assert_null(home);
    } else {
      assert_non_null(home);
      assert_string_equal(home, want[i]);
    }
    free(home);
  }
  int fd = passwd_fd(dir, pw);
  char *home = passwd_home_fd(fd, 4294967295U);
  close(fd);
  assert_string_equal(home, "/last");
  free(home);
  /* The first matching entry wins. */
  fd = passwd_fd(dir, "a:x:3:3::/first:/bin/sh\nb:x:3:3::/second:/bin/sh\n");
  home = passwd_home_fd(fd, 3);
  close(fd);
  assert_string_equal(home, "/first");
  free(home);
  fd = passwd_fd(dir, "");
  assert_null(passwd_home_fd(fd, 0));
  close(fd);
  assert_null(passwd_home_fd(-1, 0));
  unit_rmrf(dir);
}

static void test_lookup_in_path(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  autofree char *bin = xasprintf("%s/bin", dir);
  autofree char *sbin = xasprintf("%s/sbin", dir);
  assert_int_equal(mkdir(bin, 0755), 0);
  assert_int_equal(mkdir(sbin, 0755), 0);
  unit_write_file(bin, "tool", "#!/bin/sh\n");
  unit_write_file(bin, "data", "not executable\n");
  unit_write_file(sbin, "data", "#!/bin/sh\n");
  autofree char *tool = xasprintf("%s/tool", bin);
  autofree char *bdata = xasprintf("%s/data", bin);
  autofree char *sdata = xasprintf("%s/data", sbin);
  assert_int_equal(chmod(tool, 0755), 0);
  assert_int_equal(chmod(bdata, 0644), 0);
  assert_int_equal(chmod(sdata, 0700), 0);
  /* A directory named like the command is skipped. */
  autofree char *subdir = xasprintf("%s/sub", bin);
  assert_int_equal(mkdir(subdir, 0755), 0);

  autofree char *path = xasprintf("/nonexistent:%s:%s", bin, sbin);
  struct error *err = NULL;
  char *out = NULL;
  assert_int_equal(exe_lookup("tool", path, &out, &err), 0);
  assert_null(err);
  assert_string_equal(out, tool);
  free(out);
  /* Not executable in the first directory: the next one is used. */
  assert_int_equal(exe_lookup("data", path, &out, &err), 0);
  assert_string_equal(out, sdata);
  free(out);
  assert_int_equal(exe_lookup("sub", path, &out, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "exec: \"sub\": executable file not found in $PATH");
  assert_int_equal(exe_lookup("missing", path, &out, &err), -1);
  assert_error_msg(err, "exec: \"missing\": executable file not found in $PATH");
  assert_int_equal(exe_lookup("tool", "", &out, &err), -1);
  assert_error_msg(err, "exec: \"tool\": executable file not found in $PATH");
  assert_int_equal(exe_lookup("tool", NULL, &out, &err), -1);
  assert_error_msg(err, "exec: \"tool\": executable file not found in $PATH");
  unit_rmrf(dir);
}

static void test_lookup_empty_path_entry_is_cwd(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  unit_write_file(dir, "here", "#!/bin/sh\n");
  autofree char *here = xasprintf("%s/here", dir);
  assert_int_equal(chmod(here, 0755), 0);
  char old[PATH_MAX];
  assert_non_null(getcwd(old, sizeof(old)));
  assert_int_equal(chdir(dir), 0);
  struct error *err = NULL;
  char *out = NULL;
  int r = exe_lookup("here", "/nonexistent::/also-missing", &out, &err);
  assert_int_equal(chdir(old), 0);
  assert_no_error(r, err);
  assert_string_equal(out, "./here");
  free(out);
  unit_rmrf(dir);
}

static void test_lookup_with_slash(void **state) {
  (void)state;
  struct error *err = NULL;
  char *out = NULL;
  assert_int_equal(exe_lookup("/bin/sh", "", &out, &err), 0);
  assert_string_equal(out, "/bin/sh");
  free(out);
  assert_int_equal(exe_lookup("/x", "/bin", &out, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "exec: \"/x\": stat /x: no such file or directory");
  assert_int_equal(exe_lookup("/etc", "/bin", &out, &err), -1);
  assert_int_equal(err->errnum, EACCES);
  assert_error_msg(err, "exec: \"/etc\": permission denied");
  autofree char *dir = unit_tmpdir();
  unit_write_file(dir, "plain", "text\n");
  autofree char *plain = xasprintf("%s/plain", dir);
  autofree char *under = xasprintf("%s/plain/x", dir);
  assert_int_equal(chmod(plain, 0644), 0);
  assert_int_equal(exe_lookup(plain, "/bin", &out, &err), -1);
  autofree char *want = xasprintf("exec: \"%s\": permission denied", plain);
  assert_error_msg(err, want);
  assert_int_equal(exe_lookup(under, "/bin", &out, &err), -1);
  assert_int_equal(err->errnum, ENOTDIR);
  autofree char *want2 = xasprintf("exec: \"%s\": stat %s: not a directory", under, under);
  assert_error_msg(err, want2);
  unit_rmrf(dir);
  assert_int_equal(exe_lookup("./nope", "/bin", &out, &err), -1);
  assert_error_msg(err, "exec: \"./nope\": stat ./nope: no such file or directory");
  /* A name with a slash is not searched for in $PATH. */
  assert_int_equal(exe_lookup("no-such-dir/sh", "/bin", &out, &err), -1);
  assert_error_msg(err, "exec: \"no-such-dir/sh\": stat no-such-dir/sh: no such file or directory");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_env_get),
      cmocka_unit_test(test_env_set_appends),
      cmocka_unit_test(test_env_set_replaces_in_place),
      cmocka_unit_test(test_env_set_on_empty),
      cmocka_unit_test(test_passwd_home),
      cmocka_unit_test(test_lookup_in_path),
      cmocka_unit_test(test_lookup_empty_path_entry_is_cwd),
      cmocka_unit_test(test_lookup_with_slash),
  };
  return cmocka_run_group_tests_name("process_env", tests, NULL, NULL);
}
