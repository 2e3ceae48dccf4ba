/*
 * housing_io.c — bulk import of estates, buildings and units from the spreadsheets
 * housing offices keep (CSV or XLSX, one row per unit, the estate's columns repeated),
 * validated row by row, and the export of the stock in the same layout.
 *
 * POST /api/v1/housing/import?region=CODE&mode=check|all|good  (the file as the body)
 *   check: report only; all (default): import only when every row is good, else 422
 *   with the report and nothing imported; good: import the good rows, report the rest.
 * GET /api/v1/housing/export?region=CODE  → CSV (UTF-8 with a byte-order mark).
 */
#include "api/api.h"
#include "api/housing.h"
#include "domain/housing.h"
#include "domain/sheet.h"
#include "store/region_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPORT_MAX 1000 /* errors listed in a report */

/* The columns, by what the import calls them, with the headings it accepts. */
enum column {
	COL_ESTATE, COL_ADDRESS, COL_REGION, COL_BUILDING, COL_UNIT, COL_LAYOUT, COL_AREA,
	COL_USABLE, COL_FLOOR, COL_ORIENTATION, COL_FITTED, COL_RENT, COL_LNG, COL_LAT,
	COL_TRANSPORT, COL_FACILITIES, COL_COUNT
};

static const struct {
	const char *field;    /* the name errors report */
	const char *headings; /* "|"-separated, the first is what export writes */
	int required;
} columns[COL_COUNT] = {
	[COL_ESTATE] = { "estate", "小区名称|小区|项目名称|estate", 1 },
	[COL_ADDRESS] = { "address", "地址|address", 0 },
	[COL_REGION] = { "region_code", "区划代码|区县代码|region_code", 1 },
	[COL_BUILDING] = { "building", "楼栋|楼号|building", 1 },
	[COL_UNIT] = { "unit_no", "房号|房间号|unit_no", 1 },
	[COL_LAYOUT] = { "layout", "户型|layout", 1 },
	[COL_AREA] = { "floor_area", "建筑面积|floor_area", 1 },
	[COL_USABLE] = { "usable_area", "使用面积|usable_area", 0 },
	[COL_FLOOR] = { "floor", "楼层|floor", 1 },
	[COL_ORIENTATION] = { "orientation", "朝向|orientation", 0 },
	[COL_FITTED] = { "fitted", "全装修|装修|fitted", 0 },
	[COL_RENT] = { "rent", "月租金|租金|rent", 1 },
	[COL_LNG] = { "lng", "经度|lng", 0 },
	[COL_LAT] = { "lat", "纬度|lat", 0 },
	[COL_TRANSPORT] = { "transport", "交通|transport", 0 },
	[COL_FACILITIES] = { "facilities", "配套设施|配套|facilities", 0 },
};

/* The unit's attributes the domain judges (housing_unit_check): the column each is read
 * from, and how a bad one is reported. */
static const struct {
	enum column col;
	const char *code;
	const char *message;
} unit_cells[UNIT_FIELD_COUNT] = {
	[UNIT_NO] = { COL_UNIT, "required", "房号必填，最多20字 / unit number is required (at most 20 characters)" },
	[UNIT_LAYOUT] = { COL_LAYOUT, "required", "户型必填，如“一室一厅” / layout is required, e.g. 一室一厅" },
	[UNIT_ORIENTATION] = { COL_ORIENTATION, "too_long", "朝向最多10字 / orientation is at most 10 characters" },
	[UNIT_FLOOR_AREA] = { COL_AREA, "invalid_value", "建筑面积须为1到1000平方米的数字 / floor area must be a number of m² from 1 to 1000" },
	[UNIT_USABLE_AREA] = { COL_USABLE, "invalid_value", "使用面积须为数字且不大于建筑面积 / usable area must be a number not above the floor area" },
	[UNIT_FLOOR] = { COL_FLOOR, "invalid_value", "楼层须为-5到200的整数 / floor must be a whole number from -5 to 200" },
	[UNIT_RENT] = { COL_RENT, "invalid_value", "月租金须为金额（元），最多两位小数 / rent must be an amount in yuan with at most two decimals" },
};

