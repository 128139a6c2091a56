/* mem.c: checked allocation, the scenario arena and string interning. */
#include "daemonsim/mem.h"
#include "daemonsim/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DS_NORETURN void out_of_memory(size_t n)
{
    fprintf(stderr, "daemonsim: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

/* Arena: a list of blocks, each at least 64 KiB; big requests get their own. */
struct ArenaBlock {
    ArenaBlock *next;
    size_t used, cap;
    max_align_t data[];
};

#define ARENA_BLOCK (64 * 1024)

void *arena_alloc(Arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    ArenaBlock *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = xmalloc(sizeof(ArenaBlock) + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    return d;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

void arena_free(Arena *a)
{
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* StrTab: open addressing over FNV-1a hashes; strings live in an arena. */
struct StrTab {
    Arena arena;
    const char **strs;      /* id -> string */
    uint32_t *lens;
    uint32_t n, cap;
    uint32_t *slots;        /* id + 1, 0 = empty */
    uint32_t nslots;        /* power of two */
};

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

StrTab *strtab_new(void)
{
    StrTab *t = xcalloc(1, sizeof *t);
    t->nslots = 1024;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    strtab_intern(t, "");   /* SYM_EMPTY */
    return t;
}

void strtab_free(StrTab *t)
{
    if (!t) return;
    arena_free(&t->arena);
    free(t->strs);
    free(t->lens);
    free(t->slots);
    free(t);
}

static void strtab_grow(StrTab *t)
{
    uint32_t nslots = t->nslots * 2;
    uint32_t *slots = xcalloc(nslots, sizeof *slots);
    for (uint32_t id = 0; id < t->n; id++) {
        uint32_t h = fnv1a(t->strs[id], t->lens[id]) & (nslots - 1);
        while (slots[h]) h = (h + 1) & (nslots - 1);
        slots[h] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
}

static uint32_t *strtab_slot(const StrTab *t, const char *s, size_t n)
{
    uint32_t h = fnv1a(s, n) & (t->nslots - 1);
    for (;;) {
        uint32_t v = t->slots[h];
        if (!v) return &t->slots[h];
        if (t->lens[v - 1] == n && memcmp(t->strs[v - 1], s, n) == 0) return &t->slots[h];
        h = (h + 1) & (t->nslots - 1);
    }
}

Sym strtab_intern_n(StrTab *t, const char *s, size_t n)
{
    uint32_t *slot = strtab_slot(t, s, n);
    if (*slot) return *slot - 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->strs = xrealloc(t->strs, t->cap * sizeof *t->strs);
        t->lens = xrealloc(t->lens, t->cap * sizeof *t->lens);
    }
    Sym id = t->n++;
    t->strs[id] = arena_strndup(&t->arena, s, n);
    t->lens[id] = (uint32_t)n;
    *slot = id + 1;
    if (t->n * 2 > t->nslots) strtab_grow(t);
    return id;
}

Sym strtab_intern(StrTab *t, const char *s) { return strtab_intern_n(t, s, strlen(s)); }

Sym strtab_find(const StrTab *t, const char *s)
{
    uint32_t *slot = strtab_slot(t, s, strlen(s));
    return *slot ? *slot - 1 : SYM_NONE;
}

const char *strtab_str(const StrTab *t, Sym id)
{
    DS_ASSERT(id < t->n);
    return t->strs[id];
}

size_t strtab_count(const StrTab *t) { return t->n; }

/* ids_sort: merge sort, so equal ids keep their order and no qsort_r is needed. */
static void merge_pass(uint32_t *ids, uint32_t *tmp, size_t lo, size_t mid, size_t hi, IdCmp cmp,
                       const void *ctx)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = cmp(ctx, ids[j], ids[i]) < 0 ? ids[j++] : ids[i++];
    while (i < mid) tmp[k++] = ids[i++];
    while (j < hi) tmp[k++] = ids[j++];
    memcpy(ids + lo, tmp + lo, (hi - lo) * sizeof *ids);
}

void ids_sort(uint32_t *ids, size_t n, IdCmp cmp, const void *ctx)
{
    if (n < 2) return;
    uint32_t *tmp = xmalloc(n * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge_pass(ids, tmp, lo, lo + width, hi, cmp, ctx);
        }
    free(tmp);
}
