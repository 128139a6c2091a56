/* ydoc.c: libyaml documents and event streams turned into YNode trees with
 * positions, plus the typed accessors and the table walker every input parser
 * uses. Syntax errors are reported as libyaml's
 * problem at its mark with the context it names; a tab in the indentation is
 * called out as such, since libyaml's own words for it ("found character that
 * cannot start any token") do not help. libyaml counts lines and columns from
 * 0; everything here is 1-based. Aliases are copied per use, under a node
 * budget and a depth limit so that an alias bomb or a recursive alias is an
 * error rather than a hang. */
#include "ydoc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define YDOC_MAX_DEPTH 200
#define YDOC_MAX_NODES (4u * 1024 * 1024)
/* Aliases may copy a document to at most this many times its own nodes, plus
 * a fixed allowance: anchors reused a few times pass, while an alias bomb
 * (each level ten aliases of the one below) stops within milliseconds
 * instead of after building millions of nodes. */
#define YDOC_ALIAS_FACTOR 16u
#define YDOC_ALIAS_SLACK 65536u
/* Bigger node lists are streamed from the file instead of read whole. */
#define YDOC_WHOLE_FILE_MAX (8u * 1024 * 1024)

static const char *const yaml_tag_prefix = "tag:yaml.org,2002:";

/* ---- errors ------------------------------------------------------------------ */

static bool key_needs_brackets(const char *k)
{
    if (!*k) return true;
    for (const char *p = k; *p; p++)
        if (*p == '.' || *p == '[' || *p == ']' || *p == ' ' || *p == '"') return true;
    return false;
}

void ynode_path(const YNode *n, char *buf, size_t size)
{
    const YNode *chain[YDOC_MAX_DEPTH + 2];
    int depth = 0;
    for (const YNode *p = n; p && p->parent && depth < (int)DS_ARRAY_LEN(chain); p = p->parent)
        chain[depth++] = p;
    size_t w = 0;
    buf[0] = '\0';
    for (int i = depth - 1; i >= 0 && w < size; i--) {
        const YNode *p = chain[i];
        int k;
        if (p->key) {
            if (key_needs_brackets(p->key))
                k = snprintf(buf + w, size - w, "[\"%s\"]", p->key);
            else
                k = snprintf(buf + w, size - w, "%s%s", w ? "." : "", p->key);
        } else {
            k = snprintf(buf + w, size - w, "[%u]", p->index);
        }
        if (k < 0) break;
        w += (size_t)k;
    }
    if (w >= size) buf[size - 1] = '\0';
}

static void yerr_v(YCtx *c, const YNode *n, const char *fmt, va_list ap) DS_PRINTF(3, 0);

static void yerr_v(YCtx *c, const YNode *n, const char *fmt, va_list ap)
{
    char msg[DIAG_MSG_MAX], path[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    path[0] = '\0';
    if (n->pos.line > 0) ynode_path(n, path, sizeof path);
    if (path[0])
        diag_error(c->d, n->pos, "%s: %s", path, msg);
    else
        diag_error(c->d, n->pos, "%s", msg);
}

void yerr(YCtx *c, const YNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    yerr_v(c, n, fmt, ap);
    va_end(ap);
}

void yerr_at(YCtx *c, SrcPos pos, const char *fmt, ...)
{
    char msg[DIAG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(c->d, pos, "%s", msg);
}

void yerr_key(YCtx *c, const YNode *map, const YNode *key, const char *fmt, ...)
{
    char msg[DIAG_MSG_MAX], path[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key->pos.line > 0) ynode_path(map, path, sizeof path);
    diag_error(c->d, key->pos, "%s%s%s", path, path[0] ? ": " : "", msg);
}

/* 1-based position of a byte offset (reader errors carry only an offset). */
static SrcPos offset_pos(const char *file, const char *text, size_t len, size_t off)
{
    SrcPos pos = {file, 1, 1};
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            pos.line++;
            pos.col = 1;
        } else if ((text[i] & 0xC0) != 0x80) {
            pos.col++;
        }
    }
    return pos;
}

/* A tab in the leading whitespace of line `line` (1-based): its column, else 0. */
static int tab_in_indent(const char *text, size_t len, int line)
{
    const char *p = text, *end = text + len;
    for (int l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        p = nl + 1;
    }
    for (int col = 1; p < end && (*p == ' ' || *p == '\t' || *p == '-'); p++, col++)
        if (*p == '\t') return col;
    return 0;
}

static void report_parser_error(YCtx *c, const char *file, const char *text, size_t len,
                                const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_READER_ERROR) {
        /* A streamed file has no text to count lines in; the scanner's
         * mark is where reading stopped. */
        SrcPos pos = text ? offset_pos(file, text, len, p->problem_offset)
                          : (SrcPos){file, (int)p->mark.line + 1, (int)p->mark.column + 1};
        if (p->problem_value != -1)
            diag_error(c->d, pos, "%s (byte 0x%02X); files must be UTF-8", problem,
                       (unsigned)p->problem_value);
        else
            diag_error(c->d, pos, "%s", problem);
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        diag_error(c->d, (SrcPos){file, 0, 0}, "out of memory while parsing");
        return;
    }
    SrcPos pos = {file, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1};
    if (text) {
        /* libyaml reports a tab at or after the line that holds it. */
        for (int l = pos.line; l >= 1 && l >= pos.line - 1; l--) {
            int tab = tab_in_indent(text, len, l);
            if (tab) {
                diag_error(c->d, (SrcPos){file, l, tab},
                           "tab character in indentation; YAML indents with spaces only");
                return;
            }
        }
    }
    if (p->context) {
        int cl = (int)p->context_mark.line + 1, cc = (int)p->context_mark.column + 1;
        if (cl != pos.line || cc != pos.col)
            diag_error(c->d, pos, "%s (%s at line %d, column %d)", problem, p->context, cl, cc);
        else
            diag_error(c->d, pos, "%s (%s)", problem, p->context);
    } else {
        diag_error(c->d, pos, "%s", problem);
    }
}

/* ---- scalars ------------------------------------------------------------------ */

