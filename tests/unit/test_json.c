/* test_json.c - the JSON helpers: syntax errors with line and column, typed
 * lookups that name the path of a bad value, and the generator. */
#include "unit.h"

#include <errno.h>
#include <inttypes.h>

#include "../../libcontainer/json.h"

static yajl_val parse_ok(const char *text) {
  struct error *err = NULL;
  yajl_val v = NULL;
  int r = json_parse(text, strlen(text), &v, &err);
  assert_no_error(r, err);
  assert_non_null(v);
  return v;
}

static void parse_fails(const char *text, size_t len, const char *msg) {
  struct error *err = NULL;
  yajl_val v = NULL;
  assert_int_equal(json_parse(text, len, &v, &err), -1);
  assert_null(v);
  assert_int_equal(err->errnum, EINVAL);
  assert_error_msg(err, msg);
}

static void test_syntax_errors_name_line_and_column(void **state) {
  (void)state;
  static const struct { const char *text, *msg; } t[] = {
      {"{\"a\":1,}", "invalid JSON at line 1, column 8: invalid object key (must be a string)"},
      {"{\n  \"a\": [1 2]\n}",
       "invalid JSON at line 2, column 11: after array element, I expect ',' or ']'"},
      {"{\n\t\"x\": {\n\t\t\"y\": }\n}",
       "invalid JSON at line 3, column 8: unallowed token at this point in JSON text"},
      {"{\"a\":1} x", "invalid JSON at line 1, column 9: trailing garbage"},
      {"{\"a\":1}}", "invalid JSON at line 1, column 8: trailing garbage"},
      {"{\"a\":1}{\"b\":2}", "invalid JSON at line 1, column 8: trailing garbage"},
      {"01", "invalid JSON at line 1, column 2: trailing garbage"},
      {"  }", "invalid JSON at line 1, column 3: unallowed token at this point in JSON text"},
      {"{\"a\":true false}",
       "invalid JSON at line 1, column 11: after key and value, inside map, I expect ',' or '}'"},
      {"{\"a\" 1}",
       "invalid JSON at line 1, column 6: object key and value must be separated by a colon (':')"},
      {"{\"a\":-}",
       "invalid JSON at line 1, column 6: malformed number, a digit is required after the minus sign."},
      {"{\"a\":1.}",
       "invalid JSON at line 1, column 7: malformed number, a digit is required after the decimal point."},
      {"{\"a\":nul}", "invalid JSON at line 1, column 8: invalid string in json text."},
      {"{\"a\":\"\\q\"}",
       "invalid JSON at line 1, column 7: inside a string, '\\' occurs before a character which it may not."},
      {"{\"a\":\"\x01\"}", "invalid JSON at line 1, column 6: invalid character inside string."},
      {"{\"a\":\"\xff\"}", "invalid JSON at line 1, column 7: invalid bytes in UTF8 string."},
      {"[1,]", "invalid JSON at line 1, column 4: unallowed token at this point in JSON text"},
      {"{'a':1}", "invalid JSON at line 1, column 2: invalid char in json text."},
      /* A document cut short: the position is its end. */
      {"{", "invalid JSON at line 1, column 2: premature EOF"},
      {"[1,2", "invalid JSON at line 1, column 5: premature EOF"},
      {"\"abc", "invalid JSON at line 1, column 5: premature EOF"},
      {"{\n\"a\":1\n", "invalid JSON at line 3, column 1: premature EOF"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++)
    parse_fails(t[i].text, strlen(t[i].text), t[i].msg);
}

static void test_empty_nul_and_depth(void **state) {
  (void)state;
  parse_fails("", 0, "invalid JSON: empty document");
  parse_fails(" \n\t\r\n", 5, "invalid JSON: empty document");
  parse_fails("{\"a\":\"x\0y\"}", 11, "invalid JSON: NUL byte in document");
  /* Nesting is bounded (the tree is freed recursively). */
  size_t n = 10001;
  char *deep = xmalloc(2 * n + 1);
  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = '\0';
  parse_fails(deep, 2 * n, "invalid JSON at line 1, column 10001: exceeded max depth of 10000");
  deep[0] = ' ';
  deep[2 * n - 1] = ' ';
  yajl_val v = parse_ok(deep + 1);
  yajl_tree_free(v);
  free(deep);
  /* Brackets inside strings do not count. */
  char *text = xasprintf("{\"a\":\"%0*d\"}", 20000, 0);
  for (char *p = text + 6; *p == '0'; p++)
    *p = '[';
  v = parse_ok(text);
  yajl_tree_free(v);
  free(text);
  /* Nor do escaped quotes end a string. */
  v = parse_ok("{\"a\":\"\\\"[[[[\",\"b\":[]}");
  yajl_tree_free(v);
  /* A very deep document is refused, not a crash. */
  n = 1000000;
  deep = xmalloc(n + 1);
  memset(deep, '[', n);
  deep[n] = '\0';
  parse_fails(deep, n, "invalid JSON at line 1, column 10001: exceeded max depth of 10000");
  free(deep);
  /* The depth counted is the document's, whatever surrounds it: objects
   * and arrays mixed, keys and strings full of brackets. */
  text = xmalloc(8 * 10001 + 16);
  char *p = text;
  for (int i = 0; i < 10001; i++)
    p += sprintf(p, i % 2 ? "[" : "{\"[{\":");
  *p = '\0';
  parse_fails(text, strlen(text), "invalid JSON at line 1, column 35001: exceeded max depth of 10000");
  free(text);
}

/* Comments are not JSON (runc refuses them): they are refused, and cannot
 * hide nesting from the depth bound either. */
static void test_comments_refused(void **state) {
  (void)state;
  parse_fails("{\"a\": 1 /* x */}", 16,
              "invalid JSON at line 1, column 9: probable comment found in input text, comments are not enabled.");
  parse_fails("// x\n{}", 7,
              "invalid JSON at line 1, column 1: probable comment found in input text, comments are not enabled.");
  size_t n = 1000000;
  char *deep = xmalloc(2 * n + 64);
  char *p = deep + sprintf(deep, "{\"x\": /* \" */ ");
  memset(p, '[', n);
  p += n;
  memset(p, ']', n);
  p += n;
  strcpy(p, " /* \" */}");
  parse_fails(deep, strlen(deep),
              "invalid JSON at line 1, column 7: probable comment found in input text, comments are not enabled.");
  free(deep);
}

static void test_json_get_last_wins(void **state) {
  (void)state;
  yajl_val v = parse_ok("{\"a\":1,\"b\":2,\"a\":3}");
  assert_int_equal(YAJL_GET_INTEGER(json_get(v, "a")), 3);
  assert_int_equal(YAJL_GET_INTEGER(json_get(v, "b")), 2);
  assert_null(json_get(v, "c"));
  assert_null(json_get(NULL, "a"));
  yajl_val arr = parse_ok("[1]");
  assert_null(json_get(arr, "a"));
  yajl_tree_free(arr);
  yajl_tree_free(v);
}

static void test_type_names_and_paths(void **state) {
  (void)state;
  yajl_val v = parse_ok("[\"s\",1,{},[],true,false,null]");
  static const char *names[] = {"string", "number", "object", "array", "boolean", "boolean", "null"};
  for (size_t i = 0; i < ARRAY_SIZE(names); i++)
    assert_string_equal(json_type_name(v->u.array.values[i]), names[i]);
  assert_string_equal(json_type_name(NULL), "nothing");
  yajl_tree_free(v);
  char buf[64];
  jpath_key(buf, sizeof(buf), "", "root");
  assert_string_equal(buf, "root");
  jpath_key(buf, sizeof(buf), NULL, "root");
  assert_string_equal(buf, "root");
  jpath_key(buf, sizeof(buf), "linux", "namespaces");
  assert_string_equal(buf, "linux.namespaces");
  jpath_idx(buf, sizeof(buf), "linux.namespaces", 2);
  assert_string_equal(buf, "linux.namespaces[2]");
  jpath_key(buf, 8, "linux.namespaces", "type");
  assert_string_equal(buf, "linux.n");
}

static void test_typed_lookups(void **state) {
  (void)state;
  yajl_val v = parse_ok(
      "{\"s\":\"text\",\"b\":true,\"f\":false,\"n\":null,\"i\":-42,\"u\":18446744073709551615,"
      "\"big\":18446744073709551616,\"neg\":-1,\"min\":-9223372036854775808,"
      "\"max\":9223372036854775807,\"over\":9223372036854775808,\"frac\":1.5,\"exp\":1e3,"
      "\"u32\":4294967295,\"u32o\":4294967296,\"u16\":65535,\"u16o\":65536,"
      "\"i32\":-2147483648,\"i32o\":2147483648,\"zero\":-0,"
      "\"obj\":{},\"arr\":[\"a\",\"b\"],\"mixed\":[\"a\",2]}");
  struct error *err = NULL;
  char *s = NULL;
  assert_int_equal(jget_str(v, "p", "s", &s, &err), 1);
  assert_string_equal(s, "text");
  free(s);
  s = NULL;
  assert_int_equal(jget_str(v, "p", "missing", &s, &err), 0);
  assert_int_equal(jget_str(v, "p", "n", &s, &err), 0);
  assert_null(s);
  assert_int_equal(jget_str(v, "p", "i", &s, &err), -1);
  assert_error_msg(err, "p.i: expected string, got number");
  assert_int_equal(jget_str(v, "", "b", &s, &err), -1);
  assert_error_msg(err, "b: expected string, got boolean");

  bool b = false;
  assert_int_equal(jget_bool(v, "p", "b", &b, &err), 1);
  assert_true(b);
  assert_int_equal(jget_bool(v, "p", "f", &b, &err), 1);
  assert_false(b);
  assert_int_equal(jget_bool(v, "p", "n", &b, &err), 0);
  assert_int_equal(jget_bool(v, "p", "s", &b, &err), -1);
  assert_error_msg(err, "p.s: expected boolean, got string");

  uint64_t u = 0;
  assert_int_equal(jget_u64(v, "p", "u", &u, &err), 1);
  assert_true(u == UINT64_MAX);
  assert_int_equal(jget_u64(v, "p", "big", &u, &err), -1);
  assert_error_msg(err, "p.big: 18446744073709551616 is not an unsigned 64-bit integer");
  assert_int_equal(jget_u64(v, "p", "neg", &u, &err), -1);
  assert_error_msg(err, "p.neg: value -1 must not be negative");
  assert_int_equal(jget_u64(v, "p", "zero", &u, &err), -1);
  assert_error_msg(err, "p.zero: value -0 must not be negative");
  assert_int_equal(jget_u64(v, "p", "frac", &u, &err), -1);
  assert_error_msg(err, "p.frac: 1.5 is not an unsigned 64-bit integer");
  assert_int_equal(jget_u64(v, "p", "exp", &u, &err), -1);
  assert_error_msg(err, "p.exp: 1e3 is not an unsigned 64-bit integer");
  assert_int_equal(jget_u64(v, "p", "s", &u, &err), -1);
  assert_error_msg(err, "p.s: expected integer, got string");

  int64_t i = 0;
  assert_int_equal(jget_i64(v, "p", "i", &i, &err), 1);
  assert_int_equal(i, -42);
  assert_int_equal(jget_i64(v, "p", "min", &i, &err), 1);
  assert_true(i == INT64_MIN);
  assert_int_equal(jget_i64(v, "p", "max", &i, &err), 1);
  assert_true(i == INT64_MAX);
  assert_int_equal(jget_i64(v, "p", "over", &i, &err), -1);
  assert_error_msg(err, "p.over: 9223372036854775808 is not a 64-bit integer");
  assert_int_equal(jget_i64(v, "p", "frac", &i, &err), -1);
  assert_error_msg(err, "p.frac: 1.5 is not a 64-bit integer");
  assert_int_equal(jget_i64(v, "p", "arr", &i, &err), -1);
  assert_error_msg(err, "p.arr: expected integer, got array");

  uint32_t u32 = 0;
  assert_int_equal(jget_u32(v, "p", "u32", &u32, &err), 1);
  assert_int_equal(u32, UINT32_MAX);
  assert_int_equal(jget_u32(v, "p", "u32o", &u32, &err), -1);
  assert_int_equal(err->errnum, ERANGE);
  assert_error_msg(err, "p.u32o: 4294967296 is out of range for an unsigned 32-bit integer");
  assert_int_equal(u32, UINT32_MAX);
  uint16_t u16 = 0;
  assert_int_equal(jget_u16(v, "p", "u16", &u16, &err), 1);
  assert_int_equal(u16, 65535);
  assert_int_equal(jget_u16(v, "p", "u16o", &u16, &err), -1);
  assert_error_msg(err, "p.u16o: 65536 is out of range for an unsigned 16-bit integer");
  int32_t i32 = 0;
  assert_int_equal(jget_i32(v, "p", "i32", &i32, &err), 1);
  assert_int_equal(i32, INT32_MIN);
  assert_int_equal(jget_i32(v, "p", "i32o", &i32, &err), -1);
  assert_error_msg(err, "p.i32o: 2147483648 is out of range for a 32-bit integer");

  yajl_val sub = NULL;
  assert_int_equal(jget_obj(v, "p", "obj", &sub, &err), 1);
  assert_int_equal(sub->type, yajl_t_object);
  assert_int_equal(jget_obj(v, "p", "arr", &sub, &err), -1);
  assert_error_msg(err, "p.arr: expected object, got array");
  assert_int_equal(jget_arr(v, "p", "arr", &sub, &err), 1);
  assert_int_equal(jget_arr(v, "p", "obj", &sub, &err), -1);
  assert_error_msg(err, "p.obj: expected array, got object");
  assert_int_equal(jget_arr(v, "p", "n", &sub, &err), 0);

  char **sv = NULL;
  size_t n = 99;
  assert_int_equal(jget_strv(v, "p", "arr", &sv, &n, &err), 1);
  assert_int_equal(n, 2);
  assert_string_equal(sv[0], "a");
  assert_string_equal(sv[1], "b");
  assert_null(sv[2]);
  /* A second lookup replaces (and frees) the old vector. */
  assert_int_equal(jget_strv(v, "p", "arr", &sv, NULL, &err), 1);
  assert_int_equal(jget_strv(v, "p", "mixed", &sv, &n, &err), -1);
  assert_error_msg(err, "p.mixed[1]: expected string, got number");
  assert_string_equal(sv[0], "a");
  strv_free(sv);
  sv = NULL;
  assert_int_equal(jget_strv(v, "p", "s", &sv, &n, &err), -1);
  assert_error_msg(err, "p.s: expected array of strings, got string");
  assert_int_equal(jget_strv(v, "p", "n", &sv, &n, &err), 0);
  assert_null(sv);
  yajl_tree_free(v);
}

static void test_strmap(void **state) {
  (void)state;
  yajl_val v = parse_ok("{\"m\":{\"k1\":\"v1\",\"k.2\":\"\"},\"bad\":{\"ok\":\"x\",\"no\":1},"
                        "\"e\":{},\"a\":[]}");
  struct error *err = NULL;
  char **k = NULL, **val = NULL;
  size_t n = 0;
  assert_int_equal(jget_strmap(v, "", "m", &k, &val, &n, &err), 1);
  assert_int_equal(n, 2);
  assert_string_equal(k[0], "k1");
  assert_string_equal(val[0], "v1");
  assert_string_equal(k[1], "k.2");
  assert_string_equal(val[1], "");
  assert_null(k[2]);
  strv_free(k);
  strv_free(val);
  k = val = NULL;
  assert_int_equal(jget_strmap(v, "", "bad", &k, &val, &n, &err), -1);
  assert_error_msg(err, "bad[\"no\"]: expected string, got number");
  assert_null(k);
  assert_int_equal(jget_strmap(v, "x", "a", &k, &val, &n, &err), -1);
  assert_error_msg(err, "x.a: expected object, got array");
  assert_int_equal(jget_strmap(v, "", "e", &k, &val, &n, &err), 1);
  assert_int_equal(n, 0);
  assert_null(k[0]);
  strv_free(k);
  strv_free(val);
  assert_int_equal(jget_strmap(v, "", "none", &k, &val, &n, &err), 0);
  yajl_tree_free(v);
}

static void test_value_checks(void **state) {
  (void)state;
  yajl_val v = parse_ok("[\"s\",7,-7]");
  struct error *err = NULL;
  char *s = NULL;
  assert_int_equal(jval_str(v->u.array.values[0], "x[0]", &s, &err), 1);
  assert_string_equal(s, "s");
  free(s);
  assert_int_equal(jval_str(v->u.array.values[1], "x[1]", &s, &err), -1);
  assert_error_msg(err, "x[1]: expected string, got number");
  assert_int_equal(jval_str(NULL, "x[9]", &s, &err), -1);
  assert_error_msg(err, "x[9]: expected string, got nothing");
  uint64_t u;
  int64_t i;
  assert_int_equal(jval_u64(v->u.array.values[1], "x", &u, &err), 1);
  assert_int_equal(u, 7);
  assert_int_equal(jval_i64(v->u.array.values[2], "x", &i, &err), 1);
  assert_int_equal(i, -7);
  assert_int_equal(jval_expect(v, "x", "object", false, &err), -1);
  assert_error_msg(err, "x: expected object, got array");
  assert_int_equal(jval_expect(v, "x", "object", true, &err), 0);
  yajl_tree_free(v);
}

static void test_generator_compact(void **state) {
  (void)state;
  struct jgen *g = jgen_new(false);
  jgen_map_open(g);
  jgen_kv_str(g, "s", "a\"b\\c\n\t\x01/");
  jgen_kv_str(g, "null", NULL);
  jgen_kv_int(g, "min", INT64_MIN);
  jgen_kv_uint(g, "max", UINT64_MAX);
  jgen_kv_bool(g, "t", true);
  jgen_kv_bool(g, "f", false);
  char *v[] = {"x", "y", NULL};
  jgen_kv_strv(g, "v", v);
  jgen_kv_strv(g, "empty", NULL);
  jgen_key(g, "nested");
  jgen_array_open(g);
  jgen_map_open(g);
  jgen_map_close(g);
  jgen_null(g);
  jgen_int(g, 0);
  jgen_array_close(g);
  jgen_map_close(g);
  char *out = jgen_finish(g, false);
  assert_string_equal(out,
                      "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001/\",\"null\":null,"
                      "\"min\":-9223372036854775808,\"max\":18446744073709551615,\"t\":true,"
                      "\"f\":false,\"v\":[\"x\",\"y\"],\"empty\":[],\"nested\":[{},null,0]}");
  /* What it prints parses back to the same values. */
  yajl_val back = parse_ok(out);
  assert_string_equal(json_get(back, "s")->u.string, "a\"b\\c\n\t\x01/");
  assert_string_equal(json_get(back, "max")->u.number.r, "18446744073709551615");
  yajl_tree_free(back);
  free(out);
}

static void test_generator_pretty(void **state) {
  (void)state;
  struct jgen *g = jgen_new(true);
  jgen_map_open(g);
  jgen_kv_str(g, "a", "b");
  jgen_key(g, "c");
  jgen_array_open(g);
  jgen_int(g, 1);
  jgen_array_close(g);
  jgen_map_close(g);
  char *out = jgen_finish(g, true);
  assert_string_equal(out, "{\n  \"a\": \"b\",\n  \"c\": [\n    1\n  ]\n}\n");
  free(out);
  g = jgen_new_indent("\t");
  jgen_map_open(g);
  jgen_kv_int(g, "x", 1);
  jgen_map_close(g);
  out = jgen_finish(g, false);
  assert_string_equal(out, "{\n\t\"x\": 1\n}");
  free(out);
}

static void test_generator_invalid_utf8(void **state) {
  (void)state;
  static const struct { const char *in, *out; } t[] = {
      {"caf\xe9", "\"caf\xef\xbf\xbd\""},
      {"\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\""},
      {"a\x80" "b", "\"a\xef\xbf\xbd" "b\""},
      {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},               /* overlong '/' */
      {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
      {"\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
      {"\xf0\x9f\x98\x80 ok", "\"\xf0\x9f\x98\x80 ok\""},
      {"cut \xe2\x82", "\"cut \xef\xbf\xbd\xef\xbf\xbd\""},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    struct jgen *g = jgen_new(false);
    jgen_str(g, t[i].in);
    char *out = jgen_finish(g, false);
    assert_string_equal(out, t[i].out);
    yajl_val back = parse_ok(out);
    yajl_tree_free(back);
    free(out);
  }
}

static void test_generator_copies_values(void **state) {
  (void)state;
  const char *text = "{\"a\":[1,-2.5e3,\"x\",true,false,null,{\"b\":{}}],\"n\":18446744073709551615}";
  yajl_val v = parse_ok(text);
  struct jgen *g = jgen_new(false);
  jgen_value(g, v);
  char *out = jgen_finish(g, false);
  assert_string_equal(out, text);
  free(out);
  /* Nothing generated at all. */
  g = jgen_new(true);
  out = jgen_finish(g, false);
  assert_string_equal(out, "");
  free(out);
  g = jgen_new(false);
  out = jgen_finish(g, true);
  assert_string_equal(out, "\n");
  free(out);
  g = jgen_new(false);
  jgen_value(g, NULL);
  out = jgen_finish(g, true);
  assert_string_equal(out, "null\n");
  free(out);
  yajl_tree_free(v);
}

static void test_autojson(void **state) {
  (void)state;
  autojson v = parse_ok("{\"freed\":\"by the cleanup attribute\"}");
  assert_non_null(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_syntax_errors_name_line_and_column),
      cmocka_unit_test(test_empty_nul_and_depth),
      cmocka_unit_test(test_comments_refused),
      cmocka_unit_test(test_json_get_last_wins),
      cmocka_unit_test(test_type_names_and_paths),
      cmocka_unit_test(test_typed_lookups),
      cmocka_unit_test(test_strmap),
      cmocka_unit_test(test_value_checks),
      cmocka_unit_test(test_generator_compact),
      cmocka_unit_test(test_generator_pretty),
      cmocka_unit_test(test_generator_invalid_utf8),
      cmocka_unit_test(test_generator_copies_values),
      cmocka_unit_test(test_autojson),
  };
  return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
