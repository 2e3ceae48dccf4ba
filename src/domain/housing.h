/*
 * housing.h — the rules of the housing stock: which status changes are legal, and how
 * the numbers people type ("45.5" m², "650.00" yuan, "是") become the integers gzf keeps
 * (hundredths of a square metre, fen, 0/1). No I/O.
 */
#ifndef GZF_DOMAIN_HOUSING_H
#define GZF_DOMAIN_HOUSING_H

#include <stdint.h>

#include "core/gzf.h"

/* housing_status_valid — 1 when s names a unit status: vacant, reserved, allocated,
 * occupied, under_repair, withdrawn. */
int housing_status_valid(const char *s);

/*
 * housing_transition_ok — 1 when a unit may go from status from to status to:
 * vacant → reserved, under_repair, withdrawn; reserved → vacant, allocated;
 * allocated → occupied, vacant; occupied → vacant, under_repair;
 * under_repair → vacant, withdrawn; withdrawn → vacant, under_repair.
 */
int housing_transition_ok(const char *from, const char *to);

/*
 * housing_parse_hundredths — a decimal with at most two places ("45", "45.5", "45.50")
 * as hundredths (4550), in [0, max]. 0 or GZF_EINVAL.
 */
int housing_parse_hundredths(const char *s, int64_t max, int64_t *out);

/* housing_parse_micro — a decimal degree ("125.103784", "-3.5") as millionths, within
 * [-max, max] degrees. 0 or GZF_EINVAL. */
int housing_parse_micro(const char *s, int64_t max_degrees, int64_t *out);

/* housing_parse_flag — yes/no as people write it: 1, 是, yes, true, Y, 精装, 全装修 … → 1;
 * 0, 否, no, false, N, 毛坯, 简装 … → 0. GZF_EINVAL otherwise. */
int housing_parse_flag(const char *s, int *out);

/* housing_district_of — the district code in a region path
 * ("/100000/230000/230600/230602/230602001/" → 230602); 0 when the path stops above
 * district level. */
int64_t housing_district_of(const char *path);

/* housing_layout_valid — 1 when s looks like a layout: 1 to 16 characters, no control
 * characters. */
int housing_layout_valid(const char *s);

#endif
