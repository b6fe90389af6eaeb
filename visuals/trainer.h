// The trainer window's entry point, handed to steady_main() by the `steady` executable.
#pragma once

#include "app/trainer_options.h"

namespace steady::ui {

int run_trainer(const TrainerOptions& options, const SensorRegistry& registry);

}  // namespace steady::ui
