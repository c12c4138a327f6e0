/* test_state.c - the state directory: ids, state.json written atomically and
 * read back, locking between processes, pid reuse, status, and the JSON that
 * `state` and `list --format json` print (runc's keys, in runc's order). */
#include "unit.h"

#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../../libcontainer/container.h"
#include "../../libcontainer/json.h"
#include "../../libcontainer/state.h"

static void test_valid_ids(void **state) {
  (void)state;
  static const char *ok[] = {"a", "abc", "ABC-123", "a_b.c+d-e", "..a", "a..", "...", ".hidden",
                             "0", "x.", "f5b3c3e0d1a94e6a9c6f1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"};
  for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
    struct error *err = NULL;
    if (state_validate_id(ok[i], &err) != 0)
      fail_msg("\"%s\" refused: %s", ok[i], err ? err->msg : "");
  }
  char *longest = xmalloc(1025);
  memset(longest, 'a', 1024);
  longest[1024] = '\0';
  struct error *err = NULL;
  assert_int_equal(state_validate_id(longest, &err), 0);
  free(longest);
}

static void test_invalid_ids(void **state) {
  (void)state;
  static const char *bad[] = {".", "..", "a/b", "/a", "a/", "../x", "a b", " a", "a\n", "a\tb",
                              "a:b", "a;b", "a*", "a?", "a$", "a\\b", "caf\xc3\xa9",
                              "a'b", "a\"b", "~a", "a=b", "a@b", "a#b", "%s"};
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
    struct error *err = NULL;
    assert_int_equal(state_validate_id(bad[i], &err), -1);
    assert_int_equal(err->errnum, EINVAL);
    autofree char *q = str_escape(bad[i], true);
    autofree char *want = xasprintf("invalid container id format: %s", q);
    assert_error_msg(err, want);
  }
  /* The id is escaped: it cannot start a line of its own. */
  struct error *e2 = NULL;
  assert_int_equal(state_validate_id("a\"\nlevel=error msg=x\\", &e2), -1);
  assert_error_msg(e2, "invalid container id format: \"a\\\"\\nlevel=error msg=x\\\\\"");
  struct error *err = NULL;
  assert_int_equal(state_validate_id("", &err), -1);
  assert_error_msg(err, "container id cannot be empty");
  assert_int_equal(state_validate_id(NULL, &err), -1);
  assert_error_msg(err, "container id cannot be empty");
  char *too_long = xmalloc(1026);
  memset(too_long, 'a', 1025);
  too_long[1025] = '\0';
  assert_int_equal(state_validate_id(too_long, &err), -1);
  assert_non_null(err);
  error_free(err);
  free(too_long);
}

static void test_root_dir(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  autofree char *root = xasprintf("%s/a/b/vessel", dir);
  struct error *err = NULL;
  assert_int_equal(state_root_open(root, false, &err), -1);
  autofree char *want = xasprintf("root directory \"%s\" does not exist", root);
  assert_error_msg(err, want);
  mode_t old = umask(0);
  int fd = state_root_open(root, true, &err);
  umask(old);
  assert_no_error(fd, err);
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 07777, 0700);
  close(fd);
  /* Opening it again (existing) works with or without create. */
  fd = state_root_open(root, false, &err);
  assert_no_error(fd, err);
  close(fd);
  fd = state_root_open(root, true, &err);
  assert_no_error(fd, err);
  close(fd);
  /* A file where the root should be. */
  unit_write_file(dir, "file", "x");
  autofree char *file = xasprintf("%s/file", dir);
  assert_int_equal(state_root_open(file, true, &err), -1);
  autofree char *want2 = xasprintf("open root directory \"%s\": not a directory", file);
  assert_error_msg(err, want2);
  unit_rmrf(dir);
}

