/*
 * lottery.h — the verifiable lottery of an allocation round (R20), algorithm
 * "gzf-lottery-1" as docs/lottery.md specifies it byte for byte: the frozen list and its
 * hash (the commitment), the seed from that hash and the randomness drawn on the day,
 * the SHA-256 counter stream, uniform integers by rejection sampling, the Fisher-Yates
 * shuffle of each priority group, and the proof anyone can check (build and verify).
 * Pure domain code: no SQL, no HTTP; SHA-256 is libsodium's (gzf_crypto_init first).
 */
#ifndef GZF_DOMAIN_LOTTERY_H
#define GZF_DOMAIN_LOTTERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/gzf.h"

#define LOTTERY_VERSION "gzf-lottery-1"
#define LOTTERY_MAX_CANDIDATES 1000000
#define LOTTERY_MAX_GROUPS 32
#define LOTTERY_MAX_GROUP_CODE 32   /* characters: a-z 0-9 _ - */
#define LOTTERY_MAX_DIGITS 64       /* digits drawn on site */
#define LOTTERY_MAX_SOURCE 128      /* the beacon's name: printable ASCII */
#define LOTTERY_MAX_BEACON_HEX 256  /* the beacon value: lowercase hex, even length */
#define LOTTERY_MAX_ID 9007199254740991LL /* 2^53-1: exact in every JSON reader */
#define LOTTERY_MIN_NOTICE_S 86400  /* commitment to draw: at least 24 hours */
#define LOTTERY_MAX_PROOF_BYTES (128 * 1024 * 1024) /* a proof of 1,000,000 fits */
#define LOTTERY_HEX 65              /* a SHA-256 as 64 lowercase hex characters and NUL */

/* One priority group: its code and its application ids, ascending in the frozen list,
 * in drawn order in a draw. ids point into an arena. */
struct lottery_group {
	char code[LOTTERY_MAX_GROUP_CODE + 1];
	int64_t *ids;
	size_t n;
};

/* The frozen list and what its commitment names: everything fixed before the draw. */
struct lottery_list {
	int64_t city;        /* the city's region code */
	int64_t round_id;
	int64_t frozen_at;   /* Unix seconds, UTC */
	int64_t draw_at;     /* the committed draw time, Unix seconds, UTC */
	int digit_count;     /* how many digits will be drawn on site */
	char beacon_source[LOTTERY_MAX_SOURCE + 1]; /* the named public beacon; "" for none */
	size_t ngroups;      /* groups in priority order, each with at least one candidate */
	size_t n;            /* candidates in all groups */
	struct lottery_group groups[LOTTERY_MAX_GROUPS];
};

/* The randomness of the day, as entered. */
struct lottery_randomness {
	char digits[LOTTERY_MAX_DIGITS + 1];
	char beacon[LOTTERY_MAX_BEACON_HEX + 1]; /* "" when the commitment names no beacon */
};

/* A draw: the list hash, the seed and each group's drawn order (ids in an arena). */
struct lottery_draw {
	char list_hash[LOTTERY_HEX];
	char seed[LOTTERY_HEX];
	int64_t drawn_at;
	struct lottery_group order[LOTTERY_MAX_GROUPS];
};

/* The SHA-256 counter stream: 32-bit big-endian words of SHA-256(seed || uint64_be(i)). */
struct lottery_stream {
	unsigned char seed[32];
	uint64_t block;      /* the next block to hash */
	uint32_t words[8];
	unsigned next;       /* the next word of words; 8 when a block is needed */
};

/*
 * lottery_list_from_json — read the frozen list (the keys version, city, round_id,
 * frozen_at, draw_at, digit_count, beacon_source (optional), groups, entries) from j
 * into *l, the ids in a. Every other key of j must be one of extra_keys (a NULL-ended
 * list, may be NULL). Canonical input only: entries ordered by group priority then
 * ascending id, each group used, no id twice, every value within the bounds above.
 * GZF_EINVAL "invalid_lottery_list" otherwise, the message naming the key at fault.
 */
int lottery_list_from_json(struct arena *a, const json_t *j, const char *const *extra_keys,
			   struct lottery_list *l, struct gzf_err *err);

