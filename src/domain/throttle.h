/*
 * throttle.h — how repeated attempts are slowed down and then locked out: failed
 * logins per account, per account and address and per client address, SMS codes per
 * phone, per address and per clerk, wrong codes per phone, public objections per address,
 * error reports from the web apps per address, refused bank notifications per address.
 *
 * Logins are guarded so that a stranger can slow an account down but never lock its
 * owner out: the hard limits belong to the guessing address (per account and address,
 * and per address over all accounts), while the account's own limit only spaces
 * attempts by a few seconds at most, whoever makes them.
 */
#ifndef GZF_DOMAIN_THROTTLE_H
#define GZF_DOMAIN_THROTTLE_H

#include <stdint.h>

struct throttle_policy {
	const char *name;      /* scope prefix, e.g. "login:account" */
	int free_attempts;     /* attempts counted in a window before any wait */
	int lock_after;        /* attempts in a window that lock until the lock time ends;
				* 0: never locks, the wait only grows up to lock_ms */
	int64_t base_delay_ms; /* the first wait; doubles with each further attempt */
	int64_t lock_ms;       /* how long a lock lasts */
	int64_t window_ms;     /* attempts older than this are forgotten */
};

extern const struct throttle_policy throttle_login_account; /* wrong passwords, per account (slows only) */
extern const struct throttle_policy throttle_login_pair;    /* wrong passwords, per account and address */
extern const struct throttle_policy throttle_login_ip;      /* refused logins, per address */
extern const struct throttle_policy throttle_sms_phone;     /* codes sent, per phone */
extern const struct throttle_policy throttle_sms_ip;        /* codes asked for, per address */
extern const struct throttle_policy throttle_sms_staff;     /* consent codes sent, per clerk */
extern const struct throttle_policy throttle_code_phone;    /* wrong codes, per phone */
extern const struct throttle_policy throttle_objection_ip;  /* public objections, per address */
extern const struct throttle_policy throttle_client_error_ip; /* error reports, per address */
extern const struct throttle_policy throttle_bank_notify_ip; /* refused bank notifications, per address */

/*
 * throttle_next — after an attempt that counts, given attempts_in_window (including
 * this one), the time (ms) before which the next attempt is refused; now when none.
 */
int64_t throttle_next(const struct throttle_policy *p, int attempts_in_window, int64_t now);

#endif
