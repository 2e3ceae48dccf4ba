/*
 * sim.h — `gzf sim`: one process that stands in for the partner services over real HTTP,
 * each under its own path prefix (/identity/..., /sms/...), so a city can run and test
 * gzf without the real partners. It speaks the protocol of docs/partners/README.md,
 * signature checks included, and adds unsigned loopback-only endpoints for tests and
 * demos: per-partner inspection under /NAME/sim/... and the outage switch /sim/outage.
 *
 * Adding a partner simulator: one file sim_NAME.c that defines
 *     const struct sim_partner sim_partner_NAME = { "NAME", routes, init, cleanup };
 * whose signed handlers begin with sim_accept(req, "NAME"), plus its line in the table
 * of sim.c and its extern declaration below.
 */
#ifndef GZF_SIM_SIM_H
#define GZF_SIM_SIM_H

#include <stddef.h>

#include "http/http.h"
#include "http/router.h"

struct sim_partner {
	const char *name;                   /* path prefix and outage switch name */
	void (*routes)(struct router *r);   /* register routes under "/NAME/" */
	void (*init)(void);                 /* before serving; may be NULL */
	void (*cleanup)(void);              /* after serving; may be NULL */
};

extern const struct sim_partner sim_partner_identity;
extern const struct sim_partner sim_partner_sms;
extern const struct sim_partner sim_partner_bank;
/* The ten department data services (sim_dept.c), one outage switch each: "dept-hukou" .. */
extern const struct sim_partner sim_partner_dept[10];

/*
 * sim_main — `gzf sim [options]`; argv holds the arguments after the command name.
 * Listens on --listen / GZF_SIM_LISTEN (default 127.0.0.1:8090), reads the partner key
 * from the secrets file (creating the file like `gzf serve` when it is missing), logs a
 * JSON "listening" line with the port, and serves until SIGTERM or SIGINT. Returns the
 * process exit status.
 */
int sim_main(int argc, char **argv);

/*
 * sim_accept — the first call of every signed partner endpoint: counts the call, applies
 * the partner's outage switch (down: 503 partner_down; slow: a long pause first), then
 * checks the request's key id, signature, timestamp and nonce. Returns 0, or a gzf code
 * with req->err set: GZF_EUNAUTH bad_signature / stale_request, GZF_ECONFLICT replayed,
 * GZF_EUNAVAIL partner_down.
 */
int sim_accept(struct http_req *req, const char *partner);

/* sim_local_only — 0 when the request comes from loopback, else GZF_EFORBIDDEN in req->err.
 * The inspection and control endpoints are unsigned, so they answer only locally. */
int sim_local_only(struct http_req *req);

/* sim_bank_key — the bank_key of the secrets file (SECRET_KEY_BYTES), which the bank
 * simulator signs its notifications with; valid while the simulator runs. */
const unsigned char *sim_bank_key(void);

/* sim_bank_batch_routes — the bank simulator's batch payments (sim_bank_batch.c), under
 * /bank/v1/batches and /bank/sim/batch*; registered with the bank's routes. */
void sim_bank_batch_routes(struct router *r);

/* sim_stopping — 1 once the simulator is stopping (background threads end then). */
int sim_stopping(void);

/* sim_key_id — the caller's X-Gzf-Key-Id (after sim_accept succeeded). */
const char *sim_key_id(const struct http_req *req);

/* Identity simulator: the synthetic population, for tests. */
enum sim_person_status { SIM_PERSON_ALIVE, SIM_PERSON_DECEASED, SIM_PERSON_NO_RECORD };

/*
 * sim_identity_person — the synthetic person of id_number (18 characters, valid GB 11643
 * check digit, 'x' accepted for 'X'): the registered name (UTF-8, empty for no record)
 * into name (size bytes, 32 is plenty) and the status. Returns 0, or GZF_EINVAL when
 * id_number is malformed or its check digit is wrong.
 */
int sim_identity_person(const char *id_number, char *name, size_t size,
			enum sim_person_status *status);

#endif
