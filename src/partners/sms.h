/*
 * sms.h — the SMS gateway (docs/partners/sms.md): send one text message to one phone.
 */
#ifndef GZF_PARTNERS_SMS_H
#define GZF_PARTNERS_SMS_H

#include "partners/partner.h"

#define SMS_MAX_TEXT 500 /* characters, not bytes */

/*
 * sms_send — hand text (UTF-8, 1..SMS_MAX_TEXT characters) for phone (11-digit mainland
 * mobile number) to the gateway p. Success means the gateway accepted the message;
 * delivery happens later. Retries of one call never send the message twice (the
 * gateway honours X-Gzf-Idempotency-Key). Errors are those of partner_call(); a phone
 * or text the gateway refuses gives GZF_EINVAL "partner_rejected".
 */
int sms_send(const struct partner *p, struct arena *a, const char *phone, const char *text,
	     struct gzf_err *err);

/*
 * sms_send_id — sms_send(), also giving the gateway's message id (an arena string) in
 * *message_id when it is not NULL; template may be NULL.
 */
int sms_send_id(const struct partner *p, struct arena *a, const char *phone, const char *text,
		const char *template_name, const char **message_id, struct gzf_err *err);

#endif
