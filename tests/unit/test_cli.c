/* test_cli.c - the argument parser: every flag spelling runc accepts, and
 * Go's flag package error texts. */
#include "unit.h"

#include "../../libcontainer/log.h"
/* The parser lives with the CLI, outside libcontainer.a. */
#include "../../src/cli.c"

struct flags {
  bool detach, tty, no_pivot;
  char *bundle, *pid_file;
  long fds;
  char **env;
  struct cli_opt opts[7];
};

static void flags_init(struct flags *f) {
  memset(f, 0, sizeof(*f));
  struct cli_opt o[] = {
      {"detach", 'd', OPT_BOOL, &f->detach, "detach", NULL, false},
      {"tty", 't', OPT_BOOL, &f->tty, "tty", NULL, false},
      {"no-pivot", 0, OPT_BOOL, &f->no_pivot, "no pivot", NULL, false},
      {"bundle", 'b', OPT_STRING, &f->bundle, "bundle", "current directory", false},
      {"pid-file", 0, OPT_STRING, &f->pid_file, "pid file", NULL, false},
      {"preserve-fds", 0, OPT_INT, &f->fds, "fds", "0", false},
      {"env", 'e', OPT_STRINGS, &f->env, "env", NULL, false},
  };
  memcpy(f->opts, o, sizeof(o));
}

static void flags_free(struct flags *f) {
  free(f->bundle);
  free(f->pid_file);
  strv_free(f->env);
}

/* Split "a b c" on spaces (no quoting needed here; "\x1f" stands for a space
 * inside an argument). */
static char **split(const char *line, int *argc) {
  char **v = NULL;
  size_t n = 0;
  char *copy = xstrdup(line), *save = NULL;
  for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
    for (char *p = t; *p; p++)
      if (*p == '\x1f')
        *p = ' ';
    strv_push(&v, &n, strcmp(t, "''") == 0 ? "" : t);
  }
  free(copy);
  if (v == NULL)
    v = xcalloc(1, sizeof(char *));
  *argc = (int)n;
  return v;
}

struct result {
  int rc;
  char *msg;
  char **argv;
  char **pos;
  int npos;
};

static struct result run(struct flags *f, const char *line, bool stop) {
  struct result r = {0};
  int argc;
  r.argv = split(line, &argc);
  r.rc = cli_parse(f->opts, ARRAY_SIZE(f->opts), argc, r.argv, stop, &r.pos, &r.npos, &r.msg);
  return r;
}

static void result_free(struct result *r) {
  free(r->msg);
  free(r->pos);
  strv_free(r->argv);
}

/* Parse, expect success, and compare the positional arguments ("|" joined). */
static void parse_ok(struct flags *f, const char *line, const char *want_pos) {
  struct result r = run(f, line, false);
  if (r.rc != 0)
    fail_msg("\"%s\": rc %d, %s", line, r.rc, r.msg ? r.msg : "");
  char buf[512] = "";
  for (int i = 0; i < r.npos; i++) {
    if (i)
      strcat(buf, "|");
    strcat(buf, r.pos[i]);
  }
  assert_null(r.pos[r.npos]);
  assert_string_equal(buf, want_pos);
  result_free(&r);
}

static void parse_err(const char *line, const char *want) {
  struct flags f;
  flags_init(&f);
  struct result r = run(&f, line, false);
  if (r.rc != -1)
    fail_msg("\"%s\": rc %d, want -1", line, r.rc);
  assert_non_null(r.msg);
  assert_null(r.pos);
  assert_string_equal(r.msg, want);
  result_free(&r);
  flags_free(&f);
}

static void test_string_flag_spellings(void **state) {
  (void)state;
  static const char *lines[] = {"--bundle /b", "--bundle=/b", "-bundle /b", "-bundle=/b",
                                "-b /b", "-b=/b", "--b /b", "--b=/b"};
  for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
    struct flags f;
    flags_init(&f);
    autofree char *line = xasprintf("%s id", lines[i]);
    parse_ok(&f, line, "id");
    assert_non_null(f.bundle);
    assert_string_equal(f.bundle, "/b");
    assert_true(f.opts[3].seen);
    assert_false(f.opts[0].seen);
    flags_free(&f);
  }
}

static void test_string_values(void **state) {
  (void)state;
  struct flags f;
  flags_init(&f);
  /* The next argument is the value even when it looks like a flag. */
  parse_ok(&f, "--bundle -d id", "id");
  assert_string_equal(f.bundle, "-d");
  assert_false(f.detach);
  /* Empty values, '=' inside values, the last one wins. */
  parse_ok(&f, "--pid-file= --bundle=a=b --bundle c", "");
  assert_string_equal(f.pid_file, "");
  assert_string_equal(f.bundle, "c");
  parse_ok(&f, "--bundle '' x", "x");
  assert_string_equal(f.bundle, "");
  parse_ok(&f, "--bundle with\x1fspace", "");
  assert_string_equal(f.bundle, "with space");
  flags_free(&f);
}

