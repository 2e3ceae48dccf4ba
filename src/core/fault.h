/*
 * fault.h — fault injection for the test build: make the Nth database statement, the
 * Nth write or read of a media file, or the Nth partner call fail, as the disk, the
 * database or the network might, to prove every such failure is answered cleanly.
 *
 * Compiled in only with -DGZF_FAULT_INJECTION (build/gzf-asan); otherwise FAULT() is the
 * constant 0 and costs nothing. The faults come from the environment:
 *     GZF_FAULT=db:N        the Nth database statement fails (db_query)
 *     GZF_FAULT=io:N        the Nth media file write or read fails (domain/media.c)
 *     GZF_FAULT=partner:N   the Nth partner HTTP exchange fails as unreachable
 *     GZF_FAULT=sync:N      the Nth sync of SQLite's log fails (store/db_sqlite.c)
 *     GZF_FAULT=commit:N    the Nth commit of SQLite's writer that carries two or more
 *                           transactions fails, and they all with it (store/db.c)
 * (several separated by commas). Counting is process-wide and starts at fault_arm(),
 * which `gzf serve` calls once it is ready, so start-up work is never counted. Each
 * injected fault writes a "fault injected" warning to the log.
 */
#ifndef GZF_CORE_FAULT_H
#define GZF_CORE_FAULT_H

enum fault_site { FAULT_DB, FAULT_IO, FAULT_PARTNER, FAULT_SYNC, FAULT_COMMIT, FAULT_NSITES };

#ifdef GZF_FAULT_INJECTION
#define FAULT(site) fault_hit(site)
#else
#define FAULT(site) 0
#endif

/* fault_arm — read GZF_FAULT and start counting, from zero (a later call starts again
 * with what GZF_FAULT says then; call it while nothing else runs). gzf serve calls it
 * once, before serving. */
void fault_arm(void);

/* fault_hit — count one operation at site; 1 when it is the one GZF_FAULT says to fail.
 * Thread-safe. Always 0 before fault_arm(). */
int fault_hit(enum fault_site site);

#endif
