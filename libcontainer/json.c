/* json.c - helpers over yajl. */
#define _GNU_SOURCE
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "utils.h"

/* Locate a syntax error: run the event parser without callbacks to learn how
 * many bytes were consumed, then turn that offset into a line and column. */
static int syntax_error(const char *buf, size_t len, struct error **err) {
  yajl_handle h = yajl_alloc(NULL, NULL, NULL);
  if (h == NULL)
    return error_set(err, ENOMEM, "out of memory");
  yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
  size_t off = yajl_get_bytes_consumed(h);
  if (st == yajl_status_ok) {
    st = yajl_complete_parse(h);
    off = len;
  }
  char *detail = NULL;
  if (st != yajl_status_ok) {
    unsigned char *e = yajl_get_error(h, 0, (const unsigned char *)buf, len);
    detail = xstrdup((const char *)e);
    yajl_free_error(h, e);
  }
  yajl_free(h);
  if (off > len)
    off = len;
  /* yajl reports the byte after the offending token; step back onto it.
   * Some errors are reported before the token: step over blanks onto it.
   * A document cut short ends at its end. */
  if (off > 0 && st != yajl_status_ok)
    off--;
  while (off < len && buf[off] != '\0' && strchr(" \t\r\n", buf[off]))
    off++;
  if (detail && strstr(detail, "premature EOF"))
    off = len;
  size_t line = 1, col = 1;
  for (size_t i = 0; i < off; i++) {
    if (buf[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  const char *d = detail ? detail : "invalid JSON";
  if (strncmp(d, "parse error: ", 13) == 0)
    d += 13;
  else if (strncmp(d, "lexical error: ", 15) == 0)
    d += 15;
  char *nl = detail ? strchr(detail, '\n') : NULL;
  if (nl)
    *nl = '\0';
  size_t dl = strlen(d);
  while (dl > 0 && (d[dl - 1] == ' ' || d[dl - 1] == '\n'))
    dl--;
  /* buf need not be NUL terminated: look at len bytes only. */
  size_t blank = 0;
  while (blank < len && strchr(" \t\r\n", buf[blank]) && buf[blank] != '\0')
    blank++;
  if (blank == len)
    error_set(err, EINVAL, "invalid JSON: empty document");
  else
    error_set(err, EINVAL, "invalid JSON at line %zu, column %zu: %.*s", line, col,
              (int)dl, d);
  free(detail);
  return -1;
}

/* The tree is built here from yajl's events, not with yajl_tree_parse: that
 * one accepts comments (which are not JSON: a config.json runc refuses must
 * not run here), and vessel must bound the nesting exactly, since yajl frees
 * (and vessel walks) trees recursively.  Go's encoding/json has the same
 * limit. */
#define JSON_MAX_DEPTH 10000

struct tree_builder {
  yajl_val root;
  yajl_val stack[JSON_MAX_DEPTH]; /* the open objects and arrays */
  size_t depth;
  char *key;                      /* the key of the next value of an object */
  bool too_deep;
};

/* Appending grows the arrays to the next power of two. */
static void *grow(void *v, size_t len, size_t elem) {
  if (len == 0 || (len & (len - 1)) == 0)
    return xrealloc(v, (len ? len * 2 : 1) * elem);
  return v;
}

static void add_value(struct tree_builder *b, yajl_val v) {
  if (b->depth == 0) {
    b->root = v;
    return;
  }
  yajl_val top = b->stack[b->depth - 1];
  if (top->type == yajl_t_object) {
    size_t n = top->u.object.len;
    top->u.object.keys = grow((void *)top->u.object.keys, n, sizeof(char *));
    top->u.object.values = grow(top->u.object.values, n, sizeof(yajl_val));
    top->u.object.keys[n] = b->key ? b->key : xstrdup("");
    top->u.object.values[n] = v;
    top->u.object.len = n + 1;
    b->key = NULL;
  } else {
    size_t n = top->u.array.len;
    top->u.array.values = grow(top->u.array.values, n, sizeof(yajl_val));
    top->u.array.values[n] = v;
    top->u.array.len = n + 1;
  }
}

static yajl_val new_value(yajl_type t) {
  yajl_val v = xmalloc(sizeof(*v));
  memset(v, 0, sizeof(*v));
  v->type = t;
  return v;
}

static int on_scalar(void *ctx, yajl_type t) {
  add_value(ctx, new_value(t));
  return 1;
}
static int on_null(void *ctx) { return on_scalar(ctx, yajl_t_null); }
static int on_bool(void *ctx, int b) { return on_scalar(ctx, b ? yajl_t_true : yajl_t_false); }

static int on_number(void *ctx, const char *s, size_t len) {
  yajl_val v = new_value(yajl_t_number);
  v->u.number.r = xstrndup(s, len);
  char *end;
  errno = 0;
  v->u.number.i = strtoll(v->u.number.r, &end, 10);
  if (errno == 0 && *end == '\0')
    v->u.number.flags |= YAJL_NUMBER_INT_VALID;
  errno = 0;
  v->u.number.d = strtod(v->u.number.r, &end);
  if (errno == 0 && *end == '\0')
    v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
  add_value(ctx, v);
  return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len) {
  yajl_val v = new_value(yajl_t_string);
  v->u.string = xstrndup((const char *)s, len);
  add_value(ctx, v);
  return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t len) {
  struct tree_builder *b = ctx;
  free(b->key);
  b->key = xstrndup((const char *)s, len);
  return 1;
}

static int on_open(void *ctx, yajl_type t) {
  struct tree_builder *b = ctx;
  if (b->depth == JSON_MAX_DEPTH) {
    b->too_deep = true;
    return 0;
  }
  yajl_val v = new_value(t);
  add_value(b, v);
  b->stack[b->depth++] = v;
  return 1;
}
static int on_start_map(void *ctx) { return on_open(ctx, yajl_t_object); }
static int on_start_array(void *ctx) { return on_open(ctx, yajl_t_array); }

static int on_close(void *ctx) {
  struct tree_builder *b = ctx;
  b->depth--;
  return 1;
}

static const yajl_callbacks tree_callbacks = {
    .yajl_null = on_null,         .yajl_boolean = on_bool,         .yajl_number = on_number,
    .yajl_string = on_string,     .yajl_start_map = on_start_map,  .yajl_map_key = on_key,
    .yajl_end_map = on_close,     .yajl_start_array = on_start_array,
    .yajl_end_array = on_close,
};

static int too_deep_error(const char *buf, size_t off, struct error **err) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < off; i++) {
    if (buf[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return error_set(err, EINVAL, "invalid JSON at line %zu, column %zu: exceeded max depth of %d", line,
                   col, JSON_MAX_DEPTH);
}

int json_parse(const char *buf, size_t len, yajl_val *out, struct error **err) {
  if (memchr(buf, '\0', len) != NULL)
    return error_set(err, EINVAL, "invalid JSON: NUL byte in document");
  struct tree_builder *b = xmalloc(sizeof(*b));
  b->root = NULL;
  b->depth = 0;
  b->key = NULL;
  b->too_deep = false;
  /* yajl's defaults: no comments, strings checked to be UTF-8, one value. */
  yajl_handle h = yajl_alloc(&tree_callbacks, NULL, b);
  if (h == NULL) {
    free(b);
    return error_set(err, ENOMEM, "out of memory");
  }
  yajl_status st = yajl_parse(h, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(h);
  size_t off = yajl_get_bytes_consumed(h);
  yajl_free(h);
  yajl_val root = b->root;
  bool too_deep = b->too_deep;
  free(b->key);
  free(b);
  if (st == yajl_status_ok && root != NULL) {
    *out = root;
    return 0;
  }
  if (root)
    yajl_tree_free(root);
  if (too_deep)
    return too_deep_error(buf, off > 0 ? off - 1 : 0, err);
  return syntax_error(buf, len, err);
}

void json_freep(yajl_val *v) {
  if (*v)
    yajl_tree_free(*v);
  *v = NULL;
}

const char *json_type_name(yajl_val v) {
  if (v == NULL)
    return "nothing";
  switch (v->type) {
  case yajl_t_string: return "string";
  case yajl_t_number: return "number";
  case yajl_t_object: return "object";
  case yajl_t_array: return "array";
  case yajl_t_true:
  case yajl_t_false: return "boolean";
  case yajl_t_null: return "null";
  default: return "value";
  }
}

yajl_val json_get(yajl_val obj, const char *key) {
  if (obj == NULL || obj->type != yajl_t_object)
    return NULL;
  /* The last occurrence wins, as in Go's encoding/json. */
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

void jpath_key(char *buf, size_t n, const char *parent, const char *key) {
  if (parent == NULL || *parent == '\0')
    snprintf(buf, n, "%s", key);
  else
    snprintf(buf, n, "%s.%s", parent, key);
}

void jpath_idx(char *buf, size_t n, const char *parent, size_t i) {
  snprintf(buf, n, "%s[%zu]", parent ? parent : "", i);
}

int jval_expect(yajl_val v, const char *path, const char *what, bool ok, struct error **err) {
  if (ok)
    return 0;
  return error_set(err, EINVAL, "%s: expected %s, got %s", path, what, json_type_name(v));
}

static yajl_val member(yajl_val obj, const char *path, const char *key, char *pbuf, size_t n) {
  jpath_key(pbuf, n, path, key);
  yajl_val v = json_get(obj, key);
  if (v && v->type == yajl_t_null)
    return NULL;
  return v;
}

int jval_str(yajl_val v, const char *path, char **out, struct error **err) {
  if (jval_expect(v, path, "string", v && v->type == yajl_t_string, err) < 0)
    return -1;
  *out = xstrdup(v->u.string);
  return 1;
}

int jval_u64(yajl_val v, const char *path, uint64_t *out, struct error **err) {
  if (jval_expect(v, path, "integer", v && v->type == yajl_t_number, err) < 0)
    return -1;
  const char *r = v->u.number.r;
  if (r[0] == '-')
    return error_set(err, EINVAL, "%s: value %s must not be negative", path, r);
  if (parse_u64(r, out) < 0)
    return error_set(err, EINVAL, "%s: %s is not an unsigned 64-bit integer", path, r);
  return 1;
}

int jval_i64(yajl_val v, const char *path, int64_t *out, struct error **err) {
  if (jval_expect(v, path, "integer", v && v->type == yajl_t_number, err) < 0)
    return -1;
  if (parse_i64(v->u.number.r, out) < 0)
    return error_set(err, EINVAL, "%s: %s is not a 64-bit integer", path, v->u.number.r);
  return 1;
}

int jget_str(yajl_val obj, const char *path, const char *key, char **out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  free(*out);
  *out = NULL;
  return jval_str(v, p, out, err);
}

int jget_bool(yajl_val obj, const char *path, const char *key, bool *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_expect(v, p, "boolean", YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v), err) < 0)
    return -1;
  *out = YAJL_IS_TRUE(v);
  return 1;
}

int jget_i64(yajl_val obj, const char *path, const char *key, int64_t *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  return jval_i64(v, p, out, err);
}

int jget_u64(yajl_val obj, const char *path, const char *key, uint64_t *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  return jval_u64(v, p, out, err);
}

int jget_i32(yajl_val obj, const char *path, const char *key, int32_t *out, struct error **err) {
  char p[256];
  int64_t x;
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_i64(v, p, &x, err) < 0)
    return -1;
  if (x < INT32_MIN || x > INT32_MAX)
    return error_set(err, ERANGE, "%s: %" PRId64 " is out of range for a 32-bit integer", p, x);
  *out = (int32_t)x;
  return 1;
}

static int get_unsigned(yajl_val obj, const char *path, const char *key, uint64_t max,
                        const char *what, uint64_t *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_u64(v, p, out, err) < 0)
    return -1;
  if (*out > max)
    return error_set(err, ERANGE, "%s: %" PRIu64 " is out of range for %s", p, *out, what);
  return 1;
}

int jget_u32(yajl_val obj, const char *path, const char *key, uint32_t *out, struct error **err) {
  uint64_t x;
  int r = get_unsigned(obj, path, key, UINT32_MAX, "an unsigned 32-bit integer", &x, err);
  if (r == 1)
    *out = (uint32_t)x;
  return r;
}

int jget_u16(yajl_val obj, const char *path, const char *key, uint16_t *out, struct error **err) {
  uint64_t x;
  int r = get_unsigned(obj, path, key, UINT16_MAX, "an unsigned 16-bit integer", &x, err);
  if (r == 1)
    *out = (uint16_t)x;
  return r;
}

int jget_obj(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_expect(v, p, "object", v->type == yajl_t_object, err) < 0)
    return -1;
  *out = v;
  return 1;
}

int jget_arr(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err) {
  char p[256];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_expect(v, p, "array", v->type == yajl_t_array, err) < 0)
    return -1;
  *out = v;
  return 1;
}

