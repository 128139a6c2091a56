/* ydoc.h: YAML as a small tree with positions, for the input layer only.
 *
 * Files are read whole, parsed with libyaml's document API and copied into
 * YNode trees that know their kind, scalar style, 1-based line and column,
 * parent and key, so that any later check can say where and what
 * ("spec.timing.imagePull.sigma: must be >= 0"). Duplicate mapping keys, which
 * libyaml accepts, are errors here; YAML merge keys (`<<`) are applied.
 * Scalars resolve as in YAML 1.2's core schema (what sigs.k8s.io/yaml sees):
 * a plain `3` is an integer, a quoted "3" a string. Trees live in a
 * temporary arena; file texts live as long as the Scenario and are registered
 * with the Diag so that messages quote the line. Large node lists stream
 * through libyaml's event API, one list item at a time (ydoc_stream_items).
 * Nothing outside sim/input includes this header or <yaml.h>. */
#ifndef DAEMONSIM_INPUT_YDOC_H
#define DAEMONSIM_INPUT_YDOC_H

#include <stdarg.h>

#include "daemonsim/diag.h"
#include "daemonsim/mem.h"
#include "daemonsim/units.h"

typedef enum { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP } YNodeKind;
typedef enum { YSTYLE_PLAIN, YSTYLE_QUOTED, YSTYLE_BLOCK } YStyle;

/* What a scalar means under the core schema (plain scalars only; quoted and
 * block scalars are strings). */
typedef enum { YVAL_NULL, YVAL_BOOL, YVAL_INT, YVAL_FLOAT, YVAL_STR } YValType;

typedef struct YNode YNode;
typedef struct {
    YNode *key;             /* always a scalar */
    YNode *value;
} YPair;

struct YNode {
    YNodeKind kind;
    YStyle style;
    const char *tag;        /* an explicit tag other than the default, e.g. "!!int" */
    const char *text;       /* scalar text, NUL-terminated ("" otherwise) */
    size_t len;
    YNode **items;          /* sequence */
    YPair *pairs;           /* mapping, in document order */
    uint32_t n;             /* items or pairs */
    uint32_t cap;           /* room in items (yseq_push grows it) */
    const YNode *parent;    /* NULL at a document root */
    const char *key;        /* under a mapping: the key */
    uint32_t index;         /* under a sequence: the position */
    SrcPos pos;             /* line 0: the value came from --set (pos.file names it) */
};

/* What every parser needs: where errors go, where trees and results live. */
typedef struct {
    Diag *d;
    Arena *tmp;             /* trees: released when loading ends */
    Arena *out;             /* results and file texts: the Scenario's arena */
    StrTab *strs;
    void *user;             /* the loader's own state */
} YCtx;

/* ---- loading ----------------------------------------------------------------- */

typedef struct {
    const char *path;       /* in c->out */
    const char *text;       /* the whole file, in c->out, registered with the Diag */
    size_t len;
    YNode **docs;           /* non-empty documents in order */
    uint32_t ndocs;
} YFile;

/* Reads and parses a file. `ref` is where it was named (for "cannot read"). */
bool ydoc_load_file(YCtx *c, const char *path, SrcPos ref, YFile *out);
/* Parses an in-memory text as a file named `name`. */
bool ydoc_load_text(YCtx *c, const char *name, const char *text, size_t len, YFile *out);
/* Parses a --set value as one YAML node; every node gets position `pos`. */
YNode *ydoc_parse_value(YCtx *c, const char *text, SrcPos pos);

/* Streams a `kubectl get ... -o yaml|json` output: calls `each` for every
 * element of the root mapping's `items` (or for the root itself when it has
 * no items), built with only the subtrees `keep` accepts. `path` holds the
 * keys from the item down ("[]" for sequence elements). The item tree is
 * released after `each` returns. Files up to a few MiB are read whole and
 * quoted in messages; bigger ones are streamed. */
typedef bool (*YKeepFn)(const char *const *path, int depth);
typedef bool (*YItemFn)(YCtx *c, const YNode *item, void *arg);
bool ydoc_stream_items(YCtx *c, const char *path, SrcPos ref, YKeepFn keep, YItemFn each,
                       void *arg);

/* ---- inspecting ---------------------------------------------------------------- */

YValType ynode_type(const YNode *n);
bool ynode_is_null(const YNode *n);
/* "a mapping", "a sequence", "a string \"abc\"", "an integer 3", "null", ... */
void ynode_describe(const YNode *n, char *buf, size_t size);
/* "spec.cluster.nodePools[1].count" */
void ynode_path(const YNode *n, char *buf, size_t size);
/* Value of `key` in a mapping, or NULL (also when n is not a mapping). */
YNode *ymap_get(const YNode *map, const char *key);
YPair *ymap_pair(const YNode *map, const char *key);

/* Case-insensitive edit distance of two short keys, for "did you mean"
 * (99 beyond 40 characters). */
int ystr_distance(const char *a, const char *b);

