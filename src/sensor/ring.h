// Bounded single-producer / single-consumer ring for the real-time path: the producer (a driver's
// I/O thread) never blocks, never allocates, and counts what it drops when the ring is full; the
// consumer (the engine) drains in order. One producer thread and one consumer thread only.
// Indices live on separate cache lines so the two threads do not false-share.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace steady {

template <typename T>
class SpscRing {
  public:
    // Capacity is rounded up to a power of two.
    explicit SpscRing(std::size_t capacity) : slots_(std::bit_ceil(capacity < 2 ? 2 : capacity)) {
        mask_ = slots_.size() - 1;
    }
    SpscRing(const SpscRing&) = delete;
    SpscRing& operator=(const SpscRing&) = delete;

    // Producer only. False (and one more drop counted) when the ring is full.
    bool push(const T& value) noexcept {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_.load(std::memory_order_acquire) > mask_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        slots_[head & mask_] = value;
        head_.store(head + 1, std::memory_order_release);
        return true;
    }

    // Consumer only.
    std::optional<T> pop() noexcept {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail == head_.load(std::memory_order_acquire)) return std::nullopt;
        T value = slots_[tail & mask_];
        tail_.store(tail + 1, std::memory_order_release);
        return value;
    }

    std::size_t capacity() const { return slots_.size(); }
    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  private:
    std::vector<T> slots_;
    std::size_t mask_ = 0;
    alignas(64) std::atomic<std::size_t> head_{0};  // written by the producer
    alignas(64) std::atomic<std::size_t> tail_{0};  // written by the consumer
    alignas(64) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace steady
