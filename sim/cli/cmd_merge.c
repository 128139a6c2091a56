/* cmd_merge.c: `daemonsim merge OUT.db PART.db...`, the shards of a sweep
 * run as a batch array joined into one database (sweep_merge.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "daemonsim/cli.h"
#include "daemonsim/sweep.h"

static const char merge_help[] =
    "Usage: daemonsim merge OUT.db PART.db...\n"
    "Join the databases of a sweep's shards (`daemonsim sweep ... --shard K/N -o PART.db`,\n"
    "one per K) into OUT.db, which gets the sweep as if it had run in one piece: the\n"
    "same runs, ids and rows, and the per-point figures computed once over every\n"
    "seed.\n\n"
    "  -h, --help   show this help\n\n"
    "Every part must hold one finished shard of the same sweep (scenario, arguments,\n"
    "seeds and daemonsim version), shards 1 to N each once; otherwise nothing is\n"
    "written. A merge that stopped half way is finished by running it again.\n"
    "Exit status: 0 ok, 2 bad usage or parts that do not fit together, 3 database\n"
    "or I/O failure.\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 0; /* glibc: 0 also resets the state of an earlier parse */
    int ch;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (ch == 'h') return cli_usage("merge", merge_help, EXIT_OK);
        if (optopt) return cli_misuse("merge", "unknown option '-%c'", optopt);
        return cli_misuse("merge", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind >= argc) return cli_misuse("merge", "missing OUT.db");
    if (optind + 1 >= argc) return cli_misuse("merge", "missing PART.db");
    const char *output = argv[optind];
    for (int i = optind + 1; i < argc; i++)
        if (!strcmp(argv[i], output))
            return cli_misuse("merge", "OUT.db %s is also a part", output);
    return sweep_merge(output, (const char *const *)argv + optind + 1, (size_t)(argc - optind - 1),
                       stdout, stderr);
}
