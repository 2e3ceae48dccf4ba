/*
 * identity.h — the identity check service (docs/partners/identity.md): does this name
 * belong to this ID number, and is the person alive?
 */
#ifndef GZF_PARTNERS_IDENTITY_H
#define GZF_PARTNERS_IDENTITY_H

#include "partners/partner.h"

enum identity_result {
	IDENTITY_MATCH,    /* the registered name of this ID number is this name */
	IDENTITY_NO_MATCH, /* another name, or no such person */
	IDENTITY_DECEASED, /* the name matches, and the person is recorded as deceased */
};

/*
 * identity_verify — ask p (the identity partner) whether name belongs to id_number;
 * *out gets the answer. id_number should already have passed the GB 11643 check digit
 * test (the service refuses malformed numbers with GZF_EINVAL "partner_rejected").
 * Errors are those of partner_call(), plus GZF_EUNAVAIL "partner_bad_reply" when the
 * service answers with an unknown result.
 */
int identity_verify(const struct partner *p, struct arena *a, const char *name,
		    const char *id_number, enum identity_result *out, struct gzf_err *err);

/* identity_result_name — "match", "no_match" or "deceased". */
const char *identity_result_name(enum identity_result r);

#endif