/* One good row, ready to store. */
struct import_row {
	struct estate e;
	const char *building;
	struct unit u;
	const char *key; /* estate \x1f building \x1f unit: duplicates within the file */
	int line;
	int bad;
	json_t *errors;  /* this row's problems, NULL when none */
};

/* Regions already looked up during one import. */
struct region_cache {
	struct region *list;
	int n, cap;
};

static int housing_import(struct http_req *req);
static int housing_export(struct http_req *req);
static int map_columns(struct http_req *req, const struct sheet_row *head, int *map);
static int heading_is(const char *cell, const char *headings);
static const char *cell(const struct sheet_row *r, const int *map, enum column col);
static const char *heading_of(struct http_req *req, const struct sheet_row *head, const int *map,
			      const char *field);
static void report(struct http_req *req, struct import_row *row, const char *field,
		   const char *code, const char *msg);
static int check_row(struct http_req *req, struct db_conn *c, const struct region *scope,
		     struct region_cache *cache, const struct sheet_row *r, const int *map,
		     struct import_row *out);
static int cached_region(struct http_req *req, struct db_conn *c, struct region_cache *cache,
			 int64_t code, struct region **out);
static int key_cmp(const void *a, const void *b);
static int store_rows(struct http_req *req, struct db_conn *c, struct import_row *rows, int n,
		      int64_t user, int *imported);
static void csv_cell(struct arena *a, char **buf, size_t *len, size_t *cap, const char *s,
		     int text, int last);
static void buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
static const char *decimal2(struct arena *a, int64_t hundredths);
static void free_buf(void *p);

void
api_housing_io_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/housing/import", housing_import);
	router_add(r, "GET", "/api/v1/housing/export", housing_export);
}

static int
heading_is(const char *cell_text, const char *headings)
{
	const char *p = headings, *bar;
	size_t n;

	while (*cell_text == ' ')
		cell_text++;
	n = strlen(cell_text);
	while (n > 0 && cell_text[n - 1] == ' ')
		n--;
	for (; p != NULL; p = bar ? bar + 1 : NULL) {
		bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncasecmp(p, cell_text, n) == 0)
			return 1;
	}
	return 0;
}

/* map[col] = the cell index holding that column, -1 when absent. */
static int
map_columns(struct http_req *req, const struct sheet_row *head, int *map)
{
	int col, i;

	for (col = 0; col < COL_COUNT; col++) {
		map[col] = -1;
		for (i = 0; i < head->ncells && map[col] < 0; i++)
			if (heading_is(head->cells[i], columns[col].headings))
				map[col] = i;
		if (map[col] < 0 && columns[col].required) {
			const char *bar = strchr(columns[col].headings, '|');
			return gzf_err_set(&req->err, GZF_EINVAL, "sheet_missing_column", columns[col].field,
					   "the first row must name the column %.*s",
					   (int)(bar - columns[col].headings), columns[col].headings);
		}
	}
	return GZF_OK;
}

/* The heading the sheet's first row head gives the column whose errors report field (the
 * column's first accepted heading when the sheet has no such column). */
static const char *
heading_of(struct http_req *req, const struct sheet_row *head, const int *map, const char *field)
{
	const char *bar, *v;
	int col;

	for (col = 0; col < COL_COUNT; col++)
		if (strcmp(columns[col].field, field) == 0)
			break;
	assert(col < COL_COUNT); /* errors name only the columns above */
	if (*(v = cell(head, map, (enum column)col)) != '\0')
		return v;
	bar = strchr(columns[col].headings, '|');
	return arena_strndup(req->arena, columns[col].headings, (size_t)(bar - columns[col].headings));
}