static bool all_digits(const char *s, bool hex)
{
    if (!*s) return false;
    for (; *s; s++) {
        bool ok = (*s >= '0' && *s <= '9') ||
                  (hex && ((*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')));
        if (!ok) return false;
    }
    return true;
}

static bool is_float_text(const char *s)
{
    static const char *const specials[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                           "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
    for (size_t i = 0; i < DS_ARRAY_LEN(specials); i++)
        if (!strcmp(s, specials[i])) return true;
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    bool digits = false;
    while (*p >= '0' && *p <= '9') p++, digits = true;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') p++, digits = true;
    }
    if (!digits) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+') p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9') p++;
    }
    return *p == '\0';
}

static bool is_int_text(const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return all_digits(s + 2, true);
    if (s[0] == '0' && s[1] == 'o') return all_digits(s + 2, false);
    if (*s == '-' || *s == '+') s++;
    return all_digits(s, false);
}

YValType ynode_type(const YNode *n)
{
    if (n->kind != YNODE_SCALAR) return YVAL_STR;
    if (n->tag) {
        if (!strcmp(n->tag, "!!null")) return YVAL_NULL;
        if (!strcmp(n->tag, "!!bool")) return YVAL_BOOL;
        if (!strcmp(n->tag, "!!int")) return YVAL_INT;
        if (!strcmp(n->tag, "!!float")) return YVAL_FLOAT;
        return YVAL_STR;
    }
    if (n->style != YSTYLE_PLAIN) return YVAL_STR;
    const char *s = n->text;
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return YVAL_NULL;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") || !strcmp(s, "false") ||
        !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return YVAL_BOOL;
    if (is_int_text(s)) return YVAL_INT;
    if (is_float_text(s)) return YVAL_FLOAT;
    return YVAL_STR;
}

bool ynode_is_null(const YNode *n) { return n->kind == YNODE_SCALAR && ynode_type(n) == YVAL_NULL; }

void ynode_describe(const YNode *n, char *buf, size_t size)
{
    if (n->kind == YNODE_MAP) {
        snprintf(buf, size, "a mapping");
        return;
    }
    if (n->kind == YNODE_SEQ) {
        snprintf(buf, size, "a sequence");
        return;
    }
    const char *t = n->text;
    int cut = n->len > 40 ? 40 : (int)n->len;
    const char *dots = n->len > 40 ? "..." : "";
    switch (ynode_type(n)) {
    case YVAL_NULL: snprintf(buf, size, "null"); break;
    case YVAL_BOOL: snprintf(buf, size, "a boolean (%s)", t); break;
    case YVAL_INT: snprintf(buf, size, "an integer (%s)", t); break;
    case YVAL_FLOAT: snprintf(buf, size, "a number (%s)", t); break;
    case YVAL_STR: snprintf(buf, size, "a string \"%.*s%s\"", cut, t, dots); break;
    }
}

/* ---- building trees ----------------------------------------------------------- */

static YNode *node_new(YCtx *c, YNodeKind kind, SrcPos pos)
{
    YNode *n = arena_alloc(c->tmp, sizeof *n);
    n->kind = kind;
    n->text = "";
    n->pos = pos;
    return n;
}

YNode *ynode_new_scalar(YCtx *c, const char *text, YStyle style, SrcPos pos)
{
    YNode *n = node_new(c, YNODE_SCALAR, pos);
    n->len = strlen(text);
    n->text = arena_strndup(c->tmp, text, n->len);
    n->style = style;
    return n;
}

YNode *ynode_new_map(YCtx *c, SrcPos pos) { return node_new(c, YNODE_MAP, pos); }
YNode *ynode_new_seq(YCtx *c, SrcPos pos) { return node_new(c, YNODE_SEQ, pos); }

static const char *short_tag(YCtx *c, const char *tag, const char *dflt)
{
    if (!tag || !strcmp(tag, dflt)) return NULL;
    size_t plen = strlen(yaml_tag_prefix);
    if (!strncmp(tag, yaml_tag_prefix, plen)) {
        char *t = arena_alloc(c->tmp, strlen(tag) - plen + 3);
        sprintf(t, "!!%s", tag + plen);
        return t;
    }
    return arena_strdup(c->tmp, tag);
}

static YStyle scalar_style(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return YSTYLE_QUOTED;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE: return YSTYLE_BLOCK;
    case YAML_ANY_SCALAR_STYLE:
    case YAML_PLAIN_SCALAR_STYLE: break;
    }
    return YSTYLE_PLAIN;
}

typedef struct {
    const char *key;
    uint32_t i;
} KeyIdx;

static int keyidx_cmp(const void *a, const void *b)
{
    const KeyIdx *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r) return r;
    return (x->i > y->i) - (x->i < y->i);
}

/* Reports the second of two equal keys; libyaml lets both through. */
static bool check_duplicates(YCtx *c, const YNode *map)
{
    if (map->n < 2) return true;
    KeyIdx *k = xmalloc(map->n * sizeof *k);
    for (uint32_t i = 0; i < map->n; i++) k[i] = (KeyIdx){map->pairs[i].key->text, i};
    qsort(k, map->n, sizeof *k, keyidx_cmp);
    bool ok = true;
    for (uint32_t i = 1; i < map->n && ok; i++) {
        if (strcmp(k[i].key, k[i - 1].key)) continue;
        const YNode *first = map->pairs[k[i - 1].i].key, *again = map->pairs[k[i].i].key;
        yerr_key(c, map, again, "duplicate key \"%s\" (first at line %d, column %d)", again->text,
                 first->pos.line, first->pos.col);
        ok = false;
    }
    free(k);
    return ok;
}

static void set_parent(YNode *n, const YNode *parent, const char *key, uint32_t index)
{
    n->parent = parent;
    n->key = key;
    n->index = index;
}

/* Appends merge-key pairs (<<) whose keys the mapping does not define itself. */
static void apply_merges(YCtx *c, YNode *map, const YPair *merged, uint32_t nmerged)
{
    if (!nmerged) return;
    YPair *all = arena_alloc(c->tmp, (map->n + nmerged) * sizeof *all);
    memcpy(all, map->pairs, map->n * sizeof *all);
    uint32_t n = map->n;
    for (uint32_t i = 0; i < nmerged; i++) {
        bool have = false;
        for (uint32_t j = 0; j < n && !have; j++)
            have = !strcmp(all[j].key->text, merged[i].key->text);
        if (have) continue;
        all[n] = merged[i];
        set_parent(all[n].value, map, all[n].key->text, 0);
        n++;
    }
    map->pairs = all;
    map->n = n;
}

typedef struct {
    YCtx *c;
    const char *file;
    yaml_document_t *doc;
    size_t budget, used;
} DocBuilder;

