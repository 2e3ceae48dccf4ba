/*
 * rules_json.h — reading a city's rule documents (rent rules, subsidy formulas): integer
 * members in a range and objects with no member outside a known list. The callers word
 * the errors, with the JSON path.
 */
#ifndef GZF_DOMAIN_RULES_JSON_H
#define GZF_DOMAIN_RULES_JSON_H

#include <jansson.h>
#include <stdint.h>

/* rules_json_int — obj.name as an integer in [min, max] into *out: GZF_OK, or GZF_EINVAL
 * when it is not an integer in range or (required) absent. Absent or null and not
 * required gives 0. */
int rules_json_int(const json_t *obj, const char *name, int required, int64_t min, int64_t max,
		   int64_t *out);

/* rules_json_only — 1 when every member of obj is in allowed (NULL-terminated); else 0
 * with *bad the first that is not. */
int rules_json_only(const json_t *obj, const char *const *allowed, const char **bad);

#endif
