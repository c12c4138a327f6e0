/* caps.h - Linux capabilities: the spec's names, and applying the five sets
 * (bounding, effective, inheritable, permitted, ambient) in the order that
 * survives the switch to the container's user. */
#ifndef VESSEL_CAPS_H
#define VESSEL_CAPS_H

#include <stdint.h>

#include "config.h"
#include "error.h"

#define VESSEL_CAP_COUNT 41 /* CAP_CHOWN .. CAP_CHECKPOINT_RESTORE */

/* "CAP_CHOWN" -> 0; -1 when the name is unknown. */
int cap_from_spec_name(const char *name);
/* 0 -> "CAP_CHOWN"; NULL beyond the table. */
const char *cap_spec_name(int cap);
/* The highest capability this kernel knows (cap_last_cap). */
int cap_last_cap_value(void);

/* Drop every capability not in the bounding set (run before changing user). */
int caps_apply_bounding(const struct caps_cfg *c, struct error **err);
/* Set effective / permitted / inheritable, then the ambient set (run after
 * changing user, with PR_SET_KEEPCAPS having kept the permitted set). */
int caps_apply_final(const struct caps_cfg *c, struct error **err);

#endif
