/*
 * config.c — settings from defaults, environment and flags; the secrets file.
 */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct option_def {
	const char *flag;
	const char *env;
	const char *help;
};

static const struct option_def options[] = {
	{ "--db", "GZF_DB", "database: sqlite:PATH or postgresql://user@host:port/name" },
	{ "--listen", "GZF_LISTEN", "address to serve on, HOST:PORT (default 127.0.0.1:8080)" },
	{ "--data-dir", "GZF_DATA_DIR", "folder for the SQLite database, uploads and secrets (default var)" },
	{ "--web-dir", "GZF_WEB_DIR", "folder of the built front end (default web/dist)" },
	{ "--secrets", "GZF_SECRETS", "secrets file (default DATA_DIR/secrets)" },
	{ "--threads", "GZF_THREADS", "HTTP worker threads (default: one per core)" },
	{ "--max-body", "GZF_MAX_BODY", "largest request body in bytes (default 1048576)" },
	{ "--max-upload", "GZF_MAX_UPLOAD", "largest file upload in bytes (default 10485760)" },
	{ "--debug", "GZF_LOG", "log debug lines too (GZF_LOG=debug)" },
	{ "--identity-url", "GZF_IDENTITY_URL", "identity check service (default http://127.0.0.1:8090/identity)" },
	{ "--sms-url", "GZF_SMS_URL", "SMS gateway (default http://127.0.0.1:8090/sms)" },
	{ "--dept-url", "GZF_DEPT_URL", "department data services (default http://127.0.0.1:8090/dept)" },
	{ "--partner-key-id", "GZF_PARTNER_KEY_ID", "key id gzf signs partner calls with (default gzf)" },
	{ "--trusted-proxies", "GZF_TRUSTED_PROXIES", "load balancers (comma-separated addresses) whose X-Forwarded-For gives the client address" },
	{ "--partner-timeout-ms", "GZF_PARTNER_TIMEOUT_MS", "time limit of one partner call, retries included (default 3000)" },
	{ "--header-timeout", "GZF_HEADER_TIMEOUT", "seconds a client has to send a whole request head (default 10)" },
	{ "--max-per-ip", "GZF_MAX_PER_IP", "open connections from one peer address, 0 for no limit (default 64)" },
	{ "--cookie-secure", "GZF_COOKIE_SECURE", "always mark cookies Secure (they are when a trusted proxy says https)" },
	{ "--metrics-token", "GZF_METRICS_TOKEN", "Bearer token that opens /metrics to clients beyond loopback" },
	{ "--password-list", "GZF_PASSWORD_LIST", "common passwords refused, one a line (default /usr/share/john/password.lst)" },
	{ "--media-sweep-age", "GZF_MEDIA_SWEEP_AGE", "at start, remove unclaimed media files older than this many seconds (default 600)" },
	{ "--test-clock", "GZF_TEST_CLOCK", "tests only: a file holding milliseconds added to the clock, re-read every 100 ms" },
};

static int set_option(struct config *c, const char *flag, const char *value, struct gzf_err *err);
static int set_url(char *dst, size_t size, const char *flag, const char *value, struct gzf_err *err);
static int parse_count(const char *flag, const char *value, int64_t min, int64_t max,
		       const char *unit, int64_t *out, struct gzf_err *err);
static int add_partner_key(const char *path, struct gzf_err *err);

const char *
config_usage(void)
{
	static char text[4096];
	size_t n = 0, i;

	if (text[0] != '\0')
		return text;
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  %-20s %-22s %s\n",
				      options[i].flag, options[i].env, options[i].help);
	return text;
}

static int
copy_value(char *dst, size_t size, const char *flag, const char *value, struct gzf_err *err)
{
	if (value == NULL || *value == '\0' || strlen(value) >= size)
		return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
				   "%s needs a value shorter than %zu characters", flag, size);
	memcpy(dst, value, strlen(value) + 1);
	return GZF_OK;
}

