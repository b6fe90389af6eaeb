#include "drivers/ant/hrm_pages.h"

namespace steady::ant {

HrmUpdate HrmDecoder::feed(std::span<const std::uint8_t> p) {
    HrmUpdate u;
    if (p.size() != 8) return u;
    ++messages_;
    const std::uint8_t toggle = p[0] & 0x80;
    if (!first_toggle_) first_toggle_ = toggle;
    if (toggle != *first_toggle_) toggled_ = true;
    if (!toggled_ && messages_ >= kLegacyAfterMessages) legacy_ = true;
    if (toggled_) legacy_ = false;

    const auto page = static_cast<std::uint8_t>(p[0] & 0x7F);
    const auto time = static_cast<std::uint16_t>(p[4] | p[5] << 8);
    const std::uint8_t count = p[6];
    u.hr_bpm = p[7];
    if (!legacy_) {  // page-specific bytes mean something only on straps with real pages
        if (page == 7) u.battery_pct = p[1] <= 100 ? std::optional<int>(p[1]) : std::nullopt;
        if (page == 2) u.manufacturer = p[1];
    }
    if (!started_) {  // the first message only sets the reference
        started_ = true;
        last_count_ = count;
        last_time_ = time;
        return u;
    }
    if (count == last_count_) return u;  // the same beat again (each is sent 3-5 times)
    u.new_beat = true;
    const auto step = static_cast<std::uint8_t>(count - last_count_);
    if (!legacy_ && page == 4) {
        // Previous beat's time is in the message: exact RR even if messages were missed.
        const auto previous = static_cast<std::uint16_t>(p[2] | p[3] << 8);
        u.rr_ms = static_cast<std::uint16_t>(time - previous) * 1000.0 / 1024.0;
        u.known_rr = true;
    } else if (step == 1) {
        u.rr_ms = static_cast<std::uint16_t>(time - last_time_) * 1000.0 / 1024.0;
        u.known_rr = true;
    }
    u.gap_before = step > 1;  // beats in between are lost: a marked gap, never invented
    last_count_ = count;
    last_time_ = time;
    return u;
}

}  // namespace steady::ant
