/* host.c - which cgroup layout the host has, and where a container's
 * directories go.
 *
 * Detection costs a statfs of the root and one per entry under it (no
 * /proc/self/mountinfo scan): cgroup2 at the root is v2; a tmpfs holding
 * cgroup v1 mounts is v1, or hybrid when a cgroup2 mount sits beside them
 * (/sys/fs/cgroup/unified).  A v1 mount's controllers come from its name
 * ("cpu,cpuacct"; the "cpu" and "cpuacct" symlinks beside it are skipped),
 * so combined and separate mounts both work.  A test tree (any other
 * filesystem) is read by its layout: cgroup.controllers at the top is v2,
 * directories are v1 hierarchies, and unified/cgroup.controllers makes it
 * hybrid.  The caller's own cgroups come from /proc/self/cgroup (for a test
 * tree, from the file $VESSEL_CGROUP_SELF names, else "/"). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../utils.h"
#include "internal.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

/* v1 controllers vessel places a container in, in the order runc applies
 * them; a mount named otherwise is a named hierarchy. */
static const char *const v1_order[] = {"cpuset",   "devices", "memory",     "cpu",
                                       "cpuacct",  "pids",    "blkio",      "hugetlb",
                                       "net_cls",  "net_prio", "perf_event", "freezer",
                                       "rdma",     "misc",    "name=systemd"};

const char *cgroups_root(void) {
  const char *r = getenv("VESSEL_CGROUP_ROOT");
  return r && *r ? r : CGROUP_DEFAULT_ROOT;
}

bool cg_list_has(const char *list, const char *ctrl) {
  size_t n = strlen(ctrl);
  for (const char *p = list; p && *p;) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    if (len == n && strncmp(p, ctrl, n) == 0)
      return true;
    p = c ? c + 1 : NULL;
  }
  return false;
}

static int v1_rank(const char *controllers) {
  for (size_t i = 0; i < ARRAY_SIZE(v1_order); i++)
    if (cg_list_has(controllers, v1_order[i]))
      return (int)i;
  return (int)ARRAY_SIZE(v1_order);
}

/* The controllers of a v1 mount named name, or NULL when vessel does not
 * use it (named hierarchies other than systemd, "debug"). */
static char *v1_controllers(const char *name) {
  if (strcmp(name, "systemd") == 0)
    return xstrdup("name=systemd");
  if (strcmp(name, "unified") == 0)
    return NULL;
  for (const char *p = name; *p;) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    bool known = false;
    for (size_t i = 0; i + 1 < ARRAY_SIZE(v1_order); i++)
      if (strlen(v1_order[i]) == len && strncmp(p, v1_order[i], len) == 0)
        known = true;
    if (!known)
      return NULL;
    p = c ? c + 1 : "";
  }
  return xstrdup(name);
}

static bool same_set(const char *a, const char *b, size_t blen) {
  autofree char *bs = xstrndup(b, blen);
  size_t na = 0, nb = 0;
  for (const char *p = a; *p; p++)
    na += *p == ',';
  for (const char *p = bs; *p; p++)
    nb += *p == ',';
  if (na != nb)
    return false;
  for (const char *p = bs; *p;) {
    const char *c = strchr(p, ',');
    autofree char *one = xstrndup(p, c ? (size_t)(c - p) : strlen(p));
    if (!cg_list_has(a, one))
      return false;
    p = c ? c + 1 : "";
  }
  return true;
}

char *cg_parse_self(const char *text, const char *controllers) {
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    const char *c1 = memchr(p, ':', len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - p)) : NULL;
    if (c2) {
      size_t clen = (size_t)(c2 - c1 - 1);
      bool match = *controllers == '\0' ? clen == 0 : clen > 0 && same_set(controllers, c1 + 1, clen);
      if (match) {
        size_t plen = len - (size_t)(c2 + 1 - p);
        return plen ? xstrndup(c2 + 1, plen) : xstrdup("/");
      }
    }
    p = nl ? nl + 1 : NULL;
  }
  return NULL;
}

static void add_hier(struct cg_host *host, char *controllers, char *mount, const char *self) {
  host->h = xrealloc(host->h, (host->n + 1) * sizeof(*host->h));
  struct cg_hier *h = &host->h[host->n++];
  h->controllers = controllers;
  h->mount = mount;
  h->own = self ? cg_parse_self(self, controllers) : NULL;
  if (h->own == NULL)
    h->own = xstrdup("/");
}

