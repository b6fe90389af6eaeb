// The real BLE driver against a BlueZ look-alike on a private bus (tests/support/fake_bluez.h):
// discovery, connect, notifications with several RR values decoded exactly, battery, contact
// loss, a link drop with failing reconnects, and the setup errors a user can hit.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

#include "drivers/drivers.h"
#include "engine/clock.h"
#include "session/store.h"
#include "support/fake_bluez.h"

using namespace steady;
using test::FakeBluez;

namespace {

// RR in 1/1024 s as the strap counts it, and the bytes of a notification carrying them.
std::vector<std::uint8_t> packet(std::uint8_t flags, std::uint8_t hr,
                                 const std::vector<unsigned>& rr) {
    std::vector<std::uint8_t> v{flags, hr};
    for (const unsigned r : rr)
        v.insert(v.end(), {static_cast<std::uint8_t>(r & 0xff), static_cast<std::uint8_t>(r >> 8)});
    return v;
}
constexpr std::uint8_t kRrContact = 0x16;    // RR present, contact supported and detected
constexpr std::uint8_t kRrNoContact = 0x14;  // RR present, contact supported, not detected

struct Running {
    SensorOutput out;
    SessionClock clock;
    std::unique_ptr<Sensor> sensor;
    std::vector<BeatEvent> beats;
    std::vector<SensorStatus> statuses;
    explicit Running(const std::string& spec) : sensor(sensor_registry().open(spec, {})) {
        sensor->start(out, clock);
    }
    ~Running() { sensor->stop(); }
    void drain() {
        while (auto b = out.beats.pop()) beats.push_back(*b);
        while (auto s = out.status.pop()) statuses.push_back(*s);
    }
    bool saw(SensorState s) {
        drain();
        for (const auto& st : statuses)
            if (st.state == s) return true;
        return false;
    }
    void wait_beats(std::size_t n) {
        FakeBluez::wait_for(
            [&] {
                drain();
                return beats.size() >= n;
            },
            "beats");
    }
};

}  // namespace

TEST_CASE("ble: discover, connect, decode every RR of each notification exactly",
          "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    Running r("ble");
    FakeBluez::wait_for([&] { return r.saw(SensorState::connected); }, "connected");
    FakeBluez::wait_for([&] { return fake.notifying(); }, "StartNotify");
    CHECK(r.sensor->info().name == "Polar H10 12345678");
    CHECK(r.sensor->info().id == std::string("ble:") + FakeBluez::kAddress);

    // 0-3 RR values per notification, as a strap at 60-180 bpm sends them.
    const std::vector<std::vector<unsigned>> sent{{1024}, {896, 864}, {}, {700, 705, 710}, {1023}};
    std::vector<double> expected;
    for (const auto& rr : sent) {
        fake.notify(packet(kRrContact, 70, rr));
        for (const unsigned v : rr) expected.push_back(v * 1000.0 / 1024.0);
    }
    r.wait_beats(expected.size());
    REQUIRE(r.beats.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(r.beats[i].rr_ms == expected[i]);  // 1/1024 s kept exactly, never rounded
        CHECK(r.beats[i].flags == 0);
    }
    // Battery (0x2A19 = 85 % in the look-alike) travels with the status.
    CHECK(r.statuses.back().battery_pct == 85);
}

TEST_CASE("ble: contact lost is its own state, beats are flagged and kept", "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    Running r("ble:" + std::string(FakeBluez::kAddress));
    FakeBluez::wait_for([&] { return fake.notifying(); }, "StartNotify");
    fake.notify(packet(kRrContact, 60, {1000}));
    fake.notify(packet(kRrNoContact, 60, {1001}));
    r.wait_beats(2);
    FakeBluez::wait_for([&] { return r.saw(SensorState::contact_lost); }, "contact lost");
    const auto lost = std::find_if(r.statuses.begin(), r.statuses.end(), [](const SensorStatus& s) {
        return s.state == SensorState::contact_lost;
    });
    REQUIRE(lost->detail);
    CHECK_THAT(lost->detail, Catch::Contains("moisten the electrodes"));
    CHECK(r.beats[1].flags & kBeatContactLost);
    fake.notify(packet(kRrContact, 60, {1002}));
    r.wait_beats(3);
    CHECK(r.beats[2].flags == 0);
}

TEST_CASE(
    "ble: a link drop with failing reconnects recovers with nothing lost or doubled but the gap",
    "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    Running r("ble");
    FakeBluez::wait_for([&] { return fake.notifying(); }, "StartNotify");
    std::vector<double> expected;
    unsigned raw = 900;
    const auto send = [&](int n) {
        for (int i = 0; i < n; ++i, raw += 3) {
            fake.notify(packet(kRrContact, 65, {raw}));
            expected.push_back(raw * 1000.0 / 1024.0);
        }
    };
    send(5);
    r.wait_beats(5);
    fake.fail_connects(2);
    fake.drop_link();
    FakeBluez::wait_for([&] { return r.saw(SensorState::reconnecting); }, "reconnecting");
    fake.notify(packet(kRrContact, 65, {4000}));  // sent while down: never delivered by BlueZ
    const auto connected_count = [&] {
        r.drain();
        return std::count_if(r.statuses.begin(), r.statuses.end(), [](const SensorStatus& s) {
            return s.state == SensorState::connected;
        });
    };
    FakeBluez::wait_for([&] { return connected_count() >= 2 && fake.notifying(); }, "reconnected",
                        15);
    send(5);
    r.wait_beats(10);
    REQUIRE(r.beats.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("beat " << i);
        CHECK(r.beats[i].rr_ms == expected[i]);
        CHECK(static_cast<bool>(r.beats[i].flags & kBeatGapBefore) ==
              (i == 5));  // the gap, marked once
    }
}

