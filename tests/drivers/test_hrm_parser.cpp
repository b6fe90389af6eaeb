// The 0x2A37 Heart Rate Measurement parser on byte vectors: every flag combination, 0-9 RR
// values, truncated packets.
#include <catch2/catch.hpp>

#include <vector>

#include "drivers/ble/hrm_parser.h"

using namespace steady::ble;

namespace {
ParseResult parse(std::vector<std::uint8_t> v) {
    return parse_heart_rate_measurement(v);
}
}  // namespace

TEST_CASE("0x2A37: the reference examples", "[driver][ble]") {
    // From ../shared/reference/sensors.md s.1.1, checked there against the BlueZ look-alike.
    auto r = parse({0x16, 0x40, 0x00, 0x04});
    REQUIRE(r.value);
    CHECK(r.value->hr_bpm == 64);
    CHECK(r.value->contact == Contact::detected);
    REQUIRE(r.value->rr_count == 1);
    CHECK(r.value->rr_ms[0] == 1000.0);
    r = parse({0x16, 0x48, 0x80, 0x03, 0x60, 0x03});
    REQUIRE(r.value);
    CHECK(r.value->hr_bpm == 72);
    REQUIRE(r.value->rr_count == 2);
    CHECK(r.value->rr_ms[0] == 875.0);
    CHECK(r.value->rr_ms[1] == 0x360 * 1000.0 / 1024.0);  // 843.75: not rounded
    r = parse({0x19, 0x2C, 0x01, 0x10, 0x00, 0x00, 0x04});
    REQUIRE(r.value);
    CHECK(r.value->hr_bpm == 300);
    CHECK(r.value->energy_kj == 16);
    CHECK(r.value->rr_ms[0] == 1000.0);
}

TEST_CASE("0x2A37: every flag combination and 0-9 RR values", "[driver][ble]") {
    for (unsigned flags = 0; flags < 256; ++flags) {
        for (std::size_t n_rr = 0; n_rr <= 9; ++n_rr) {
            std::vector<std::uint8_t> v{static_cast<std::uint8_t>(flags)};
            const bool hr16 = flags & 1, ee = flags & 8, rr = flags & 16;
            if (hr16)
                v.insert(v.end(), {0x2C, 0x01});  // 300
            else
                v.push_back(61);
            if (ee) v.insert(v.end(), {0x34, 0x12});
            std::vector<double> expect;
            if (rr) {
                for (std::size_t k = 0; k < n_rr; ++k) {
                    const unsigned raw = 700 + 37 * static_cast<unsigned>(k);
                    v.push_back(static_cast<std::uint8_t>(raw & 0xff));
                    v.push_back(static_cast<std::uint8_t>(raw >> 8));
                    expect.push_back(raw * 1000.0 / 1024.0);
                }
            }
            INFO("flags " << flags << " rr " << n_rr);
            const auto r = parse_heart_rate_measurement(v);
            REQUIRE(r.value);
            CHECK(r.value->hr_bpm == (hr16 ? 300 : 61));
            CHECK(r.value->energy_kj == (ee ? std::optional<std::uint16_t>(0x1234) : std::nullopt));
            CHECK(r.value->rr_present == rr);
            CHECK(r.value->contact ==
                  ((flags & 4) ? ((flags & 2) ? Contact::detected : Contact::not_detected)
                               : Contact::not_supported));
            REQUIRE(r.value->rr_count == expect.size());
            for (std::size_t k = 0; k < expect.size(); ++k) CHECK(r.value->rr_ms[k] == expect[k]);
        }
    }
}

TEST_CASE("0x2A37: truncated packets are refused, never read past the end", "[driver][ble]") {
    CHECK(parse({}).error);
    CHECK(parse({0x00}).error);              // no HR byte
    CHECK(parse({0x01, 0x40}).error);        // 16-bit HR cut
    CHECK(parse({0x08, 0x40, 0x01}).error);  // energy cut
    CHECK(parse({0x10, 0x40, 0x00}).error);  // half an RR value
    CHECK(parse({0x10, 0x40, 0x00, 0x04, 0x00}).error);
    const auto ok = parse({0x10, 0x40});  // RR flag, no values yet (first notification)
    REQUIRE(ok.value);
    CHECK(ok.value->rr_present);
    CHECK(ok.value->rr_count == 0);
    // A long PDU (large MTU): the first kMaxRr values are kept and the rest counted.
    std::vector<std::uint8_t> big{0x10, 60};
    for (int k = 0; k < 40; ++k) big.insert(big.end(), {0x00, 0x04});
    const auto r = parse(big);
    REQUIRE(r.value);
    CHECK(r.value->rr_count == HeartRateMeasurement::kMaxRr);
    CHECK(r.value->rr_dropped == 40 - HeartRateMeasurement::kMaxRr);
}
