/* scenario_kind.c: tells scenario files from the other YAML kept beside them
 * (DaemonSet manifests, node lists), for commands that take a folder. */
#include <string.h>

#include "daemonsim/scenario.h"
#include "ydoc.h"

bool scenario_file_is_other_kind(const char *path)
{
    Diag d;
    diag_init(&d);
    Arena tmp = {0}, out = {0};
    StrTab *strs = strtab_new();
    YCtx c = {.d = &d, .tmp = &tmp, .out = &out, .strs = strs};
    YFile f;
    bool other = false;
    if (ydoc_load_file(&c, path, (SrcPos){NULL, 0, 0}, &f) && f.ndocs > 0 && f.docs[0]->kind == YNODE_MAP) {
        const YNode *kind = ymap_get(f.docs[0], "kind");
        other = kind && kind->kind == YNODE_SCALAR && strcmp(kind->text, "Scenario") != 0;
    }
    arena_free(&tmp);
    arena_free(&out);
    strtab_free(strs);
    return other;
}
