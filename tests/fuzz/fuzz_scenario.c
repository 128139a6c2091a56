/* fuzz_scenario.c: a whole scenario file from bytes through scenario_load(),
 * the way `daemonsim validate` and `run` read it. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_scenario(fuzz_write("fuzz-scenario.yaml", data, size));
    return 0;
}
