/*
 * config.h — gzf's settings: built-in defaults, then GZF_* environment variables, then
 * command-line flags, each overriding the one before; and the secrets file, which holds
 * the keys that protect personal data and never lives in the database.
 */
#ifndef GZF_CORE_CONFIG_H
#define GZF_CORE_CONFIG_H

#include <stddef.h>

#include "core/gzf.h"

#define SECRET_KEY_BYTES 32

struct config {
	char db_url[1024];      /* GZF_DB, --db: sqlite:PATH or postgresql://... */
	char host[64];          /* GZF_LISTEN, --listen: HOST:PORT */
	int port;
	char data_dir[512];     /* GZF_DATA_DIR, --data-dir: database, uploads, secrets */
	char web_dir[512];      /* GZF_WEB_DIR, --web-dir: the built front end */
	char trusted_proxies[256]; /* GZF_TRUSTED_PROXIES, --trusted-proxies: comma-separated
				    * addresses whose X-Forwarded-For names the client */
	char secrets_path[512]; /* GZF_SECRETS, --secrets */
	int threads;            /* GZF_THREADS, --threads: 0 = one per core */
	size_t max_body;        /* GZF_MAX_BODY, --max-body: bytes */
	size_t max_upload;      /* GZF_MAX_UPLOAD, --max-upload: bytes of a file upload */
	int max_connections;
	int max_per_ip;         /* GZF_MAX_PER_IP, --max-per-ip: connections from one peer, 0 = any */
	int header_timeout;     /* GZF_HEADER_TIMEOUT, --header-timeout: seconds to send a request head */
	int cookie_secure;      /* GZF_COOKIE_SECURE, --cookie-secure: always mark cookies Secure */
	char metrics_token[128]; /* GZF_METRICS_TOKEN, --metrics-token: Bearer token for /metrics */
	int log_debug;          /* GZF_LOG=debug, --debug */
	/* Partner services (docs/partners/): where they are and how gzf signs its calls. */
	char identity_url[512]; /* GZF_IDENTITY_URL, --identity-url: identity check base URL */
	char sms_url[512];      /* GZF_SMS_URL, --sms-url: SMS gateway base URL */
	char dept_url[512];     /* GZF_DEPT_URL, --dept-url: department data services base URL */
	char partner_key_id[64]; /* GZF_PARTNER_KEY_ID, --partner-key-id: sent as X-Gzf-Key-Id */
	int partner_timeout_ms; /* GZF_PARTNER_TIMEOUT_MS, --partner-timeout-ms: per call, retries included */
	char password_list[512]; /* GZF_PASSWORD_LIST, --password-list: common passwords refused */
	int64_t media_sweep_age_s; /* GZF_MEDIA_SWEEP_AGE, --media-sweep-age: spare younger unclaimed files */
	char test_clock[512];   /* GZF_TEST_CLOCK, --test-clock: file with a clock offset in ms (tests) */
};

struct secrets {
	unsigned char data_key[SECRET_KEY_BYTES];  /* encrypts personal data at rest */
	unsigned char index_key[SECRET_KEY_BYTES]; /* keyed hashes for look-ups */
	unsigned char token_key[SECRET_KEY_BYTES]; /* hashes session tokens and codes */
	unsigned char partner_key[SECRET_KEY_BYTES]; /* signs calls to partner services */
};

/*
 * config_load — fill c from defaults, the environment and argv[*argi..]; flags are
 * consumed until the first non-flag, whose index is left in *argi. Returns 0, or
 * GZF_EINVAL with a message naming the bad option.
 */
int config_load(struct config *c, int argc, char **argv, int *argi, struct gzf_err *err);

/* config_usage — the flag list, for `gzf help`. */
const char *config_usage(void);

/*
 * config_load_secrets — read the secrets file; when it does not exist and create is
 * set, write a new one with fresh random keys (mode 0600). A file without a
 * partner_key line gets a fresh one appended when create is set (files written before
 * partner keys existed); without create that is an error saying how to add one.
 * Returns 0, or GZF_EINVAL / GZF_EUNAVAIL with a message (a file readable by others is
 * refused).
 */
int config_load_secrets(const struct config *c, int create, struct secrets *out,
			struct gzf_err *err);

#endif