/* The trimmed text of a column in row r ("" when absent). */
static const char *
cell(const struct sheet_row *r, const int *map, enum column col)
{
	const char *s;
	size_t n;

	if (map[col] < 0 || map[col] >= r->ncells)
		return "";
	s = r->cells[map[col]];
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		((char *)s)[--n] = '\0';
	return s;
}

/* Note a problem with row (which is then bad). */
static void
report(struct http_req *req, struct import_row *row, const char *field, const char *code,
       const char *msg)
{
	row->bad = 1;
	if (row->errors == NULL)
		row->errors = http_json_owned(req, json_array());
	json_array_append_new(row->errors, json_pack("{s:i, s:s, s:s, s:s}", "row", row->line,
						      "field", field, "code", code, "message", msg));
}

static int
cached_region(struct http_req *req, struct db_conn *c, struct region_cache *cache, int64_t code,
	      struct region **out)
{
	struct region r;
	int i, rc;

	for (i = 0; i < cache->n; i++)
		if (cache->list[i].code == code) {
			*out = &cache->list[i];
			return GZF_OK;
		}
	if ((rc = region_store_get(c, code, &r, &req->err)) != GZF_OK)
		return rc;
	if (cache->n == cache->cap) {
		struct region *grown;
		cache->cap = cache->cap ? 2 * cache->cap : 32;
		grown = arena_alloc(req->arena, sizeof(*grown) * (size_t)cache->cap);
		if (cache->n)
			memcpy(grown, cache->list, sizeof(*grown) * (size_t)cache->n);
		cache->list = grown;
	}
	cache->list[cache->n] = r;
	*out = &cache->list[cache->n++];
	return GZF_OK;
}

/* Validate one row into out; every problem goes to errors. 0, or a database error. */
static int
check_row(struct http_req *req, struct db_conn *c, const struct region *scope,
	  struct region_cache *cache, const struct sheet_row *r, const int *map,
	  struct import_row *out)
{
	const char *name = cell(r, map, COL_ESTATE), *v;
	struct region *region = NULL;
	unsigned unread = 0, judged;
	int64_t code, lng, lat;
	int rc, col, f, usable_empty;

