/* fuzz_nodes.c: a `kubectl get nodes -o yaml|json` output from bytes, imported
 * by a fixed scenario through `nodesFrom` (the streaming reader of
 * ydoc_stream_items and the node checks of nodes_import.c). */
#include <string.h>

#include "fuzz.h"

static const char scenario[] =
    "apiVersion: daemonsim/v1\n"
    "kind: Scenario\n"
    "metadata: {name: fuzz-nodes}\n"
    "spec:\n"
    "  cluster:\n"
    "    nodePools:\n"
    "      - {name: workers, count: 2}\n"
    "    nodesFrom: [fuzz-nodes.yaml]\n"
    "  daemonSets:\n"
    "    - file: manifests/node-exporter.yaml\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path;
    fuzz_write("fuzz-nodes.yaml", data, size);
    if (!path) path = strdup(fuzz_write("fuzz-nodes-scenario.yaml", scenario, sizeof scenario - 1));
    fuzz_load_scenario(path);
    return 0;
}
