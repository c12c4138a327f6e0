/* units.c - the value syntaxes of runc's `update` and `events` flags:
 * memory sizes as docker's go-units reads them ("512m", "1.5GiB", "100 k":
 * binary multiples, an optional "b"/"ib"), Go's strconv errors for plain
 * numbers, and Go durations ("5s", "1m30s", "250ms"). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../utils.h"
#include "cgroups.h"

/* strtod accepts much Go's ParseFloat does not (hex, inf, spaces). */
static bool go_float(const char *s, double *out) {
  const char *p = s;
  if (*p == '+' || *p == '-')
    p++;
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t frac = strspn(p + 1, "0123456789");
    digits += frac;
    p += 1 + frac;
  }
  if (digits == 0)
    return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-')
      p++;
    size_t e = strspn(p, "0123456789");
    if (e == 0)
      return false;
    p += e;
  }
  if (*p != '\0')
    return false;
  *out = strtod(s, NULL);
  return true;
}

int cgroups_parse_ram(const char *s, int64_t *out, char **msg) {
  size_t len = strlen(s);
  ssize_t sep = -1;
  for (size_t i = 0; i < len; i++)
    if (strchr("0123456789. ", s[i]))
      sep = (ssize_t)i;
  if (sep < 0) {
    *msg = xasprintf("invalid size: '%s'", s);
    return -1;
  }
  autofree char *num = xstrndup(s, s[sep] == ' ' ? (size_t)sep : (size_t)sep + 1);
  const char *sfx = s + sep + 1;
  double size;
  if (!go_float(num, &size)) {
    *msg = xasprintf("strconv.ParseFloat: parsing \"%s\": invalid syntax", num);
    return -1;
  }
  if (size < 0) {
    *msg = xasprintf("invalid size: '%s'", s);
    return -1;
  }
  char low[4] = "";
  size_t n = strlen(sfx);
  for (size_t i = 0; i < n && i < 3; i++)
    low[i] = (char)tolower((unsigned char)sfx[i]);
  double mul = 1;
  const char *units = "kmgtp";
  if (n == 0) {
  } else if (n > 3) {
    goto bad;
  } else if (low[0] == 'b') {
    if (n > 1)
      goto bad;
  } else if (strchr(units, low[0]) && low[0]) {
    for (const char *u = units; u <= strchr(units, low[0]); u++)
      mul *= 1024;
    if ((n == 2 && low[1] != 'b') || (n == 3 && strcmp(low + 1, "ib") != 0))
      goto bad;
  } else {
    goto bad;
  }
  size *= mul;
  *out = size >= 9.2233720368547758e18 ? INT64_MAX : (int64_t)size;
  return 0;
bad:
  *msg = xasprintf("invalid suffix: '%s'", low);
  return -1;
}

int cgroups_parse_uint(const char *s, uint64_t *out, char **msg) {
  bool ok = *s && strspn(s, "0123456789") == strlen(s);
  if (ok) {
    errno = 0;
    *out = strtoull(s, NULL, 10);
    if (errno == 0)
      return 0;
  }
  *msg = xasprintf("strconv.ParseUint: parsing \"%s\": %s", s,
                   ok ? "value out of range" : "invalid syntax");
  return -1;
}

int cgroups_parse_int(const char *s, int64_t *out, char **msg) {
  const char *d = *s == '-' || *s == '+' ? s + 1 : s;
  bool ok = *d && strspn(d, "0123456789") == strlen(d);
  if (ok) {
    errno = 0;
    *out = strtoll(s, NULL, 10);
    if (errno == 0)
      return 0;
  }
  *msg = xasprintf("strconv.ParseInt: parsing \"%s\": %s", s,
                   ok ? "value out of range" : "invalid syntax");
  return -1;
}

int cgroups_parse_duration(const char *s, int64_t *ns) {
  static const struct {
    const char *unit;
    double ns;
  } units[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
               {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  const char *p = s;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (strcmp(p, "0") == 0) {
    *ns = 0;
    return 0;
  }
  if (*p == '\0')
    return -1;
  double total = 0;
  while (*p) {
    size_t n = strspn(p, "0123456789.");
    if (n == 0 || memchr(p, '.', n) != memrchr(p, '.', n) || (n == 1 && *p == '.'))
      return -1;
    autofree char *num = xstrndup(p, n);
    double v = strtod(num, NULL);
    p += n;
    size_t best = 0;
    double mul = 0;
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(p, units[i].unit, l) == 0 && l > best && !isalpha((unsigned char)p[l]))
        best = l, mul = units[i].ns;
    }
    if (best == 0)
      return -1;
    p += best;
    total += v * mul;
  }
  if (total > 9.2233720368547758e18)
    return -1;
  *ns = neg ? -(int64_t)total : (int64_t)total;
  return 0;
}
