/* devices_bpf.c - device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE
 * program built from the rules, attached to the container's cgroup.
 *
 * The program checks the rules from the last to the first and returns the
 * verdict of the first that matches (so later rules win, as in v1); an "a"
 * rule matches everything and ends the search; nothing matching is denied.
 * An allow rule matches when the requested access is a subset of its own, a
 * deny rule when the two intersect (the kernel's v1 semantics).
 *
 * It is attached with BPF_F_ALLOW_MULTI (the programs of the parents keep
 * running).  A program vessel attached earlier is replaced: with
 * BPF_F_REPLACE when it is the only one, else the new one is attached and
 * the old ones detached, as runc does.
 *
 * Loading a program (verifier and JIT) costs more than everything else a v2
 * container's cgroup needs, and nearly every container has the same one:
 * the default rules.  That program is pinned in the BPF filesystem (when
 * /sys/fs/bpf is one) under a name made of its hash, and the next container
 * attaches the pinned program, after checking that what the kernel holds
 * is instruction for instruction the program it would have loaded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../log.h"
#include "../utils.h"
#include "internal.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define JMP_IMM(op, d, i) INSN(BPF_JMP | (op) | BPF_K, d, 0, 0, i) /* target patched later */
#define JMP_REG(op, d, s) INSN(BPF_JMP | (op) | BPF_X, d, s, 0, 0)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0 = 0, R1, R2, R3, R4, R5 };
#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

struct prog {
  struct bpf_insn *v;
  size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn i) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
  }
  p->v[p->n++] = i;
}

static int access_bits(const char *a) {
  int bits = 0;
  for (; *a; a++)
    bits |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE
                                           : *a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits ? bits : ACC_ALL;
}

/* One rule: conditional jumps to the next block, then the verdict.  Jumps
 * are emitted with off = -1 and patched once the block's end is known. */
static void emit_rule(struct prog *p, const struct device_rule *d) {
  size_t start = p->n;
  if (d->type != 'a') {
    emit(p, JMP_IMM(BPF_JNE, R2, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
    int acc = access_bits(d->access);
    if (acc != ACC_ALL) {
      emit(p, MOV32_REG(R1, R3));
      emit(p, ALU32_IMM(BPF_AND, R1, acc));
      if (d->allow)
        emit(p, JMP_REG(BPF_JNE, R1, R3));
      else
        emit(p, JMP_IMM(BPF_JEQ, R1, 0));
    }
    if (d->major >= 0)
      emit(p, JMP_IMM(BPF_JNE, R4, (int32_t)d->major));
    if (d->minor >= 0)
      emit(p, JMP_IMM(BPF_JNE, R5, (int32_t)d->minor));
  }
  emit(p, ALU32_IMM(BPF_MOV, R0, d->allow ? 1 : 0));
  emit(p, EXIT());
  for (size_t i = start; i < p->n; i++)
    if (BPF_CLASS(p->v[i].code) == BPF_JMP && BPF_OP(p->v[i].code) != BPF_EXIT)
      p->v[i].off = (int16_t)(p->n - i - 1);
}

size_t cg_bpf_devices_prog(const struct device_rule *rules, size_t n, struct bpf_insn **out) {
  struct prog p = {0};
  /* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }:
   * type in the low 16 bits of access_type, access in the high 16. */
  emit(&p, LDX_W(R2, R1, 0));
  emit(&p, ALU32_IMM(BPF_AND, R2, 0xFFFF));
  emit(&p, LDX_W(R3, R1, 0));
  emit(&p, ALU32_IMM(BPF_RSH, R3, 16));
  emit(&p, LDX_W(R4, R1, 4));
  emit(&p, LDX_W(R5, R1, 8));
  bool ended = false;
  for (size_t i = n; i-- > 0 && !ended;) {
    emit_rule(&p, &rules[i]);
    ended = rules[i].type == 'a';
  }
  if (!ended) {
    emit(&p, ALU32_IMM(BPF_MOV, R0, 0));
    emit(&p, EXIT());
  }
  *out = p.v;
  return p.n;
}

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int prog_load(const struct bpf_insn *insns, size_t n, struct error **err) {
  static char log[4096];
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)insns;
  a.insn_cnt = (uint32_t)n;
  a.license = (uint64_t)(uintptr_t) "Apache";
  int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
  if (fd < 0 && errno == EPERM) {
    /* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK. */
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0)
      fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
  }
  if (fd < 0 && errno == EINVAL) {
    a.log_buf = (uint64_t)(uintptr_t)log;
    a.log_size = sizeof(log);
    a.log_level = 1;
    log[0] = '\0';
    fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
    if (fd < 0)
      log_debug("device program rejected by the verifier: %s", log);
  }
  if (fd < 0)
    return error_sys(err, errno, "load the cgroup device program (BPF_PROG_LOAD)");
  int c = fcntl(fd, F_GETFD);
  if (c >= 0)
    fcntl(fd, F_SETFD, c | FD_CLOEXEC);
  return fd;
}

/* Programs attached directly to the cgroup (not inherited ones). */
static int query_attached(int dirfd, uint32_t *ids, uint32_t *n) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.query.target_fd = (uint32_t)dirfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
    return -1;
  *n = a.query.prog_cnt;
  return 0;
}

static int prog_fd_by_id(uint32_t id) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_id = id;
  return (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
}

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#define PIN_DIR "/sys/fs/bpf"

