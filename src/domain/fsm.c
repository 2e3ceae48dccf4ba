/*
 * fsm.c — finding a transition in a process's table (fsm.h).
 */
#include "domain/fsm.h"

#include <assert.h>
#include <string.h>

int
fsm_find(const struct fsm *m, int state, int event, unsigned party, void *ctx,
	 const struct fsm_transition **out, struct gzf_err *err)
{
	const struct fsm_transition *t;
	int i, rows = 0, mine = 0, rc = GZF_OK;

	assert(state >= 0 && state < m->n_states && event >= 0 && event < m->n_events);
	*out = NULL;
	for (i = 0; i < m->n; i++) {
		t = &m->table[i];
		if (t->from != state || t->event != event)
			continue;
		rows++;
		if ((t->who & party) == 0)
			continue;
		mine++;
		if (t->guard != NULL && (rc = t->guard(ctx, err)) != GZF_OK)
			continue;
		/* A row before whose guard failed leaves no error behind. */
		gzf_err_clear(err);
		*out = t;
		return GZF_OK;
	}
	if (rows == 0)
		return gzf_err_set(err, GZF_ESTATE, "illegal_transition", NULL,
				   "%s: a record that is %s cannot be given \"%s\"", m->name,
				   m->states[state], m->events[event]);
	if (mine == 0)
		return gzf_err_set(err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "%s: \"%s\" is not yours to do here", m->name, m->events[event]);
	assert(rc != GZF_OK);
	return rc;
}

int
fsm_allows(const struct fsm *m, int state, int event, unsigned party)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->table[i].from == state && m->table[i].event == event &&
		    (m->table[i].who & party) != 0)
			return 1;
	return 0;
}

int
fsm_event_find(const struct fsm *m, const char *name)
{
	int i;

	for (i = 0; i < m->n_events; i++)
		if (strcmp(m->events[i], name) == 0)
			return i;
	return -1;
}
