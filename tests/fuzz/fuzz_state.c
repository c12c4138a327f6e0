/* fuzz_state.c - state_read on a container directory holding a fuzzed
 * state.json.  What it reads must write back and read again, and the
 * `state` / `list` JSON made from it must parse. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../libcontainer/container.h"
#include "../../libcontainer/json.h"
#include "../../libcontainer/state.h"

static int dirfd_ = -1;
static char dir[64];

static void cleanup(void) {
  if (dirfd_ >= 0) {
    unlinkat(dirfd_, "state.json", 0);
    unlinkat(dirfd_, "state.json.tmp", 0);
    close(dirfd_);
  }
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  snprintf(dir, sizeof(dir), "/tmp/vessel-fuzz-state-XXXXXX");
  if (mkdtemp(dir) == NULL)
    abort();
  dirfd_ = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dirfd_ < 0)
    abort();
  atexit(cleanup);
  return 0;
}

static void check_output(const struct container_state *st) {
  for (int s = STATUS_CREATING; s <= STATUS_STOPPED; s++) {
    struct jgen *g = jgen_new(s & 1);
    container_state_gen(g, st, (enum container_status)s, "owner");
    char *out = jgen_finish(g, true);
    yajl_val v = NULL;
    struct error *err = NULL;
    if (json_parse(out, strlen(out), &v, &err) < 0 || v->type != yajl_t_object)
      abort();
    yajl_tree_free(v);
    free(out);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = openat(dirfd_, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, data, size) != (ssize_t)size)
    abort();
  close(fd);
  struct container_state st;
  struct error *err = NULL;
  if (state_read(dirfd_, "fuzz", &st, &err) < 0) {
    if (err == NULL || st.id != NULL || st.cgroups != NULL)
      abort();
    error_free(err);
    return 0;
  }
  if (st.id == NULL)
    abort();
  check_output(&st);
  if (state_write(dirfd_, &st, &err) < 0)
    abort();
  struct container_state again;
  if (state_read(dirfd_, "fuzz", &again, &err) < 0)
    abort();
  if (again.pid != st.pid || again.start_time != st.start_time ||
      again.n_annotations != st.n_annotations || again.n_cgroups != st.n_cgroups ||
      again.owner_uid != st.owner_uid || again.created_ok != st.created_ok)
    abort();
  state_free(&again);
  state_free(&st);
  return 0;
}
