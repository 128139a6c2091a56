/* cli.h: the subcommands. Each takes the arguments after its name
 * (argv[0] is the command name) and returns the process exit code. */
#ifndef DAEMONSIM_CLI_H
#define DAEMONSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

enum {
    EXIT_OK = 0,
    EXIT_EXPECT_FAILED = 1,     /* a scenario's expect checks failed */
    EXIT_USAGE = 2,             /* bad usage or bad input */
    EXIT_RUNTIME = 3,           /* I/O or database failure */
    EXIT_INTERRUPTED = 130,     /* SIGINT: what was finished is kept (the shell's 128 + 2) */
};

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_plot(int argc, char **argv);

/* Strict number parsing for options: the whole string must be the number. */
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_int(const char *s, long min, long max, long *out);

#endif
