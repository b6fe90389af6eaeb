#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace steady::cli {

namespace {
constexpr auto kShowAfter = std::chrono::milliseconds(800);
constexpr int kBarWidth = 40;
}  // namespace

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
}

void ProgressBar::update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    if (!shown_ && std::chrono::steady_clock::now() - start_ < kShowAfter) return;
    const int percent = static_cast<int>(100 * done / total);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    shown_ = true;
    const int filled = percent * kBarWidth / 100;
    std::fprintf(stderr, "\r%s [%-*s] %3d%% (%zu/%zu)", label_.c_str(), kBarWidth,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), percent, done, total);
    std::fflush(stderr);
}

}  // namespace steady::cli
