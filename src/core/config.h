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
	char secrets_path[512]; /* GZF_SECRETS, --secrets */
	int threads;            /* GZF_THREADS, --threads: 0 = one per core */
	size_t max_body;        /* GZF_MAX_BODY, --max-body: bytes */
	int max_connections;
	int log_debug;          /* GZF_LOG=debug, --debug */
};

struct secrets {
	unsigned char data_key[SECRET_KEY_BYTES];  /* encrypts personal data at rest */
	unsigned char index_key[SECRET_KEY_BYTES]; /* keyed hashes for look-ups */
	unsigned char token_key[SECRET_KEY_BYTES]; /* hashes session tokens and codes */
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
 * set, write a new one with fresh random keys (mode 0600). Returns 0, or GZF_EINVAL /
 * GZF_EUNAVAIL with a message (a file readable by others is refused).
 */
int config_load_secrets(const struct config *c, int create, struct secrets *out,
			struct gzf_err *err);

#endif
