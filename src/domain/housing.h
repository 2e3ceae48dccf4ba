/*
 * housing.h — the rules of the housing stock: what one unit may hold, its status as a
 * state machine (fsm.h), and how the numbers people type ("45.5" m², "650.00" yuan, "是")
 * become the integers gzf keeps (hundredths of a square metre, fen, 0/1). No I/O.
 */
#ifndef GZF_DOMAIN_HOUSING_H
#define GZF_DOMAIN_HOUSING_H

#include <stdint.h>

#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/housing_store.h"

/* What one unit may hold: text lengths in characters, figures inclusive. */
#define HOUSING_UNIT_NO_CHARS 20
#define HOUSING_LAYOUT_CHARS 16
#define HOUSING_ORIENTATION_CHARS 10
#define HOUSING_AREA_MIN_DM2 100         /* 1 m² */
#define HOUSING_AREA_MAX_DM2 100000      /* 1000 m² */
#define HOUSING_FLOOR_MIN (-5)
#define HOUSING_FLOOR_MAX 200
#define HOUSING_RENT_MAX_FEN 100000000   /* 1,000,000 yuan a month */

/* The attributes of a unit that housing_unit_check() judges, in the order it judges
 * them; a set of them is a bit set of (1u << field). */
enum unit_field {
	UNIT_NO,          /* unit_no */
	UNIT_LAYOUT,      /* layout */
	UNIT_ORIENTATION, /* orientation */
	UNIT_FLOOR_AREA,  /* floor_area_dm2 */
	UNIT_USABLE_AREA, /* usable_area_dm2 */
	UNIT_FLOOR,       /* floor */
	UNIT_RENT,        /* rent_fen */
	UNIT_FIELD_COUNT
};

/*
 * housing_unit_check — judge what people enter for a unit u: a unit number of 1 to
 * HOUSING_UNIT_NO_CHARS characters; a layout (housing_layout_valid); an orientation of
 * at most HOUSING_ORIENTATION_CHARS characters (NULL: none); floor and usable areas from
 * HOUSING_AREA_MIN_DM2 to HOUSING_AREA_MAX_DM2, the usable area not above the floor area;
 * a floor from HOUSING_FLOOR_MIN to HOUSING_FLOOR_MAX; a monthly rent from 0 to
 * HOUSING_RENT_MAX_FEN. GZF_OK, or GZF_EINVAL with *bad (when not NULL) the set of every
 * attribute that breaks a rule and err (which may be NULL) the first of them, named by
 * its member of struct unit as the API names it ("floor_area_dm2"): "required" (empty),
 * "too_long" or "invalid_value". Reads nothing else of u; changes nothing.
 */
int housing_unit_check(const struct unit *u, unsigned *bad, struct gzf_err *err);

/* A unit's status: its state. */
enum unit_state {
	UNIT_VACANT, UNIT_RESERVED, UNIT_ALLOCATED, UNIT_OCCUPIED, UNIT_UNDER_REPAIR,
	UNIT_WITHDRAWN, UNIT_NSTATES
};

/* What can happen to a unit: becoming each status (the event has the status's name:
 * "vacant", "reserved", ...), being published and unpublished (listed while vacant). */
enum unit_event {
	UNIT_TO_VACANT, UNIT_TO_RESERVED, UNIT_TO_ALLOCATED, UNIT_TO_OCCUPIED,
	UNIT_TO_UNDER_REPAIR, UNIT_TO_WITHDRAWN, UNIT_PUBLISH, UNIT_UNPUBLISH, UNIT_NEVENTS
};

/* The unit's machine: names and table (housing.c), for the docs and the tests. */
extern const struct fsm unit_fsm;

/* housing_status_valid — 1 when s names a unit status: vacant, reserved, allocated,
 * occupied, under_repair, withdrawn. */
int housing_status_valid(const char *s);

/* housing_unit_state — the state of u (its status). */
enum unit_state housing_unit_state(const struct unit *u);

/*
 * housing_unit_fire — take event on u by party at now, in the caller's transaction:
 * GZF_ESTATE "illegal_transition" unless the table allows it (vacant → reserved,
 * under_repair, withdrawn; reserved → vacant, allocated; allocated → occupied, vacant;
 * occupied → vacant, under_repair; under_repair → vacant, withdrawn; withdrawn → vacant,
 * under_repair), "unit_not_vacant" when publishing a unit that is not vacant; then the
 * change stored (a unit is listed while published and vacant). u is changed in memory.
 */
int housing_unit_fire(struct db_conn *c, struct unit *u, enum unit_event event, unsigned party,
		      int64_t now, struct gzf_err *err);

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