	memset(out, 0, sizeof(*out));
	out->line = r->line;
#define BAD(col, code_, msg) report(req, out, columns[col].field, code_, msg)
	if (*name == '\0' || gzf_utf8_chars(name) > 60)
		BAD(COL_ESTATE, *name ? "too_long" : "required", "小区名称必填，最多60字 / estate name is required (at most 60 characters)");
	v = cell(r, map, COL_REGION);
	if (gzf_parse_int(v, 1, 999999999999, &code) != GZF_OK) {
		BAD(COL_REGION, "invalid_value", "区划代码须为数字 / region_code must be a region code");
	} else {
		rc = cached_region(req, c, cache, code, &region);
		if (rc == GZF_ENOTFOUND)
			gzf_err_clear(&req->err);
		if (rc == GZF_ENOTFOUND)
			BAD(COL_REGION, "unknown_region", "没有这个区划代码 / no region with this code");
		else if (rc != GZF_OK)
			return rc;
		else if (!authz_region_within(region->path, scope->path))
			BAD(COL_REGION, "outside_region", "区划不在您管理的范围内 / the region is outside yours");
		else if (housing_district_of(region->path) == 0)
			BAD(COL_REGION, "not_district", "区划须为区县或以下 / the region must be a district or inside one");
	}
	out->building = cell(r, map, COL_BUILDING);
	if (*out->building == '\0' || gzf_utf8_chars(out->building) > 30)
		BAD(COL_BUILDING, "required", "楼栋必填，最多30字 / building is required (at most 30 characters)");
	/* The unit's cells: read here (a figure that does not read is bad), judged by the
	 * domain; each bad one is reported once, in the order of the columns. */
	out->u.unit_no = cell(r, map, COL_UNIT);
	out->u.layout = cell(r, map, COL_LAYOUT);
	out->u.orientation = cell(r, map, COL_ORIENTATION);
	if (housing_parse_hundredths(cell(r, map, COL_AREA), HOUSING_AREA_MAX_DM2, &out->u.floor_area_dm2) != GZF_OK)
		unread |= 1u << UNIT_FLOOR_AREA;
	usable_empty = *cell(r, map, COL_USABLE) == '\0';
	if (usable_empty)
		out->u.usable_area_dm2 = out->u.floor_area_dm2;
	else if (housing_parse_hundredths(cell(r, map, COL_USABLE), HOUSING_AREA_MAX_DM2,
					  &out->u.usable_area_dm2) != GZF_OK)
		unread |= 1u << UNIT_USABLE_AREA;
	if (gzf_parse_int(cell(r, map, COL_FLOOR), INT64_MIN, INT64_MAX, &out->u.floor) != GZF_OK)
		unread |= 1u << UNIT_FLOOR;
	if (housing_parse_hundredths(cell(r, map, COL_RENT), HOUSING_RENT_MAX_FEN, &out->u.rent_fen) != GZF_OK)
		unread |= 1u << UNIT_RENT;
	(void)housing_unit_check(&out->u, &judged, NULL);
	/* An empty usable area is the floor area: only that one is reported. */
	if (usable_empty)
		judged &= ~(1u << UNIT_USABLE_AREA);
	for (col = COL_UNIT; col <= COL_RENT; col++) {
		v = cell(r, map, col);
		if (col == COL_FITTED) {
			if (*v != '\0' && housing_parse_flag(v, &out->u.fitted) != GZF_OK)
				BAD(COL_FITTED, "invalid_value", "全装修须填“是”或“否” / fitted must be 是 or 否");
			continue;
		}
		for (f = 0; f < UNIT_FIELD_COUNT; f++)
			if ((int)unit_cells[f].col == col && ((unread | judged) & (1u << f)))
				BAD(col, unit_cells[f].code, unit_cells[f].message);
	}
	v = cell(r, map, COL_LNG);
	out->e.has_position = *v != '\0' || *cell(r, map, COL_LAT) != '\0';
	if (out->e.has_position) {
		if (housing_parse_micro(v, 180, &lng) != GZF_OK)
			BAD(COL_LNG, "invalid_value", "经度须为-180到180的数字 / longitude must be a number from -180 to 180");
		else
			out->e.lng_e6 = lng;
		if (housing_parse_micro(cell(r, map, COL_LAT), 90, &lat) != GZF_OK)
			BAD(COL_LAT, "invalid_value", "纬度须为-90到90的数字 / latitude must be a number from -90 to 90");
		else
			out->e.lat_e6 = lat;
	}
	out->e.address = cell(r, map, COL_ADDRESS);
	out->e.transport = cell(r, map, COL_TRANSPORT);
	out->e.facilities = cell(r, map, COL_FACILITIES);
	if (gzf_utf8_chars(out->e.address) > 200 || gzf_utf8_chars(out->e.transport) > 1000 ||
	    gzf_utf8_chars(out->e.facilities) > 1000)
		BAD(COL_ADDRESS, "too_long", "地址最多200字，交通和配套最多1000字 / address, transport or facilities too long");
#undef BAD
	if (out->bad)
		return GZF_OK;
	out->e.name = name;
	out->e.city_id = region->city_id;
	out->e.region_code = region->code;
	out->e.region_path = region->path;
	out->e.district_code = housing_district_of(region->path);
	out->e.near_transport = *out->e.transport != '\0';
	out->u.city_id = region->city_id;
	out->u.district_code = out->e.district_code;
	out->u.region_path = region->path;
	out->u.near_transport = out->e.near_transport;
	out->key = arena_printf(req->arena, "%s\x1f%s\x1f%s", name, out->building, out->u.unit_no);
	return GZF_OK;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct import_row *x = *(struct import_row *const *)a, *y = *(struct import_row *const *)b;
	int d = strcmp(x->key, y->key);

