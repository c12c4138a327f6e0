/* stub.c - placeholder until the cgroup drivers land. */
#include "cgroups.h"
#include <errno.h>
#include <stdlib.h>
int cgroups_detect(const char *root, enum cgroup_mode *mode, struct error **err) { (void)root; (void)err; *mode = CGROUP_MODE_NONE; return 0; }
const char *cgroups_root(void) { return CGROUP_DEFAULT_ROOT; }
int cgroups_create(const struct cgroup_config *cfg, struct container_state *st, struct error **err) { (void)cfg; (void)st; (void)err; return 0; }
int cgroups_apply(const struct container_state *st, const struct resources_cfg *r, struct error **err) { (void)st; (void)r; (void)err; return 0; }
int cgroups_enter(const struct container_state *st, pid_t pid, const char *sub, struct error **err) { (void)st; (void)pid; (void)sub; (void)err; return 0; }
int cgroups_v2_dirfd(const struct container_state *st) { (void)st; return -1; }
int cgroups_kill_all(const struct container_state *st, int sig, struct error **err) { (void)st; (void)sig; (void)err; return 0; }
int cgroups_destroy(const struct container_state *st, struct error **err) { (void)st; (void)err; return 0; }
int cgroups_pids(const struct container_state *st, pid_t **pids, size_t *n, struct error **err) { (void)st; *pids = NULL; *n = 0; (void)err; return 0; }
int cgroups_freeze(const struct container_state *st, bool freeze, struct error **err) { (void)st; (void)freeze; return error_set(err, ENOSYS, "not implemented"); }
bool cgroups_state_frozen(const struct container_state *st) { (void)st; return false; }
int cgroups_stats(const struct container_state *st, struct jgen *g, struct error **err) { (void)st; (void)g; (void)err; return 0; }
int cgroups_oom_fd(const struct container_state *st, struct error **err) { (void)st; return error_set(err, ENOSYS, "not implemented"); }
int cgroups_oom_check(const struct container_state *st, int fd) { (void)st; (void)fd; return 0; }
void cgroups_features(struct cgroup_features *f) { f->v1 = f->v2 = f->systemd = f->systemd_user = f->rdma = false; }
