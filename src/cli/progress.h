// A progress bar on stderr for long work, shown only when stderr is a terminal and only once the
// work has run for about a second (short runs stay quiet).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace steady::cli {

class ProgressBar {
  public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    void update(std::size_t done, std::size_t total);

  private:
    std::string label_;
    bool enabled_;
    bool shown_ = false;
    int last_percent_ = -1;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace steady::cli
