/* json.h - small helpers over yajl: parsing with line/column errors, typed
 * lookups that name the JSON path of a bad value, and a generator so that
 * every JSON vessel prints is generated, never assembled with printf. */
#ifndef VESSEL_JSON_H
#define VESSEL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* Parse buf (len bytes).  On a syntax error the message gives the line and
 * column: "line 3, column 7: invalid object key (must be a string)". */
int json_parse(const char *buf, size_t len, yajl_val *out, struct error **err);
void json_freep(yajl_val *v);
#define autojson __attribute__((cleanup(json_freep))) yajl_val

const char *json_type_name(yajl_val v);
yajl_val json_get(yajl_val obj, const char *key);

/* Build the path of a member or an element for error messages. */
void jpath_key(char *buf, size_t n, const char *parent, const char *key);
void jpath_idx(char *buf, size_t n, const char *parent, size_t i);

/* Typed lookups of obj[key].  They return 1 when the member is present and
 * stored in *out, 0 when it is absent or null (*out untouched), -1 with an
 * error naming "<path>.<key>" when it has the wrong type or range. */
int jget_str(yajl_val obj, const char *path, const char *key, char **out, struct error **err);
int jget_bool(yajl_val obj, const char *path, const char *key, bool *out, struct error **err);
int jget_i64(yajl_val obj, const char *path, const char *key, int64_t *out, struct error **err);
int jget_u64(yajl_val obj, const char *path, const char *key, uint64_t *out, struct error **err);
int jget_i32(yajl_val obj, const char *path, const char *key, int32_t *out, struct error **err);
int jget_u32(yajl_val obj, const char *path, const char *key, uint32_t *out, struct error **err);
int jget_u16(yajl_val obj, const char *path, const char *key, uint16_t *out, struct error **err);
/* An array of strings as a NULL terminated vector (count in *n if not NULL). */
int jget_strv(yajl_val obj, const char *path, const char *key, char ***out, size_t *n, struct error **err);
/* obj[key] must be an object / array when present. */
int jget_obj(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err);
int jget_arr(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err);
/* A {string: string} object as parallel key / value vectors. */
int jget_strmap(yajl_val obj, const char *path, const char *key, char ***keys,
                char ***values, size_t *n, struct error **err);

/* Value checks for a node already in hand (path names the node itself). */
int jval_str(yajl_val v, const char *path, char **out, struct error **err);
int jval_u64(yajl_val v, const char *path, uint64_t *out, struct error **err);
int jval_i64(yajl_val v, const char *path, int64_t *out, struct error **err);
int jval_expect(yajl_val v, const char *path, const char *what, bool ok, struct error **err);

/* Generator. */
struct jgen;
struct jgen *jgen_new(bool pretty);
/* Pretty printing with a given indent string ("  ", "\t"). */
struct jgen *jgen_new_indent(const char *indent);
void jgen_map_open(struct jgen *g);
void jgen_map_close(struct jgen *g);
void jgen_array_open(struct jgen *g);
void jgen_array_close(struct jgen *g);
void jgen_str(struct jgen *g, const char *s);
void jgen_int(struct jgen *g, int64_t v);
void jgen_uint(struct jgen *g, uint64_t v);
void jgen_bool(struct jgen *g, bool v);
void jgen_null(struct jgen *g);
void jgen_key(struct jgen *g, const char *k);
void jgen_kv_str(struct jgen *g, const char *k, const char *v);
void jgen_kv_int(struct jgen *g, const char *k, int64_t v);
void jgen_kv_uint(struct jgen *g, const char *k, uint64_t v);
void jgen_kv_bool(struct jgen *g, const char *k, bool v);
void jgen_strv(struct jgen *g, char *const *v);
void jgen_kv_strv(struct jgen *g, const char *k, char *const *v);
/* A {string: string} object with its keys sorted, as Go marshals maps. */
void jgen_strmap_sorted(struct jgen *g, char *const *keys, char *const *values, size_t n);
/* Copy a parsed value into the output as it is. */
void jgen_value(struct jgen *g, yajl_val v);
/* Free the generator and return the text (with a trailing newline if asked). */
char *jgen_finish(struct jgen *g, bool newline);

#endif