	return d != 0 ? d : x->line - y->line;
}

/* Upsert the good rows: each estate and building once, then every unit. */
static int
store_rows(struct http_req *req, struct db_conn *c, struct import_row *rows, int n, int64_t user,
	   int *imported)
{
	const char *last_estate = NULL, *last_building = NULL;
	int64_t estate_id = 0, building_id = 0, now = gzf_now_ms(), unit_id;
	struct import_row **order = arena_alloc(req->arena, sizeof(*order) * (size_t)(n + 1));
	int i, m = 0, rc;

	/* Sorted by key, rows of one estate and building follow each other. */
	for (i = 0; i < n; i++)
		if (!rows[i].bad)
			order[m++] = &rows[i];
	qsort(order, (size_t)m, sizeof(*order), key_cmp);
	for (i = 0; i < m; i++) {
		struct import_row *r = order[i];

		if (last_estate == NULL || strcmp(last_estate, r->e.name) != 0) {
			r->e.created_by = user;
			r->e.created_at = now;
			if ((rc = housing_store_estate_save(c, &r->e, 1, &estate_id, &req->err)) != GZF_OK)
				return rc;
			last_estate = r->e.name;
			last_building = NULL;
		}
		if (last_building == NULL || strcmp(last_building, r->building) != 0) {
			struct building b = { .city_id = r->e.city_id, .estate_id = estate_id,
					      .name = r->building, .floors = r->u.floor > 0 ? r->u.floor : 0 };
			if ((rc = housing_store_building_save(c, &b, 1, &building_id, &req->err)) != GZF_OK)
				return rc;
			last_building = r->building;
		}
		r->u.estate_id = estate_id;
		r->u.building_id = building_id;
		r->u.created_at = now;
		if ((rc = housing_store_unit_save(c, &r->u, 1, &unit_id, &req->err)) != GZF_OK)
			return rc;
		(*imported)++;
	}
	return GZF_OK;
}

