/*
 * throttle.c — the attempt policies: slow first (doubling waits), then lock.
 */
#include "domain/throttle.h"

#define SECOND 1000LL
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)

/* Whoever guesses, an account is only slowed: at most one wrong password every few
 * seconds, so its owner waits that long at worst. */
const struct throttle_policy throttle_login_account = {
	"login:account", 5, 0, 1 * SECOND, 4 * SECOND, 15 * MINUTE
};
/* One address guessing one account: slowed after three, locked after six. */
const struct throttle_policy throttle_login_pair = {
	"login:pair", 3, 6, 2 * SECOND, 15 * MINUTE, 15 * MINUTE
};
const struct throttle_policy throttle_login_ip = {
	"login:ip", 10, 30, 1 * SECOND, 15 * MINUTE, 15 * MINUTE
};
/* One code a minute, at most ten a day per phone. */
const struct throttle_policy throttle_sms_phone = {
	"sms:phone", 0, 10, 60 * SECOND, 24 * HOUR, 24 * HOUR
};
const struct throttle_policy throttle_sms_ip = {
	"sms:ip", 10, 30, 10 * SECOND, HOUR, HOUR
};
/* A clerk sends a consent code per person served: a busy hour's worth, then slower. */
const struct throttle_policy throttle_sms_staff = {
	"sms:staff", 20, 60, 30 * SECOND, HOUR, HOUR
};
const struct throttle_policy throttle_code_phone = {
	"code:phone", 3, 10, 2 * SECOND, 30 * MINUTE, 30 * MINUTE
};

int64_t
throttle_next(const struct throttle_policy *p, int attempts, int64_t now)
{
	int64_t delay;
	int extra;

	if (p->lock_after > 0 && attempts >= p->lock_after)
		return now + p->lock_ms;
	if (attempts <= p->free_attempts)
		return now;
	/* A policy with no free attempts spaces every attempt by the base delay. */
	if (p->free_attempts == 0)
		return now + p->base_delay_ms;
	extra = attempts - p->free_attempts - 1;
	delay = p->base_delay_ms << (extra > 20 ? 20 : extra);
	return now + (delay < p->lock_ms ? delay : p->lock_ms);
}

/* Public objections during publicity: a few an hour from one address, then slower. */
const struct throttle_policy throttle_objection_ip = {
	"objection:ip", 5, 20, 10 * SECOND, HOUR, HOUR
};

/* Error reports from the web apps: the first ten a minute from one address are logged
 * one by one, the next ones only counted (no wait), and thirty in a minute lock the
 * address out for five minutes: a browser stuck in an error loop, or a flood, cannot
 * fill the log. */
const struct throttle_policy throttle_client_error_ip = {
	"client_error:ip", 10, 30, 0, 5 * MINUTE, MINUTE
};

/* Refused bank notifications (a bad signature, a stale or replayed one, an unknown order):
 * each is recorded and audited, so sixty in a minute from one address lock it out for
 * ten minutes, unrecorded — a forger cannot fill the tables. The bank's own retries of
 * one notification are eight in half an hour. */
const struct throttle_policy throttle_bank_notify_ip = {
	"bank_notify:ip", 60, 60, 0, 10 * MINUTE, MINUTE
};