static void test_container_dir(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  struct error *err = NULL;
  int rootfd = state_root_open(dir, false, &err);
  assert_no_error(rootfd, err);
  mode_t old = umask(077);
  int fd = state_dir_create(rootfd, "c1", &err);
  umask(old);
  assert_no_error(fd, err);
  struct stat st;
  assert_int_equal(fstatat(rootfd, "c1", &st, 0), 0);
  assert_int_equal(st.st_mode & 07777, 0711);
  /* The new directory comes locked. */
  int other = openat(rootfd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
  assert_int_equal(errno, EWOULDBLOCK);
  close(other);
  assert_int_equal(state_dir_create(rootfd, "c1", &err), -1);
  assert_int_equal(err->errnum, EEXIST);
  assert_error_msg(err, "container with id exists: c1");
  close(fd);

  assert_int_equal(state_dir_open(rootfd, "nope", false, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "container \"nope\" does not exist");
  /* Not a directory, or a symlink to one: not a container. */
  unit_write_file(dir, "file", "x");
  assert_int_equal(state_dir_open(rootfd, "file", false, &err), -1);
  assert_error_msg(err, "container \"file\" does not exist");
  assert_int_equal(symlinkat("c1", rootfd, "link"), 0);
  assert_int_equal(state_dir_open(rootfd, "link", true, &err), -1);
  assert_error_msg(err, "container \"link\" does not exist");

  /* Removal takes everything in it, and a missing one is fine. */
  fd = state_dir_open(rootfd, "c1", true, &err);
  assert_no_error(fd, err);
  assert_int_equal(mkfifoat(fd, "exec.fifo", 0600), 0);
  assert_int_equal(mkdirat(fd, "empty", 0700), 0);
  int f = openat(fd, "state.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  close(f);
  close(fd);
  assert_int_equal(state_dir_remove(rootfd, "c1", &err), 0);
  assert_null(err);
  assert_int_equal(faccessat(rootfd, "c1", F_OK, AT_SYMLINK_NOFOLLOW), -1);
  assert_int_equal(state_dir_remove(rootfd, "c1", &err), 0);
  assert_null(err);
  close(rootfd);
  unit_rmrf(dir);
}

static void fill_state(struct container_state *st) {
  memset(st, 0, sizeof(*st));
  st->id = xstrdup("c1");
  st->oci_version = xstrdup("1.3.0");
  st->pid = 4242;
  st->start_time = UINT64_MAX;
  st->bundle = xstrdup("/bundles/c1");
  st->rootfs = xstrdup("/bundles/c1/rootfs");
  st->created = xstrdup("2024-01-02T03:04:05.123456789Z");
  st->owner_uid = 4294967294U;
  size_t n = 0;
  strv_push(&st->annotation_keys, &n, "org.example/key");
  n = 0;
  strv_push(&st->annotation_values, &n, "value \"quoted\"\n");
  n = 1;
  strv_push(&st->annotation_keys, &n, "empty");
  n = 1;
  strv_push(&st->annotation_values, &n, "");
  st->n_annotations = 2;
  st->cgroups_path = xstrdup("/vessel/c1");
  st->cgroup_mode = 2;
  st->n_cgroups = 2;
  st->cgroups = xcalloc(2, sizeof(struct cgroup_dir));
  st->cgroups[0] = (struct cgroup_dir){xstrdup("cpu,cpuacct"), xstrdup("/sys/fs/cgroup/cpu,cpuacct/vessel/c1"), true};
  st->cgroups[1] = (struct cgroup_dir){xstrdup(""), xstrdup("/sys/fs/cgroup/unified/vessel/c1"), false};
  st->systemd_cgroup = true;
  st->rootless = false;
  st->use_terminal = true;
  st->no_new_keyring = true;
  st->created_ok = true;
}

static int make_container_dir(const char *root, const char *id) {
  struct error *err = NULL;
  int rootfd = state_root_open(root, true, &err);
  assert_no_error(rootfd, err);
  int fd = state_dir_create(rootfd, id, &err);
  assert_no_error(fd, err);
  close(rootfd);
  return fd;
}

static void test_write_read_every_field(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "c1");
  struct container_state w, r;
  fill_state(&w);
  struct error *err = NULL;
  int rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  assert_int_equal(faccessat(fd, "state.json.tmp", F_OK, 0), -1);
  struct stat sb;
  assert_int_equal(fstatat(fd, "state.json", &sb, 0), 0);
  assert_int_equal(sb.st_mode & 07777, 0600);
  rc = state_read(fd, "c1", &r, &err);
  assert_no_error(rc, err);
  assert_string_equal(r.id, "c1");
  assert_string_equal(r.oci_version, "1.3.0");
  assert_int_equal(r.pid, 4242);
  assert_true(r.start_time == UINT64_MAX);
  assert_string_equal(r.bundle, "/bundles/c1");
  assert_string_equal(r.rootfs, "/bundles/c1/rootfs");
  assert_string_equal(r.created, "2024-01-02T03:04:05.123456789Z");
  assert_int_equal(r.owner_uid, 4294967294U);
  assert_int_equal(r.n_annotations, 2);
  assert_string_equal(r.annotation_keys[0], "org.example/key");
  assert_string_equal(r.annotation_values[0], "value \"quoted\"\n");
  assert_string_equal(r.annotation_keys[1], "empty");
  assert_string_equal(r.annotation_values[1], "");
  assert_string_equal(r.cgroups_path, "/vessel/c1");
  assert_int_equal(r.cgroup_mode, 2);
  assert_int_equal(r.n_cgroups, 2);
  assert_string_equal(r.cgroups[0].controller, "cpu,cpuacct");
  assert_string_equal(r.cgroups[0].path, "/sys/fs/cgroup/cpu,cpuacct/vessel/c1");
  assert_true(r.cgroups[0].created);
  assert_string_equal(r.cgroups[1].controller, "");
  assert_false(r.cgroups[1].created);
  assert_true(r.systemd_cgroup);
  assert_false(r.rootless);
  assert_true(r.use_terminal);
  assert_true(r.no_new_keyring);
  assert_true(r.created_ok);
  state_free(&r);
  /* Written as one line of JSON. */
  autofree char *path = xasprintf("%s/c1/state.json", dir);
  autofree char *text = unit_read_file(path, NULL);
  assert_true(str_has_prefix(text, "{\"id\":\"c1\",\"ociVersion\":\"1.3.0\",\"pid\":4242,"
                                   "\"initStartTime\":18446744073709551615,"));
  assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));
  /* Rewriting replaces it. */
  w.pid = 7;
  w.created_ok = false;
  rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  rc = state_read(fd, "c1", &r, &err);
  assert_no_error(rc, err);
  assert_int_equal(r.pid, 7);
  assert_false(r.created_ok);
  state_free(&r);
  state_free(&w);
  close(fd);
  unit_rmrf(dir);
}