static int
housing_import(struct http_req *req)
{
	const char *mode = http_query(req, "mode");
	struct region_cache cache = { 0 };
	struct import_row *rows, **sorted;
	struct caller *who;
	struct db_conn *c;
	struct region scope;
	struct sheet sheet;
	int map[COL_COUNT];
	json_t *errors, *reply;
	int rc, i, n, bad = 0, imported = 0, status;

	if (mode == NULL || *mode == '\0')
		mode = "all";
	if (strcmp(mode, "check") != 0 && strcmp(mode, "all") != 0 && strcmp(mode, "good") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_parameter", "mode",
				   "mode must be check, all or good");
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_housing_region(req, c, who, ACT_HOUSING_MANAGE, "housing.import", &scope)) != GZF_OK)
		return rc;
	if (req->body == NULL || req->body_len == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "sheet_empty", "file", "the file is empty");
	rc = sheet_is_xlsx((const unsigned char *)req->body, req->body_len) ?
		sheet_parse_xlsx(req->arena, (const unsigned char *)req->body, req->body_len, &sheet, &req->err) :
		sheet_parse_csv(req->arena, req->body, req->body_len, &sheet, &req->err);
	if (rc != GZF_OK)
		return rc;
	if (sheet.nrows < 2)
		return gzf_err_set(&req->err, GZF_EINVAL, "sheet_empty", "file",
				   "the file needs a heading row and at least one unit");
	if ((rc = map_columns(req, &sheet.rows[0], map)) != GZF_OK)
		return rc;
	n = sheet.nrows - 1;
	rows = arena_alloc(req->arena, sizeof(*rows) * (size_t)n);
	sorted = arena_alloc(req->arena, sizeof(*sorted) * (size_t)n);
	errors = http_json_owned(req, json_array());
	for (i = 0; i < n; i++)
		if ((rc = check_row(req, c, &scope, &cache, &sheet.rows[i + 1], map, &rows[i])) != GZF_OK)
			return rc;
	/* The same unit twice in one file: every later row is bad. */
	int m = 0;
	for (i = 0; i < n; i++)
		if (!rows[i].bad)
			sorted[m++] = &rows[i];
	qsort(sorted, (size_t)m, sizeof(*sorted), key_cmp);
	for (i = 1; i < m; i++)
		if (strcmp(sorted[i]->key, sorted[i - 1]->key) == 0) {
			sorted[i]->bad = 1;
			report(req, sorted[i], "unit_no", "duplicate",
			       arena_printf(req->arena, "与第%d行是同一套房 / the same unit as row %d",
					    sorted[i - 1]->line, sorted[i - 1]->line));
			json_object_set_new(json_array_get(sorted[i]->errors, json_array_size(sorted[i]->errors) - 1),
					    "same_as", json_integer(sorted[i - 1]->line));
		}
	for (i = 0; i < n; i++)
		bad += rows[i].bad;
	if (strcmp(mode, "good") == 0 || (strcmp(mode, "all") == 0 && bad == 0)) {
		if ((rc = db_begin(c, &req->err)) != GZF_OK ||
		    (rc = store_rows(req, c, rows, n, who->actor.user_id, &imported)) != GZF_OK ||
		    (rc = api_audit(req, c, who, "housing.import", "region", scope.code, scope.code, "ok",
				    arena_printf(req->arena, "{\"rows\":%d,\"bad\":%d,\"imported\":%d}",
						 n, bad, imported))) != GZF_OK ||
		    (rc = db_commit(c, &req->err)) != GZF_OK)
			return rc;
	}
	/* The report, in the order of the file; each problem names its column by the heading
	 * the sheet gave it (field stays the stable name). */
	for (i = 0; i < n; i++)
		for (size_t k = 0; rows[i].errors != NULL && k < json_array_size(rows[i].errors); k++)
			if (json_array_size(errors) < REPORT_MAX) {
				json_t *e = json_array_get(rows[i].errors, k);

				json_object_set_new(e, "column", json_string(heading_of(req, &sheet.rows[0], map,
					json_string_value(json_object_get(e, "field")))));
				json_array_append(errors, e);
			}
	status = strcmp(mode, "all") == 0 && bad > 0 ? 422 : 200;
	reply = json_pack("{s:s, s:i, s:i, s:i, s:i, s:O}", "mode", mode, "rows", n, "good", n - bad,
			  "bad", bad, "imported", imported, "errors", errors);
	if (status == 422)
		json_object_set_new(reply, "error", json_pack("{s:s, s:s}", "code", "sheet_has_errors",
			"message", "nothing was imported: fix the rows listed, or import only the good rows"));
	return http_reply_json(req, status, reply);
}

static void
free_buf(void *p)
{
	free(*(char **)p);
}

static void
buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? 2 * *cap : 65536;
		*buf = gzf_realloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
}

/* One CSV cell: quoted when it holds a separator or quote; text that a spreadsheet
 * would take for a formula gets a leading apostrophe. */
static void
csv_cell(struct arena *a, char **buf, size_t *len, size_t *cap, const char *s, int text, int last)
{
	size_t i, n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL;

	(void)a;
	if (quote)
		buf_add(buf, len, cap, "\"", 1);
	if (text && n > 0 && strchr("=+-@", s[0]) != NULL)
		buf_add(buf, len, cap, "'", 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_add(buf, len, cap, "\"", 1);
		buf_add(buf, len, cap, s + i, 1);
	}
	if (quote)
		buf_add(buf, len, cap, "\"", 1);
	buf_add(buf, len, cap, last ? "\r\n" : ",", last ? 2 : 1);
}

