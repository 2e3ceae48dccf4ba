/*
 * sms_code_store.h — the rows of SMS codes (sms_code.c).
 */
#ifndef GZF_STORE_SMS_CODE_STORE_H
#define GZF_STORE_SMS_CODE_STORE_H

#include "store/db.h"

struct sms_code {
	int64_t id;
	const char *code_hash;
	int64_t created_at;
	int64_t expires_at;
	int attempts;
};

/* sms_code_store_create — remember a code sent to phone_hash for purpose. */
int sms_code_store_create(struct db_conn *c, int64_t city_id, const char *phone_hash,
		      const char *purpose, const char *code_hash, int64_t now, int64_t expires_at,
		      struct gzf_err *err);

/* sms_code_store_latest — the newest unused, unexpired code; GZF_ENOTFOUND. */
int sms_code_store_latest(struct db_conn *c, const char *phone_hash, const char *purpose,
		      int64_t now, struct sms_code *out, struct gzf_err *err);

/* sms_code_store_attempt — count a wrong try; sms_code_store_use marks it used (once:
 * GZF_ECONFLICT when it already was). */
int sms_code_store_attempt(struct db_conn *c, int64_t id, struct gzf_err *err);
int sms_code_store_use(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err);
#endif