static void test_read_minimal_and_defaults(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "old");
  autofree char *cdir = xasprintf("%s/old", dir);
  unit_write_file(cdir, "state.json", "{\"pid\":12,\"bundle\":\"/b\",\"unknown\":[1,2,{}]}");
  struct container_state r;
  struct error *err = NULL;
  int rc = state_read(fd, "old", &r, &err);
  assert_no_error(rc, err);
  assert_string_equal(r.id, "old");
  assert_int_equal(r.pid, 12);
  assert_string_equal(r.bundle, "/b");
  assert_null(r.rootfs);
  assert_null(r.oci_version);
  assert_int_equal(r.n_cgroups, 0);
  assert_int_equal(r.n_annotations, 0);
  assert_false(r.created_ok);
  state_free(&r);
  /* A cgroup entry without a controller is the unified one. */
  unit_write_file(cdir, "state.json", "{\"cgroups\":[{\"path\":\"/sys/fs/cgroup/x\"}]}");
  rc = state_read(fd, "old", &r, &err);
  assert_no_error(rc, err);
  assert_int_equal(r.n_cgroups, 1);
  assert_string_equal(r.cgroups[0].controller, "");
  assert_false(r.cgroups[0].created);
  state_free(&r);
  close(fd);
  unit_rmrf(dir);
}