/* Reports an error at n, prefixed by n's path (unless n came from --set). */
void yerr(YCtx *c, const YNode *n, const char *fmt, ...) DS_PRINTF(3, 4);
void yerr_at(YCtx *c, SrcPos pos, const char *fmt, ...) DS_PRINTF(3, 4);
/* At a mapping key, prefixed by the mapping's path. */
void yerr_key(YCtx *c, const YNode *map, const YNode *key, const char *fmt, ...) DS_PRINTF(4, 5);

/* Typed accessors: false, with an error at n, when the node does not fit. */
bool yget_map(YCtx *c, const YNode *n);
bool yget_seq(YCtx *c, const YNode *n);
bool yget_str(YCtx *c, const YNode *n, const char **out);      /* any non-null scalar */
bool yget_sym(YCtx *c, const YNode *n, Sym *out);
bool yget_int(YCtx *c, const YNode *n, int64_t lo, int64_t hi, int64_t *out);
bool yget_double(YCtx *c, const YNode *n, double *out);        /* finite */
bool yget_probability(YCtx *c, const YNode *n, double *out);   /* 0 to 1 */
bool yget_bool(YCtx *c, const YNode *n, bool *out);
bool yget_duration(YCtx *c, const YNode *n, SimTime *out);
bool yget_quantity(YCtx *c, const YNode *n, int64_t *milli);
bool yget_int_or_percent(YCtx *c, const YNode *n, IntOrPercent *out);
/* One of `names`; the error lists them. */
bool yget_enum(YCtx *c, const YNode *n, const char *const *names, size_t count, int *out);

/* ---- table-driven mappings ---------------------------------------------------- */

/* A handler parses one value into dst = (char *)obj + off. */
typedef bool (*YFieldFn)(YCtx *c, const YNode *value, void *dst);

typedef struct {
    const char *key;
    YFieldFn fn;            /* NULL: known, handled by the caller through found[] */
    size_t off;
    unsigned flags;
} YField;

enum { YF_REQUIRED = 1u };
enum { YW_ALLOW_UNKNOWN = 1u };

#define YFIELD(key, fn, type, member, flags) {key, fn, offsetof(type, member), flags}
#define YFIELD_CALLER(key, flags) {key, NULL, 0, flags}

/* Walks a mapping: checks it is one, reports unknown keys with the allowed
 * ones listed, treats null values as absent, runs each handler, and reports
 * missing required keys at the mapping. found[i] (if found is not NULL)
 * receives field i's value node or NULL. */
bool ymap_walk(YCtx *c, const YNode *map, const YField *fields, size_t nfields, void *obj,
               unsigned flags, const YNode **found);

/* Generic handlers for YFIELD. */
bool yf_sym(YCtx *c, const YNode *n, void *dst);          /* Sym */
bool yf_str(YCtx *c, const YNode *n, void *dst);          /* const char *, copied to c->out */
bool yf_bool(YCtx *c, const YNode *n, void *dst);         /* bool */
bool yf_u32(YCtx *c, const YNode *n, void *dst);          /* uint32_t */
bool yf_i32_nonneg(YCtx *c, const YNode *n, void *dst);   /* int32_t >= 0 */
bool yf_i64_nonneg(YCtx *c, const YNode *n, void *dst);   /* int64_t >= 0 */
bool yf_u64(YCtx *c, const YNode *n, void *dst);          /* uint64_t */
bool yf_duration(YCtx *c, const YNode *n, void *dst);     /* SimTime >= 0 */
bool yf_duration_pos(YCtx *c, const YNode *n, void *dst); /* SimTime > 0 */
bool yf_quantity(YCtx *c, const YNode *n, void *dst);     /* int64_t milli-units */
bool yf_ignore(YCtx *c, const YNode *n, void *dst);       /* accepted, any type */

/* ---- building and changing trees --------------------------------------------- */

YNode *ynode_new_scalar(YCtx *c, const char *text, YStyle style, SrcPos pos);
YNode *ynode_new_map(YCtx *c, SrcPos pos);
YNode *ynode_new_seq(YCtx *c, SrcPos pos);
/* Deep copy placed under `parent` at `key` / `index`. */
YNode *ynode_copy(YCtx *c, const YNode *n, const YNode *parent, const char *key,
                  uint32_t index);
/* Sets map[key] = value (replacing or appending) and fixes value's parent. */
void ymap_set(YCtx *c, YNode *map, const char *key, YNode *value, SrcPos key_pos);
void ymap_remove(YNode *map, const char *key);
void yseq_push(YCtx *c, YNode *seq, YNode *value);
/* The child mapping at key, created (or replacing a null) when missing;
 * NULL when something other than a mapping is there. */
YNode *ymap_child_map(YCtx *c, YNode *map, const char *key, SrcPos pos);
/* RFC 7386 JSON merge patch: a new tree; null in the patch deletes. */
YNode *ynode_merge_patch(YCtx *c, const YNode *target, const YNode *patch);

/* A canonical text of the subtree: mappings sorted by key, null entries
 * dropped, strings quoted, plain scalars as written. Equal texts mean equal
 * objects as the API server would decode them (dsspec.h `canonical`). */
char *ynode_canonical(const YNode *n, Arena *a);

#endif
