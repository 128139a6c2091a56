/* fuzz_nodes.c: a `kubectl get nodes -o yaml|json` output from bytes, imported
 * by a fixed scenario through `nodesFrom` (the streaming reader of
 * ydoc_stream_items and the node checks of nodes_import.c). */
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
    fuzz_load_with("fuzz-nodes.yaml", data, size, "fuzz-nodes-scenario.yaml", scenario);
    return 0;
}