static int cmp_hier(const void *a, const void *b) {
  const struct cg_hier *x = a, *y = b;
  if (*x->controllers == '\0' || *y->controllers == '\0')
    return (*x->controllers == '\0') - (*y->controllers == '\0');
  return v1_rank(x->controllers) - v1_rank(y->controllers);
}

static bool is_dir_with(const char *dir, const char *file) {
  autofree char *p = xasprintf("%s/%s", dir, file);
  struct stat sb;
  return stat(p, &sb) == 0;
}

/* Walk the entries of a tmpfs (or test) root: v1 mounts and the unified one. */
static int scan_root(struct cg_host *host, bool fake, const char *self, struct error **err) {
  DIR *d = opendir(host->root);
  if (d == NULL)
    return error_sys(err, errno, "read cgroup root \"%s\"", host->root);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    struct stat sb;
    if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
      continue;
    char *path = xasprintf("%s/%s", host->root, de->d_name);
    bool v1 = false, v2 = false;
    if (fake) {
      v2 = strcmp(de->d_name, "unified") == 0 && is_dir_with(path, "cgroup.controllers");
      v1 = !v2;
    } else {
      struct statfs sf;
      if (statfs(path, &sf) == 0) {
        v1 = sf.f_type == CGROUP_SUPER_MAGIC;
        v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
      }
    }
    char *ctrls = v1 ? v1_controllers(de->d_name) : v2 ? xstrdup("") : NULL;
    if (ctrls == NULL || (v2 && cg_host_unified(host))) {
      free(ctrls);
      free(path);
      continue;
    }
    add_hier(host, ctrls, path, self);
  }
  closedir(d);
  if (host->n > 1)
    qsort(host->h, host->n, sizeof(*host->h), cmp_hier);
  const struct cg_hier *u = cg_host_unified(host);
  if (u && host->n == 1)
    host->mode = CGROUP_MODE_V2; /* a lone cgroup2 under a tmpfs: treat as unified */
  else if (host->n > 0)
    host->mode = u ? CGROUP_MODE_HYBRID : CGROUP_MODE_V1;
  return 0;
}

static char *read_self(bool fake, const char *self) {
  const char *path = self;
  if (path == NULL)
    path = fake ? getenv("VESSEL_CGROUP_SELF") : "/proc/self/cgroup";
  if (path == NULL || *path == '\0')
    return NULL;
  char *text = NULL;
  size_t len;
  if (read_file_at(AT_FDCWD, path, &text, &len, 1 << 20, NULL) < 0)
    return NULL;
  return text;
}

int cg_host_probe(const char *root, const char *self, struct cg_host *host, struct error **err) {
  memset(host, 0, sizeof(*host));
  host->root = xstrdup(root ? root : cgroups_root());
  size_t l = strlen(host->root);
  while (l > 1 && host->root[l - 1] == '/')
    host->root[--l] = '\0';
  struct statfs sf;
  if (statfs(host->root, &sf) < 0) {
    if (errno == ENOENT)
      return 0;
    return error_sys(err, errno, "statfs \"%s\"", host->root);
  }
  bool fake = sf.f_type != CGROUP2_SUPER_MAGIC && sf.f_type != TMPFS_MAGIC &&
              sf.f_type != CGROUP_SUPER_MAGIC;
  if (sf.f_type == CGROUP_SUPER_MAGIC)
    return 0; /* a single v1 hierarchy mounted at the root: not a layout vessel knows */
  host->fake = fake;
  autofree char *text = read_self(fake, self);
  if (sf.f_type == CGROUP2_SUPER_MAGIC || (fake && is_dir_with(host->root, "cgroup.controllers"))) {
    host->mode = CGROUP_MODE_V2;
    add_hier(host, xstrdup(""), xstrdup(host->root), text);
    return 0;
  }
  if (sf.f_type == TMPFS_MAGIC) {
    /* A tmpfs without cgroup mounts under it may still be a test tree. */
    if (scan_root(host, false, text, err) < 0)
      return -1;
    if (host->n > 0 || strcmp(host->root, CGROUP_DEFAULT_ROOT) == 0)
      return 0;
    host->fake = fake = true;
    autofree char *t2 = read_self(true, self);
    return scan_root(host, true, t2, err);
  }
  return scan_root(host, true, text, err);
}

