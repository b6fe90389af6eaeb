// Fuzz target for the BLE Heart Rate Measurement (0x2A37) parser: any bytes, no crash, no read
// past the end, and what it accepts is self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "drivers/ble/hrm_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto r = steady::ble::parse_heart_rate_measurement(std::span(data, size));
    if (r.value && r.error) std::abort();
    if (!r.value && !r.error) std::abort();
    if (r.value && r.value->rr_count > steady::ble::HeartRateMeasurement::kMaxRr) std::abort();
    if (r.value) {
        for (std::size_t i = 0; i < r.value->rr_count; ++i)
            if (!(r.value->rr_ms[i] >= 0 && r.value->rr_ms[i] < 64000)) std::abort();
    }
    return 0;
}
