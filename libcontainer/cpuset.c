/* cpuset.c - CPU / NUMA node list parsing. */
#define _GNU_SOURCE
#include "cpuset.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Walk "a-b,c,..." calling add(n) for each member; -1 on bad syntax. */
static int walk(const char *list, size_t limit, void (*add)(size_t, void *), void *arg) {
  const char *p = list;
  if (p == NULL || *p == '\0')
    return -1;
  while (*p) {
    if (!isdigit((unsigned char)*p))
      return -1;
    errno = 0;
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (errno)
      return -1;
    p = end;
    if (*p == '-') {
      p++;
      if (!isdigit((unsigned char)*p))
        return -1;
      b = strtoul(p, &end, 10);
      if (errno)
        return -1;
      p = end;
    }
    if (b < a || b >= limit)
      return -1;
    for (unsigned long i = a; i <= b; i++)
      add(i, arg);
    if (*p == ',') {
      p++;
      if (*p == '\0')
        return -1;
    } else if (*p == '\n' && p[1] == '\0') {
      break;
    } else if (*p != '\0') {
      return -1;
    }
  }
  return 0;
}

static void add_cpu(size_t n, void *arg) { CPU_SET(n, (cpu_set_t *)arg); }

int cpuset_parse(const char *list, cpu_set_t *set) {
  CPU_ZERO(set);
  return walk(list, CPU_SETSIZE, add_cpu, set);
}

static void add_node(size_t n, void *arg) {
  unsigned long *mask = arg;
  mask[n / (sizeof(unsigned long) * CHAR_BIT)] |= 1UL << (n % (sizeof(unsigned long) * CHAR_BIT));
}

int nodemask_parse(const char *list, unsigned long *mask, size_t nbits) {
  size_t word = sizeof(unsigned long) * CHAR_BIT;
  memset(mask, 0, (nbits + word - 1) / word * sizeof(unsigned long));
  return walk(list, nbits, add_node, mask);
}