typedef VEC(YPair) PairVec;

static YNode *doc_node(DocBuilder *b, yaml_node_t *yn, const YNode *parent, const char *key,
                       uint32_t index, int depth);

static bool doc_collect_merge(DocBuilder *b, YNode *map, yaml_node_t *yv, YNode *keynode,
                              PairVec *merged, int depth)
{
    YNode *v = doc_node(b, yv, map, "<<", 0, depth + 1);
    if (!v) return false;
    const YNode *srcs[64];
    uint32_t nsrc = 0;
    if (v->kind == YNODE_MAP) {
        srcs[nsrc++] = v;
    } else if (v->kind == YNODE_SEQ) {
        for (uint32_t i = 0; i < v->n && nsrc < DS_ARRAY_LEN(srcs); i++) {
            if (v->items[i]->kind != YNODE_MAP) goto bad;
            srcs[nsrc++] = v->items[i];
        }
    } else {
        goto bad;
    }
    for (uint32_t s = 0; s < nsrc; s++)
        for (uint32_t i = 0; i < srcs[s]->n; i++) VEC_PUSH(*merged, srcs[s]->pairs[i]);
    return true;
bad:
    yerr_at(b->c, keynode->pos, "a merge key (<<) needs a mapping or a list of mappings");
    return false;
}

static YNode *doc_node(DocBuilder *b, yaml_node_t *yn, const YNode *parent, const char *key,
                       uint32_t index, int depth)
{
    YCtx *c = b->c;
    SrcPos pos = {b->file, (int)yn->start_mark.line + 1, (int)yn->start_mark.column + 1};
    if (depth > YDOC_MAX_DEPTH) {
        yerr_at(c, pos, "nesting deeper than %d levels (a recursive alias?)", YDOC_MAX_DEPTH);
        return NULL;
    }
    if (b->used++ == b->budget) {
        yerr_at(c, pos, "document too large (more than %zu nodes after expanding aliases)",
                b->budget);
        return NULL;
    }
    YNode *n = NULL;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n = node_new(c, YNODE_SCALAR, pos);
        n->len = yn->data.scalar.length;
        n->text = arena_strndup(c->tmp, (const char *)yn->data.scalar.value, n->len);
        n->style = scalar_style(yn->data.scalar.style);
        n->tag = short_tag(c, (const char *)yn->tag, YAML_DEFAULT_SCALAR_TAG);
        break;
    case YAML_SEQUENCE_NODE: {
        n = node_new(c, YNODE_SEQ, pos);
        n->tag = short_tag(c, (const char *)yn->tag, YAML_DEFAULT_SEQUENCE_TAG);
        uint32_t count = (uint32_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = arena_alloc(c->tmp, (count ? count : 1) * sizeof *n->items);
        n->cap = count ? count : 1;
        set_parent(n, parent, key, index);
        for (uint32_t i = 0; i < count; i++) {
            yaml_node_t *item = yaml_document_get_node(b->doc, yn->data.sequence.items.start[i]);
            n->items[i] = doc_node(b, item, n, NULL, i, depth + 1);
            if (!n->items[i]) return NULL;
            n->n++;
        }
        return n;
    }
    case YAML_MAPPING_NODE: {
        n = node_new(c, YNODE_MAP, pos);
        n->tag = short_tag(c, (const char *)yn->tag, YAML_DEFAULT_MAPPING_TAG);
        uint32_t count = (uint32_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n->pairs = arena_alloc(c->tmp, (count ? count : 1) * sizeof *n->pairs);
        set_parent(n, parent, key, index);
        PairVec merged = {0};
        bool ok = true;
        for (uint32_t i = 0; i < count && ok; i++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
            yaml_node_t *yk = yaml_document_get_node(b->doc, p->key);
            yaml_node_t *yv = yaml_document_get_node(b->doc, p->value);
            SrcPos kpos = {b->file, (int)yk->start_mark.line + 1, (int)yk->start_mark.column + 1};
            if (yk->type != YAML_SCALAR_NODE) {
                yerr_at(c, kpos, "mapping keys must be plain strings, not %s",
                        yk->type == YAML_MAPPING_NODE ? "mappings" : "sequences");
                ok = false;
                break;
            }
            YNode *k = doc_node(b, yk, n, NULL, 0, depth + 1);
            if (!k) {
                ok = false;
                break;
            }
            if (!strcmp(k->text, "<<") && k->style == YSTYLE_PLAIN) {
                ok = doc_collect_merge(b, n, yv, k, &merged, depth);
                continue;
            }
            set_parent(k, n, k->text, 0);
            YNode *v = doc_node(b, yv, n, k->text, 0, depth + 1);
            if (!v) {
                ok = false;
                break;
            }
            n->pairs[n->n++] = (YPair){k, v};
        }
        if (ok) ok = check_duplicates(c, n);
        if (ok) apply_merges(c, n, merged.v, (uint32_t)merged.n);
        VEC_FREE(merged);
        return ok ? n : NULL;
    }
    case YAML_NO_NODE:
        yerr_at(c, pos, "empty YAML node");
        return NULL;
    }
    set_parent(n, parent, key, index);
    return n;
}

static char *read_file(const char *path, size_t *len, int *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) buf = xrealloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        *err = errno ? errno : EIO;
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

bool ydoc_load_text(YCtx *c, const char *name, const char *text, size_t len, YFile *out)
{
    memset(out, 0, sizeof *out);
    out->path = name;
    out->text = text;
    out->len = len;
    diag_add_source(c->d, name, text, len);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        diag_error(c->d, (SrcPos){name, 0, 0}, "cannot initialise the YAML parser");
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    VEC(YNode *) docs = {0};
    bool ok = true;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&p, &doc)) {
            report_parser_error(c, name, text, len, &p);
            ok = false;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        size_t own = (size_t)(doc.nodes.top - doc.nodes.start);
        size_t budget = own * YDOC_ALIAS_FACTOR + YDOC_ALIAS_SLACK;
        DocBuilder b = {c, name, &doc, budget < YDOC_MAX_NODES ? budget : YDOC_MAX_NODES, 0};
        YNode *r = doc_node(&b, root, NULL, NULL, 0, 0);
        yaml_document_delete(&doc);
        if (!r) {
            ok = false;
            break;
        }
        if (!ynode_is_null(r)) VEC_PUSH(docs, r);
    }
    yaml_parser_delete(&p);
    if (ok) {
        out->ndocs = (uint32_t)docs.n;
        out->docs = arena_alloc(c->tmp, (docs.n ? docs.n : 1) * sizeof *out->docs);
        if (docs.n) memcpy(out->docs, docs.v, docs.n * sizeof *out->docs);
    }
    VEC_FREE(docs);
    return ok;
}

