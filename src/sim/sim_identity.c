/*
 * sim_identity.c — the identity check service simulator (docs/partners/identity.md).
 * Its population is synthetic and needs no data: every ID number with a valid GB 11643
 * check digit belongs to one person whose name is derived from the number by SHA-256
 * (a common surname and one or two given-name characters). The sequence code (the
 * 15th-17th digits) decides the rest: 990-999 deceased, 980-989 no record.
 */
#include "sim/sim.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void identity_routes(struct router *r);
static int verify_post(struct http_req *req);
static int person_get(struct http_req *req);
static int read_id(struct http_req *req, const char *given, char out[19]);

const struct sim_partner sim_partner_identity = { "identity", identity_routes, NULL, NULL };

/* One hundred common surnames and one hundred given-name characters. */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
	"胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
	"邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
	"叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭",
	"陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟",
	"熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎",
	"贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔",
	"向", "汤",
};
static const char *const given_chars[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
	"涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红",
	"建", "文", "辉", "力", "梅", "鹏", "斌", "宇", "浩", "凯", "婷", "雪", "琳", "晨",
	"欣", "怡", "佳", "俊", "峰", "林", "波", "宁", "海", "鑫", "颖", "倩", "博", "志",
	"国", "春", "燕", "荣", "丹", "蕾", "新", "阳", "成", "飞", "亮", "健", "凤", "金",
	"清", "慧", "庆", "福", "德", "兵", "东", "喜", "云", "晶", "龙", "坤", "瑞", "珍",
	"莉", "彬", "帆", "琪", "悦", "萱", "涵", "昊", "嘉", "璐", "思", "雨", "子", "梓",
	"泽", "睿",
};

static void
identity_routes(struct router *r)
{
	router_add(r, "POST", "/identity/v1/verify", verify_post);
	router_add(r, "GET", "/identity/sim/people/:id_number", person_get);
}

int
sim_identity_person(const char *id_number, char *name, size_t size,
		    enum sim_person_status *status)
{
	static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	unsigned char h[crypto_hash_sha256_BYTES];
	char id[19];
	int i, sum = 0, seq;

	if (id_number == NULL || strlen(id_number) != 18)
		return GZF_EINVAL;
	for (i = 0; i < 17; i++) {
		if (id_number[i] < '0' || id_number[i] > '9')
			return GZF_EINVAL;
		sum += (id_number[i] - '0') * weights[i];
		id[i] = id_number[i];
	}
	id[17] = id_number[17] == 'x' ? 'X' : id_number[17];
	id[18] = '\0';
	if (id[17] != check[sum % 11])
		return GZF_EINVAL;
	seq = (id[14] - '0') * 100 + (id[15] - '0') * 10 + (id[16] - '0');
	if (seq >= 980 && seq <= 989) {
		*status = SIM_PERSON_NO_RECORD;
		if (size > 0)
			name[0] = '\0';
		return GZF_OK;
	}
	*status = seq >= 990 ? SIM_PERSON_DECEASED : SIM_PERSON_ALIVE;
	crypto_hash_sha256(h, (const unsigned char *)id, 18);
	if (h[2] % 3 == 0) /* a third of the people have a one-character given name */
		snprintf(name, size, "%s%s", surnames[(h[0] << 8 | h[1]) % 100],
			 given_chars[(h[3] << 8 | h[4]) % 100]);
	else
		snprintf(name, size, "%s%s%s", surnames[(h[0] << 8 | h[1]) % 100],
			 given_chars[(h[3] << 8 | h[4]) % 100], given_chars[(h[5] << 8 | h[6]) % 100]);
	return GZF_OK;
}

/* The request's ID number, checked, into out; GZF_EINVAL in req->err otherwise. */
static int
read_id(struct http_req *req, const char *given, char out[19])
{
	char name[32];
	enum sim_person_status st;

	if (given == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "id_number",
				   "id_number is required");
	if (sim_identity_person(given, name, sizeof(name), &st) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_id_number", "id_number",
				   "id_number must be 18 characters (17 digits and a check digit "
				   "0-9 or X) with a correct GB 11643 check digit");
	memcpy(out, given, 18);
	out[17] = out[17] == 'x' ? 'X' : out[17];
	out[18] = '\0';
	return GZF_OK;
}

/* POST /identity/v1/verify {"name","id_number"} -> {"result","checked_at"} */
static int
verify_post(struct http_req *req)
{
	char id[19], registered[32];
	enum sim_person_status st;
	const char *name, *result;
	json_t *body, *v;
	int rc;

	if ((rc = sim_accept(req, "identity")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	v = json_object_get(body, "name");
	if (v == NULL || json_is_null(v))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "name", "name is required");
	name = json_string_value(v);
	if (name == NULL || *name == '\0' || gzf_utf8_chars(name) > 64)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_name", "name",
				   "name must be a string of 1 to 64 characters");
	v = json_object_get(body, "id_number");
	if (v != NULL && !json_is_null(v) && !json_is_string(v))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_id_number", "id_number",
				   "id_number must be a string");
	if ((rc = read_id(req, json_string_value(v), id)) != GZF_OK)
		return rc;
	sim_identity_person(id, registered, sizeof(registered), &st);
	if (st == SIM_PERSON_NO_RECORD || strcmp(name, registered) != 0)
		result = "no_match";
	else
		result = st == SIM_PERSON_DECEASED ? "deceased" : "match";
	return http_reply_json(req, 200, json_pack("{s:s, s:I}", "result", result,
						   "checked_at", (json_int_t)gzf_now_ms()));
}

/* GET /identity/sim/people/:id_number -> {"id_number","name","status"} (loopback only) */
static int
person_get(struct http_req *req)
{
	static const char *const status_names[] = { "alive", "deceased", "no_record" };
	char id[19], name[32];
	enum sim_person_status st;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK ||
	    (rc = read_id(req, http_param(req, "id_number"), id)) != GZF_OK)
		return rc;
	sim_identity_person(id, name, sizeof(name), &st);
	return http_reply_json(req, 200, json_pack("{s:s, s:o, s:s}", "id_number", id,
						   "name", st == SIM_PERSON_NO_RECORD ? json_null() :
						   json_string(name), "status", status_names[st]));
}
