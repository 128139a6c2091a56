/* idxset.h: a set of small integer ids with O(1) insert, remove and
 * membership, and in-place random sampling. Iteration order is the order of
 * the items array: deterministic, though it changes as items come and go. */
#ifndef DAEMONSIM_IDXSET_H
#define DAEMONSIM_IDXSET_H

#include "daemonsim/mem.h"

typedef struct {
    uint32_t *items;
    uint32_t n, cap;
    uint32_t *pos;              /* id -> position + 1, 0 = absent */
    uint32_t pos_cap;
} IdxSet;

void idxset_free(IdxSet *s);
bool idxset_has(const IdxSet *s, uint32_t id);
void idxset_add(IdxSet *s, uint32_t id);        /* no-op when present */
void idxset_remove(IdxSet *s, uint32_t id);     /* no-op when absent */
void idxset_clear(IdxSet *s);
/* Moves the item at position i to position j (used by samplers). */
void idxset_swap(IdxSet *s, uint32_t i, uint32_t j);

#endif
