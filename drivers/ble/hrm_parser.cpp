#include "drivers/ble/hrm_parser.h"

namespace steady::ble {

ParseResult parse_heart_rate_measurement(std::span<const std::uint8_t> b) {
    if (b.empty()) return {std::nullopt, "empty notification"};
    const std::uint8_t flags = b[0];
    HeartRateMeasurement m;
    std::size_t i = 1;
    if (flags & 0x01) {
        if (b.size() < i + 2) return {std::nullopt, "truncated: 16-bit heart rate announced"};
        m.hr_bpm = static_cast<std::uint16_t>(b[i] | b[i + 1] << 8);
        i += 2;
    } else {
        if (b.size() < i + 1) return {std::nullopt, "truncated: no heart rate byte"};
        m.hr_bpm = b[i];
        i += 1;
    }
    // Bits 1-2: contact status; bit 2 says whether the sensor detects contact at all.
    if (flags & 0x04) m.contact = (flags & 0x02) ? Contact::detected : Contact::not_detected;
    if (flags & 0x08) {
        if (b.size() < i + 2) return {std::nullopt, "truncated: energy expended announced"};
        m.energy_kj = static_cast<std::uint16_t>(b[i] | b[i + 1] << 8);
        i += 2;
    }
    if (flags & 0x10) {
        m.rr_present = true;
        if ((b.size() - i) % 2 != 0) return {std::nullopt, "RR field has an odd number of bytes"};
        for (; i + 1 < b.size(); i += 2) {
            const unsigned raw = b[i] | b[i + 1] << 8;
            if (m.rr_count == m.rr_ms.size()) {
                ++m.rr_dropped;
                continue;
            }
            m.rr_ms[m.rr_count++] = raw * 1000.0 / 1024.0;
        }
    }
    return {m, nullptr};
}

}  // namespace steady::ble
