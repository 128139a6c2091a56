/* main.c: argv[1] picks a subcommand; nothing else happens here. */
#include <stdio.h>
#include <string.h>

#include "daemonsim/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command commands[] = {
    {"run", cmd_run, "simulate one scenario and append the run to a database"},
    {"sweep", cmd_sweep, "run a scenario over a grid of parameters and seeds, with statistics"},
    {"merge", cmd_merge, "join the databases of a sweep's shards (sweep --shard K/N)"},
    {"validate", cmd_validate, "check a scenario file and print what it resolves to"},
    {"test", cmd_test, "run scenario files and their expect: blocks as a test suite (JUnit XML)"},
    {"report", cmd_report, "print the runs, rollouts and sweeps stored in a database"},
    {"plot", cmd_plot, "draw a chart of runs or a sweep with gnuplot (PNG or SVG)"},
    {"calibrate", cmd_calibrate, "fit the timing distributions to kubectl events and pods"},
    {"bench", cmd_bench, "measure the event engine"},
};

static int usage(FILE *out, int status)
{
    fprintf(out,
            "Usage: daemonsim COMMAND [ARGS]...\n"
            "Simulate Kubernetes DaemonSet placement and rollouts.\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n'daemonsim COMMAND --help' describes one command.\n"
            "Exit status: 0 ok, 1 expectations failed, 2 bad usage or input, 3 runtime error.\n");
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "daemonsim: missing command\nTry 'daemonsim --help'.\n");
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return usage(stdout, EXIT_OK);
    if (!strcmp(argv[1], "--version")) {
        printf("daemonsim %s\n", DS_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "daemonsim: unknown command '%s'\nTry 'daemonsim --help'.\n", argv[1]);
    return EXIT_USAGE;
}
