/* hugetlb.c - hugepage limits: the same on v1 and v2 but for the names of
 * the files. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>

#include "internal.h"

int cg_apply_hugetlb(int fd, const char *dir, const struct resources_cfg *r, const char *limit,
                     const char *rsvd, struct error **err) {
  for (size_t i = 0; i < r->n_hugepages; i++) {
    const struct hugepage_limit *h = &r->hugepages[i];
    char file[96];
    snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, limit);
    if (cg_writef(fd, dir, file, err, "%" PRIu64, h->limit) < 0)
      return -1;
    snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, rsvd);
    if (cg_exists(fd, file) && cg_writef(fd, dir, file, err, "%" PRIu64, h->limit) < 0)
      return -1;
  }
  return 0;
}
