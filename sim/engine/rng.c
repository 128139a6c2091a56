/* rng.c: seeded random streams over GSL's mt19937.
 *
 * A stream is named by (seed, key): the key is a 64-bit FNV-1a hash of the
 * purpose's name, the two are mixed with splitmix64 and folded to the 32 bits
 * GSL actually keeps (gsl_rng_set truncates an unsigned long seed to 32 bits
 * for mt19937, and replaces 0 by 4357). Mixing before folding makes every bit
 * of the 64-bit scenario seed count, so seeds 0 and 2^32 give different
 * streams; a fold that happens to be 0 is replaced by a fixed non-zero value
 * so that it cannot alias GSL's default seed. Nothing here reads the
 * environment (no gsl_rng_env_setup) or the clock. GSL reports misuse through
 * its error handler, which is replaced once by one that says where and aborts:
 * a GSL error is a bug in the caller, and GSL's own handler gives no context. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemonsim/diag.h"
#include "daemonsim/mem.h"
#include "daemonsim/rng.h"

/* What a zero fold becomes: 2^32 / golden ratio, any non-zero value works. */
#define RNG_SEED32_FOR_ZERO UINT32_C(0x9E3779B9)

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x100000001b3)

struct Rng {
    gsl_rng *g;
};

static DS_NORETURN void rng_gsl_error(const char *reason, const char *file, int line,
                                      int gsl_errno)
{
    fprintf(stderr, "daemonsim: GSL error at %s:%d: %s (%s)\n", file ? file : "?", line,
            reason ? reason : "?", gsl_strerror(gsl_errno));
    abort();
}

void rng_gsl_init(void)
{
    static bool installed;
    if (!installed) {
        gsl_set_error_handler(rng_gsl_error);
        installed = true;
    }
}

/* The splitmix64 output function: a bijection with full avalanche. */
static uint64_t splitmix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Two rounds, so that a and b play different parts (mix(a, b) != mix(b, a))
 * and, for a fixed b, distinct a give distinct results. */
uint64_t rng_mix(uint64_t a, uint64_t b)
{
    return splitmix64(splitmix64(a) ^ b);
}

uint64_t rng_key(const char *purpose)
{
    uint64_t h = FNV64_OFFSET;
    for (const unsigned char *p = (const unsigned char *)purpose; *p; p++) {
        h ^= *p;
        h *= FNV64_PRIME;
    }
    return h;
}

uint32_t rng_seed32(uint64_t seed, uint64_t key)
{
    uint64_t z = rng_mix(seed, key);
    uint32_t s = (uint32_t)(z ^ (z >> 32));
    return s ? s : RNG_SEED32_FOR_ZERO;
}

Rng *rng_new(uint64_t seed, uint64_t key)
{
    rng_gsl_init();
    Rng *r = xmalloc(sizeof *r);
    r->g = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r->g) {
        fprintf(stderr, "daemonsim: out of memory (random stream)\n");
        abort();
    }
    gsl_rng_set(r->g, rng_seed32(seed, key));
    return r;
}

void rng_free(Rng *r)
{
    if (!r) return;
    gsl_rng_free(r->g);
    free(r);
}

double rng_uniform(Rng *r)
{
    return gsl_rng_uniform(r->g);
}

uint32_t rng_below(Rng *r, uint32_t n)
{
    DS_ASSERT(n > 0);
    return (uint32_t)gsl_rng_uniform_int(r->g, n);
}

const char *rng_type_name(void)
{
    return gsl_rng_mt19937->name;
}

void *rng_gsl(Rng *r)
{
    return r->g;
}
