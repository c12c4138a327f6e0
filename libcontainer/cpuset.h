/* cpuset.h - CPU / NUMA node lists ("0-3,8,10-11") to sets and back. */
#ifndef VESSEL_CPUSET_H
#define VESSEL_CPUSET_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stddef.h>

/* Parse a list into set; -1 on a syntax error or a CPU beyond CPU_SETSIZE. */
int cpuset_parse(const char *list, cpu_set_t *set);
/* Parse a NUMA node list into a bitmask of (at most) nbits bits. */
int nodemask_parse(const char *list, unsigned long *mask, size_t nbits);

#endif
