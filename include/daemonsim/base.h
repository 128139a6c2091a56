/* base.h: simulated time, typed entity ids and small shared macros.
 *
 * Simulated time is an integer count of nanoseconds since the scenario start;
 * the simulator never keeps a floating-point clock. Entities (nodes, pods,
 * DaemonSets) live in arrays and are referred to by index; the one-field id
 * structs make swapped arguments a compile error at no run-time cost. */
#ifndef DAEMONSIM_BASE_H
#define DAEMONSIM_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_NS INT64_C(1)
#define SIM_US INT64_C(1000)
#define SIM_MS INT64_C(1000000)
#define SIM_S INT64_C(1000000000)
#define SIM_MIN (60 * SIM_S)
#define SIM_HOUR (3600 * SIM_S)
#define SIM_NEVER INT64_MAX

static inline double sim_to_seconds(SimTime t) { return (double)t / (double)SIM_S; }

typedef struct { uint32_t i; } NodeId;
typedef struct { uint32_t i; } PodId;
typedef struct { uint32_t i; } DsId;

#define ID_NONE UINT32_MAX
#define NODE_NONE ((NodeId){ID_NONE})
#define POD_NONE ((PodId){ID_NONE})
#define DS_NONE ((DsId){ID_NONE})

#define DS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* A macro's value as a string literal, for help texts. */
#define DS_STR_(x) #x
#define DS_STR(x) DS_STR_(x)
/* Functions, not macros: each argument is evaluated exactly once. */
static inline int64_t ds_min_i64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t ds_max_i64(int64_t a, int64_t b) { return a > b ? a : b; }
#define DS_MIN(a, b) ds_min_i64((int64_t)(a), (int64_t)(b))
#define DS_MAX(a, b) ds_max_i64((int64_t)(a), (int64_t)(b))

#if defined(__GNUC__)
#define DS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define DS_NORETURN __attribute__((noreturn))
#else
#define DS_PRINTF(f, a)
#define DS_NORETURN
#endif

#endif