static void test_bool_flags(void **state) {
  (void)state;
  static const struct { const char *line; bool want; } t[] = {
      {"-d", true},          {"--detach", true},        {"-detach", true},
      {"--d", true},         {"--detach=true", true},   {"--detach=false", false},
      {"-d=false", false},   {"-detach=1", true},       {"--detach=0", false},
      {"--detach=t", true},  {"--detach=T", true},      {"--detach=TRUE", true},
      {"--detach=True", true}, {"--detach=f", false},   {"--detach=F", false},
      {"--detach=FALSE", false}, {"--detach=False", false}, {"-d -d=false", false},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    struct flags f;
    flags_init(&f);
    parse_ok(&f, t[i].line, "");
    if (f.detach != t[i].want)
      fail_msg("\"%s\": detach %d, want %d", t[i].line, f.detach, t[i].want);
    assert_true(f.opts[0].seen);
    flags_free(&f);
  }
  /* A boolean never takes the next argument. */
  struct flags f;
  flags_init(&f);
  parse_ok(&f, "--detach false", "false");
  assert_true(f.detach);
  flags_free(&f);
  parse_err("--detach=yes", "invalid boolean value \"yes\" for -detach: parse error");
  parse_err("-d=", "invalid boolean value \"\" for -detach: parse error");
  parse_err("--no-pivot=2", "invalid boolean value \"2\" for -no-pivot: parse error");
}

static void test_combined_short_booleans(void **state) {
  (void)state;
  struct flags f;
  flags_init(&f);
  parse_ok(&f, "-dt id", "id");
  assert_true(f.detach && f.tty);
  flags_free(&f);
  flags_init(&f);
  parse_ok(&f, "-td", "");
  assert_true(f.detach && f.tty);
  flags_free(&f);
  flags_init(&f);
  parse_ok(&f, "-d -t", "");
  assert_true(f.detach && f.tty);
  flags_free(&f);
  /* Only booleans combine; an unknown letter makes it unknown. */
  parse_err("-dx", "flag provided but not defined: -dx");
  parse_err("-db /x", "flag provided but not defined: -db");
  parse_err("-dt=true", "flag provided but not defined: -dt");
  /* Two dashes are a long name, never a cluster. */
  parse_err("--dt", "flag provided but not defined: -dt");
}

static void test_int_and_list_flags(void **state) {
  (void)state;
  struct flags f;
  flags_init(&f);
  parse_ok(&f, "--preserve-fds 3", "");
  assert_int_equal(f.fds, 3);
  parse_ok(&f, "--preserve-fds=0x10", "");
  assert_int_equal(f.fds, 16);
  parse_ok(&f, "-preserve-fds -1", "");
  assert_int_equal(f.fds, -1);
  parse_ok(&f, "-e A=1 --env B=2 -e=C=3 -env=D= x --env E", "x");
  assert_int_equal(strv_len(f.env), 5);
  assert_string_equal(f.env[0], "A=1");
  assert_string_equal(f.env[1], "B=2");
  assert_string_equal(f.env[2], "C=3");
  assert_string_equal(f.env[3], "D=");
  assert_string_equal(f.env[4], "E");
  flags_free(&f);
  parse_err("--preserve-fds abc", "invalid value \"abc\" for flag -preserve-fds: parse error");
  parse_err("--preserve-fds=", "invalid value \"\" for flag -preserve-fds: parse error");
  parse_err("--preserve-fds 3x", "invalid value \"3x\" for flag -preserve-fds: parse error");
  parse_err("--preserve-fds 99999999999999999999",
            "invalid value \"99999999999999999999\" for flag -preserve-fds: parse error");
}

static void test_positional_and_terminator(void **state) {
  (void)state;
  struct flags f;
  flags_init(&f);
  parse_ok(&f, "a -d b", "a|b");
  assert_true(f.detach);
  flags_free(&f);
  flags_init(&f);
  parse_ok(&f, "id -- -d --bundle x", "id|-d|--bundle|x");
  assert_false(f.detach);
  assert_null(f.bundle);
  flags_free(&f);
  flags_init(&f);
  parse_ok(&f, "-- --", "--");
  parse_ok(&f, "- -d", "-");
  parse_ok(&f, "'' x", "|x");
  parse_ok(&f, "", "");
  flags_free(&f);
  /* exec: the command's own flags follow its name. */
  flags_init(&f);
  struct result r = run(&f, "-t id sh -c -d", true);
  assert_int_equal(r.rc, 0);
  assert_int_equal(r.npos, 4);
  assert_string_equal(r.pos[0], "id");
  assert_string_equal(r.pos[1], "sh");
  assert_string_equal(r.pos[2], "-c");
  assert_string_equal(r.pos[3], "-d");
  assert_true(f.tty);
  assert_false(f.detach);
  result_free(&r);
  flags_free(&f);
}