bool ydoc_load_file(YCtx *c, const char *path, SrcPos ref, YFile *out)
{
    size_t len = 0;
    int err = 0;
    char *buf = read_file(path, &len, &err);
    if (!buf) {
        if (ref.file)
            diag_error(c->d, ref, "cannot read \"%s\": %s", path, strerror(err));
        else
            diag_error(c->d, (SrcPos){path, 0, 0}, "cannot read: %s", strerror(err));
        return false;
    }
    /* The text outlives the load: later messages quote it. */
    char *text = arena_strndup(c->out, buf, len);
    free(buf);
    return ydoc_load_text(c, arena_strdup(c->out, path), text, len, out);
}

static void set_pos_all(YNode *n, SrcPos pos)
{
    n->pos = pos;
    for (uint32_t i = 0; i < n->n; i++) {
        if (n->kind == YNODE_SEQ) {
            set_pos_all(n->items[i], pos);
        } else if (n->kind == YNODE_MAP) {
            n->pairs[i].key->pos = pos;
            set_pos_all(n->pairs[i].value, pos);
        }
    }
}

YNode *ydoc_parse_value(YCtx *c, const char *text, SrcPos pos)
{
    YFile f;
    Diag inner;
    diag_init(&inner);
    YCtx ic = *c;
    ic.d = &inner;
    if (!ydoc_load_text(&ic, pos.file, text, strlen(text), &f)) {
        diag_error(c->d, pos, "invalid value \"%s\": %s", text, inner.msg);
        return NULL;
    }
    if (f.ndocs > 1) {
        diag_error(c->d, pos, "invalid value \"%s\": more than one YAML document", text);
        return NULL;
    }
    YNode *n = f.ndocs ? f.docs[0] : ynode_new_scalar(c, "", YSTYLE_PLAIN, pos);
    set_pos_all(n, pos);
    return n;
}

/* ---- streaming node lists --------------------------------------------------------- */

typedef struct {
    YCtx *c;
    yaml_parser_t *p;
    const char *file;
    const char *text;       /* NULL when streamed from the file */
    size_t len;
    YKeepFn keep;
    const char *path[YDOC_MAX_DEPTH + 1];
    size_t budget;
} Streamer;

static bool stream_next(Streamer *s, yaml_event_t *ev)
{
    if (yaml_parser_parse(s->p, ev)) return true;
    report_parser_error(s->c, s->file, s->text, s->len, s->p);
    return false;
}

static SrcPos event_pos(const Streamer *s, const yaml_event_t *ev)
{
    return (SrcPos){s->file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1};
}

/* Consumes the rest of the node whose first event was `first`. */
static bool stream_skip(Streamer *s, const yaml_event_t *first)
{
    if (first->type != YAML_SEQUENCE_START_EVENT && first->type != YAML_MAPPING_START_EVENT)
        return true;
    int depth = 1;
    while (depth > 0) {
        yaml_event_t ev;
        if (!stream_next(s, &ev)) return false;
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: depth++; break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SCALAR_EVENT: break;
        }
        yaml_event_delete(&ev);
    }
    return true;
}

/* Builds the node whose first event is `ev` (the caller deletes ev). */
static YNode *stream_node(Streamer *s, const yaml_event_t *ev, YNode *parent, const char *key,
                          uint32_t index, int depth)
{
    YCtx *c = s->c;
    SrcPos pos = event_pos(s, ev);
    if (depth >= YDOC_MAX_DEPTH) {
        yerr_at(c, pos, "nesting deeper than %d levels", YDOC_MAX_DEPTH);
        return NULL;
    }
    if (s->budget-- == 0) {
        yerr_at(c, pos, "list item too large (more than %u nodes)", YDOC_MAX_NODES);
        return NULL;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        yerr_at(c, pos, "aliases (*name) are not supported in node lists");
        return NULL;
    case YAML_SCALAR_EVENT: {
        YNode *n = node_new(c, YNODE_SCALAR, pos);
        n->len = ev->data.scalar.length;
        n->text = arena_strndup(c->tmp, (const char *)ev->data.scalar.value, n->len);
        n->style = scalar_style(ev->data.scalar.style);
        const char *tag = (const char *)ev->data.scalar.tag;
        if (tag && !ev->data.scalar.plain_implicit && !ev->data.scalar.quoted_implicit)
            n->tag = short_tag(c, tag, YAML_DEFAULT_SCALAR_TAG);
        set_parent(n, parent, key, index);
        return n;
    }
    case YAML_SEQUENCE_START_EVENT: {
        YNode *n = node_new(c, YNODE_SEQ, pos);
        set_parent(n, parent, key, index);
        s->path[depth] = "[]";
        bool keep = !s->keep || s->keep(s->path, depth + 1);
        for (uint32_t i = 0;; i++) {
            yaml_event_t item;
            if (!stream_next(s, &item)) return NULL;
            if (item.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&item);
                break;
            }
            YNode *v = NULL;
            bool ok;
            if (keep) {
                v = stream_node(s, &item, n, NULL, i, depth + 1);
                ok = v != NULL;
            } else {
                ok = stream_skip(s, &item);
            }
            yaml_event_delete(&item);
            if (!ok) return NULL;
            if (v) yseq_push(c, n, v);
        }
        return n;
    }
    case YAML_MAPPING_START_EVENT: {
        YNode *n = node_new(c, YNODE_MAP, pos);
        set_parent(n, parent, key, index);
        VEC(YPair) pairs = {0};
        bool ok = true;
        for (;;) {
            yaml_event_t kev;
            if (!stream_next(s, &kev)) {
                ok = false;
                break;
            }
            if (kev.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&kev);
                break;
            }
            if (kev.type != YAML_SCALAR_EVENT) {
                yerr_at(c, event_pos(s, &kev), "mapping keys must be plain strings");
                yaml_event_delete(&kev);
                ok = false;
                break;
            }
            YNode *k = stream_node(s, &kev, n, NULL, 0, depth + 1);
            yaml_event_delete(&kev);
            if (!k) {
                ok = false;
                break;
            }
            k->key = k->text;
            s->path[depth] = k->text;
            yaml_event_t vev;
            if (!stream_next(s, &vev)) {
                ok = false;
                break;
            }
            if (!s->keep || s->keep(s->path, depth + 1)) {
                YNode *v = stream_node(s, &vev, n, k->text, 0, depth + 1);
                yaml_event_delete(&vev);
                if (!v) {
                    ok = false;
                    break;
                }
                VEC_PUSH(pairs, ((YPair){k, v}));
            } else {
                ok = stream_skip(s, &vev);
                yaml_event_delete(&vev);
                if (!ok) break;
            }
        }
        if (ok) {
            n->n = (uint32_t)pairs.n;
            n->pairs = arena_alloc(c->tmp, (pairs.n ? pairs.n : 1) * sizeof *n->pairs);
            if (pairs.n) memcpy(n->pairs, pairs.v, pairs.n * sizeof *n->pairs);
            ok = check_duplicates(c, n);
        }
        VEC_FREE(pairs);
        return ok ? n : NULL;
    }
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: break;
    }
    yerr_at(c, pos, "unexpected YAML event");
    return NULL;
}