int jget_strv(yajl_val obj, const char *path, const char *key, char ***out, size_t *n,
              struct error **err) {
  char p[256], ep[288];
  yajl_val v = member(obj, path, key, p, sizeof(p));
  if (v == NULL)
    return 0;
  if (jval_expect(v, p, "array of strings", v->type == yajl_t_array, err) < 0)
    return -1;
  size_t len = v->u.array.len;
  char **r = xcalloc(len + 1, sizeof(char *));
  for (size_t i = 0; i < len; i++) {
    yajl_val e = v->u.array.values[i];
    jpath_idx(ep, sizeof(ep), p, i);
    if (jval_str(e, ep, &r[i], err) < 0) {
      strv_free(r);
      return -1;
    }
  }
  strv_free(*out);
  *out = r;
  if (n)
    *n = len;
  return 1;
}

int jget_strmap(yajl_val obj, const char *path, const char *key, char ***keys,
                char ***values, size_t *n, struct error **err) {
  char p[256], ep[512];
  yajl_val v;
  int r = jget_obj(obj, path, key, &v, err);
  if (r <= 0)
    return r;
  jpath_key(p, sizeof(p), path, key);
  size_t len = v->u.object.len;
  char **k = xcalloc(len + 1, sizeof(char *));
  char **val = xcalloc(len + 1, sizeof(char *));
  for (size_t i = 0; i < len; i++) {
    snprintf(ep, sizeof(ep), "%s[\"%s\"]", p, v->u.object.keys[i]);
    k[i] = xstrdup(v->u.object.keys[i]);
    if (jval_str(v->u.object.values[i], ep, &val[i], err) < 0) {
      strv_free(k);
      strv_free(val);
      return -1;
    }
  }
  *keys = k;
  *values = val;
  *n = len;
  return 1;
}

