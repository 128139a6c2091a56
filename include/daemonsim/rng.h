/* rng.h: seeded random streams, one per purpose.
 *
 * Each stream is an independent GSL mt19937 generator whose seed is derived
 * from the scenario seed and a purpose key, so adding a draw for one purpose
 * never shifts the draws of another. Nothing here reads the environment or
 * the clock. */
#ifndef DAEMONSIM_RNG_H
#define DAEMONSIM_RNG_H

#include "daemonsim/base.h"

typedef struct Rng Rng;

/* Stream for (seed, key): different keys give unrelated streams. */
Rng *rng_new(uint64_t seed, uint64_t key);
/* Key from a purpose name, e.g. rng_key("imagePull"). */
uint64_t rng_key(const char *purpose);
void rng_free(Rng *r);
double rng_uniform(Rng *r);                  /* [0, 1) */
uint32_t rng_below(Rng *r, uint32_t n);      /* uniform in [0, n), n > 0 */
/* Mixes two 64-bit values into a well-spread 64-bit value (splitmix64). */
uint64_t rng_mix(uint64_t a, uint64_t b);
/* The 32-bit seed the generator for (seed, key) receives: rng_mix folded to
 * 32 bits, never 0. Worth recording next to the master seed. */
uint32_t rng_seed32(uint64_t seed, uint64_t key);
const char *rng_type_name(void);

/* For the distribution module only. */
void *rng_gsl(Rng *r);
/* Replaces GSL's error handler by one that prints GSL's file, line and reason
 * and aborts. Idempotent; rng_new() calls it, and so must any engine module
 * that calls GSL without a stream. */
void rng_gsl_init(void);

#endif
