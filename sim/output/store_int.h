/* store_int.h: what the store_*.c files share, and nothing else includes:
 * the handle, the buffered tables and the prepared-statement cache. Only
 * store*.c see <sqlite3.h>; everyone else goes through store.h. */
#ifndef DAEMONSIM_STORE_INT_H
#define DAEMONSIM_STORE_INT_H

#include <sqlite3.h>

#include "daemonsim/mem.h"
#include "daemonsim/store.h"

/* Rows per multi-row INSERT: 32 rows of ds_status bind 289 parameters, well
 * under SQLite's limit, and amortise the per-statement cost. */
#define STORE_BATCH 32
#define STORE_MAX_COLS 10
#define STORE_ERR_MAX 512
#define STORE_BUSY_MS 10000
/* 16 MiB of page cache. Every index key now grows at the end of its index
 * (a run's rows come in order of run and time), so inserts touch a few hot
 * pages and a run's rows can go to the file as the cache fills; a larger
 * cache only held the whole run in memory, page-faulted in (measured:
 * 256 MiB cost 70 MB more peak RSS and about 1 s at 100k nodes,
 * docs/performance.md). */
#define STORE_CACHE_KIB 16384

/* Buffered tables; run_id is parameter ?1 of every row, the columns follow. */
enum { TAB_POD_EVENT, TAB_NODE_EVENT, TAB_DS_STATUS, TAB_ROLLOUT, TAB_K8S_EVENT, TAB_WARNING,
       TAB_PLAN_EVENT, TAB_COUNT };

typedef struct {
    const char *name;
    const char *cols;       /* after run_id */
    int ncols;
} TableSpec;

extern const TableSpec store_tables[TAB_COUNT];

/* The indexes; built once a file holds rows (see store_write.c). */
extern const char store_index_sql[];

/* Statements, prepared on first use. The INSERT of each buffered table comes
 * in a one-row and a STORE_BATCH-row form, built from store_tables. */
enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_RUN_INSERT,
    ST_RUN_END,
    ST_SWEEP_INSERT,
    ST_SWEEP_POINT,
    ST_SWEEP_RUN,
    ST_SWEEP_FIND,
    ST_RUN_ID_NEXT,
    ST_RUN_ID_RESERVE,
    ST_RUN_ID_RESERVE_NEW,
    ST_RUN_LIST,
    ST_RUN_GET,
    ST_ROLLOUT_LIST,
    ST_PLAN_LAST,
    ST_SWEEP_POINT_LIST,
    ST_SWEEP_STATUS,
    ST_SWEEP_LIST,
    ST_SWEEP_RUN_LIST,
    ST_SWEEP_VARY,
    ST_STATUS_SERIES,
    ST_FIGURE_ROLLOUT,
    ST_FIGURE_ROLLOUTS,
    ST_EXPOSURE,
    ST_POD_EVENTS_UNTIL,
    ST_NODE_EVENTS_UNTIL,
    ST_K8S_EVENTS_UNTIL,
    ST_STATUS_AT,
    ST_LAST_RUN,
    ST_SWEEP_ROLLOUTS,
    ST_FIXED_COUNT,
    ST_INSERT_1 = ST_FIXED_COUNT,               /* + table */
    ST_INSERT_N = ST_INSERT_1 + TAB_COUNT,      /* + table */
    ST_COUNT = ST_INSERT_N + TAB_COUNT
};

/* One buffered value. Text lives in the buffer's pool, by offset, because
 * the pool may move while it grows. */
enum { CELL_NULL, CELL_INT, CELL_REAL, CELL_TEXT };

typedef struct {
    union {
        int64_t i;
        double d;
        struct {
            uint32_t off, len;
        } s;
    } u;
    int kind;
} Cell;

typedef struct {
    Cell cells[STORE_BATCH * STORE_MAX_COLS];
    int nrows;
    VEC(char) pool;
} RowBuf;

struct Store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    bool readonly;
    bool run_open;      /* between store_run_begin and commit/abort */
    bool run_failed;    /* a write failed: only abort (or commit, which rolls back) remain */
    bool run_nested;    /* the run is a savepoint inside a sweep */
    bool sweep_open;
    bool sweep_lost;    /* a failed run took the sweep's transaction with it */
    struct MergeStmts *source; /* store_source_attach: ds_source, until detached */
    int nattached;      /* merge sources attached as ds_merge_0..; detached after the sweep */
    bool bulk;          /* a bulk sweep switched the journal to DELETE until it ends */
    bool memory;        /* ":memory:" (its journal mode cannot change) */
    int64_t version;    /* the file's schema version: STORE_SCHEMA_VERSION, or older read-only */
    int64_t run_id;
    RowBuf buf[TAB_COUNT];
    char err[STORE_ERR_MAX];
};

void store_set_error(Store *s, const char *fmt, ...) DS_PRINTF(2, 3);
void store_set_db_error(Store *s);
/* Set in a sweep's worker processes (store_set_scratch). */
extern bool store_scratch;

/* The statement cache (store_stmt.c). stmt_get prepares on first use; NULL
 * with the message on the handle on failure. */
sqlite3_stmt *stmt_get(Store *s, int id);
/* Steps a statement that returns no rows, then resets it for the next use. */
int stmt_done(Store *s, sqlite3_stmt *st);
int stmt_exec(Store *s, int id);
/* NAN, the "no value" of the summaries, becomes NULL. */
int bind_real_or_null(sqlite3_stmt *st, int i, double v);
int exec_sql(Store *s, const char *sql);

/* store_write.c: clears the row buffers of a table; ends the open run's
 * transaction (or savepoint) without keeping it. */
void buf_clear(RowBuf *b);
void run_rollback(Store *s);
/* Many new rows through the WAL are written twice (to the WAL, then by the
 * checkpoint into the file); a rollback journal records only the few
 * existing pages that change, since new rows go to new pages. bulk_begin
 * switches to it for one large transaction: SQLite switches only when no
 * other connection has the file open, and otherwise stays in WAL. bulk_end
 * (outside any transaction) goes back to WAL, so that readers again never
 * block the writer. */
void bulk_begin(Store *s);
void bulk_end(Store *s);

#endif