static void test_missing_arguments(void **state) {
  (void)state;
  parse_err("--bundle", "flag needs an argument: -bundle");
  parse_err("-bundle", "flag needs an argument: -bundle");
  parse_err("-b", "flag needs an argument: -b");
  parse_err("id --pid-file", "flag needs an argument: -pid-file");
  parse_err("--preserve-fds", "flag needs an argument: -preserve-fds");
  parse_err("-e", "flag needs an argument: -e");
}

static void test_unknown_and_bad_flags(void **state) {
  (void)state;
  parse_err("-x", "flag provided but not defined: -x");
  parse_err("--x", "flag provided but not defined: -x");
  parse_err("--xyz", "flag provided but not defined: -xyz");
  parse_err("-xyz=1", "flag provided but not defined: -xyz");
  parse_err("--xyz=1", "flag provided but not defined: -xyz");
  parse_err("id --bundle /b --force", "flag provided but not defined: -force");
  parse_err("--=x", "bad flag syntax: --=x");
  parse_err("-=x", "bad flag syntax: -=x");
  parse_err("---x", "bad flag syntax: ---x");
  parse_err("---", "bad flag syntax: ---");
}

static void test_help(void **state) {
  (void)state;
  static const char *lines[] = {"--help", "-help", "-h", "--h", "id --help", "-d -h x"};
  for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
    struct flags f;
    flags_init(&f);
    struct result r = run(&f, lines[i], false);
    if (r.rc != 1)
      fail_msg("\"%s\": rc %d, want 1", lines[i], r.rc);
    assert_null(r.msg);
    /* Nothing to free (the global flags free *pos whatever the result). */
    assert_null(r.pos);
    result_free(&r);
    flags_free(&f);
  }
  /* A verb may define -h itself. */
  bool human = false;
  struct cli_opt o[] = {{"human", 'h', OPT_BOOL, &human, "human", NULL, false}};
  char *argv[] = {"-h", NULL};
  char **pos = NULL, *msg = NULL;
  int npos;
  assert_int_equal(cli_parse(o, 1, 1, argv, false, &pos, &npos, &msg), 0);
  assert_true(human);
  free(pos);
}

/* Run fn with stderr sent to a file; return what it wrote. */
static char *capture_stderr(void (*fn)(void *), void *arg) {
  autofree char *dir = unit_tmpdir();
  autofree char *path = xasprintf("%s/err", dir);
  fflush(stderr);
  int saved = dup(2);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  assert_true(fd >= 0 && saved >= 0);
  dup2(fd, 2);
  close(fd);
  fn(arg);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  char *text = unit_read_file(path, NULL);
  unit_rmrf(dir);
  return text;
}

static const struct cli_cmd test_cmd = {
    "create", NULL, "create a container", "<container-id>",
    "The create command creates an instance of a container.", NULL, true};

static void verb_unknown_flag(void *arg) {
  struct flags *f = arg;
  char *argv[] = {"--bogus", "id", NULL};
  char **pos = NULL;
  int npos;
  assert_int_equal(cli_verb_parse(&test_cmd, f->opts, ARRAY_SIZE(f->opts), 2, argv, false, &pos,
                                  &npos), 1);
}

static void verb_args(void *arg) {
  struct flags *f = arg;
  assert_int_equal(cli_check_args(&test_cmd, f->opts, ARRAY_SIZE(f->opts), 0, 1, ARGS_EXACT), 1);
  assert_int_equal(cli_check_args(&test_cmd, f->opts, ARRAY_SIZE(f->opts), 1, 1, ARGS_EXACT), -1);
  assert_int_equal(cli_check_args(&test_cmd, NULL, 0, 0, 1, ARGS_MIN), 1);
  assert_int_equal(cli_check_args(&test_cmd, NULL, 0, 3, 1, ARGS_MIN), -1);
  assert_int_equal(cli_check_args(&test_cmd, NULL, 0, 3, 2, ARGS_MAX), 1);
  assert_int_equal(cli_check_args(&test_cmd, NULL, 0, 2, 2, ARGS_MAX), -1);
}

static const char *usage_text =
    "NAME:\n"
    "   vessel create - create a container\n"
    "\n"
    "USAGE:\n"
    "   vessel create [command options] <container-id>\n"
    "\n"
    "DESCRIPTION:\n"
    "The create command creates an instance of a container.\n"
    "\n"
    "OPTIONS:\n"
    "   --detach, -d                   detach\n"
    "   --tty, -t                      tty\n"
    "   --no-pivot                     no pivot\n"
    "   --bundle value, -b value       bundle (default: current directory)\n"
    "   --pid-file value               pid file\n"
    "   --preserve-fds value           fds (default: 0)\n"
    "   --env value, -e value          env\n";

