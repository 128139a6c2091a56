/* cli.h: the subcommands. Each takes the arguments after its name
 * (argv[0] is the command name) and returns the process exit code. */
#ifndef DAEMONSIM_CLI_H
#define DAEMONSIM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "daemonsim/base.h"

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
int cmd_merge(int argc, char **argv);
int cmd_test(int argc, char **argv);

int cmd_calibrate(int argc, char **argv);

/* Help and misuse, the same for every command (coreutils' usage()). With
 * status EXIT_OK the help text goes to stdout; otherwise only the line
 * "Try 'daemonsim CMD --help'." goes to stderr. Returns status. */
int cli_usage(const char *cmd, const char *help, int status);
/* "daemonsim CMD: MESSAGE" on stderr, then cli_usage(cmd, NULL, EXIT_USAGE). */
int cli_misuse(const char *cmd, const char *fmt, ...) DS_PRINTF(2, 3);

/* `--set KEY=VALUE` into an override (key and value allocated); false when
 * there is no `=` or no key. */
struct Override;
bool cli_parse_set(const char *arg, struct Override *o);
/* The run row's params JSON (malloc'd): the overrides in order, then the seed if given. */
char *cli_params_json(const struct Override *ovr, size_t n, bool has_seed, uint64_t seed);
void cli_free_overrides(struct Override *ovr, size_t n);

/* Strict number parsing for options: the whole string must be the number. */
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_int(const char *s, long min, long max, long *out);

#endif
