/*
 * check.c — `gzf partner-check`: one real call to each partner the operator names, with
 * gzf's own configuration, key and client code, to check connectivity and credentials.
 */
#include "partners/identity.h"
#include "partners/sms.h"
#include "core/log.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_DEFAULT_TEXT "公租房服务平台：短信通道检测，无需回复。"

/* The command's own flags; everything else goes to config_load(). */
struct check_args {
	const char *id_number;
	const char *name;
	const char *phone;
	const char *text;
};

static int take_flag(struct check_args *ca, const char *flag, const char *value);
static int check_identity(const struct partner *p, const struct check_args *ca);
static int check_sms(const struct partner *p, const struct check_args *ca);

/* Store value for one of the command's own flags; 1 when flag is one, else 0. */
static int
take_flag(struct check_args *ca, const char *flag, const char *value)
{
	if (strcmp(flag, "--id-number") == 0)
		ca->id_number = value;
	else if (strcmp(flag, "--name") == 0)
		ca->name = value;
	else if (strcmp(flag, "--phone") == 0)
		ca->phone = value;
	else if (strcmp(flag, "--text") == 0)
		ca->text = value;
	else
		return 0;
	return 1;
}

static int
check_identity(const struct partner *p, const struct check_args *ca)
{
	struct arena *a = arena_create();
	enum identity_result res;
	struct gzf_err err;
	int64_t t0 = gzf_mono_ns();
	int rc;

	gzf_err_clear(&err);
	rc = identity_verify(p, a, ca->name, ca->id_number, &res, &err);
	if (rc == GZF_OK)
		printf("identity: %s answered %s in %lld ms\n", p->base_url, identity_result_name(res),
		       (long long)((gzf_mono_ns() - t0) / 1000000));
	else
		fprintf(stderr, "gzf: identity check at %s failed after %lld ms: %s [%s]\n",
			p->base_url, (long long)((gzf_mono_ns() - t0) / 1000000), err.message, err.name);
	arena_destroy(a);
	return rc;
}

static int
check_sms(const struct partner *p, const struct check_args *ca)
{
	struct arena *a = arena_create();
	const char *id = NULL;
	struct gzf_err err;
	int64_t t0 = gzf_mono_ns();
	int rc;

	gzf_err_clear(&err);
	rc = sms_send_id(p, a, ca->phone, ca->text ? ca->text : CHECK_DEFAULT_TEXT, NULL, &id, &err);
	if (rc == GZF_OK)
		printf("sms: %s accepted message %s in %lld ms\n", p->base_url, id,
		       (long long)((gzf_mono_ns() - t0) / 1000000));
	else
		fprintf(stderr, "gzf: SMS gateway at %s failed after %lld ms: %s [%s]\n",
			p->base_url, (long long)((gzf_mono_ns() - t0) / 1000000), err.message, err.name);
	arena_destroy(a);
	return rc;
}

int
partner_check_main(int argc, char **argv)
{
	struct check_args ca = { 0 };
	struct partners ps;
	struct secrets secrets;
	struct config cfg;
	struct gzf_err err;
	char **rest = gzf_calloc((size_t)argc + 1, sizeof(char *));
	int i, nrest = 0, argi = 0, status = 0;

	for (i = 0; i < argc; i++) {
		char *eq = strncmp(argv[i], "--", 2) == 0 ? strchr(argv[i], '=') : NULL;
		char flag[32];

		snprintf(flag, sizeof(flag), "%.*s", eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]),
			 argv[i]);
		if (eq != NULL && take_flag(&ca, flag, eq + 1))
			continue;
		if (eq == NULL && take_flag(&ca, flag, i + 1 < argc ? argv[i + 1] : NULL)) {
			i++;
			continue;
		}
		rest[nrest++] = argv[i];
	}
	gzf_err_clear(&err);
	if (config_load(&cfg, nrest, rest, &argi, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		status = 2;
		goto out;
	}
	if (argi < nrest) {
		fprintf(stderr, "gzf: unexpected argument '%s' (see 'gzf help')\n", rest[argi]);
		status = 2;
		goto out;
	}
	if ((ca.id_number == NULL) != (ca.name == NULL) || (ca.id_number == NULL && ca.phone == NULL)) {
		fprintf(stderr, "gzf: partner-check needs --id-number N --name NAME (identity "
				"check), --phone P (SMS), or both\n");
		status = 2;
		goto out;
	}
	if (cfg.log_debug)
		log_set_level(LOG_DEBUG);
	if (gzf_crypto_init() != GZF_OK || partners_global_init() != GZF_OK) {
		fprintf(stderr, "gzf: the crypto or HTTP client library could not be initialised\n");
		status = 1;
		goto out;
	}
	if (config_load_secrets(&cfg, 0, &secrets, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		status = 1;
		goto out;
	}
	partners_init(&ps, &cfg, &secrets);
	if (ca.id_number != NULL && check_identity(&ps.identity, &ca) != GZF_OK)
		status = 1;
	if (ca.phone != NULL && check_sms(&ps.sms, &ca) != GZF_OK)
		status = 1;
	sodium_memzero(&secrets, sizeof(secrets));
	curl_global_cleanup();
out:
	free(rest);
	return status;
}