/* Generator. */
struct jgen {
  yajl_gen g;
};

struct jgen *jgen_new(bool pretty) { return jgen_new_indent(pretty ? "  " : NULL); }

struct jgen *jgen_new_indent(const char *indent) {
  struct jgen *j = xcalloc(1, sizeof(*j));
  j->g = yajl_gen_alloc(NULL);
  if (j->g == NULL)
    abort();
  if (indent) {
    yajl_gen_config(j->g, yajl_gen_beautify, 1);
    yajl_gen_config(j->g, yajl_gen_indent_string, indent);
  }
  yajl_gen_config(j->g, yajl_gen_validate_utf8, 1);
  return j;
}

void jgen_map_open(struct jgen *g) { yajl_gen_map_open(g->g); }
void jgen_map_close(struct jgen *g) { yajl_gen_map_close(g->g); }
void jgen_array_open(struct jgen *g) { yajl_gen_array_open(g->g); }
void jgen_array_close(struct jgen *g) { yajl_gen_array_close(g->g); }

/* Length of the well-formed UTF-8 sequence at s (1 to 4), 0 if there is none
 * (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut
 * short).  s is NUL terminated, so looking ahead stops at the end. */
static size_t utf8_seq(const unsigned char *s) {
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    return (s[1] & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (c == 0xe0 && s[1] < 0xa0) ||
        (c == 0xed && s[1] > 0x9f))
      return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80 ||
        (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
      return 0;
    return 4;
  }
  return 0;
}