/* Builds one list item in its own arena, hands it over and releases it. */
static bool stream_item(Streamer *s, const yaml_event_t *ev, uint32_t index, YItemFn each,
                        void *arg)
{
    Arena item_arena = {0};
    YCtx ic = *s->c;
    ic.tmp = &item_arena;
    YCtx *saved = s->c;
    s->c = &ic;
    s->budget = YDOC_MAX_NODES;
    YNode *item = stream_node(s, ev, NULL, NULL, index, 0);
    s->c = saved;
    bool ok = item && each(&ic, item, arg);
    arena_free(&item_arena);
    return ok;
}

static bool stream_document(Streamer *s, YItemFn each, void *arg)
{
    yaml_event_t ev;
    if (!stream_next(s, &ev)) return false;
    if (ev.type != YAML_MAPPING_START_EVENT) {
        yerr_at(s->c, event_pos(s, &ev),
                "expected a List or one object (`kubectl get ... -o yaml` output), not a %s",
                ev.type == YAML_SEQUENCE_START_EVENT ? "sequence" : "scalar");
        yaml_event_delete(&ev);
        return false;
    }
    SrcPos root_pos = event_pos(s, &ev);
    yaml_event_delete(&ev);
    /* Root keys other than items are kept (a single Node is its own item). */
    Arena root_arena = {0};
    YCtx rc = *s->c;
    rc.tmp = &root_arena;
    YNode *root = ynode_new_map(&rc, root_pos);
    bool ok = true, had_items = false;
    for (;;) {
        yaml_event_t kev;
        if (!stream_next(s, &kev)) {
            ok = false;
            break;
        }
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            yerr_at(s->c, event_pos(s, &kev), "mapping keys must be plain strings");
            yaml_event_delete(&kev);
            ok = false;
            break;
        }
        char *key = arena_strndup(&root_arena, (const char *)kev.data.scalar.value,
                                  kev.data.scalar.length);
        SrcPos kpos = event_pos(s, &kev);
        yaml_event_delete(&kev);
        yaml_event_t vev;
        if (!stream_next(s, &vev)) {
            ok = false;
            break;
        }
        if (!strcmp(key, "items") && vev.type == YAML_SEQUENCE_START_EVENT) {
            had_items = true;
            yaml_event_delete(&vev);
            for (uint32_t i = 0; ok; i++) {
                yaml_event_t iev;
                if (!stream_next(s, &iev)) {
                    ok = false;
                    break;
                }
                if (iev.type == YAML_SEQUENCE_END_EVENT) {
                    yaml_event_delete(&iev);
                    break;
                }
                ok = stream_item(s, &iev, i, each, arg);
                yaml_event_delete(&iev);
            }
            if (!ok) break;
            continue;
        }
        YCtx *saved = s->c;
        s->c = &rc;
        s->path[0] = key;
        s->budget = YDOC_MAX_NODES;
        YNode *v = NULL;
        if (!s->keep || s->keep(s->path, 1))
            v = stream_node(s, &vev, root, key, 0, 1);
        else
            ok = stream_skip(s, &vev);
        s->c = saved;
        yaml_event_delete(&vev);
        if (!ok) break;
        if (!v) {
            if (diag_failed(s->c->d)) {
                ok = false;
                break;
            }
            continue;
        }
        if (ymap_get(root, key)) {
            yerr_at(s->c, kpos, "duplicate key \"%s\"", key);
            ok = false;
            break;
        }
        ymap_set(&rc, root, key, v, kpos);
    }
    if (ok && !had_items) ok = each(&rc, root, arg);
    arena_free(&root_arena);
    return ok;
}

bool ydoc_stream_items(YCtx *c, const char *path, SrcPos ref, YKeepFn keep, YItemFn each,
                       void *arg)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    /* A directory opens, and its size says nothing. */
    if (f && !fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
        fclose(f);
        f = NULL;
        errno = EISDIR;
    }
    if (!f) {
        diag_error(c->d, ref, "cannot read \"%s\": %s", path, strerror(errno));
        return false;
    }
    const char *file = arena_strdup(c->out, path);
    Streamer s = {.c = c, .file = file, .keep = keep};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fclose(f);
        diag_error(c->d, ref, "cannot initialise the YAML parser");
        return false;
    }
    s.p = &p;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size >= 0 && (unsigned long)size <= YDOC_WHOLE_FILE_MAX) {
        size_t len = 0;
        int err = 0;
        char *buf = read_file(path, &len, &err);
        if (!buf) {
            yaml_parser_delete(&p);
            fclose(f);
            diag_error(c->d, ref, "cannot read \"%s\": %s", path, strerror(err));
            return false;
        }
        char *text = arena_strndup(c->out, buf, len);
        free(buf);
        diag_add_source(c->d, file, text, len);
        s.text = text;
        s.len = len;
        yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    } else {
        yaml_parser_set_input_file(&p, f);
    }
    bool ok = true, any = false;
    for (;;) {
        yaml_event_t ev;
        if (!stream_next(&s, &ev)) {
            ok = false;
            break;
        }
        yaml_event_type_t t = ev.type;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT) break;
        if (t == YAML_DOCUMENT_START_EVENT) {
            ok = stream_document(&s, each, arg);
            if (!ok) break;
            any = true;
        }
    }
    if (ok && !any) {
        diag_error(c->d, ref, "\"%s\" holds no YAML document", path);
        ok = false;
    }
    yaml_parser_delete(&p);
    fclose(f);
    return ok;
}

