/* container_query.c - reading containers: load one, `state`, `list`. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "log.h"
#include "utils.h"

int container_load(const struct runtime_opts *rt, const char *id, bool lock, int *dirfd,
                   struct container_state *st, struct error **err) {
  if (state_validate_id(id, err) < 0)
    return -1;
  autoclose int rootfd = open(rt->root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (rootfd < 0) {
    if (errno == ENOENT)
      return error_set(err, ENOENT, "container \"%s\" does not exist", id);
    return error_sys(err, errno, "open root directory \"%s\"", rt->root);
  }
  autoclose int fd = state_dir_open(rootfd, id, lock, err);
  if (fd < 0)
    return -1;
  if (state_read(fd, id, st, err) < 0)
    return -1;
  if (dirfd)
    *dirfd = steal_fd(fd);
  return 0;
}

void container_state_gen(struct jgen *g, const struct container_state *st,
                         enum container_status status, const char *owner) {
  jgen_map_open(g);
  jgen_kv_str(g, "ociVersion", st->oci_version ? st->oci_version : "");
  jgen_kv_str(g, "id", st->id);
  jgen_kv_int(g, "pid", status == STATUS_STOPPED || status == STATUS_CREATING ? 0 : st->pid);
  jgen_kv_str(g, "status", state_status_name(status));
  jgen_kv_str(g, "bundle", st->bundle);
  jgen_kv_str(g, "rootfs", st->rootfs);
  jgen_kv_str(g, "created", st->created);
  if (st->n_annotations) {
    jgen_key(g, "annotations");
    jgen_strmap_sorted(g, st->annotation_keys, st->annotation_values, st->n_annotations);
  }
  jgen_kv_str(g, "owner", owner);
  jgen_map_close(g);
}

int container_state_json(const struct runtime_opts *rt, const char *id, char **out,
                         struct error **err) {
  struct container_state st;
  autoclose int dirfd = -1;
  if (container_load(rt, id, false, &dirfd, &st, err) < 0)
    return -1;
  struct jgen *g = jgen_new(true);
  container_state_gen(g, &st, state_status(dirfd, &st), "");
  *out = jgen_finish(g, true);
  state_free(&st);
  return 0;
}

static int cmp_info(const void *a, const void *b) {
  return strcmp(((const struct container_info *)a)->st.id, ((const struct container_info *)b)->st.id);
}

int container_list(const struct runtime_opts *rt, struct container_info **out, size_t *n,
                   struct error **err) {
  *out = NULL;
  *n = 0;
  int rootfd = open(rt->root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (rootfd < 0) {
    if (errno == ENOENT)
      return 0;
    return error_sys(err, errno, "open root directory \"%s\"", rt->root);
  }
  DIR *d = fdopendir(rootfd);
  if (d == NULL) {
    close(rootfd);
    return error_sys(err, errno, "read root directory \"%s\"", rt->root);
  }
  size_t cap = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || state_validate_id(de->d_name, NULL) < 0)
      continue;
    int fd = openat(rootfd, de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      continue;
    struct container_state st;
    struct error *e = NULL;
    if (state_read(fd, de->d_name, &st, &e) < 0) {
      /* A directory without a state is not a container (yet); one whose
       * state cannot be read is named, as runc names it. */
      if (e->errnum != ENOENT)
        log_warn("list: container \"%s\": %s", de->d_name, e->msg);
      error_free(e);
      close(fd);
      continue;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0)
      st.owner_uid = sb.st_uid;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      *out = xrealloc(*out, cap * sizeof(**out));
    }
    (*out)[*n].st = st;
    (*out)[*n].status = state_status(fd, &st);
    (*n)++;
    close(fd);
  }
  closedir(d);
  if (*n > 1)
    qsort(*out, *n, sizeof(**out), cmp_info);
  return 0;
}

void container_list_free(struct container_info *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    state_free(&v[i].st);
  free(v);
}
