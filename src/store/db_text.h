/*
 * db_text.h — Chinese text search in SQL, the same way for every searchable table: SQLite's
 * FTS5 trigram index for three characters or more, LIKE otherwise and on PostgreSQL (where
 * a pg_trgm GIN index serves LIKE). Both find 公租房 in 公租房申请.
 */
#ifndef GZF_STORE_DB_TEXT_H
#define GZF_STORE_DB_TEXT_H

#include "core/arena.h"

/* db_text_like — text as a LIKE pattern that matches it anywhere ('%' '_' '\'
 * escaped; use ESCAPE '\'), in the arena. */
const char *db_text_like(struct arena *a, const char *text);

/* db_text_phrase — text as one FTS5 phrase (quotes doubled), in the arena. */
const char *db_text_phrase(struct arena *a, const char *text);

#endif