static void test_read_errors(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "c");
  autofree char *cdir = xasprintf("%s/c", dir);
  struct container_state r;
  struct error *err = NULL;
  assert_int_equal(state_read(fd, "c", &r, &err), -1);
  assert_int_equal(err->errnum, ENOENT);
  assert_error_msg(err, "container \"c\" does not exist");
  static const struct { const char *text, *msg; } t[] = {
      {"{", "state of \"c\": state.json: invalid JSON at line 1, column 2: premature EOF"},
      {"", "state of \"c\": state.json: invalid JSON: empty document"},
      {"{\"pid\":\"12\"}", "state of \"c\": state.json: pid: expected integer, got string"},
      {"{\"pid\":1.5}", "state of \"c\": state.json: pid: 1.5 is not a 64-bit integer"},
      {"{\"initStartTime\":-1}",
       "state of \"c\": state.json: initStartTime: value -1 must not be negative"},
      {"{\"annotations\":{\"a\":1}}",
       "state of \"c\": state.json: annotations[\"a\"]: expected string, got number"},
      {"{\"annotations\":[]}", "state of \"c\": state.json: annotations: expected object, got array"},
      {"{\"cgroups\":{}}", "state of \"c\": state.json: cgroups: expected array, got object"},
      {"{\"cgroups\":[{\"controller\":\"cpu\"}]}", "state of \"c\": state.json: cgroups[0].path: missing"},
      {"{\"cgroups\":[{\"path\":\"/x\"},{\"path\":1}]}",
       "state of \"c\": state.json: cgroups[1].path: expected string, got number"},
      {"{\"cgroups\":[\"x\"]}", "state of \"c\": state.json: cgroups[0].path: missing"},
      {"{\"createdOk\":\"yes\"}", "state of \"c\": state.json: createdOk: expected boolean, got string"},
      {"{\"id\":[]}", "state of \"c\": state.json: id: expected string, got array"},
      {"{\"pid\":-1}", "state of \"c\": state.json: pid: -1 is not a valid pid"},
      {"{\"pid\":4294967297}", "state of \"c\": state.json: pid: 4294967297 is not a valid pid"},
      {"{\"ownerUid\":4294967296}",
       "state of \"c\": state.json: ownerUid: 4294967296 is not a valid uid"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    unit_write_file(cdir, "state.json", t[i].text);
    assert_int_equal(state_read(fd, "c", &r, &err), -1);
    assert_error_msg(err, t[i].msg);
    /* Nothing is left allocated in r. */
    assert_null(r.id);
    assert_null(r.cgroups);
  }
  /* A document that is not an object reads as empty. */
  unit_write_file(cdir, "state.json", "[1,2]");
  assert_int_equal(state_read(fd, "c", &r, &err), 0);
  assert_string_equal(r.id, "c");
  state_free(&r);
  /* state.json must not be a symlink. */
  autofree char *sj = xasprintf("%s/state.json", cdir);
  unlink(sj);
  assert_int_equal(symlink("/etc/passwd", sj), 0);
  assert_int_equal(state_read(fd, "c", &r, &err), -1);
  assert_error_msg(err, "open state of \"c\": too many levels of symbolic links");
  close(fd);
  unit_rmrf(dir);
}

/* A writer killed in the middle of writing leaves the old state.json. */
static void test_atomic_write_survives_a_crash(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "c1");
  struct container_state w, r;
  fill_state(&w);
  struct error *err = NULL;
  int rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  autofree char *path = xasprintf("%s/c1/state.json", dir);
  autofree char *before = unit_read_file(path, NULL);

  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    /* Files may grow to 16 bytes: the write of the new state dies on SIGXFSZ. */
    struct rlimit rl = {16, 16};
    signal(SIGXFSZ, SIG_DFL);
    setrlimit(RLIMIT_FSIZE, &rl);
    struct container_state c;
    fill_state(&c);
    free(c.bundle);
    c.bundle = xstrdup("/a/much/longer/bundle/path/than/before");
    struct error *e = NULL;
    state_write(fd, &c, &e);
    _exit(3);
  }
  int status;
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGXFSZ);

  autofree char *after = unit_read_file(path, NULL);
  assert_string_equal(after, before);
  autofree char *tmp = xasprintf("%s/c1/state.json.tmp", dir);
  size_t tlen = 0;
  autofree char *partial = unit_read_file(tmp, &tlen);
  assert_non_null(partial);
  assert_int_equal(tlen, 16);
  rc = state_read(fd, "c1", &r, &err);
  assert_no_error(rc, err);
  assert_string_equal(r.bundle, "/bundles/c1");
  state_free(&r);
  /* The next write replaces the leftover. */
  w.pid = 99;
  rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  assert_int_equal(faccessat(fd, "state.json.tmp", F_OK, 0), -1);
  rc = state_read(fd, "c1", &r, &err);
  assert_no_error(rc, err);
  assert_int_equal(r.pid, 99);
  state_free(&r);

  /* A write that cannot even start leaves the old one too. */
  assert_int_equal(mkdirat(fd, "state.json.tmp", 0700), 0);
  w.pid = 100;
  assert_int_equal(state_write(fd, &w, &err), -1);
  assert_error_msg(err, "create state.json: is a directory");
  rc = state_read(fd, "c1", &r, &err);
  assert_no_error(rc, err);
  assert_int_equal(r.pid, 99);
  state_free(&r);
  state_free(&w);
  close(fd);
  unit_rmrf(dir);
}

