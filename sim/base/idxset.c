/* idxset.c: ids kept in a dense array with a position index. */
#include "daemonsim/idxset.h"

#include <stdlib.h>
#include <string.h>

void idxset_free(IdxSet *s)
{
    free(s->items);
    free(s->pos);
    memset(s, 0, sizeof *s);
}

bool idxset_has(const IdxSet *s, uint32_t id) { return id < s->pos_cap && s->pos[id] != 0; }

void idxset_add(IdxSet *s, uint32_t id)
{
    if (id >= s->pos_cap) {
        uint32_t cap = s->pos_cap ? s->pos_cap : 64;
        while (cap <= id) cap *= 2;
        s->pos = xrealloc(s->pos, cap * sizeof *s->pos);
        memset(s->pos + s->pos_cap, 0, (cap - s->pos_cap) * sizeof *s->pos);
        s->pos_cap = cap;
    }
    if (s->pos[id]) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->n++] = id;
    s->pos[id] = s->n;
}

void idxset_remove(IdxSet *s, uint32_t id)
{
    if (!idxset_has(s, id)) return;
    uint32_t at = s->pos[id] - 1;
    uint32_t last = s->items[--s->n];
    s->items[at] = last;
    s->pos[last] = at + 1;
    s->pos[id] = 0;
}

void idxset_clear(IdxSet *s)
{
    for (uint32_t i = 0; i < s->n; i++) s->pos[s->items[i]] = 0;
    s->n = 0;
}

void idxset_swap(IdxSet *s, uint32_t i, uint32_t j)
{
    uint32_t a = s->items[i], b = s->items[j];
    s->items[i] = b;
    s->items[j] = a;
    s->pos[b] = i + 1;
    s->pos[a] = j + 1;
}
