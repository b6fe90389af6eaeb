// The real ANT+ driver, libusb unmodified, against an ANT USB stick emulated with umockdev in
// this process (tests/fakes/fake_ant_stick.c): enumeration, kernel-driver detach, the channel
// set-up exchange, a simulated strap's beats decoded to the exact RR it sent, missed messages
// bridged by page 4, strap loss and return, stick unplug; and `steady scan` / `steady record`.
// Runs under umockdev-wrapper (tests/CMakeLists.txt); one process, one stick, steps in order.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/steady_main.h"
#include "drivers/drivers.h"
#include "engine/clock.h"
#include "fakes/fake_ant.h"
#include "session/store.h"
#include "support/cli_run.h"

using namespace steady;

namespace {

template <typename F>
void wait_for(F&& ready, const char* what, double seconds = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > end)
            FAIL(std::string("timed out waiting for ") + what);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::vector<double> sent() {
    std::vector<double> v(4096);
    v.resize(static_cast<std::size_t>(fake_ant_sent_rr(v.data(), 4096)));
    return v;
}

// Where `got` sits in what the strap sent, beat for beat, searching from beat `from` (the RR
// pattern repeats every 61 beats).
std::ptrdiff_t find_run(const std::vector<double>& all, const std::vector<double>& got,
                        std::size_t from = 0) {
    for (std::size_t j = from; j + got.size() <= all.size(); ++j) {
        if (std::equal(got.begin(), got.end(), all.begin() + static_cast<std::ptrdiff_t>(j)))
            return static_cast<std::ptrdiff_t>(j);
    }
    return -1;
}

// Runs `steady ARGS` in this process (the fake lives here), capturing stdout.
int run_steady(std::vector<std::string> args, std::string* out = nullptr) {
    args.insert(args.begin(), "steady");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::fflush(stdout);
    const std::string path = test::temp_path(".out");
    const int saved_fd = ::dup(1);
    const int file_fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
    REQUIRE(file_fd >= 0);
    ::dup2(file_fd, 1);
    ::close(file_fd);
    const int rc = cli::steady_main(static_cast<int>(argv.size()), argv.data());
    std::fflush(stdout);
    // Back to the terminal (or wherever stdout went) through the saved descriptor.
    std::fflush(stdout);
    ::dup2(saved_fd, 1);
    ::close(saved_fd);
    if (out) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        *out = ss.str();
    }
    std::remove(path.c_str());
    return rc;
}

}  // namespace

TEST_CASE("ant: the real driver against the emulated stick, step by step", "[driver][ant][fake]") {
    // Enumeration: the stick is found by VID:PID.
    std::vector<std::string> problems;
    const auto found = sensor_registry().scan(&problems);
    CHECK(std::any_of(found.begin(), found.end(),
                      [](const SensorInfo& s) { return s.transport == "ant"; }));
    REQUIRE(fake_ant_kernel_driver_bound());

    SensorOutput out;
    SessionClock clock;
    auto sensor = sensor_registry().open("ant", {});
    sensor->start(out, clock);
    CHECK_FALSE(fake_ant_kernel_driver_bound());  // usb_serial_simple detached for us
    std::vector<BeatEvent> beats;
    std::vector<SensorStatus> statuses;
    const auto drain = [&] {
        while (auto b = out.beats.pop()) beats.push_back(*b);
        while (auto s = out.status.pop()) statuses.push_back(*s);
    };
    const auto last_state = [&] {
        drain();
        return statuses.empty() ? SensorState::disconnected : statuses.back().state;
    };
    wait_for([&] { return last_state() == SensorState::connected || sensor->finished(); },
             "connected");
    for (const auto& st : statuses)
        UNSCOPED_INFO(to_string(st.state) << " " << (st.detail ? st.detail : ""));
    REQUIRE(last_state() == SensorState::connected);
    CHECK(fake_ant_channel_open());

    // Beats decoded to the exact RR the strap sent, in order, each once.
    wait_for(
        [&] {
            drain();
            return beats.size() >= 12;
        },
        "12 beats");
    std::vector<double> got;
    for (const auto& b : beats) got.push_back(b.rr_ms);
    CHECK(find_run(sent(), got) >= 0);
    // Paired with the strap it heard; from now on only that one (the fake's is 12345).
    wait_for([&] { return sensor->info().id == "ant:12345"; }, "the paired device number");

    // Missed messages (more than a beat's worth): page 4 still gives the exact RR of the next
    // beat heard, and the beats never heard are a marked gap, not invented.
    const std::size_t before = beats.size();
    fake_ant_drop_messages(9);
    wait_for(
        [&] {
            drain();
            return beats.size() >= before + 6;
        },
        "beats after the drop");
    std::size_t gap_at = 0;
    for (std::size_t i = before; i < beats.size(); ++i)
        if (beats[i].flags & kBeatGapBefore) gap_at = i;
    REQUIRE(gap_at > 0);
    const std::vector<double> all = sent();
    std::vector<double> after;
    for (std::size_t i = gap_at; i < beats.size(); ++i) after.push_back(beats[i].rr_ms);
    const auto pos = find_run(all, after);
    CHECK(pos >= 0);
    std::vector<double> upto_gap;
    for (std::size_t i = 0; i < gap_at; ++i) upto_gap.push_back(beats[i].rr_ms);
    const auto start = find_run(all, upto_gap);
    REQUIRE(start >= 0);
    CHECK(pos > start + static_cast<std::ptrdiff_t>(upto_gap.size()));  // beats really were lost

    // The strap goes out of range and comes back: reconnecting, then connected, gap marked.
    fake_ant_set_strap_present(0);
    wait_for([&] { return last_state() == SensorState::reconnecting; }, "reconnecting");
    const std::size_t during = beats.size();
    fake_ant_set_strap_present(1);
    wait_for([&] { return last_state() == SensorState::connected; }, "back");
    wait_for(
        [&] {
            drain();
            return beats.size() > during;
        },
        "a beat after return");
    CHECK(beats[during].flags & kBeatGapBefore);

    // The channel times out searching and closes: Steady opens it again and beats resume.
    const std::size_t before_timeout = beats.size();
    const int opens = fake_ant_channel_opens();
    fake_ant_search_timeout();
    wait_for([&] { return fake_ant_channel_opens() > opens; }, "the channel to be re-opened");
    wait_for(
        [&] {
            drain();
            return beats.size() > before_timeout + 2;
        },
        "beats after re-open");
    sensor->stop();
    beats.clear();
}

