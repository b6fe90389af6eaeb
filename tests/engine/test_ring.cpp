// The sensor ring: one producer thread, one consumer thread; every item arrives in order or is
// counted as dropped, and the producer never waits.
#include <catch2/catch.hpp>

#include <cstdint>
#include <thread>

#include "sensor/ring.h"

using steady::SpscRing;

TEST_CASE("ring keeps order, refuses when full and counts the drops", "[engine][ring]") {
    SpscRing<int> ring(5);  // rounded up to 8
    REQUIRE(ring.capacity() == 8);
    for (int i = 0; i < 10; ++i) CHECK(ring.push(i) == (i < 8));
    CHECK(ring.dropped() == 2);
    for (int i = 0; i < 8; ++i) CHECK(ring.pop() == i);
    CHECK_FALSE(ring.pop());
    CHECK(ring.push(42));
    CHECK(ring.pop() == 42);
}

TEST_CASE("ring across two threads: in order, nothing lost uncounted", "[engine][ring]") {
    SpscRing<std::uint64_t> ring(64);  // small, so the consumer falls behind and drops happen
    constexpr std::uint64_t kItems = 2'000'000;
    std::uint64_t accepted = 0;
    std::thread producer([&] {
        for (std::uint64_t i = 1; i <= kItems; ++i) accepted += ring.push(i);
    });
    std::uint64_t received = 0, last = 0;
    bool in_order = true;
    for (;;) {
        if (auto v = ring.pop()) {
            in_order = in_order && *v > last;
            last = *v;
            ++received;
            if (last == kItems) break;
        } else if (received + ring.dropped() == kItems) {
            break;  // the last items were dropped
        }
    }
    producer.join();
    while (auto v = ring.pop()) in_order = in_order && *v > last, last = *v, ++received;
    CHECK(in_order);
    CHECK(received == accepted);
    CHECK(received + ring.dropped() == kItems);
}