static bool have_bpffs(void) {
  struct statfs sf;
  return statfs(PIN_DIR, &sf) == 0 && sf.f_type == BPF_FS_MAGIC;
}

static void pin_path(const struct bpf_insn *insns, size_t n, char *buf, size_t len) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  const unsigned char *p = (const unsigned char *)insns;
  for (size_t i = 0; i < n * sizeof(*insns); i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  snprintf(buf, len, PIN_DIR "/vessel-devices-%016llx", (unsigned long long)h);
}

/* The pinned program at path, if it is exactly insns. */
static int pinned_get(const char *path, const struct bpf_insn *insns, size_t n) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.pathname = (uint64_t)(uintptr_t)path;
  a.file_flags = BPF_F_RDONLY;
  int fd = (int)sys_bpf(BPF_OBJ_GET, &a);
  if (fd < 0)
    return -1;
  autofree struct bpf_insn *x = xcalloc(n + 1, sizeof(*x));
  struct bpf_prog_info info;
  memset(&info, 0, sizeof(info));
  info.xlated_prog_insns = (uint64_t)(uintptr_t)x;
  info.xlated_prog_len = (uint32_t)((n + 1) * sizeof(*x));
  memset(&a, 0, sizeof(a));
  a.info.bpf_fd = (uint32_t)fd;
  a.info.info_len = sizeof(info);
  a.info.info = (uint64_t)(uintptr_t)&info;
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 || info.type != BPF_PROG_TYPE_CGROUP_DEVICE ||
      info.xlated_prog_len != n * sizeof(*x) || memcmp(x, insns, n * sizeof(*x)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void pin(int fd, const char *path) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.pathname = (uint64_t)(uintptr_t)path;
  a.bpf_fd = (uint32_t)fd;
  if (sys_bpf(BPF_OBJ_PIN, &a) < 0 && errno == EEXIST) {
    unlink(path); /* a program that is not this one */
    sys_bpf(BPF_OBJ_PIN, &a);
  }
}

/* The program for insns: the pinned one for the default rules, else a new
 * one (pinned when it is the default one). */
static int get_prog(const struct bpf_insn *insns, size_t n, bool common, struct error **err) {
  char path[96];
  bool pinning = common && have_bpffs();
  if (pinning) {
    pin_path(insns, n, path, sizeof(path));
    int fd = pinned_get(path, insns, n);
    if (fd >= 0)
      return fd;
  }
  int fd = prog_load(insns, n, err);
  if (fd >= 0 && pinning)
    pin(fd, path);
  return fd;
}

static int attach(int dirfd, int prog, int replace) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)dirfd;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (replace >= 0) {
    a.attach_flags |= BPF_F_REPLACE;
    a.replace_bpf_fd = (uint32_t)replace;
  }
  return (int)sys_bpf(BPF_PROG_ATTACH, &a);
}

static int detach(int dirfd, int prog) {
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)dirfd;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  return (int)sys_bpf(BPF_PROG_DETACH, &a);
}

static int replace_old(int dirfd, const char *dir, int prog, const uint32_t *ids, uint32_t n,
                       struct error **err) {
  int old[64];
  uint32_t k = 0;
  for (uint32_t i = 0; i < n && k < ARRAY_SIZE(old); i++) {
    int fd = prog_fd_by_id(ids[i]);
    if (fd >= 0)
      old[k++] = fd;
  }
  int rc = 0;
  if (k == 1 && attach(dirfd, prog, old[0]) == 0) {
    close(old[0]);
    return 0;
  }
  if (attach(dirfd, prog, -1) < 0) {
    rc = error_sys(err, errno, "attach the device program to \"%s\" (BPF_PROG_ATTACH, "
                               "BPF_F_ALLOW_MULTI)", dir);
  } else {
    if (k > 1)
      log_info("cgroup \"%s\" had %u device programs; replacing them", dir, k);
    for (uint32_t i = 0; i < k && rc == 0; i++)
      if (detach(dirfd, old[i]) < 0)
        rc = error_sys(err, errno, "detach an old device program from \"%s\" (BPF_PROG_DETACH)",
                       dir);
  }
  for (uint32_t i = 0; i < k; i++)
    close(old[i]);
  return rc;
}

int cg_bpf_attach_devices(int dirfd, const char *dir, const struct device_rule *rules, size_t n,
                          bool fresh, struct error **err) {
  for (size_t i = 0; i < n; i++)
    if (rules[i].major > INT32_MAX || rules[i].minor > INT32_MAX)
      return error_set(err, EINVAL, "device rule %zu: device number out of range", i);
  autofree struct bpf_insn *insns = NULL;
  size_t count = cg_bpf_devices_prog(rules, n, &insns);
  autoclose int prog = get_prog(insns, count, cg_device_rules_default(rules, n), err);
  if (prog < 0)
    return -1;
  uint32_t ids[64], nids = ARRAY_SIZE(ids);
  if (fresh) {
    nids = 0;
  } else if (query_attached(dirfd, ids, &nids) < 0) {
    return error_sys(err, errno, "query the device programs of \"%s\" (BPF_PROG_QUERY)", dir);
  }
  if (nids == 0) {
    if (attach(dirfd, prog, -1) < 0)
      return error_sys(err, errno, "attach the device program to \"%s\" (BPF_PROG_ATTACH, "
                                   "BPF_F_ALLOW_MULTI)", dir);
    return 0;
  }
  return replace_old(dirfd, dir, prog, ids, nids, err);
}
