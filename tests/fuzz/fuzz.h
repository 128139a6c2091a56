/* fuzz.h: what the fuzz targets share (tests/fuzz).
 *
 * Every fuzz_<target>.c defines LLVMFuzzerTestOneInput. With -DDS_FUZZ=ON it
 * links against libFuzzer; in every build it also links against replay.c,
 * whose main() feeds saved inputs through the same entry point, so that each
 * crash once found stays a regression test. Targets that need a file on disk
 * (the loader resolves `file:` and `nodesFrom` relative to the scenario) write
 * the input into a private work directory where the manifests of scenarios/,
 * tests/manifests and tests/bad/manifests are reachable under the relative
 * paths the seed scenarios use. */
#ifndef DAEMONSIM_FUZZ_H
#define DAEMONSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The work directory (created on first use, removed at exit), with a '/'. */
const char *fuzz_workdir(void);
/* Writes `size` bytes to fuzz_workdir()/name and returns the full path. */
const char *fuzz_write(const char *name, const void *data, size_t size);

/* Loads a scenario file and prints the summary or the error to /dev/null
 * (the printers walk everything the loader produced). */
void fuzz_load_scenario(const char *path);
/* Writes the input as `name` and loads the fixed scenario `text` that
 * references it (written once, as `scenario_name`). */
void fuzz_load_with(const char *name, const uint8_t *data, size_t size,
                    const char *scenario_name, const char *text);

#endif