void jgen_str(struct jgen *g, const char *s) {
  if (s == NULL) {
    yajl_gen_null(g->g);
    return;
  }
  /* yajl's own check lets overlong forms, surrogates and code points beyond
   * U+10FFFF through: check strictly first. */
  const unsigned char *p = (const unsigned char *)s;
  size_t l;
  while (*p && (l = utf8_seq(p)) > 0)
    p += l;
  if (*p == '\0' &&
      yajl_gen_string(g->g, (const unsigned char *)s, strlen(s)) != yajl_gen_invalid_string)
    return;
  /* Not UTF-8 (a path in another encoding): replace each bad byte with
   * U+FFFD, as Go's encoder does, and keep the rest of the text. */
  p = (const unsigned char *)s;
  char *fixed = xmalloc(strlen(s) * 3 + 1);
  size_t n = 0;
  while (*p) {
    l = utf8_seq(p);
    if (l == 0) {
      memcpy(fixed + n, "\xef\xbf\xbd", 3);
      n += 3;
      p++;
    } else {
      memcpy(fixed + n, p, l);
      n += l;
      p += l;
    }
  }
  if (yajl_gen_string(g->g, (const unsigned char *)fixed, n) == yajl_gen_invalid_string)
    yajl_gen_string(g->g, (const unsigned char *)"\xef\xbf\xbd", 3);
  free(fixed);
}