/* A second locker blocks until the first lets go. */
static void test_lock_contention(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int held = make_container_dir(dir, "c1");
  int to_parent[2], to_child[2];
  assert_int_equal(pipe2(to_parent, O_CLOEXEC), 0);
  assert_int_equal(pipe2(to_child, O_CLOEXEC), 0);
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    close(held);
    struct error *e = NULL;
    int rootfd = state_root_open(dir, false, &e);
    /* The lock is taken: a non-blocking attempt fails... */
    int probe = openat(rootfd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char busy = flock(probe, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 'B' : 'F';
    close(probe);
    /* ...and readers that take no lock are not held up. */
    int reader = state_dir_open(rootfd, "c1", false, &e);
    char free_read = reader >= 0 ? 'R' : 'F';
    close(reader);
    char hello[2] = {busy, free_read};
    (void)!write(to_parent[1], hello, 2);
    /* ...and a locker waits. */
    int fd = state_dir_open(rootfd, "c1", true, &e);
    /* The parent wrote the marker before letting go. */
    char c = 'F';
    if (fd >= 0 && faccessat(fd, "marker", F_OK, 0) == 0)
      c = 'L';
    (void)!write(to_parent[1], &c, 1);
    char done;
    (void)!read(to_child[0], &done, 1);
    _exit(0);
  }
  close(to_parent[1]);
  close(to_child[0]);
  char hello[2];
  assert_int_equal(read(to_parent[0], hello, 2), 2);
  assert_int_equal(hello[0], 'B');
  assert_int_equal(hello[1], 'R');
  /* The child is now in (or on its way into) flock: it cannot have the
   * lock while this process holds it. */
  struct pollfd p = {to_parent[0], POLLIN, 0};
  assert_int_equal(poll(&p, 1, 0), 0);
  int m = openat(held, "marker", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  assert_true(m >= 0);
  close(m);
  close(held);
  char c;
  assert_int_equal(read(to_parent[0], &c, 1), 1);
  assert_int_equal(c, 'L');
  /* Now the child holds it. */
  struct error *err = NULL;
  int rootfd = state_root_open(dir, false, &err);
  int probe = openat(rootfd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_int_equal(flock(probe, LOCK_EX | LOCK_NB), -1);
  close(probe);
  (void)!write(to_child[1], "x", 1);
  int status;
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* Its exit released the lock. */
  int fd = state_dir_open(rootfd, "c1", true, &err);
  assert_no_error(fd, err);
  close(fd);
  close(rootfd);
  close(to_parent[0]);
  close(to_child[1]);
  unit_rmrf(dir);
}

static void test_pid_reuse_detection(void **state) {
  (void)state;
  struct container_state st = {0};
  st.pid = getpid();
  st.start_time = state_proc_start_time(getpid());
  assert_true(st.start_time > 0);
  assert_true(state_init_alive(&st));
  /* The same pid with another start time is another process. */
  st.start_time += 1;
  assert_false(state_init_alive(&st));
  st.start_time = 0;
  assert_false(state_init_alive(&st));
  st.pid = 0;
  st.start_time = state_proc_start_time(getpid());
  assert_false(state_init_alive(&st));
  st.pid = -1;
  assert_false(state_init_alive(&st));
  assert_int_equal(state_proc_start_time(0), 0);
  assert_int_equal(state_proc_start_time(-5), 0);
  assert_int_equal(state_proc_start_time(0x7ffffff0), 0);
}

/* A live child whose name looks like the rest of /proc/<pid>/stat, then the
 * same child as a zombie, then reaped. */
static void test_start_time_of_odd_names_and_zombies(void **state) {
  (void)state;
  int ready[2], go[2];
  assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
  assert_int_equal(pipe2(go, O_CLOEXEC), 0);
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    prctl(PR_SET_NAME, "x) Z 1 2 3 (y", 0, 0, 0);
    (void)!write(ready[1], "r", 1);
    char c;
    (void)!read(go[0], &c, 1);
    _exit(0);
  }
  char c;
  assert_int_equal(read(ready[0], &c, 1), 1);
  struct container_state st = {0};
  st.pid = child;
  st.start_time = state_proc_start_time(child);
  assert_true(st.start_time >= state_proc_start_time(getpid()));
  assert_true(state_init_alive(&st));
  /* Let it exit; the pipe closing tells when it is a zombie (not reaped). */
  (void)!write(go[1], "g", 1);
  siginfo_t si;
  assert_int_equal(waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT), 0);
  assert_int_equal(state_proc_start_time(child), 0);
  assert_false(state_init_alive(&st));
  assert_int_equal(waitpid(child, NULL, 0), child);
  assert_false(state_init_alive(&st));
  close(ready[0]);
  close(ready[1]);
  close(go[0]);
  close(go[1]);
}

static void test_status(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "c1");
  struct container_state st = {0};
  /* No init yet, create not finished: still being created. */
  assert_int_equal(state_status(fd, &st), STATUS_CREATING);
  st.created_ok = true;
  assert_int_equal(state_status(fd, &st), STATUS_STOPPED);
  st.created_ok = false;
  st.pid = 0x7ffffff0;
  assert_int_equal(state_status(fd, &st), STATUS_STOPPED);
  /* A live init waiting on exec.fifo: created; without it: running. */
  st.pid = getpid();
  st.start_time = state_proc_start_time(getpid());
  assert_int_equal(state_status(fd, &st), STATUS_RUNNING);
  assert_int_equal(mkfifoat(fd, "exec.fifo", 0600), 0);
  assert_int_equal(state_status(fd, &st), STATUS_CREATED);
  /* A reused pid reads as stopped even with the fifo there. */
  st.start_time++;
  assert_int_equal(state_status(fd, &st), STATUS_STOPPED);
  assert_string_equal(state_status_name(STATUS_CREATING), "creating");
  assert_string_equal(state_status_name(STATUS_CREATED), "created");
  assert_string_equal(state_status_name(STATUS_RUNNING), "running");
  assert_string_equal(state_status_name(STATUS_PAUSED), "paused");
  assert_string_equal(state_status_name(STATUS_STOPPED), "stopped");
  assert_string_equal(state_status_name((enum container_status)42), "unknown");
  close(fd);
  unit_rmrf(dir);
}

