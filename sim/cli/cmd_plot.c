/* cmd_plot.c: placeholder */
#include "daemonsim/cli.h"
int cmd_plot(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
