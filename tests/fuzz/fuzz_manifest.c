/* fuzz_manifest.c: a DaemonSet manifest file (one or more YAML documents)
 * from bytes, loaded by a fixed scenario through `daemonSets: [{file}]`, so
 * that kind checks, defaulting, validation and the revision chain all run. */
#include "fuzz.h"

static const char scenario[] =
    "apiVersion: daemonsim/v1\n"
    "kind: Scenario\n"
    "metadata: {name: fuzz-manifest}\n"
    "spec:\n"
    "  priorityClasses: {high: 1000}\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - {name: workers, count: 3, labels: {kubernetes.io/os: linux, app: web}}\n"
    "  daemonSets:\n"
    "    - file: fuzz-ds.yaml\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_with("fuzz-ds.yaml", data, size, "fuzz-manifest-scenario.yaml", scenario);
    return 0;
}