static bool matches(const char *re, const char *s) {
  regex_t r;
  assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
  bool ok = regexec(&r, s, 0, NULL, 0) == 0;
  regfree(&r);
  return ok;
}

static void test_time_and_owner(void **state) {
  (void)state;
  for (int i = 0; i < 50; i++) {
    char *t = state_time_now();
    /* Go's RFC3339Nano: no trailing zeros in the fraction. */
    if (!matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,8}[1-9])?Z$", t))
      fail_msg("bad time %s", t);
    free(t);
  }
  char *o = state_owner_name(0);
  assert_string_equal(o, "root");
  free(o);
  o = state_owner_name(3999999999U);
  assert_string_equal(o, "#3999999999");
  free(o);
}

/* `state` prints runc's containerState, indented by two spaces. */
static void test_state_output_shape(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  int fd = make_container_dir(dir, "c1");
  struct container_state w;
  fill_state(&w);
  w.pid = getpid();
  w.start_time = state_proc_start_time(getpid());
  /* Sorted keys: Go prints a map in key order. */
  free(w.annotation_keys[0]);
  w.annotation_keys[0] = xstrdup("a.first");
  free(w.annotation_keys[1]);
  w.annotation_keys[1] = xstrdup("b.second");
  struct error *err = NULL;
  int rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  assert_int_equal(mkfifoat(fd, "exec.fifo", 0600), 0);
  struct runtime_opts rt = {dir, false, NULL};
  char *out = NULL;
  rc = container_state_json(&rt, "c1", &out, &err);
  assert_no_error(rc, err);
  autofree char *want = xasprintf(
      "{\n"
      "  \"ociVersion\": \"1.3.0\",\n"
      "  \"id\": \"c1\",\n"
      "  \"pid\": %d,\n"
      "  \"status\": \"created\",\n"
      "  \"bundle\": \"/bundles/c1\",\n"
      "  \"rootfs\": \"/bundles/c1/rootfs\",\n"
      "  \"created\": \"2024-01-02T03:04:05.123456789Z\",\n"
      "  \"annotations\": {\n"
      "    \"a.first\": \"value \\\"quoted\\\"\\n\",\n"
      "    \"b.second\": \"\"\n"
      "  },\n"
      "  \"owner\": \"\"\n"
      "}\n",
      (int)getpid());
  assert_string_equal(out, want);
  free(out);

  /* Stopped: pid 0; no annotations: the key is left out. */
  w.start_time++;
  strv_free(w.annotation_keys);
  strv_free(w.annotation_values);
  w.annotation_keys = w.annotation_values = NULL;
  w.n_annotations = 0;
  rc = state_write(fd, &w, &err);
  assert_no_error(rc, err);
  rc = container_state_json(&rt, "c1", &out, &err);
  assert_no_error(rc, err);
  assert_string_equal(out,
                      "{\n"
                      "  \"ociVersion\": \"1.3.0\",\n"
                      "  \"id\": \"c1\",\n"
                      "  \"pid\": 0,\n"
                      "  \"status\": \"stopped\",\n"
                      "  \"bundle\": \"/bundles/c1\",\n"
                      "  \"rootfs\": \"/bundles/c1/rootfs\",\n"
                      "  \"created\": \"2024-01-02T03:04:05.123456789Z\",\n"
                      "  \"owner\": \"\"\n"
                      "}\n");
  free(out);

  assert_int_equal(container_state_json(&rt, "nope", &out, &err), -1);
  assert_error_msg(err, "container \"nope\" does not exist");
  assert_int_equal(container_state_json(&rt, "../c1", &out, &err), -1);
  assert_error_msg(err, "invalid container id format: \"../c1\"");
  struct runtime_opts missing = {"/nonexistent/vessel-root", false, NULL};
  assert_int_equal(container_state_json(&missing, "c1", &out, &err), -1);
  assert_error_msg(err, "container \"c1\" does not exist");
  state_free(&w);
  close(fd);
  unit_rmrf(dir);
}

