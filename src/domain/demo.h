/*
 * demo.h — the demonstration data set loaded by `gzf demo`: real provinces and cities
 * with their official codes, and the demo city (Daqing) in depth.
 */
#ifndef GZF_DOMAIN_DEMO_H
#define GZF_DOMAIN_DEMO_H

#include "core/config.h"
#include "store/db.h"

/* The password of every demo account (staff and residents). */
#define DEMO_PASSWORD "Gzf-demo-2026"

/* demo_load — insert (or refresh) the demo data in one transaction; idempotent, but
 * each load appends a "demo.load" entry to the national audit chain (keys from s).
 * *regions (may be NULL) gets the number of regions written, *staff the number of demo
 * staff accounts created (those that exist already are left as they are). */
int demo_load(struct db *db, const struct secrets *s, const char *data_dir, int *regions, int *staff,
	      struct gzf_err *err);

/* demo_housing_load — the demo city's estates, buildings and units (idempotent), in
 * c's transaction (demo_housing.c). */
int demo_housing_load(struct db_conn *c, struct gzf_err *err);

/* demo_apps_load — demo residents (phones 13800000001-3), real-name authenticated as the
 * people the identity simulator knows by their ID numbers, and their applications waiting
 * at acceptance, street and district review with the materials the chain requires (small
 * pictures, sealed under DATA_DIR/media like uploads), and one (13800000004) qualified on
 * the waiting list (idempotent: a resident who exists is skipped), in c's transaction
 * (demo_apps.c). */
int demo_apps_load(struct db_conn *c, const struct secrets *s, const char *data_dir,
		   struct gzf_err *err);

/* demo_queue_load — the demo city's waiting list: DEMO_QUEUE households qualified over
 * the past years across the priority groups, generated deterministically, with their
 * applications (once: *loaded 0 when the city has generated entries already), in c's
 * transaction (demo_queue.c). demo_queue_events — then, when loaded: a 低保 household
 * joining ahead a month ago and the first household housed ten days ago, so the demo
 * resident on the list has a history. */
#define DEMO_QUEUE 300
int demo_queue_load(struct db_conn *c, const struct secrets *s, int *loaded, struct gzf_err *err);
int demo_queue_events(struct db_conn *c, const struct secrets *s, struct gzf_err *err);

/* demo_allocation_load — the demo city's drawn allocation round: a lottery among its
 * rental waiting list for the units of its first estate, created, frozen, drawn,
 * published and confirmed on past dates through the round's state machine (once: nothing
 * is added when the city has a round), in c's transaction (demo_allocation.c). */
int demo_allocation_load(struct db_conn *c, struct gzf_err *err);

/* demo_selection_load — the selection in progress on the demo city's confirmed round:
 * three households confirmed, the fourth choosing now (once: nothing is added when the
 * city has a selection session), in c's transaction (demo_selection.c). */
int demo_selection_load(struct db_conn *c, struct gzf_err *err);

/* demo_staff_id — the id of the demo staff account named username (demo_allocation.c). */
int demo_staff_id(struct db_conn *c, const char *username, int64_t *id, struct gzf_err *err);

/* demo_subsidy_load — the demo city's rental subsidies: its formula, entitlements for
 * the first subsidy households of its waiting list, and the batches of the two months
 * before now computed, checked, approved and sent, their results imported as the bank
 * would return them — every line paid but one, whose account was closed and which waits
 * in the exceptions list (once: nothing is added when the city has a formula), in c's
 * transaction (demo_subsidy.c). */
int demo_subsidy_load(struct db_conn *c, const struct secrets *s, struct gzf_err *err);
/* demo_lease_load — the demo city's leases (demo_lease.c): the households its selection
 * confirmed, one moved in four months ago and one signed awaiting its keys, and the demo
 * resident 13800000004's lease waiting for its signature; signed documents kept under
 * data_dir. Nothing when the city has leases. */
int demo_lease_load(struct db_conn *c, const struct secrets *s, const char *data_dir,
		    struct gzf_err *err);

/* demo_content_load — the demo city's published articles, their pictures stored under
 * data_dir (once: nothing is added when the city has published content), in c's
 * transaction (demo_content.c). */
int demo_content_load(struct db_conn *c, const char *data_dir, struct gzf_err *err);

/* demo_recon_load — the demo city's reconciliation of yesterday with one exception (a
 * line only the bank has), from a statement written as the bank's simulator writes it, in
 * c's transaction; nothing when the day is reconciled already (demo_recon.c). */
int demo_recon_load(struct db_conn *c, struct gzf_err *err);
/* demo_rent_rules_load — the demo city's rent rules, unless it has some, in c's
 * transaction (demo_bills.c). Runs before the demo's leases are written, which state the
 * rent the rules charge. */
int demo_rent_rules_load(struct db_conn *c, struct gzf_err *err);
/* demo_bills_load — the bills of each of the demo city's leases that may be billed, every
 * month from its start to this one, in c's transaction (demo_bills.c). Runs after the
 * demo's leases are made. */
int demo_bills_load(struct db_conn *c, struct gzf_err *err);
/* demo_payments_load — rent paid through the bank: the first demo lease with bills has
 * its oldest open bill paid online with a receipt, the second a signed monthly debit
 * agreement (once), in c's transaction at now (demo_payments.c). Call it after the
 * leases and bills are loaded; without them it adds nothing. */
int demo_payments_load(struct db_conn *c, int64_t now, struct gzf_err *err);

#endif
