/*
 * crypto.h — the cryptography gzf uses to protect personal data, as thin wrappers over
 * libsodium: sealing values at rest, keyed look-up hashes of sealed values, HMAC for
 * partner messages, password hashing, and random tokens and codes. gzf_crypto_init() must
 * have run before any of these. Keys are 32 bytes (from the secrets file).
 */
#ifndef GZF_CORE_CRYPTO_H
#define GZF_CORE_CRYPTO_H

#include <stddef.h>

#include "core/arena.h"
#include "core/gzf.h"

#define CRYPTO_TOKEN_CHARS 43 /* 32 random bytes, base64url without padding */
#define CRYPTO_HASH_HEX 65    /* 64 hex chars + NUL */
#define CRYPTO_PWHASH_MAX 128 /* >= crypto_pwhash_STRBYTES */

/*
 * crypto_seal — encrypt plain (NUL-terminated; NULL is taken as "") with secretbox
 * (XSalsa20-Poly1305) under key and a fresh random nonce. *out receives base64 (original
 * variant, padded) of nonce||mac||ciphertext, allocated in a. Never fails; sealing the
 * same text twice gives different results.
 */
void crypto_seal(struct arena *a, const unsigned char key[32], const char *plain, char **out);

/*
 * crypto_open — the reverse of crypto_seal. Returns 0 and sets *out to the NUL-terminated
 * plain text (in a), or GZF_EINVAL when sealed is NULL, not base64, too short, or fails
 * authentication (tampered with, or sealed under another key); *out is then NULL.
 */
int crypto_open(struct arena *a, const unsigned char key[32], const char *sealed, char **out);

/*
 * crypto_keyed_hash — BLAKE2b-256 keyed hash (crypto_generichash with key) of text
 * (NULL is taken as "") as 64 lowercase hex characters and a NUL. Deterministic for one
 * key, so a sealed column can carry it for look-ups ("the account with this ID number").
 */
void crypto_keyed_hash(const unsigned char key[32], const char *text, char out[CRYPTO_HASH_HEX]);

/*
 * crypto_hmac_hex — HMAC-SHA256 of data (len bytes) under key (keylen bytes, any length)
 * as 64 lowercase hex characters and a NUL.
 */
void crypto_hmac_hex(const unsigned char *key, size_t keylen, const void *data, size_t len,
		     char out[CRYPTO_HASH_HEX]);

/*
 * crypto_password_hash — hash password with Argon2id (crypto_pwhash_str,
 * OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE) into out, a NUL-terminated string that
 * carries its own salt and parameters. Returns 0, or GZF_EINTERNAL when the memory for
 * the hash could not be had.
 */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX]);

/*
 * crypto_password_verify — 0 when password matches hash (made by crypto_password_hash),
 * GZF_EUNAUTH otherwise (also for NULL or malformed input). Constant-time.
 */
int crypto_password_verify(const char *hash, const char *password);

/* crypto_token — a new random token: CRYPTO_TOKEN_CHARS base64url characters (no
 * padding) from 32 random bytes, and a NUL. */
void crypto_token(char out[CRYPTO_TOKEN_CHARS + 1]);

/* crypto_random_digits — n uniformly random decimal digits and a NUL (out holds n+1
 * bytes), without modulo bias: for codes sent by SMS. */
void crypto_random_digits(char *out, size_t n);

/*
 * crypto_equal — 1 when the NUL-terminated strings a and b are equal, 0 otherwise (also
 * when either is NULL). The time taken depends on the lengths only, never on where the
 * strings differ: for comparing secrets such as tokens and codes.
 */
int crypto_equal(const char *a, const char *b);

#endif