void cg_host_free(struct cg_host *host) {
  for (size_t i = 0; i < host->n; i++) {
    free(host->h[i].controllers);
    free(host->h[i].mount);
    free(host->h[i].own);
  }
  free(host->h);
  free(host->root);
  memset(host, 0, sizeof(*host));
}

const struct cg_host *cg_host_get(const char *root, struct error **err) {
  static struct cg_host cache;
  static bool cached;
  const char *want = root ? root : cgroups_root();
  if (cached && strcmp(cache.root, want) == 0)
    return &cache;
  if (cached)
    cg_host_free(&cache);
  cached = false;
  if (cg_host_probe(want, NULL, &cache, err) < 0) {
    cg_host_free(&cache);
    return NULL;
  }
  cg_set_test_tree(cache.fake);
  cached = true;
  return &cache;
}

int cgroups_detect(const char *root, enum cgroup_mode *mode, struct error **err) {
  const struct cg_host *h = cg_host_get(root, err);
  if (h == NULL)
    return -1;
  *mode = h->mode;
  return 0;
}

const struct cg_hier *cg_host_unified(const struct cg_host *host) {
  for (size_t i = 0; i < host->n; i++)
    if (*host->h[i].controllers == '\0')
      return &host->h[i];
  return NULL;
}

static bool v2_has(const struct cg_host *host, const char *ctrl) {
  const struct cg_hier *u = cg_host_unified(host);
  if (u == NULL)
    return false;
  autofree char *text = NULL;
  autofree char *path = xasprintf("%s/cgroup.controllers", u->mount);
  size_t len;
  if (read_file_at(AT_FDCWD, path, &text, &len, 1 << 16, NULL) < 0)
    return false;
  size_t n = strlen(ctrl);
  for (char *p = text; (p = strstr(p, ctrl)) != NULL; p += n)
    if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
      return true;
  return false;
}

bool cg_host_has(const struct cg_host *host, const char *ctrl) {
  if (host->mode == CGROUP_MODE_V2)
    return v2_has(host, ctrl);
  for (size_t i = 0; i < host->n; i++)
    if (*host->h[i].controllers && cg_list_has(host->h[i].controllers, ctrl))
      return true;
  return false;
}

char *cg_clean_path(const char *path) {
  if (path == NULL)
    return xstrdup("");
  bool abs = path[0] == '/';
  size_t cap = strlen(path) + 2, n = 0;
  char *out = xcalloc(cap, 1);
  for (const char *p = path; *p;) {
    while (*p == '/')
      p++;
    const char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0)
      break;
    if (len == 1 && p[0] == '.') {
      /* nothing */
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      char *s = n ? memrchr(out, '/', n) : NULL;
      n = s ? (size_t)(s - out) : 0;
      out[n] = '\0';
    } else {
      out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
      out[n] = '\0';
    }
    p += len;
  }
  if (abs)
    return n ? out : (free(out), xstrdup("/"));
  if (n == 0)
    return (free(out), xstrdup(""));
  memmove(out, out + 1, n);
  return out;
}

static void join_into(char **buf, const char *part) {
  while (*part == '/')
    part++;
  if (*part == '\0')
    return;
  char *old = *buf;
  size_t l = strlen(old);
  while (l > 0 && old[l - 1] == '/')
    l--;
  *buf = xasprintf("%.*s/%s", (int)l, old, part);
  free(old);
}

char *cg_leaf_path(const struct cg_host *host, const struct cg_hier *h, const char *inner) {
  char *path = xstrdup(h->mount);
  if (inner[0] != '/') {
    if (host->mode == CGROUP_MODE_V2) {
      /* The caller's own cgroup has processes in it, so controllers cannot
       * be enabled for its children: runc uses its parent. */
      autofree char *own = xstrdup(h->own);
      char *s = strrchr(own, '/');
      if (s)
        *s = '\0';
      join_into(&path, own);
    } else {
      join_into(&path, h->own);
    }
  }
  join_into(&path, inner);
  return path;
}
