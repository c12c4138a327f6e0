/* fuzz_json.c - json_parse on arbitrary bytes, and the generator on what it
 * parsed: every document vessel generates from a parsed tree must parse
 * again, with the same shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../libcontainer/json.h"

static size_t count_nodes(yajl_val v) {
  if (v == NULL)
    return 0;
  size_t n = 1;
  if (v->type == yajl_t_object)
    for (size_t i = 0; i < v->u.object.len; i++)
      n += count_nodes(v->u.object.values[i]);
  else if (v->type == yajl_t_array)
    for (size_t i = 0; i < v->u.array.len; i++)
      n += count_nodes(v->u.array.values[i]);
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  yajl_val v = NULL;
  struct error *err = NULL;
  if (json_parse((const char *)data, size, &v, &err) < 0) {
    if (v != NULL || err == NULL || strncmp(err->msg, "invalid JSON", 12) != 0)
      abort();
    error_free(err);
    return 0;
  }
  for (int pretty = 0; pretty < 2; pretty++) {
    struct jgen *g = jgen_new(pretty);
    jgen_value(g, v);
    char *out = jgen_finish(g, true);
    yajl_val back = NULL;
    struct error *e2 = NULL;
    if (json_parse(out, strlen(out), &back, &e2) < 0)
      abort();
    if (count_nodes(back) != count_nodes(v) || back->type != v->type)
      abort();
    yajl_tree_free(back);
    free(out);
  }
  /* The typed lookups on whatever came in. */
  if (v->type == yajl_t_object) {
    for (size_t i = 0; i < v->u.object.len; i++) {
      const char *k = v->u.object.keys[i];
      char *s = NULL, **sv = NULL, **keys = NULL, **vals = NULL;
      bool b;
      int64_t i64;
      uint64_t u64;
      int32_t i32;
      uint32_t u32;
      uint16_t u16;
      size_t n;
      yajl_val sub;
      struct error *e = NULL;
#define TRY(call) do { call; error_free(e); e = NULL; } while (0)
      TRY(jget_str(v, "p", k, &s, &e));
      TRY(jget_bool(v, "p", k, &b, &e));
      TRY(jget_i64(v, "p", k, &i64, &e));
      TRY(jget_u64(v, "p", k, &u64, &e));
      TRY(jget_i32(v, "p", k, &i32, &e));
      TRY(jget_u32(v, "p", k, &u32, &e));
      TRY(jget_u16(v, "p", k, &u16, &e));
      TRY(jget_strv(v, "p", k, &sv, &n, &e));
      TRY(jget_obj(v, "p", k, &sub, &e));
      TRY(jget_arr(v, "p", k, &sub, &e));
      TRY(jget_strmap(v, "p", k, &keys, &vals, &n, &e));
#undef TRY
      free(s);
      for (size_t j = 0; sv && sv[j]; j++)
        free(sv[j]);
      free(sv);
      for (size_t j = 0; keys && keys[j]; j++)
        free(keys[j]);
      for (size_t j = 0; vals && vals[j]; j++)
        free(vals[j]);
      free(keys);
      free(vals);
    }
  }
  yajl_tree_free(v);
  return 0;
}
