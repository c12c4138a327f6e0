/* cgroup_join.c - entering the container's cgroups without the global lock. */
#define _GNU_SOURCE
#include "cgroup_join.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

/* The container's own directory in a hierarchy is the last one recorded for
 * it (parents created on the way come first). */
static bool is_leaf(const struct container_state *st, size_t i) {
  const char *c = st->cgroups[i].controller ? st->cgroups[i].controller : "";
  for (size_t k = i + 1; k < st->n_cgroups; k++)
    if (strcmp(st->cgroups[k].controller ? st->cgroups[k].controller : "", c) == 0)
      return false;
  return true;
}

int cgroup_join_prepare(const struct container_state *st, struct cgroup_join *j, struct error **err) {
  memset(j, 0, sizeof(*j));
  j->v2dir = -1;
  for (size_t i = 0; i < st->n_cgroups; i++) {
    const struct cgroup_dir *d = &st->cgroups[i];
    if (!is_leaf(st, i))
      continue;
    if (d->controller == NULL || *d->controller == '\0') {
      j->v2dir = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (j->v2dir < 0) {
        error_sys(err, errno, "open cgroup \"%s\"", d->path);
        cgroup_join_close(j);
        return error_stage(err, "cgroup");
      }
      continue;
    }
    if (j->n == ARRAY_SIZE(j->tasks)) {
      cgroup_join_close(j);
      return error_set(err, E2BIG, "too many cgroup hierarchies"), error_stage(err, "cgroup");
    }
    autofree char *tasks = xasprintf("%s/tasks", d->path);
    int fd = open(tasks, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      error_sys(err, errno, "open \"%s\"", tasks);
      cgroup_join_close(j);
      return error_stage(err, "cgroup");
    }
    j->paths[j->n] = xstrdup(d->path);
    j->tasks[j->n++] = fd;
  }
  return 0;
}

int cgroup_join_self(struct cgroup_join *j, struct error **err) {
  for (size_t i = 0; i < j->n; i++) {
    if (write(j->tasks[i], "0", 1) != 1)
      return error_sys(err, errno, "join cgroup \"%s\"", j->paths[i]), error_stage(err, "cgroup");
    close(j->tasks[i]);
    j->tasks[i] = -1;
  }
  return 0;
}

void cgroup_join_close(struct cgroup_join *j) {
  for (size_t i = 0; i < j->n; i++) {
    if (j->tasks[i] >= 0)
      close(j->tasks[i]);
    free(j->paths[i]);
  }
  j->n = 0;
  if (j->v2dir >= 0)
    close(j->v2dir);
  j->v2dir = -1;
}
