// ANT framing and ANT+ heart-rate pages on byte vectors: the reference frames, chunked and
// corrupted input, rollovers, toggles, legacy straps, page 4 after missed messages.
#include <catch2/catch.hpp>

#include <vector>

#include "drivers/ant/ant_frame.h"
#include "drivers/ant/hrm_pages.h"

using namespace steady::ant;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("ant: frames as the reference lists them", "[driver][ant]") {
    // ../shared/reference/sensors.md s.4.2, channel 0, HRM receiver.
    CHECK(encode(kResetSystem, Bytes{0x00}) == Bytes{0xA4, 0x01, 0x4A, 0x00, 0xEF});
    CHECK(encode(kAssignChannel, Bytes{0, 0, 0}) == Bytes{0xA4, 0x03, 0x42, 0, 0, 0, 0xE5});
    CHECK(encode(kChannelId, Bytes{0, 0, 0, 0x78, 0}) ==
          Bytes{0xA4, 0x05, 0x51, 0, 0, 0, 0x78, 0, 0x88});
    CHECK(encode(kChannelPeriod, Bytes{0, 0x86, 0x1F}) ==
          Bytes{0xA4, 0x03, 0x43, 0, 0x86, 0x1F, 0x7D});
    CHECK(encode(kSearchTimeout, Bytes{0, 0x0C}) == Bytes{0xA4, 0x02, 0x44, 0, 0x0C, 0xEE});
    CHECK(encode(kRfFrequency, Bytes{0, 0x39}) == Bytes{0xA4, 0x02, 0x45, 0, 0x39, 0xDA});
    CHECK(encode(kOpenChannel, Bytes{0}) == Bytes{0xA4, 0x01, 0x4B, 0x00, 0xEE});
    CHECK(encode(kRequestMessage, Bytes{0, 0x51}) == Bytes{0xA4, 0x02, 0x4D, 0, 0x51, 0xBA});
    CHECK(encode(0x4E, Bytes(kMaxPayload + 1, 0)).empty());
}

TEST_CASE("ant: reader splits, joins and resynchronises", "[driver][ant]") {
    Bytes stream;
    const auto add = [&](const Bytes& b) { stream.insert(stream.end(), b.begin(), b.end()); };
    add({0x00, 0x13, 0xA4});                        // garbage, and a lone sync byte
    add(encode(kChannelEvent, Bytes{0, 0x46, 0}));  // ok
    Bytes bad = encode(kBroadcastData, Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8});
    bad.back() ^= 0xFF;  // checksum broken
    add(bad);
    add({0xA4, 0xF0});  // impossible length
    for (int i = 0; i < 5; ++i)
        add(encode(kBroadcastData,
                   Bytes{0, 0, 0xFF, 0xFF, 0xFF, 0x10, 0x20, static_cast<std::uint8_t>(i), 60}));
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{13}, stream.size()}) {
        FrameReader r;
        std::vector<Frame> got;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
            const std::size_t n = std::min(chunk, stream.size() - i);
            r.feed(std::span(stream).subspan(i, n), [&](const Frame& f) { got.push_back(f); });
        }
        INFO("chunk " << chunk);
        REQUIRE(got.size() == 6);
        CHECK(got[0].id == kChannelEvent);
        CHECK(got[0].length == 3);
        for (std::size_t k = 1; k < 6; ++k) {
            CHECK(got[k].id == kBroadcastData);
            CHECK(got[k].data()[7] == k - 1);
        }
        CHECK(r.skipped_bytes() > 0);
    }
}

namespace {
// One HRM broadcast payload (without the channel byte).
Bytes page(std::uint8_t page_byte, std::uint16_t time, std::uint8_t count, std::uint8_t hr = 60,
           std::uint16_t prev = 0xFFFF) {
    return {page_byte,
            0xFF,
            static_cast<std::uint8_t>(prev & 0xFF),
            static_cast<std::uint8_t>(prev >> 8),
            static_cast<std::uint8_t>(time & 0xFF),
            static_cast<std::uint8_t>(time >> 8),
            count,
            hr};
}
}  // namespace

TEST_CASE("ant+ hrm: beats once each, exact RR across both rollovers", "[driver][ant]") {
    HrmDecoder d;
    std::vector<double> rr;
    std::uint16_t t = 65000;   // rolls over after the first beats
    std::uint8_t count = 250;  // and so does the count
    int message = 0;
    const std::vector<std::uint16_t> intervals{1024, 900, 950, 1000, 870, 1100, 1024, 990};
    d.feed(page(0x00, t, count));
    for (const std::uint16_t iv : intervals) {
        t = static_cast<std::uint16_t>(t + iv);
        ++count;
        for (int repeat = 0; repeat < 4; ++repeat, ++message) {  // 4 Hz: each beat ~4 times
            const auto toggle = static_cast<std::uint8_t>((message / 4) % 2 ? 0x80 : 0x00);
            const auto u = d.feed(page(toggle, t, count));
            if (u.new_beat) {
                REQUIRE(u.known_rr);
                rr.push_back(u.rr_ms);
            }
        }
    }
    REQUIRE(rr.size() == intervals.size());
    for (std::size_t i = 0; i < rr.size(); ++i) CHECK(rr[i] == intervals[i] * 1000.0 / 1024.0);
    CHECK_FALSE(d.legacy());
}

TEST_CASE("ant+ hrm: page 4 bridges missed messages, without it the gap is marked",
          "[driver][ant]") {
    HrmDecoder d;
    d.feed(page(0x04, 1000, 10, 60, 0));
    // Three beats pass unseen; the next message is page 4 with the previous beat's time.
    auto u = d.feed(page(0x84, 5000, 13, 60, 4000));
    CHECK(u.new_beat);
    CHECK(u.known_rr);
    CHECK(u.rr_ms == 1000 * 1000.0 / 1024.0);
    CHECK(u.gap_before);
    // Page 0 after a jump: the RR is unknown, only the gap is certain.
    u = d.feed(page(0x00, 9000, 16));
    CHECK(u.new_beat);
    CHECK_FALSE(u.known_rr);
    CHECK(u.gap_before);
    u = d.feed(page(0x80, 10024, 17));
    CHECK(u.known_rr);
    CHECK_FALSE(u.gap_before);
    CHECK(u.rr_ms == 1000.0);
}

TEST_CASE("ant+ hrm: legacy straps, battery and manufacturer pages", "[driver][ant]") {
    HrmDecoder legacy;
    std::uint16_t t = 0;
    std::uint8_t count = 0;
    int beats = 0;
    for (int m = 0; m < 40; ++m) {
        if (m % 4 == 0) t = static_cast<std::uint16_t>(t + 1024), ++count;
        // Byte 0 is junk on first-generation straps, and never toggles.
        const auto u = legacy.feed(page(static_cast<std::uint8_t>(0x07 & (m * 5)), t, count));
        beats += u.new_beat && u.known_rr;
        if (m >= HrmDecoder::kLegacyAfterMessages) CHECK_FALSE(u.battery_pct);  // junk ignored
    }
    CHECK(legacy.legacy());
    CHECK(beats == 9);

    HrmDecoder d;
    d.feed(page(0x00, 0, 0));
    d.feed(page(0x80, 0, 0));  // toggles: not legacy
    Bytes battery = page(0x07, 0, 0);
    battery[1] = 76;
    CHECK(d.feed(battery).battery_pct == 76);
    Bytes maker = page(0x82, 0, 0);
    maker[1] = 1;  // Garmin
    CHECK(d.feed(maker).manufacturer == 1);
    CHECK_FALSE(d.feed(Bytes{1, 2, 3}).new_beat);  // wrong length: refused
}
