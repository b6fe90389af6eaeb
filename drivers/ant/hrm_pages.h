// ANT+ heart-rate profile (device type 120) data pages, decoded to beats. Pure and stateful:
// feed the 8-byte payload of each broadcast (0x4E) message in order.
// Every page: byte 0 = page-change toggle (bit 7) and page number; bytes 4-5 = heart-beat event
// time (1/1024 s, rolls over every 64 s); byte 6 = beat count (rolls over at 256); byte 7 =
// computed HR. Page 4 also carries the previous beat's event time (bytes 2-3), so the RR of the
// newest beat is exact even after missed messages. Page 7: battery; page 2: manufacturer.
// ../shared/reference/sensors.md s.4.4.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace steady::ant {

struct HrmUpdate {
    bool new_beat = false;
    double rr_ms = 0;         // valid with new_beat and known_rr
    bool known_rr = false;    // false: the first beat, or beats were lost and no page 4 bridged
    bool gap_before = false;  // beats were missed (count jumped by more than one)
    std::uint8_t hr_bpm = 0;  // the strap's computed heart rate (0 = invalid)
    std::optional<int> battery_pct;
    std::optional<std::uint8_t> manufacturer;
};

class HrmDecoder {
  public:
    // Legacy straps (first-generation Garmin) never flip the toggle bit and put junk in byte 0;
    // after this many messages without a flip, byte 0 is ignored.
    static constexpr int kLegacyAfterMessages = 12;

    // `payload` must be 8 bytes; anything else is refused (returns an empty update).
    HrmUpdate feed(std::span<const std::uint8_t> payload);
    bool legacy() const { return legacy_; }

  private:
    bool started_ = false;
    std::uint8_t last_count_ = 0;
    std::uint16_t last_time_ = 0;
    std::optional<std::uint8_t> first_toggle_;
    bool toggled_ = false;
    bool legacy_ = false;
    int messages_ = 0;
};

}  // namespace steady::ant