/* ---- typed accessors ------------------------------------------------------------- */

YPair *ymap_pair(const YNode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP) return NULL;
    for (uint32_t i = 0; i < map->n; i++)
        if (!strcmp(map->pairs[i].key->text, key)) return &map->pairs[i];
    return NULL;
}

YNode *ymap_get(const YNode *map, const char *key)
{
    YPair *p = ymap_pair(map, key);
    return p ? p->value : NULL;
}

static bool expect_kind(YCtx *c, const YNode *n, YNodeKind kind, const char *what)
{
    if (n->kind == kind) return true;
    char got[96];
    ynode_describe(n, got, sizeof got);
    yerr(c, n, "expected %s, got %s", what, got);
    return false;
}

bool yget_map(YCtx *c, const YNode *n) { return expect_kind(c, n, YNODE_MAP, "a mapping"); }
bool yget_seq(YCtx *c, const YNode *n) { return expect_kind(c, n, YNODE_SEQ, "a sequence"); }

bool yget_str(YCtx *c, const YNode *n, const char **out)
{
    if (n->kind != YNODE_SCALAR || ynode_is_null(n)) {
        char got[96];
        ynode_describe(n, got, sizeof got);
        yerr(c, n, "expected a string, got %s", got);
        return false;
    }
    *out = n->text;
    return true;
}

bool yget_sym(YCtx *c, const YNode *n, Sym *out)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    *out = strtab_intern_n(c->strs, s, n->len);
    return true;
}

bool yget_int(YCtx *c, const YNode *n, int64_t lo, int64_t hi, int64_t *out)
{
    if (n->kind != YNODE_SCALAR || ynode_type(n) != YVAL_INT) {
        char got[96];
        ynode_describe(n, got, sizeof got);
        yerr(c, n, "expected an integer, got %s", got);
        return false;
    }
    const char *s = n->text;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2, base = 16;
    else if (s[0] == '0' && s[1] == 'o') s += 2, base = 8;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, base);
    if (errno == ERANGE || *end) {
        yerr(c, n, "integer %s is out of range", n->text);
        return false;
    }
    if (v < lo) {
        if (lo == 0)
            yerr(c, n, "must be >= 0, got %lld", v);
        else
            yerr(c, n, "must be >= %lld, got %lld", (long long)lo, v);
        return false;
    }
    if (v > hi) {
        yerr(c, n, "must be <= %lld, got %lld", (long long)hi, v);
        return false;
    }
    *out = v;
    return true;
}

bool yget_double(YCtx *c, const YNode *n, double *out)
{
    YValType t = n->kind == YNODE_SCALAR ? ynode_type(n) : YVAL_STR;
    if (n->kind != YNODE_SCALAR || (t != YVAL_INT && t != YVAL_FLOAT)) {
        char got[96];
        ynode_describe(n, got, sizeof got);
        yerr(c, n, "expected a number, got %s", got);
        return false;
    }
    errno = 0;
    char *end;
    double v = strtod(n->text, &end);
    if (*end || !isfinite(v)) {
        yerr(c, n, "must be a finite number, got %s", n->text);
        return false;
    }
    *out = v;
    return true;
}

bool yget_probability(YCtx *c, const YNode *n, double *out)
{
    if (!yget_double(c, n, out)) return false;
    if (!(*out >= 0 && *out <= 1)) {
        yerr(c, n, "must be between 0 and 1, got %s", n->text);
        return false;
    }
    return true;
}

bool yget_bool(YCtx *c, const YNode *n, bool *out)
{
    if (n->kind != YNODE_SCALAR || ynode_type(n) != YVAL_BOOL) {
        char got[96];
        ynode_describe(n, got, sizeof got);
        yerr(c, n, "expected true or false, got %s", got);
        return false;
    }
    *out = n->text[0] == 't' || n->text[0] == 'T';
    return true;
}

static bool scalar_text(YCtx *c, const YNode *n, const char *what)
{
    if (n->kind == YNODE_SCALAR && !ynode_is_null(n)) return true;
    char got[96];
    ynode_describe(n, got, sizeof got);
    yerr(c, n, "expected %s, got %s", what, got);
    return false;
}

/* Digits with at most one dot: what a duration string may not be without a
 * unit (besides "0", as in Go). */
static bool is_unitless_number(const char *s)
{
    bool digit = false;
    int dots = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') digit = true;
        else if (*s == '.') dots++;
        else return false;
    }
    return digit && dots <= 1;
}

bool yget_duration(YCtx *c, const YNode *n, SimTime *out)
{
    if (!scalar_text(c, n, "a duration (like 90s, 1h30m or 250ms)")) return false;
    /* A plain number means seconds; a string is a Go duration, which needs a
     * unit (time.ParseDuration: "missing unit in duration"). */
    if (n->style != YSTYLE_PLAIN && strcmp(n->text, "0") && is_unitless_number(n->text)) {
        yerr(c, n, "invalid duration \"%s\": missing unit (a quoted duration needs one, like "
                   "\"%ss\"; a plain number means seconds)", n->text, n->text);
        return false;
    }
    const char *err = units_parse_duration(n->text, out);
    if (err) {
        yerr(c, n, "invalid duration \"%s\": %s (write Go durations like 90s, 1h30m, 250ms, "
                   "or plain seconds)", n->text, err);
        return false;
    }
    return true;
}

bool yget_quantity(YCtx *c, const YNode *n, int64_t *milli)
{
    if (!scalar_text(c, n, "a quantity (like 500m, 2Gi or 4)")) return false;
    const char *err = units_parse_quantity(n->text, milli);
    if (err) {
        yerr(c, n, "invalid quantity \"%s\": %s", n->text, err);
        return false;
    }
    return true;
}