/* `list`: every container, sorted by id, skipping what is not one; the
 * JSON form is an array of the same objects, owner by name. */
static void test_list(void **state) {
  (void)state;
  autofree char *dir = unit_tmpdir();
  const char *ids[] = {"zeta", "alpha", "mid.1"};
  for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
    int fd = make_container_dir(dir, ids[i]);
    struct container_state w;
    fill_state(&w);
    free(w.id);
    w.id = xstrdup(ids[i]);
    w.pid = i == 1 ? getpid() : 0x7ffffff0;
    w.start_time = state_proc_start_time(getpid());
    if (i == 2) {
      strv_free(w.annotation_keys);
      strv_free(w.annotation_values);
      w.annotation_keys = w.annotation_values = NULL;
      w.n_annotations = 0;
    }
    struct error *err = NULL;
    int rc = state_write(fd, &w, &err);
    assert_no_error(rc, err);
    state_free(&w);
    close(fd);
  }
  /* Not containers: no state yet, an invalid name, a file, a dot dir. */
  autofree char *p1 = xasprintf("%s/creating", dir);
  autofree char *p2 = xasprintf("%s/bad;name", dir);
  autofree char *p3 = xasprintf("%s/.hidden", dir);
  assert_int_equal(mkdir(p1, 0700), 0);
  assert_int_equal(mkdir(p2, 0700), 0);
  assert_int_equal(mkdir(p3, 0700), 0);
  unit_write_file(dir, "file", "x");
  autofree char *bad = xasprintf("%s/bad;name", dir);
  unit_write_file(bad, "state.json", "{}");

  struct runtime_opts rt = {dir, false, NULL};
  struct container_info *v = NULL;
  size_t n = 0;
  struct error *err = NULL;
  int rc = container_list(&rt, &v, &n, &err);
  assert_no_error(rc, err);
  assert_int_equal(n, 3);
  assert_string_equal(v[0].st.id, "alpha");
  assert_string_equal(v[1].st.id, "mid.1");
  assert_string_equal(v[2].st.id, "zeta");
  assert_int_equal(v[0].status, STATUS_RUNNING);
  assert_int_equal(v[1].status, STATUS_STOPPED);
  /* The owner is the owner of the directory. */
  assert_int_equal(v[0].st.owner_uid, geteuid());

  struct jgen *g = jgen_new(false);
  jgen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    autofree char *owner = state_owner_name(v[i].st.owner_uid);
    container_state_gen(g, &v[i].st, v[i].status, owner);
  }
  jgen_array_close(g);
  char *out = jgen_finish(g, true);
  autofree char *owner = state_owner_name(geteuid());
  autofree char *want = xasprintf(
      "[{\"ociVersion\":\"1.3.0\",\"id\":\"alpha\",\"pid\":%d,\"status\":\"running\","
      "\"bundle\":\"/bundles/c1\",\"rootfs\":\"/bundles/c1/rootfs\","
      "\"created\":\"2024-01-02T03:04:05.123456789Z\","
      "\"annotations\":{\"empty\":\"\",\"org.example/key\":\"value \\\"quoted\\\"\\n\"},"
      "\"owner\":\"%s\"},"
      "{\"ociVersion\":\"1.3.0\",\"id\":\"mid.1\",\"pid\":0,\"status\":\"stopped\","
      "\"bundle\":\"/bundles/c1\",\"rootfs\":\"/bundles/c1/rootfs\","
      "\"created\":\"2024-01-02T03:04:05.123456789Z\",\"owner\":\"%s\"},"
      "{\"ociVersion\":\"1.3.0\",\"id\":\"zeta\",\"pid\":0,\"status\":\"stopped\","
      "\"bundle\":\"/bundles/c1\",\"rootfs\":\"/bundles/c1/rootfs\","
      "\"created\":\"2024-01-02T03:04:05.123456789Z\","
      "\"annotations\":{\"empty\":\"\",\"org.example/key\":\"value \\\"quoted\\\"\\n\"},"
      "\"owner\":\"%s\"}]\n",
      (int)getpid(), owner, owner, owner);
  assert_string_equal(out, want);
  free(out);
  container_list_free(v, n);

  /* A missing root lists nothing. */
  struct runtime_opts missing = {"/nonexistent/vessel-root", false, NULL};
  rc = container_list(&missing, &v, &n, &err);
  assert_no_error(rc, err);
  assert_int_equal(n, 0);
  container_list_free(v, n);
  unit_rmrf(dir);
}

