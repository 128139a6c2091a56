/* diag.h: the three kinds of error, kept apart.
 *
 * Input errors (bad scenario or manifest) are recorded on a Diag with their
 * file, line and column and printed as `file:line:col: message` followed by
 * the source line and a caret; the command exits 2. Environment errors (I/O,
 * database) are return codes with a message on the module's handle; exit 3.
 * Bugs are DS_ASSERT failures, which abort. */
#ifndef DAEMONSIM_DIAG_H
#define DAEMONSIM_DIAG_H

#include <stdio.h>

#include "daemonsim/base.h"

typedef struct {
    const char *file;   /* borrowed: outlives the Diag */
    int line;           /* 1-based; 0 = no position */
    int col;            /* 1-based */
} SrcPos;

/* Source text registered so that a message can quote the offending line. */
typedef struct {
    const char *file;
    const char *text;
    size_t len;
} DiagSource;

#define DIAG_MSG_MAX 512
#define DIAG_MAX_SOURCES 64

#define DIAG_FILE_MAX 256
#define DIAG_LINE_MAX 256

typedef struct {
    int errors;                 /* how many were reported; only the first is kept */
    SrcPos pos;
    char msg[DIAG_MSG_MAX];
    DiagSource sources[DIAG_MAX_SOURCES];
    int nsources;
    /* The first error's file name and quoted source line are copied when it is
     * recorded, so that a loader may release its buffers after failing. */
    char file_copy[DIAG_FILE_MAX];
    char line_copy[DIAG_LINE_MAX];
    int caret;                  /* characters before the caret in line_copy; -1: no line */
} Diag;

void diag_init(Diag *d);
/* The text must stay alive as long as the Diag is used. */
void diag_add_source(Diag *d, const char *file, const char *text, size_t len);
/* Records an input error; the first one wins, later ones are counted. */
void diag_error(Diag *d, SrcPos pos, const char *fmt, ...) DS_PRINTF(3, 4);
bool diag_failed(const Diag *d);
/* `file:line:col: message`, then the source line and a caret when known. */
void diag_print(const Diag *d, FILE *out);

DS_NORETURN void ds_assert_fail(const char *expr, const char *file, int line);
#define DS_ASSERT(e) ((e) ? (void)0 : ds_assert_fail(#e, __FILE__, __LINE__))

#endif
