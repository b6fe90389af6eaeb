#include "hrv/tasks.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace steady::hrv {

void run_tasks(std::span<const std::function<void()>> tasks, unsigned threads) {
    std::atomic<std::size_t> next{0};
    std::mutex failed_mutex;
    std::exception_ptr failed;
    const auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) {
            try {
                tasks[i]();
            } catch (...) {
                const std::lock_guard lock(failed_mutex);
                if (!failed) failed = std::current_exception();
            }
        }
    };
    const auto helpers_wanted = std::min<std::size_t>(threads, tasks.size());
    std::vector<std::future<void>> helpers;
    for (std::size_t k = 1; k < helpers_wanted; ++k)
        helpers.push_back(std::async(std::launch::async, worker));
    worker();
    for (auto& h : helpers) h.get();
    if (failed) std::rethrow_exception(failed);
}

unsigned analysis_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace steady::hrv