void jgen_int(struct jgen *g, int64_t v) { yajl_gen_integer(g->g, (long long)v); }

void jgen_uint(struct jgen *g, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
  yajl_gen_number(g->g, buf, (size_t)n);
}

void jgen_bool(struct jgen *g, bool v) { yajl_gen_bool(g->g, v); }
void jgen_null(struct jgen *g) { yajl_gen_null(g->g); }
void jgen_key(struct jgen *g, const char *k) { jgen_str(g, k); }

void jgen_kv_str(struct jgen *g, const char *k, const char *v) {
  jgen_key(g, k);
  jgen_str(g, v);
}

void jgen_kv_int(struct jgen *g, const char *k, int64_t v) {
  jgen_key(g, k);
  jgen_int(g, v);
}

void jgen_kv_uint(struct jgen *g, const char *k, uint64_t v) {
  jgen_key(g, k);
  jgen_uint(g, v);
}

void jgen_kv_bool(struct jgen *g, const char *k, bool v) {
  jgen_key(g, k);
  jgen_bool(g, v);
}

void jgen_strv(struct jgen *g, char *const *v) {
  jgen_array_open(g);
  for (size_t i = 0; v && v[i]; i++)
    jgen_str(g, v[i]);
  jgen_array_close(g);
}

void jgen_kv_strv(struct jgen *g, const char *k, char *const *v) {
  jgen_key(g, k);
  jgen_strv(g, v);
}

static char *const *sort_keys;

static int cmp_index(const void *a, const void *b) {
  return strcmp(sort_keys[*(const size_t *)a], sort_keys[*(const size_t *)b]);
}

void jgen_strmap_sorted(struct jgen *g, char *const *keys, char *const *values, size_t n) {
  size_t *idx = xcalloc(n ? n : 1, sizeof(size_t));
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  sort_keys = keys;
  qsort(idx, n, sizeof(size_t), cmp_index);
  jgen_map_open(g);
  for (size_t i = 0; i < n; i++)
    jgen_kv_str(g, keys[idx[i]], values[idx[i]]);
  jgen_map_close(g);
  free(idx);
}

void jgen_value(struct jgen *g, yajl_val v) {
  if (v == NULL) {
    jgen_null(g);
    return;
  }
  switch (v->type) {
  case yajl_t_string: jgen_str(g, v->u.string); break;
  case yajl_t_number: yajl_gen_number(g->g, v->u.number.r, strlen(v->u.number.r)); break;
  case yajl_t_true: jgen_bool(g, true); break;
  case yajl_t_false: jgen_bool(g, false); break;
  case yajl_t_object:
    jgen_map_open(g);
    for (size_t i = 0; i < v->u.object.len; i++) {
      jgen_key(g, v->u.object.keys[i]);
      jgen_value(g, v->u.object.values[i]);
    }
    jgen_map_close(g);
    break;
  case yajl_t_array:
    jgen_array_open(g);
    for (size_t i = 0; i < v->u.array.len; i++)
      jgen_value(g, v->u.array.values[i]);
    jgen_array_close(g);
    break;
  default: jgen_null(g); break;
  }
}

char *jgen_finish(struct jgen *g, bool newline) {
  const unsigned char *buf = NULL;
  size_t len = 0;
  /* Nothing generated: yajl has no buffer yet. */
  if (yajl_gen_get_buf(g->g, &buf, &len) != yajl_gen_status_ok || buf == NULL)
    len = 0;
  /* yajl's beautifier ends the document with a newline already. */
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  char *out = xmalloc(len + 2);
  if (len)
    memcpy(out, buf, len);
  if (newline)
    out[len++] = '\n';
  out[len] = '\0';
  yajl_gen_free(g->g);
  free(g);
  return out;
}
