// Heart Rate Measurement (GATT characteristic 0x2A37) decoding: a pure function over the bytes of
// one notification. Layout: flags | HR (uint8 or uint16 LE) | [energy expended uint16 LE, kJ] |
// [RR uint16 LE in 1/1024 s]*. ../shared/reference/sensors.md s.1.1. No allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace steady::ble {

enum class Contact : std::uint8_t { not_supported, not_detected, detected };

struct HeartRateMeasurement {
    static constexpr std::size_t kMaxRr = 32;  // a 23-byte ATT PDU holds 9; a 512-byte one 255
    std::uint16_t hr_bpm = 0;
    Contact contact = Contact::not_supported;
    std::optional<std::uint16_t> energy_kj;
    bool rr_present = false;             // flag bit 4: this sensor sends RR intervals
    std::array<double, kMaxRr> rr_ms{};  // raw * 1000 / 1024, never rounded
    std::size_t rr_count = 0;
    std::size_t rr_dropped = 0;  // beyond kMaxRr (the oldest are kept, in order)
};

struct ParseResult {
    std::optional<HeartRateMeasurement> value;
    const char* error = nullptr;  // why the bytes were refused (truncated, empty)
};

// Refuses a notification too short for what its flags announce, or an RR field of odd length;
// never reads past the end. Reserved flag bits 5-7 are ignored.
ParseResult parse_heart_rate_measurement(std::span<const std::uint8_t> bytes);

}  // namespace steady::ble