TEST_CASE("ble: a strap without RR gives heart rate and says why HRV is unavailable",
          "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    Running r("ble");
    FakeBluez::wait_for([&] { return fake.notifying(); }, "StartNotify");
    fake.notify({0x06, 72});  // contact detected, 8-bit HR, no RR field
    FakeBluez::wait_for(
        [&] {
            r.drain();
            return !r.statuses.empty() && r.statuses.back().hr_bpm == 72;
        },
        "HR-only status");
    REQUIRE(r.statuses.back().detail);
    CHECK_THAT(r.statuses.back().detail, Catch::Contains("no beat-to-beat intervals"));
    CHECK(r.beats.empty());
}

TEST_CASE("ble: a strap that never shows up ends in disconnected with advice",
          "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    ::setenv("STEADY_BLE_GIVE_UP_S", "1", 1);
    Running r("ble:11:22:33:44:55:66");
    ::unsetenv("STEADY_BLE_GIVE_UP_S");
    FakeBluez::wait_for([&] { return r.sensor->finished(); }, "give up", 10);
    r.drain();
    REQUIRE(r.statuses.back().state == SensorState::disconnected);
    CHECK_THAT(r.statuses.back().detail, Catch::Contains("no heart-rate strap found"));
}

TEST_CASE("ble: a strap that wants pairing says so while retrying", "[driver][ble][fake]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    fake.fail_connects_with(1000, "org.bluez.Error.AuthenticationFailed");
    Running r("ble");
    FakeBluez::wait_for(
        [&] {
            r.drain();
            return std::any_of(r.statuses.begin(), r.statuses.end(), [](const SensorStatus& s) {
                return s.detail &&
                       std::string(s.detail).find("bluetoothctl pair") != std::string::npos;
            });
        },
        "the pairing advice");
}

TEST_CASE("ble: setup errors say what to do", "[driver][ble][fake]") {
    SECTION("bluetoothd not running") {
        FakeBluez bus_only(false);
        CHECK_THROWS_WITH(Running("ble"), Catch::Contains("bluetoothd is not running"));
    }
    SECTION("no adapter") {
        FakeBluez fake;
        CHECK_THROWS_WITH(Running("ble"), Catch::Contains("no Bluetooth adapter"));
        // The command line says the same and leaves no empty session behind.
        test::TempDir dir;
        const test::Run r = test::run("record --sensor ble --duration 5 --db " + (dir / "s.db"), "",
                                      "DBUS_SYSTEM_BUS_ADDRESS=" + fake.address());
        CHECK(r.status == 1);
        CHECK_THAT(r.err, Catch::Contains("no Bluetooth adapter"));
        CHECK(Database(dir / "s.db", Database::Open::existing).list().empty());
    }
    SECTION("adapter powered off") {
        FakeBluez fake;
        fake.add_adapter();
        fake.set_powered(false);
        CHECK_THROWS_WITH(Running("ble"), Catch::Contains("powered off") &&
                                              Catch::Contains("bluetoothctl power on"));
    }
}

TEST_CASE("ble: steady scan lists the strap and steady record stores what it sent",
          "[driver][ble][fake][cli]") {
    FakeBluez fake;
    fake.add_adapter();
    fake.add_strap();
    const std::string env = "DBUS_SYSTEM_BUS_ADDRESS=" + fake.address() + " STEADY_BLE_SCAN_S=0.5";
    const test::Run scan = test::run("scan", "", env);
    CHECK_THAT(scan.out, Catch::Contains(std::string("ble:") + FakeBluez::kAddress) &&
                             Catch::Contains("Polar H10 12345678"));

    test::TempDir dir;
    const std::string db = dir / "s.db";
    std::vector<double> expected;
    // The strap sends two RR a second for 20 s; its link drops once, 10 s in.
    std::thread strap([&] {
        FakeBluez::wait_for([&] { return fake.notifying(); }, "StartNotify", 20);
        unsigned raw = 1000;
        for (int second = 0; second < 20; ++second) {
            if (second == 10) {
                fake.drop_link();
                FakeBluez::wait_for([&] { return fake.notifying(); }, "reconnect", 20);
            }
            fake.notify(packet(kRrContact, 60, {raw, raw + 10}));
            expected.push_back(raw * 1000.0 / 1024.0);
            expected.push_back((raw + 10) * 1000.0 / 1024.0);
            raw += 20;
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        }
    });
    const test::Run rec =
        test::run("record --sensor ble --duration 30 --quiet --db " + db, "", env);
    strap.join();
    INFO(rec.err);
    REQUIRE(rec.status == 0);
    Database store(db, Database::Open::existing);
    const SessionRecord d = store.load(1);
    CHECK(d.session.sensor == std::string("ble:") + FakeBluez::kAddress);
    REQUIRE(d.beats.size() == expected.size());
    int gaps = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(d.beats[i].rr_ms == expected[i]);
        gaps += (d.beats[i].flags & kBeatGapBefore) != 0;
    }
    CHECK(gaps == 1);
}
