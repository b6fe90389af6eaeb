// steady: the command-line entry point (src/cli/steady_main.cpp does the work); without a
// subcommand it opens the trainer window (visuals/) when the build has it.
#include "cli/steady_main.h"

#ifdef STEADY_WITH_GUI
#include "visuals/trainer.h"
#endif

int main(int argc, char** argv) {
#ifdef STEADY_WITH_GUI
    return steady::cli::steady_main(argc, argv, &steady::ui::run_trainer);
#else
    return steady::cli::steady_main(argc, argv);
#endif
}