bool yget_int_or_percent(YCtx *c, const YNode *n, IntOrPercent *out)
{
    if (!scalar_text(c, n, "an integer or a percentage")) return false;
    YValType t = ynode_type(n);
    size_t len = strlen(n->text);
    /* A string must be a percentage: upstream rejects "3" (a quoted number). */
    if (t != YVAL_INT && !(len > 0 && n->text[len - 1] == '%')) {
        yerr(c, n, "invalid value \"%s\"%s: must be an integer or percentage (e.g '5%%')", n->text,
             n->style == YSTYLE_QUOTED ? " (a quoted string)" : "");
        return false;
    }
    const char *err = units_parse_int_or_percent(n->text, out);
    if (err) {
        yerr(c, n, "invalid value %s: %s", n->text, err);
        return false;
    }
    return true;
}

bool yget_enum(YCtx *c, const YNode *n, const char *const *names, size_t count, int *out)
{
    if (n->kind == YNODE_SCALAR && !ynode_is_null(n)) {
        for (size_t i = 0; i < count; i++) {
            if (!strcmp(n->text, names[i])) {
                *out = (int)i;
                return true;
            }
        }
    }
    char list[256] = "", got[96];
    size_t w = 0;
    for (size_t i = 0; i < count && w < sizeof list; i++)
        w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ", " : "", names[i]);
    ynode_describe(n, got, sizeof got);
    yerr(c, n, "must be one of %s; got %s", list, got);
    return false;
}

/* ---- the table walker ------------------------------------------------------------- */

int ystr_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    int row[41];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            char x = a[i - 1], y = b[j - 1];
            if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
            int best = prev + (x != y);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static void report_unknown_key(YCtx *c, const YNode *map, const YNode *key, const YField *fields,
                               size_t nfields)
{
    char list[320] = "", hint[96] = "", path[256] = "";
    size_t w = 0;
    int best = 3;
    for (size_t i = 0; i < nfields; i++) {
        if (w < sizeof list)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", i ? ", " : "", fields[i].key);
        int dist = ystr_distance(key->text, fields[i].key);
        if (dist < best) {
            best = dist;
            snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", fields[i].key);
        }
    }
    if (key->pos.line > 0) ynode_path(map, path, sizeof path);
    diag_error(c->d, key->pos, "%s%sunknown key \"%s\"%s; expected one of: %s", path,
               path[0] ? ": " : "", key->text, hint, list);
}

bool ymap_walk(YCtx *c, const YNode *map, const YField *fields, size_t nfields, void *obj,
               unsigned flags, const YNode **found)
{
    if (!yget_map(c, map)) return false;
    bool seen[64] = {false};
    DS_ASSERT(nfields <= DS_ARRAY_LEN(seen));
    if (found)
        for (size_t i = 0; i < nfields; i++) found[i] = NULL;
    for (uint32_t p = 0; p < map->n; p++) {
        const YNode *k = map->pairs[p].key, *v = map->pairs[p].value;
        size_t i = 0;
        while (i < nfields && strcmp(fields[i].key, k->text)) i++;
        if (i == nfields) {
            if (flags & YW_ALLOW_UNKNOWN) continue;
            report_unknown_key(c, map, k, fields, nfields);
            return false;
        }
        seen[i] = true;
        if (ynode_is_null(v)) {
            if (fields[i].flags & YF_REQUIRED) {
                yerr(c, v, "a value is required");
                return false;
            }
            continue;     /* null is absent, as the API server decodes it */
        }
        if (found) found[i] = v;
        if (fields[i].fn && !fields[i].fn(c, v, (char *)obj + fields[i].off)) return false;
    }
    for (size_t i = 0; i < nfields; i++) {
        if ((fields[i].flags & YF_REQUIRED) && !seen[i]) {
            char path[256] = "";
            if (map->pos.line > 0) ynode_path(map, path, sizeof path);
            diag_error(c->d, map->pos, "%s%smissing required key \"%s\"", path, path[0] ? ": " : "",
                       fields[i].key);
            return false;
        }
    }
    return true;
}

bool yf_sym(YCtx *c, const YNode *n, void *dst) { return yget_sym(c, n, dst); }

bool yf_str(YCtx *c, const YNode *n, void *dst)
{
    const char *s;
    if (!yget_str(c, n, &s)) return false;
    *(const char **)dst = arena_strndup(c->out, s, n->len);
    return true;
}

bool yf_bool(YCtx *c, const YNode *n, void *dst) { return yget_bool(c, n, dst); }

bool yf_u32(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 0, UINT32_MAX, &v)) return false;
    *(uint32_t *)dst = (uint32_t)v;
    return true;
}

bool yf_i32_nonneg(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 0, INT32_MAX, &v)) return false;
    *(int32_t *)dst = (int32_t)v;
    return true;
}

bool yf_i64_nonneg(YCtx *c, const YNode *n, void *dst)
{
    return yget_int(c, n, 0, INT64_MAX, dst);
}

bool yf_u64(YCtx *c, const YNode *n, void *dst)
{
    int64_t v;
    if (!yget_int(c, n, 0, INT64_MAX, &v)) return false;
    *(uint64_t *)dst = (uint64_t)v;
    return true;
}

bool yf_duration(YCtx *c, const YNode *n, void *dst) { return yget_duration(c, n, dst); }

bool yf_duration_pos(YCtx *c, const YNode *n, void *dst)
{
    if (!yget_duration(c, n, dst)) return false;
    if (*(SimTime *)dst <= 0) {
        yerr(c, n, "must be greater than 0");
        return false;
    }
    return true;
}

bool yf_quantity(YCtx *c, const YNode *n, void *dst) { return yget_quantity(c, n, dst); }

bool yf_ignore(YCtx *c, const YNode *n, void *dst)
{
    (void)c, (void)n, (void)dst;
    return true;
}

/* ---- changing trees ---------------------------------------------------------------- */

YNode *ynode_copy(YCtx *c, const YNode *n, const YNode *parent, const char *key, uint32_t index)
{
    YNode *m = node_new(c, n->kind, n->pos);
    m->style = n->style;
    m->tag = n->tag;
    m->text = n->text;      /* texts are immutable: shared */
    m->len = n->len;
    set_parent(m, parent, key, index);
    if (n->kind == YNODE_SEQ) {
        m->items = arena_alloc(c->tmp, (n->n ? n->n : 1) * sizeof *m->items);
        m->cap = n->n ? n->n : 1;
        for (uint32_t i = 0; i < n->n; i++) m->items[i] = ynode_copy(c, n->items[i], m, NULL, i);
        m->n = n->n;
    } else if (n->kind == YNODE_MAP) {
        m->pairs = arena_alloc(c->tmp, (n->n ? n->n : 1) * sizeof *m->pairs);
        for (uint32_t i = 0; i < n->n; i++) {
            YNode *k = ynode_copy(c, n->pairs[i].key, m, n->pairs[i].key->text, 0);
            m->pairs[i] = (YPair){k, ynode_copy(c, n->pairs[i].value, m, k->text, 0)};
        }
        m->n = n->n;
    }
    return m;
}

