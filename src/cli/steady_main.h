// The `steady` command as a function, so a test process that hosts a hardware fake (the
// umockdev ANT stick lives in the process that uses it) can run the real command line in-process.
#pragma once

#include "app/trainer_options.h"

namespace steady::cli {

// Parses argv and runs the subcommand, or with none the trainer window through `trainer` (null
// in builds without the window); returns the exit status (2 for usage errors).
int steady_main(int argc, char** argv, TrainerEntry trainer = nullptr);

}  // namespace steady::cli