/* A partner base URL: http:// or https://, kept without a trailing slash. */
static int
set_url(char *dst, size_t size, const char *flag, const char *value, struct gzf_err *err)
{
	size_t n;

	if (value == NULL || (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
	    strlen(value) >= size || strpbrk(value, " \t\r\n?#") != NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
				   "%s needs an http:// or https:// URL without query, e.g. "
				   "http://127.0.0.1:8090/identity", flag);
	n = strlen(value);
	while (n > 0 && value[n - 1] == '/')
		n--;
	memcpy(dst, value, n);
	dst[n] = '\0';
	return GZF_OK;
}

/* A whole number option in [min,max]; the message names the unit ("seconds"). */
static int
parse_count(const char *flag, const char *value, int64_t min, int64_t max, const char *unit,
	    int64_t *out, struct gzf_err *err)
{
	if (gzf_parse_int(value, min, max, out) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "bad_option", flag, "%s needs %s from %lld to %lld",
				   flag, unit, (long long)min, (long long)max);
	return GZF_OK;
}

static int
set_option(struct config *c, const char *flag, const char *value, struct gzf_err *err)
{
	int64_t n;

	if (strcmp(flag, "--db") == 0)
		return copy_value(c->db_url, sizeof(c->db_url), flag, value, err);
	if (strcmp(flag, "--data-dir") == 0)
		return copy_value(c->data_dir, sizeof(c->data_dir), flag, value, err);
	if (strcmp(flag, "--web-dir") == 0)
		return copy_value(c->web_dir, sizeof(c->web_dir), flag, value, err);
	if (strcmp(flag, "--password-list") == 0)
		return copy_value(c->password_list, sizeof(c->password_list), flag, value, err);
	if (strcmp(flag, "--test-clock") == 0)
		return copy_value(c->test_clock, sizeof(c->test_clock), flag, value, err);
	if (strcmp(flag, "--secrets") == 0)
		return copy_value(c->secrets_path, sizeof(c->secrets_path), flag, value, err);
	if (strcmp(flag, "--listen") == 0) {
		const char *colon = value ? strrchr(value, ':') : NULL;

		if (colon == NULL || colon == value || (size_t)(colon - value) >= sizeof(c->host) ||
		    gzf_parse_int(colon + 1, 0, 65535, &n) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
					   "--listen needs HOST:PORT, e.g. 127.0.0.1:8080");
		memcpy(c->host, value, (size_t)(colon - value));
		c->host[colon - value] = '\0';
		c->port = (int)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--threads") == 0) {
		if (parse_count(flag, value, 0, 256, "a number", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->threads = (int)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--max-body") == 0) {
		if (parse_count(flag, value, 1024, 256 * 1024 * 1024, "a byte count", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->max_body = (size_t)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--max-upload") == 0) {
		if (parse_count(flag, value, 1024, 1024 * 1024 * 1024, "a byte count", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->max_upload = (size_t)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--identity-url") == 0)
		return set_url(c->identity_url, sizeof(c->identity_url), flag, value, err);
	if (strcmp(flag, "--sms-url") == 0)
		return set_url(c->sms_url, sizeof(c->sms_url), flag, value, err);
	if (strcmp(flag, "--dept-url") == 0)
		return set_url(c->dept_url, sizeof(c->dept_url), flag, value, err);
	if (strcmp(flag, "--partner-key-id") == 0) {
		if (value == NULL || *value == '\0' || strlen(value) >= sizeof(c->partner_key_id) ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
			    strlen(value))
			return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
					   "--partner-key-id needs 1 to 63 letters, digits, '.', '_' or '-'");
		memcpy(c->partner_key_id, value, strlen(value) + 1);
		return GZF_OK;
	}
	if (strcmp(flag, "--trusted-proxies") == 0)
		return copy_value(c->trusted_proxies, sizeof(c->trusted_proxies), flag, value, err);
	if (strcmp(flag, "--partner-timeout-ms") == 0) {
		if (parse_count(flag, value, 100, 120000, "milliseconds", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->partner_timeout_ms = (int)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--header-timeout") == 0) {
		if (parse_count(flag, value, 1, 300, "seconds", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->header_timeout = (int)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--max-per-ip") == 0) {
		if (parse_count(flag, value, 0, 65535, "a number (0: no limit)", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->max_per_ip = (int)n;
		return GZF_OK;
	}
	if (strcmp(flag, "--cookie-secure") == 0) {
		if (value != NULL && strcmp(value, "1") != 0 && strcmp(value, "true") != 0 &&
		    strcmp(value, "0") != 0 && strcmp(value, "false") != 0)
			return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
					   "--cookie-secure takes no value, or 1, true, 0 or false");
		c->cookie_secure = value == NULL || strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
		return GZF_OK;
	}
	if (strcmp(flag, "--metrics-token") == 0) {
		if (value == NULL || strlen(value) < 16 || strlen(value) >= sizeof(c->metrics_token))
			return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
					   "--metrics-token needs 16 to %zu characters",
					   sizeof(c->metrics_token) - 1);
		memcpy(c->metrics_token, value, strlen(value) + 1);
		return GZF_OK;
	}
	if (strcmp(flag, "--media-sweep-age") == 0) {
		if (parse_count(flag, value, 0, INT64_C(1) << 40, "seconds", &n, err) != GZF_OK)
			return GZF_EINVAL;
		c->media_sweep_age_s = n;
		return GZF_OK;
	}
	if (strcmp(flag, "--debug") == 0) {
		c->log_debug = value == NULL || strcmp(value, "debug") == 0;
		return GZF_OK;
	}
	return gzf_err_set(err, GZF_EINVAL, "bad_option", flag,
			   "unknown option %s (see 'gzf help')", flag);
}

int
config_load(struct config *c, int argc, char **argv, int *argi, struct gzf_err *err)
{
	size_t i;
	int rc;

	memset(c, 0, sizeof(*c));
	strcpy(c->host, "127.0.0.1");
	c->port = 8080;
	strcpy(c->data_dir, "var");
	strcpy(c->web_dir, "web/dist");
	c->max_body = 1024 * 1024;
	c->max_upload = 10 * 1024 * 1024;
	c->max_connections = 1024;
	c->max_per_ip = 64;
	c->header_timeout = 10;
	strcpy(c->identity_url, "http://127.0.0.1:8090/identity");
	strcpy(c->sms_url, "http://127.0.0.1:8090/sms");
	strcpy(c->dept_url, "http://127.0.0.1:8090/dept");
	strcpy(c->partner_key_id, "gzf");
	c->partner_timeout_ms = 3000;
	c->media_sweep_age_s = 600;
	strcpy(c->password_list, "/usr/share/john/password.lst");

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const char *v = getenv(options[i].env);

		if (v != NULL && *v != '\0' && (rc = set_option(c, options[i].flag, v, err)) != GZF_OK) {
			gzf_err_prefix(err, NULL, options[i].env, "environment variable %s: ",
				       options[i].env);
			return rc;
		}
	}
	while (*argi < argc && strncmp(argv[*argi], "--", 2) == 0) {
		char *flag = argv[*argi], *eq = strchr(flag, '=');
		const char *value;

		if (eq != NULL) {
			*eq = '\0';
			value = eq + 1;
		} else if (strcmp(flag, "--debug") == 0 || strcmp(flag, "--cookie-secure") == 0) {
			value = NULL;
		} else {
			value = *argi + 1 < argc ? argv[++*argi] : NULL;
		}
		rc = set_option(c, flag, value, err);
		if (eq != NULL)
			*eq = '=';
		if (rc != GZF_OK)
			return rc;
		++*argi;
	}
	if (c->db_url[0] == '\0')
		snprintf(c->db_url, sizeof(c->db_url), "sqlite:%.500s/gzf.db", c->data_dir);
	if (c->secrets_path[0] == '\0')
		snprintf(c->secrets_path, sizeof(c->secrets_path), "%.490s/secrets", c->data_dir);
	return GZF_OK;
}

static int
write_secrets(const char *path, struct gzf_err *err)
{
	static const char *names[] = { "data_key", "index_key", "token_key", "partner_key" };
	unsigned char key[SECRET_KEY_BYTES];
	char hex[SECRET_KEY_BYTES * 2 + 1];
	FILE *f;
	size_t i;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
				   "cannot create secrets file %s: %s", path, strerror(errno));
	f = fdopen(fd, "w");
	fprintf(f, "# gzf secrets: keys that protect personal data. Keep this file private and\n"
		   "# backed up separately from the database: without it the data cannot be read.\n"
		   "# partner_key signs gzf's calls to partner services (identity check, SMS); the\n"
		   "# partners hold the same key (docs/partners/README.md).\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		randombytes_buf(key, sizeof(key));
		sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
		fprintf(f, "%s = %s\n", names[i], hex);
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	if (fflush(f) != 0 || fsync(fd) != 0) {
		fclose(f);
		return gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
				   "cannot write secrets file %s", path);
	}
	fclose(f);
	return GZF_OK;
}

static int
parse_key(const char *hex, unsigned char *out, const char *path, const char *name,
	  struct gzf_err *err)
{
	size_t len = 0;

	if (sodium_hex2bin(out, SECRET_KEY_BYTES, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != SECRET_KEY_BYTES)
		return gzf_err_set(err, GZF_EINVAL, "secrets", "secrets",
				   "%s: %s must be %d hex bytes", path, name, SECRET_KEY_BYTES);
	return GZF_OK;
}

int
config_load_secrets(const struct config *c, int create, struct secrets *out, struct gzf_err *err)
{
	char line[512], name[64], value[256];
	const char *path = c->secrets_path;
	int have = 0, rc;
	struct stat st;
	FILE *f;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT || !create)
			return gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
					   "cannot read secrets file %s: %s", path, strerror(errno));
		if ((rc = write_secrets(path, err)) != GZF_OK)
			return rc;
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		return gzf_err_set(err, GZF_EINVAL, "secrets", "secrets",
				   "secrets file %s must not be readable by others (chmod 600)", path);
	}
	f = fopen(path, "r");
	if (f == NULL)
		return gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
				   "cannot read secrets file %s: %s", path, strerror(errno));
	rc = GZF_OK;
	while (rc == GZF_OK && fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, " %63[a-z_] = %255s", name, value) != 2) {
			rc = gzf_err_set(err, GZF_EINVAL, "secrets", "secrets",
					 "%s: lines must be 'name = hex'", path);
		} else if (strcmp(name, "data_key") == 0) {
			rc = parse_key(value, out->data_key, path, name, err);
			have |= 1;
		} else if (strcmp(name, "index_key") == 0) {
			rc = parse_key(value, out->index_key, path, name, err);
			have |= 2;
		} else if (strcmp(name, "token_key") == 0) {
			rc = parse_key(value, out->token_key, path, name, err);
			have |= 4;
		} else if (strcmp(name, "partner_key") == 0) {
			rc = parse_key(value, out->partner_key, path, name, err);
			have |= 8;
		}
	}
	fclose(f);
	sodium_memzero(value, sizeof(value));
	sodium_memzero(line, sizeof(line));
	if (rc == GZF_OK && (have & 7) != 7)
		rc = gzf_err_set(err, GZF_EINVAL, "secrets", "secrets",
				 "%s must define data_key, index_key and token_key", path);
	if (rc == GZF_OK && !(have & 8)) {
		if (!create)
			return gzf_err_set(err, GZF_EINVAL, "secrets", "secrets",
					   "%s has no partner_key: add a line 'partner_key = <64 hex "
					   "characters>' (e.g. from 'openssl rand -hex 32'), or start "
					   "'gzf serve' once to add one", path);
		if ((rc = add_partner_key(path, err)) != GZF_OK)
			return rc;
		return config_load_secrets(c, 0, out, err);
	}
	return rc;
}

/* Append a fresh partner_key line to a secrets file written before partner keys
 * existed. Under an exclusive lock, and only if no other process added one meanwhile
 * (gzf serve and gzf sim may start together on the same file). */
static int
add_partner_key(const char *path, struct gzf_err *err)
{
	unsigned char key[SECRET_KEY_BYTES];
	char hex[SECRET_KEY_BYTES * 2 + 1], text[8192], line[160];
	ssize_t n, len = 0;
	int fd, rc = GZF_OK;

	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		rc = gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
				 "cannot add partner_key to %s: %s", path, strerror(errno));
		goto out;
	}
	while (len < (ssize_t)sizeof(text) - 1 &&
	       (n = pread(fd, text + len, sizeof(text) - 1 - (size_t)len, len)) > 0)
		len += n;
	text[len] = '\0';
	if (strncmp(text, "partner_key", 11) == 0 || strstr(text, "\npartner_key") != NULL)
		goto out;
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	n = snprintf(line, sizeof(line), "%spartner_key = %s\n",
		     len > 0 && text[len - 1] != '\n' ? "\n" : "", hex);
	if (write(fd, line, (size_t)n) != n || fsync(fd) != 0)
		rc = gzf_err_set(err, GZF_EUNAVAIL, "secrets", "secrets",
				 "cannot add partner_key to %s: %s", path, strerror(errno));
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(line, sizeof(line));
	sodium_memzero(text, sizeof(text));
	if (fd >= 0)
		close(fd);
	return rc;
}