TEST_CASE("ant: steady scan and steady record on the emulated stick", "[driver][ant][fake][cli]") {
    std::string out;
    REQUIRE(run_steady({"scan"}, &out) == 0);
    CHECK_THAT(out, Catch::Contains("ant\tANT USB stick ANTUSB2"));

    test::TempDir dir;
    const std::string db = dir / "s.db";
    const auto sent_before = sent().size();
    REQUIRE(run_steady({"record", "--sensor", "ant", "--duration", "4", "--quiet", "--db", db}) ==
            0);
    Database store(db, Database::Open::existing);
    const auto sessions = store.list();
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].sensor == "ant:12345");  // the session remembers which strap
    const SessionRecord d = store.load(sessions[0].id);
    REQUIRE(d.beats.size() >= 8);
    std::vector<double> got;
    for (const auto& b : d.beats) got.push_back(b.rr_ms);
    // This session's beats, exact: found among the beats made since the recording started.
    CHECK(find_run(sent(), got, sent_before > 2 ? sent_before - 2 : 0) >= 0);
}

TEST_CASE("ant: the stick unplugged is disconnected, plugged in again it resumes",
          "[driver][ant][fake]") {
    SensorOutput out;
    SessionClock clock;
    auto sensor = sensor_registry().open("ant", {});
    sensor->start(out, clock);
    std::vector<SensorStatus> statuses;
    std::vector<BeatEvent> beats;
    const auto state = [&] {
        while (auto s = out.status.pop()) statuses.push_back(*s);
        while (auto b = out.beats.pop()) beats.push_back(*b);
        return statuses.empty() ? SensorState::scanning : statuses.back().state;
    };
    wait_for([&] { return state() == SensorState::connected; }, "connected");
    fake_ant_unplug();
    wait_for([&] { return state() == SensorState::disconnected; }, "the driver to notice");
    CHECK_THAT(statuses.back().detail,
               Catch::Contains("unplugged") && Catch::Contains("plug it in again"));
    CHECK_FALSE(sensor->finished());  // the session goes on
    const std::size_t before = beats.size();
    fake_ant_replug();
    wait_for([&] { return state() == SensorState::connected; }, "found again");
    wait_for(
        [&] {
            state();
            return beats.size() > before;
        },
        "beats again");
    CHECK(beats[before].flags & kBeatGapBefore);
    sensor->stop();
}

int main(int argc, char** argv) {
    const int rc = fake_ant_start();
    if (rc == 77) {
        std::fprintf(stderr, "run me under umockdev-wrapper\n");
        return 1;
    }
    if (rc != 0) return rc;
    ::setenv("STEADY_ANT_NETWORK_KEY", "00 11 22 33 44 55 66 77", 1);  // the fake takes any key
    ::setenv("XDG_CONFIG_HOME", "/nonexistent/steady-test", 1);
    return Catch::Session().run(argc, argv);
}
