// Running a handful of independent analysis steps on a few threads.
#pragma once

#include <functional>
#include <span>

namespace steady::hrv {

// Runs every task once on up to `threads` threads (the caller's included) and returns when all
// have finished. Each thread takes the next task not yet started, so giving the longest first
// balances the load (LPT order). `threads` <= 1 runs them in order on the caller's thread.
// If a task throws, the others still finish and the first exception is rethrown here.
void run_tasks(std::span<const std::function<void()>> tasks, unsigned threads);

// Threads worth using for one analysis: the machine's hardware threads (at least 1).
unsigned analysis_threads();

}  // namespace steady::hrv
