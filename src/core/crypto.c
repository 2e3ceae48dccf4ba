/*
 * crypto.c — libsodium wrappers: sealed values, keyed hashes, HMAC, password hashes,
 * tokens and codes. Nothing here keeps state; sodium_init() ran in gzf_crypto_init().
 */
#include "core/crypto.h"

#include <sodium.h>
#include <string.h>

_Static_assert(CRYPTO_PWHASH_MAX >= crypto_pwhash_STRBYTES, "password hash buffer too small");
_Static_assert(crypto_secretbox_KEYBYTES == 32, "secretbox key size");
_Static_assert(crypto_generichash_KEYBYTES_MAX >= 32, "generichash key size");

#define SEAL_NONCE crypto_secretbox_NONCEBYTES
#define SEAL_MAC crypto_secretbox_MACBYTES
#define SEAL_B64 sodium_base64_VARIANT_ORIGINAL
#define TOKEN_B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define TOKEN_BYTES 32

_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_BYTES, TOKEN_B64) == CRYPTO_TOKEN_CHARS + 1,
	       "token length");

void
crypto_seal(struct arena *a, const unsigned char key[32], const char *plain, char **out)
{
	size_t len = plain ? strlen(plain) : 0;
	size_t binlen = SEAL_NONCE + SEAL_MAC + len;
	unsigned char *bin = arena_alloc(a, binlen);
	size_t b64len = sodium_base64_ENCODED_LEN(binlen, SEAL_B64);

	randombytes_buf(bin, SEAL_NONCE);
	crypto_secretbox_easy(bin + SEAL_NONCE, (const unsigned char *)(plain ? plain : ""), len,
			      bin, key);
	*out = arena_alloc(a, b64len);
	sodium_bin2base64(*out, b64len, bin, binlen, SEAL_B64);
}

int
crypto_open(struct arena *a, const unsigned char key[32], const char *sealed, char **out)
{
	unsigned char *bin, *plain;
	const char *end = NULL;
	size_t b64len, binmax, binlen = 0, len;
	int rc = GZF_EINVAL;

	*out = NULL;
	if (sealed == NULL)
		goto out;
	b64len = strlen(sealed);
	binmax = b64len / 4 * 3 + 3;
	bin = arena_alloc(a, binmax);
	if (sodium_base642bin(bin, binmax, sealed, b64len, NULL, &binlen, &end, SEAL_B64) != 0 ||
	    end != sealed + b64len || binlen < SEAL_NONCE + SEAL_MAC)
		goto out;
	len = binlen - SEAL_NONCE - SEAL_MAC;
	plain = arena_alloc(a, len + 1);
	if (crypto_secretbox_open_easy(plain, bin + SEAL_NONCE, binlen - SEAL_NONCE, bin, key) != 0) {
		sodium_memzero(plain, len + 1);
		goto out;
	}
	plain[len] = '\0';
	*out = (char *)plain;
	rc = GZF_OK;
out:
	return rc;
}

void
crypto_keyed_hash(const unsigned char key[32], const char *text, char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];

	if (text == NULL)
		text = "";
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), key, 32);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, h, sizeof(h));
}

void
crypto_hmac_hex(const unsigned char *key, size_t keylen, const void *data, size_t len,
		char out[CRYPTO_HASH_HEX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

int
crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX])
{
	if (password == NULL)
		password = "";
	/* Argon2id named explicitly, so a future libsodium default cannot change it. */
	if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return GZF_EINTERNAL;
	}
	return GZF_OK;
}

int
crypto_password_verify(const char *hash, const char *password)
{
	if (hash == NULL || password == NULL)
		return GZF_EUNAUTH;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return GZF_EUNAUTH;
	return GZF_OK;
}

void
crypto_token(char out[CRYPTO_TOKEN_CHARS + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, CRYPTO_TOKEN_CHARS + 1, raw, sizeof(raw), TOKEN_B64);
	sodium_memzero(raw, sizeof(raw));
}

void
crypto_random_digits(char *out, size_t n)
{
	unsigned char pool[32];
	size_t i = 0, k = sizeof(pool);

	/* Bytes of 250 and over are dropped, so each digit is equally likely; one draw from
	 * the system serves many digits (one per digit cost a system call each). */
	while (i < n) {
		if (k == sizeof(pool)) {
			randombytes_buf(pool, sizeof(pool));
			k = 0;
		}
		if (pool[k] < 250)
			out[i++] = (char)('0' + pool[k] % 10);
		k++;
	}
	sodium_memzero(pool, sizeof(pool));
	out[n] = '\0';
}

int
crypto_equal(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL)
		return 0;
	n = strlen(a);
	if (n != strlen(b))
		return 0;
	return sodium_memcmp(a, b, n) == 0;
}
