// steady: the command-line entry point (src/cli/steady_main.cpp does the work).
#include "cli/steady_main.h"

int main(int argc, char** argv) {
    return steady::cli::steady_main(argc, argv);
}