void ymap_set(YCtx *c, YNode *map, const char *key, YNode *value, SrcPos key_pos)
{
    DS_ASSERT(map->kind == YNODE_MAP);
    YPair *p = ymap_pair(map, key);
    if (p) {
        set_parent(value, map, p->key->text, 0);
        p->value = value;
        return;
    }
    YPair *pairs = arena_alloc(c->tmp, (map->n + 1) * sizeof *pairs);
    if (map->n) memcpy(pairs, map->pairs, map->n * sizeof *pairs);
    YNode *k = ynode_new_scalar(c, key, YSTYLE_PLAIN, key_pos);
    set_parent(k, map, k->text, 0);
    set_parent(value, map, k->text, 0);
    pairs[map->n] = (YPair){k, value};
    map->pairs = pairs;
    map->n++;
}

void ymap_remove(YNode *map, const char *key)
{
    for (uint32_t i = 0; i < map->n; i++) {
        if (strcmp(map->pairs[i].key->text, key)) continue;
        memmove(&map->pairs[i], &map->pairs[i + 1], (map->n - i - 1) * sizeof *map->pairs);
        map->n--;
        return;
    }
}

void yseq_push(YCtx *c, YNode *seq, YNode *value)
{
    /* Grows by doubling inside the arena; the old array is simply abandoned. */
    if (seq->n == seq->cap) {
        uint32_t ncap = seq->cap ? seq->cap * 2 : 4;
        YNode **items = arena_alloc(c->tmp, ncap * sizeof *items);
        if (seq->n) memcpy(items, seq->items, seq->n * sizeof *items);
        seq->items = items;
        seq->cap = ncap;
    }
    set_parent(value, seq, NULL, seq->n);
    seq->items[seq->n++] = value;
}

YNode *ymap_child_map(YCtx *c, YNode *map, const char *key, SrcPos pos)
{
    YNode *v = ymap_get(map, key);
    if (v && v->kind == YNODE_MAP) return v;
    if (v && !ynode_is_null(v)) return NULL;
    YNode *m = ynode_new_map(c, pos);
    ymap_set(c, map, key, m, pos);
    return m;
}

static YNode *merge_node(YCtx *c, const YNode *target, const YNode *patch, const YNode *parent,
                         const char *key, uint32_t index)
{
    if (patch->kind != YNODE_MAP) return ynode_copy(c, patch, parent, key, index);
    YNode *m;
    if (target && target->kind == YNODE_MAP) {
        m = ynode_copy(c, target, parent, key, index);
        m->pos = patch->pos;    /* messages about a patched mapping point at the patch */
    } else {
        m = ynode_new_map(c, patch->pos);
        set_parent(m, parent, key, index);
    }
    for (uint32_t i = 0; i < patch->n; i++) {
        const YNode *pk = patch->pairs[i].key, *pv = patch->pairs[i].value;
        if (ynode_is_null(pv)) {
            ymap_remove(m, pk->text);
            continue;
        }
        YNode *merged = merge_node(c, ymap_get(m, pk->text), pv, m, pk->text, 0);
        ymap_set(c, m, pk->text, merged, pk->pos);
    }
    return m;
}

YNode *ynode_merge_patch(YCtx *c, const YNode *target, const YNode *patch)
{
    return merge_node(c, target, patch, NULL, NULL, 0);
}

/* ---- canonical text ----------------------------------------------------------------- */

typedef VEC(char) CharBuf;

static void buf_put(CharBuf *b, const char *s, size_t n)
{
    VEC_RESERVE(*b, b->n + n + 1);
    memcpy(b->v + b->n, s, n);
    b->n += n;
}

static void buf_quoted(CharBuf *b, const char *s, size_t n)
{
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char esc[8];
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            buf_put(b, esc, 2);
        } else if (ch < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            buf_put(b, esc, 6);
        } else {
            buf_put(b, (const char *)&s[i], 1);
        }
    }
    buf_put(b, "\"", 1);
}

static int pair_cmp(const void *a, const void *b)
{
    const YPair *x = a, *y = b;
    return strcmp(x->key->text, y->key->text);
}

static void canon(CharBuf *b, const YNode *n)
{
    switch (n->kind) {
    case YNODE_SCALAR:
        switch (ynode_type(n)) {
        case YVAL_NULL: buf_put(b, "null", 4); break;
        case YVAL_BOOL:
            if (n->text[0] == 't' || n->text[0] == 'T') buf_put(b, "true", 4);
            else buf_put(b, "false", 5);
            break;
        case YVAL_INT:
        case YVAL_FLOAT: buf_put(b, n->text, n->len); break;
        case YVAL_STR: buf_quoted(b, n->text, n->len); break;
        }
        break;
    case YNODE_SEQ:
        buf_put(b, "[", 1);
        for (uint32_t i = 0; i < n->n; i++) {
            if (i) buf_put(b, ",", 1);
            canon(b, n->items[i]);
        }
        buf_put(b, "]", 1);
        break;
    case YNODE_MAP: {
        YPair *sorted = xmalloc((n->n ? n->n : 1) * sizeof *sorted);
        if (n->n) memcpy(sorted, n->pairs, n->n * sizeof *sorted);
        qsort(sorted, n->n, sizeof *sorted, pair_cmp);
        buf_put(b, "{", 1);
        bool first = true;
        for (uint32_t i = 0; i < n->n; i++) {
            if (ynode_is_null(sorted[i].value)) continue;
            if (!first) buf_put(b, ",", 1);
            first = false;
            buf_quoted(b, sorted[i].key->text, sorted[i].key->len);
            buf_put(b, ":", 1);
            canon(b, sorted[i].value);
        }
        buf_put(b, "}", 1);
        free(sorted);
        break;
    }
    }
}

char *ynode_canonical(const YNode *n, Arena *a)
{
    CharBuf b = {0};
    canon(&b, n);
    char *s = arena_strndup(a, b.v ? b.v : "", b.n);
    VEC_FREE(b);
    return s;
}