/* lottery_list_hash — the list hash: lowercase hex SHA-256 of the list's canonical bytes
 * (docs/lottery.md, "The frozen list"). */
void lottery_list_hash(const struct lottery_list *l, char out[LOTTERY_HEX]);

/*
 * lottery_randomness_check — GZF_OK when r is well formed (1 to LOTTERY_MAX_DIGITS
 * decimal digits; a beacon value, when there is one, of lowercase hex, even length, at
 * most LOTTERY_MAX_BEACON_HEX) and is what l's commitment names: digit_count digits,
 * and a beacon value exactly when a beacon source is named. GZF_EINVAL
 * "invalid_randomness" when malformed, GZF_ECONFLICT "randomness_mismatch" when it is
 * not what was committed.
 */
int lottery_randomness_check(const struct lottery_list *l, const struct lottery_randomness *r,
			     struct gzf_err *err);

/* lottery_seed — SHA-256 of "gzf-lottery-1\n" list_hash "\n" "digits\t" digits "\n"
 * and, with a beacon, "beacon\t" beacon "\n". r must have passed the check above. */
void lottery_seed(const char list_hash[LOTTERY_HEX], const struct lottery_randomness *r,
		  unsigned char seed[32]);

/* lottery_stream_init — a stream at its first word (block 0, word 0). */
void lottery_stream_init(struct lottery_stream *s, const unsigned char seed[32]);

/* lottery_stream_next — the next word of the stream. */
uint32_t lottery_stream_next(struct lottery_stream *s);

/* lottery_accept_below — the rejection bound for n >= 1: 2^32 - (2^32 mod n), the
 * largest multiple of n that is at most 2^32. A word is used only when below it. */
uint64_t lottery_accept_below(uint32_t n);

/* lottery_uniform — a uniform integer in [0, n), n >= 1: the first word of s below
 * lottery_accept_below(n), mod n (words at or above it are skipped). */
uint32_t lottery_uniform(struct lottery_stream *s, uint32_t n);

/* lottery_shuffle — Fisher-Yates on ids[0..n): for i from n-1 down to 1, swap ids[i]
 * with ids[lottery_uniform(s, i + 1)]. n <= LOTTERY_MAX_CANDIDATES. */
void lottery_shuffle(struct lottery_stream *s, int64_t *ids, size_t n);

/*
 * lottery_draw — the draw of list l with randomness r at drawn_at (Unix seconds): the
 * list hash, the seed, and each group's order (one stream across the groups in priority
 * order), in *d with the ids in a. Refuses with the errors of lottery_randomness_check,
 * and with GZF_ESTATE "lottery_timing" when draw_at is less than LOTTERY_MIN_NOTICE_S
 * after frozen_at or drawn_at is before draw_at.
 */
int lottery_draw(struct arena *a, const struct lottery_list *l, const struct lottery_randomness *r,
		 int64_t drawn_at, struct lottery_draw *d, struct gzf_err *err);

/* lottery_proof_build — the proof of draw d of l with r (docs/lottery.md, "The proof"),
 * a new reference. */
json_t *lottery_proof_build(const struct lottery_list *l, const struct lottery_randomness *r,
			    const struct lottery_draw *d);

/*
 * lottery_proof_verify — check proof from the list up: GZF_OK when the list hash, the
 * timing, the randomness, the seed and every group's order are what the inputs give.
 * GZF_EINVAL "invalid_lottery_list", "invalid_lottery_proof" or "invalid_randomness"
 * for a proof that is malformed, out of bounds or not canonical; GZF_ECONFLICT for the first difference, the
 * message naming it: err->name "list_hash_mismatch", "lottery_timing",
 * "randomness_mismatch", "seed_mismatch" or "order_mismatch" ("group G position N:
 * expected A, got B", positions from 1).
 */
int lottery_proof_verify(const json_t *proof, struct gzf_err *err);

/* lottery_time_parse — s as "YYYY-MM-DDTHH:MM:SSZ" (UTC, years 1970-2099, exactly that
 * form) in Unix seconds; GZF_EINVAL otherwise. */
int lottery_time_parse(const char *s, int64_t *out);

/* lottery_time_format — t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ". */
void lottery_time_format(int64_t t, char out[21]);

#endif