static void test_usage_errors_on_stderr(void **state) {
  (void)state;
  struct error *err = NULL;
  log_init(NULL, LOG_TEXT, false, &err);
  struct flags f;
  flags_init(&f);
  char *out = capture_stderr(verb_unknown_flag, &f);
  autofree char *want = xasprintf("vessel: flag provided but not defined: -bogus\n%s", usage_text);
  assert_string_equal(out, want);
  free(out);
  out = capture_stderr(verb_args, &f);
  autofree char *want2 = xasprintf(
      "vessel: \"create\" requires exactly 1 argument(s)\n%s"
      "vessel: \"create\" requires a minimum of 1 argument(s)\n"
      "NAME:\n   vessel create - create a container\n\nUSAGE:\n   vessel create <container-id>\n\n"
      "DESCRIPTION:\nThe create command creates an instance of a container.\n"
      "vessel: \"create\" requires a maximum of 2 argument(s)\n"
      "NAME:\n   vessel create - create a container\n\nUSAGE:\n   vessel create <container-id>\n\n"
      "DESCRIPTION:\nThe create command creates an instance of a container.\n",
      usage_text);
  assert_string_equal(out, want2);
  free(out);
  flags_free(&f);
}

/* With --log-format json and a --log file, the file gets one JSON line and
 * stderr the message alone (no usage text in a caller's log). */
static void test_usage_errors_with_json_log(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  autofree char *log = xasprintf("%s/log.json", dir);
  struct error *err = NULL;
  int r = log_init(log, LOG_JSON, false, &err);
  assert_no_error(r, err);
  struct flags f;
  flags_init(&f);
  char *out = capture_stderr(verb_unknown_flag, &f);
  close(log_fd());
  log_init(NULL, LOG_TEXT, false, &err);
  assert_string_equal(out, "vessel: flag provided but not defined: -bogus\n");
  free(out);
  autofree char *text = unit_read_file(log, NULL);
  assert_true(str_has_prefix(
      text, "{\"level\":\"error\",\"msg\":\"flag provided but not defined: -bogus\",\"time\":\""));
  assert_true(str_has_suffix(text, "\",\"stage\":\"usage\",\"errno\":22}\n"));
  assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
  flags_free(&f);
  unit_rmrf(dir);
}

static void verb_help(void *arg) {
  struct flags *f = arg;
  char *argv[] = {"--help", NULL};
  char **pos = NULL;
  int npos;
  fflush(stdout);
  int saved = dup(1);
  dup2(2, 1);
  int rc = cli_verb_parse(&test_cmd, f->opts, ARRAY_SIZE(f->opts), 1, argv, false, &pos, &npos);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  assert_int_equal(rc, 0);
}

static void test_help_prints_usage(void **state) {
  (void)state;
  struct flags f;
  flags_init(&f);
  char *out = capture_stderr(verb_help, &f);
  assert_string_equal(out, usage_text);
  free(out);
  flags_free(&f);
}

static void test_unimplemented_usage(void **state) {
  (void)state;
  static const struct cli_cmd cmd = {"checkpoint", NULL, "checkpoint a running container",
                                     "<container-id>", NULL, NULL, false};
  autofree char *dir = unit_tmpdir();
  autofree char *path = xasprintf("%s/u", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  cli_print_cmd_usage(&cmd, NULL, 0, fd);
  close(fd);
  autofree char *text = unit_read_file(path, NULL);
  assert_string_equal(text, "NAME:\n   vessel checkpoint - checkpoint a running container\n\n"
                            "USAGE:\n   vessel checkpoint <container-id>\n\n"
                            "This command is not implemented yet.\n");
  unit_rmrf(dir);
}

static void test_root(void **state) {
  (void)state;
  struct global_opts g = {0};
  g.root = "/tmp/r";
  assert_string_equal(cli_root(&g), "/tmp/r");
  g.root = "";
  if (geteuid() == 0)
    assert_string_equal(cli_root(&g), "/run/vessel");
  else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
    assert_true(str_has_suffix(cli_root(&g), "/vessel"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_flag_spellings),
      cmocka_unit_test(test_string_values),
      cmocka_unit_test(test_bool_flags),
      cmocka_unit_test(test_combined_short_booleans),
      cmocka_unit_test(test_int_and_list_flags),
      cmocka_unit_test(test_positional_and_terminator),
      cmocka_unit_test(test_missing_arguments),
      cmocka_unit_test(test_unknown_and_bad_flags),
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_usage_errors_on_stderr),
      cmocka_unit_test(test_usage_errors_with_json_log),
      cmocka_unit_test(test_help_prints_usage),
      cmocka_unit_test(test_unimplemented_usage),
      cmocka_unit_test(test_root),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
