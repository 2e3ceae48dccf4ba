/* rules_json.c — reading rule documents (rules_json.h). */
#include "domain/rules_json.h"

#include <string.h>

#include "core/gzf.h"

int
rules_json_int(const json_t *obj, const char *name, int required, int64_t min, int64_t max, int64_t *out)
{
	const json_t *v = json_object_get(obj, name);

	if (v == NULL || json_is_null(v)) {
		*out = 0;
		return required ? GZF_EINVAL : GZF_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return GZF_EINVAL;
	*out = json_integer_value(v);
	return GZF_OK;
}

int
rules_json_only(const json_t *obj, const char *const *allowed, const char **bad)
{
	const char *key, *const *a;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		for (a = allowed; *a != NULL && strcmp(*a, key) != 0; a++)
			;
		if (*a == NULL) {
			*bad = key;
			return 0;
		}
	}
	return 1;
}
