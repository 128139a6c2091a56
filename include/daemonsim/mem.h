/* mem.h: every allocation goes through here.
 *
 * x* functions abort with a message when memory runs out (an environment
 * failure no caller can repair). VEC is a growable array of values; Arena
 * holds data that lives as long as a scenario; StrTab interns strings so that
 * labels, taints and names compare as integers. */
#ifndef DAEMONSIM_MEM_H
#define DAEMONSIM_MEM_H

#include <stdlib.h>

#include "daemonsim/base.h"

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable array: `VEC(int) v = {0}; VEC_PUSH(v, 3); v.v[0]; v.n`. */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_RESERVE(vec, want)                                                   \
    do {                                                                         \
        if ((want) > (vec).cap) {                                                \
            size_t vec_cap_ = (vec).cap ? (vec).cap : 8;                         \
            while (vec_cap_ < (want)) vec_cap_ *= 2;                             \
            (vec).v = xrealloc((vec).v, vec_cap_ * sizeof(*(vec).v));            \
            (vec).cap = vec_cap_;                                                \
        }                                                                        \
    } while (0)
#define VEC_PUSH(vec, x)                                                         \
    do {                                                                         \
        VEC_RESERVE(vec, (vec).n + 1);                                           \
        (vec).v[(vec).n++] = (x);                                                \
    } while (0)
#define VEC_FREE(vec) (free((vec).v), (vec).v = NULL, (vec).n = (vec).cap = 0)

typedef VEC(uint32_t) U32Vec;

/* Sorts ids with a comparator that gets a context (stable merge sort). */
typedef int (*IdCmp)(const void *ctx, uint32_t a, uint32_t b);
void ids_sort(uint32_t *ids, size_t n, IdCmp cmp, const void *ctx);

/* Scenario-lifetime memory: many small allocations, one release. */
typedef struct ArenaBlock ArenaBlock;
typedef struct { ArenaBlock *head; } Arena;

void *arena_alloc(Arena *a, size_t n);            /* zeroed, aligned for any type */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* Interned strings: equal strings get equal ids. Id 0 is the empty string. */
typedef uint32_t Sym;
#define SYM_EMPTY 0u
#define SYM_NONE UINT32_MAX

typedef struct StrTab StrTab;

StrTab *strtab_new(void);
void strtab_free(StrTab *t);
Sym strtab_intern(StrTab *t, const char *s);
Sym strtab_intern_n(StrTab *t, const char *s, size_t n);
Sym strtab_find(const StrTab *t, const char *s);   /* SYM_NONE when absent */
const char *strtab_str(const StrTab *t, Sym id);
size_t strtab_count(const StrTab *t);

#endif