static const char *
decimal2(struct arena *a, int64_t v)
{
	return v % 100 == 0 ? arena_printf(a, "%lld", (long long)(v / 100))
			    : arena_printf(a, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
}

/* GET /api/v1/housing/export?region=CODE — every unit in the region as CSV, in the
 * layout the import reads, with status and publication at the end. */
static int
housing_export(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region scope;
	struct unit *list;
	struct estate e;
	int64_t after = 0, estate_cached = 0;
	char **buf = arena_alloc(req->arena, sizeof(char *));
	size_t len = 0, cap = 0;
	int rc, n, i, col;

	arena_cleanup_add(req->arena, free_buf, buf);
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_housing_region(req, c, who, ACT_HOUSING_READ, "housing.export", &scope)) != GZF_OK)
		return rc;
	buf_add(buf, &len, &cap, "\xEF\xBB\xBF", 3);
	for (col = 0; col < COL_COUNT; col++) {
		const char *bar = strchr(columns[col].headings, '|');
		buf_add(buf, &len, &cap, columns[col].headings, (size_t)(bar - columns[col].headings));
		buf_add(buf, &len, &cap, ",", 1);
	}
	buf_add(buf, &len, &cap, "状态,已发布\r\n", strlen("状态,已发布\r\n"));
	do {
		struct arena *a = req->arena;

		if ((rc = housing_store_unit_list(c, scope.path, 0, 1000, after, &list, &n, &req->err)) != GZF_OK)
			return rc;
		for (i = 0; i < n; i++) {
			const struct unit *u = &list[i];

			if (u->estate_id != estate_cached &&
			    (rc = housing_store_estate_get(c, u->estate_id, &e, &req->err)) != GZF_OK)
				return rc;
			estate_cached = u->estate_id;
			csv_cell(a, buf, &len, &cap, e.name, 1, 0);
			csv_cell(a, buf, &len, &cap, e.address, 1, 0);
			csv_cell(a, buf, &len, &cap, arena_printf(a, "%lld", (long long)e.region_code), 0, 0);
			csv_cell(a, buf, &len, &cap, u->building_name, 1, 0);
			csv_cell(a, buf, &len, &cap, u->unit_no, 1, 0);
			csv_cell(a, buf, &len, &cap, u->layout, 1, 0);
			csv_cell(a, buf, &len, &cap, decimal2(a, u->floor_area_dm2), 0, 0);
			csv_cell(a, buf, &len, &cap, decimal2(a, u->usable_area_dm2), 0, 0);
			csv_cell(a, buf, &len, &cap, arena_printf(a, "%lld", (long long)u->floor), 0, 0);
			csv_cell(a, buf, &len, &cap, u->orientation, 1, 0);
			csv_cell(a, buf, &len, &cap, u->fitted ? "是" : "否", 0, 0);
			csv_cell(a, buf, &len, &cap, decimal2(a, u->rent_fen), 0, 0);
			csv_cell(a, buf, &len, &cap, e.has_position ? arena_printf(a, "%.6f", (double)e.lng_e6 / 1e6) : "", 0, 0);
			csv_cell(a, buf, &len, &cap, e.has_position ? arena_printf(a, "%.6f", (double)e.lat_e6 / 1e6) : "", 0, 0);
			csv_cell(a, buf, &len, &cap, e.transport, 1, 0);
			csv_cell(a, buf, &len, &cap, e.facilities, 1, 0);
			csv_cell(a, buf, &len, &cap, u->status, 0, 0);
			csv_cell(a, buf, &len, &cap, u->published ? "是" : "否", 0, 1);
		}
		if (n > 0)
			after = list[n - 1].id;
	} while (n == 1000);
	if ((rc = api_audit_alone(req, c, who, "housing.export", "region", scope.code, scope.code, "ok", NULL)) != GZF_OK)
		return rc;
	http_reply_header(req, "Content-Disposition", "attachment; filename=\"housing.csv\"");
	return http_reply_bytes(req, 200, "text/csv; charset=utf-8", *buf, len);
}
