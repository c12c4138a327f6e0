/* process_env.c - environment and executable lookup. */
#define _GNU_SOURCE
#include "process_env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utils.h"

const char *env_get(char *const *env, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
      return env[i] + n + 1;
  return NULL;
}

char **env_set(char *const *env, const char *name, const char *value) {
  size_t n = strv_len(env), nl = strlen(name);
  char **r = xcalloc(n + 2, sizeof(char *));
  size_t k = 0;
  bool replaced = false;
  for (size_t i = 0; i < n; i++) {
    if (strncmp(env[i], name, nl) == 0 && env[i][nl] == '=') {
      if (!replaced)
        r[k++] = xasprintf("%s=%s", name, value);
      replaced = true;
      continue;
    }
    r[k++] = xstrdup(env[i]);
  }
  if (!replaced)
    r[k++] = xasprintf("%s=%s", name, value);
  r[k] = NULL;
  return r;
}

char *passwd_home_fd(int fd, uid_t uid) {
  autofree char *buf = NULL;
  if (read_fd(fd, &buf, NULL, 4 << 20, NULL) < 0)
    return NULL;
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    /* name:passwd:uid:gid:gecos:home:shell */
    char *f[7] = {0};
    int nf = 0;
    char *p = line;
    while (nf < 7) {
      f[nf++] = p;
      char *c = strchr(p, ':');
      if (c == NULL)
        break;
      *c = '\0';
      p = c + 1;
    }
    if (nf < 6)
      continue;
    uint64_t u;
    if (parse_u64(f[2], &u) == 0 && u == uid)
      return xstrdup(f[5]);
  }
  return NULL;
}

static int executable(const char *path, int *why) {
  struct stat st;
  if (stat(path, &st) < 0) {
    *why = errno;
    return -1;
  }
  if (!S_ISDIR(st.st_mode) && (st.st_mode & 0111))
    return 0;
  *why = EACCES;
  return -1;
}

int exe_lookup(const char *file, const char *path_env, char **out, struct error **err) {
  int why = 0;
  if (strchr(file, '/')) {
    if (executable(file, &why) == 0) {
      *out = xstrdup(file);
      return 0;
    }
    if (why == EACCES)
      return error_set(err, why, "exec: \"%s\": permission denied", file);
    return error_set(err, why, "exec: \"%s\": stat %s: %s", file, file, errno_text(why));
  }
  const char *p = path_env ? path_env : "";
  while (p && *p) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    autofree char *cand = len ? xasprintf("%.*s/%s", (int)len, p, file) : xasprintf("./%s", file);
    if (executable(cand, &why) == 0) {
      *out = steal_ptr(cand);
      return 0;
    }
    p = colon ? colon + 1 : NULL;
  }
  return error_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", file);
}