/* The state files in tests/unit/corpus/state, as a root of containers. */
static void test_fixture_states(void **state) {
  (void)state;
  autofree char *corpus = unit_corpus_dir();
  autofree char *dir = unit_tmpdir();
  static const struct { const char *file; const char *id; pid_t pid; bool ok; } t[] = {
      {"full.json", "c1", 4242, true}, {"v2.json", "web", 4194304, false}, {"creating.json", "new", 0, false}};
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    autofree char *src = xasprintf("%s/state/%s", corpus, t[i].file);
    autofree char *text = unit_read_file(src, NULL);
    assert_non_null(text);
    int fd = make_container_dir(dir, t[i].id);
    autofree char *cdir = xasprintf("%s/%s", dir, t[i].id);
    unit_write_file(cdir, "state.json", text);
    struct container_state st;
    struct error *err = NULL;
    int rc = state_read(fd, t[i].id, &st, &err);
    assert_no_error(rc, err);
    assert_string_equal(st.id, t[i].id);
    assert_int_equal(st.pid, t[i].pid);
    assert_int_equal(st.created_ok, t[i].ok);
    /* None of these inits is alive (no pid reaches 4194304, the largest pid_max). */
    assert_int_equal(state_status(fd, &st), t[i].ok || t[i].pid ? STATUS_STOPPED : STATUS_CREATING);
    state_free(&st);
    close(fd);
  }
  struct runtime_opts rt = {dir, false, NULL};
  struct container_info *v = NULL;
  size_t n = 0;
  struct error *err = NULL;
  int rc = container_list(&rt, &v, &n, &err);
  assert_no_error(rc, err);
  assert_int_equal(n, 3);
  assert_string_equal(v[0].st.id, "c1");
  assert_string_equal(v[1].st.id, "new");
  assert_string_equal(v[2].st.id, "web");
  assert_int_equal(v[1].status, STATUS_CREATING);
  container_list_free(v, n);
  unit_rmrf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_ids),
      cmocka_unit_test(test_invalid_ids),
      cmocka_unit_test(test_root_dir),
      cmocka_unit_test(test_container_dir),
      cmocka_unit_test(test_write_read_every_field),
      cmocka_unit_test(test_read_minimal_and_defaults),
      cmocka_unit_test(test_read_errors),
      cmocka_unit_test(test_atomic_write_survives_a_crash),
      cmocka_unit_test(test_lock_contention),
      cmocka_unit_test(test_pid_reuse_detection),
      cmocka_unit_test(test_start_time_of_odd_names_and_zombies),
      cmocka_unit_test(test_status),
      cmocka_unit_test(test_time_and_owner),
      cmocka_unit_test(test_state_output_shape),
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_fixture_states),
  };
  return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
