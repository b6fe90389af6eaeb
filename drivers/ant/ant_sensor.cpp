// ANT+ heart-rate straps through an ANT USB stick (Dynastream ANTUSB2 0fcf:1008, ANTUSB-m
// 0fcf:1009) with libusb-1.0. The stick speaks the ANT serial protocol over two bulk endpoints
// (found from the descriptors); the kernel's usb_serial_simple driver is detached automatically.
// Set-up: reset, network key, slave channel, device type 120, period 8070, 2457 MHz, open; each
// step waits for its response and a failure names the step. Then broadcast pages are decoded to
// beats by HrmDecoder. ../shared/reference/sensors.md s.4.
//
// Contents: [key and errors] [AntSensor: start/stop, set-up, run loop] [scan] [registration]
#include <libusb-1.0/libusb.h>

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "app/config.h"
#include "drivers/ant/ant_frame.h"
#include "drivers/ant/hrm_pages.h"
#include "drivers/drivers.h"
#include "engine/clock.h"
#include "sensor/registry.h"

namespace steady::ant {
namespace {

constexpr std::uint16_t kVendor = 0x0fcf;
constexpr std::uint16_t kAntUsb2 = 0x1008, kAntUsbM = 0x1009, kSerialStick = 0x1004;
constexpr std::uint8_t kChannel = 0, kNetwork = 0;
constexpr std::uint8_t kHeartRateDeviceType = 120;
constexpr std::uint16_t kPeriod = 8070;    // 8070/32768 s: 4.06 messages a second
constexpr std::uint8_t kRfChannel = 57;    // 2457 MHz, the ANT+ frequency
constexpr std::uint8_t kSearchUnits = 12;  // x 2.5 s = 30 s, then the channel is re-opened
constexpr int kRxFailsForLost = 12;        // ~3 s of missed messages: strap out of range

// [key and errors] -------------------------------------------------------------------------------

// The ANT+ network key is licensed to ANT+ adopters and never stored in this repository.
std::array<std::uint8_t, 8> network_key() {
    const std::string why =
        "ant: the ANT+ network key is not set. It is licensed to ANT+ adopters "
        "(thisisant.com, sign in, Network Keys); set it with "
        "`export STEADY_ANT_NETWORK_KEY=<16 hex digits>` or `ant_network_key = \"...\"` in "
        "the settings file (~/.config/steady/config.toml)";
    std::string from_config;
    const char* hex = std::getenv("STEADY_ANT_NETWORK_KEY");
    if (!hex) {
        try {
            from_config = load_config(default_config_path()).ant_network_key.value_or("");
        } catch (const ConfigError& e) {
            throw SensorError(std::string("ant: ") + e.what());
        }
        if (from_config.empty()) throw SensorError(why);
        hex = from_config.c_str();
    }
    std::string digits;
    for (const char* p = hex; *p; ++p)
        if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ':') digits += *p;
    if (digits.size() != 16 ||
        digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw SensorError(
            std::string("ant: the ANT+ network key ") +
            (from_config.empty() ? "in STEADY_ANT_NETWORK_KEY" : "in the settings file") +
            " must be 16 hex digits (8 bytes), as thisisant.com gives it");
    std::array<std::uint8_t, 8> key{};
    for (std::size_t i = 0; i < 8; ++i)
        key[i] = static_cast<std::uint8_t>(std::stoi(digits.substr(2 * i, 2), nullptr, 16));
    return key;
}

std::string usb_error(int r) {
    if (r == LIBUSB_ERROR_ACCESS)
        return "permission denied on the ANT stick: install the udev rule once with "
               "`sudo cp tools/udev/60-steady-ant.rules /etc/udev/rules.d/ && sudo udevadm "
               "control --reload` and plug the stick in again";
    if (r == LIBUSB_ERROR_BUSY) return "the ANT stick is in use by another program";
    return std::string("libusb: ") + libusb_error_name(r);
}

// Set-up steps, named for the user when one fails.
struct Step {
    std::uint8_t id;
    const char* name;
};

// [AntSensor] ------------------------------------------------------------------------------------

class AntSensor final : public Sensor {
  public:
    AntSensor(std::uint16_t device_number, std::array<std::uint8_t, 8> key)
        : device_number_(device_number), key_(key) {}
    ~AntSensor() override { stop(); }

    void start(SensorOutput& out, const SessionClock& clock) override {
        out_ = &out;
        clock_ = &clock;
        if (const int r = libusb_init(&ctx_); r < 0) throw SensorError("ant: " + usb_error(r));
        if (const std::string why = open_stick(); !why.empty()) throw SensorError("ant: " + why);
        stop_ = false;
        thread_ = std::thread([this] { run(); });
    }

    // Finds, opens and claims the first ANT stick; empty on success, else why not.
    std::string open_stick() {
        libusb_device** list = nullptr;
        const ssize_t n = libusb_get_device_list(ctx_, &list);
        bool serial_only = false;
        ep_in_ = ep_out_ = 0;
        for (ssize_t i = 0; i < n && !handle_; ++i) {
            libusb_device_descriptor dd{};
            libusb_get_device_descriptor(list[i], &dd);
            if (dd.idVendor != kVendor) continue;
            if (dd.idProduct == kSerialStick) serial_only = true;
            if (dd.idProduct != kAntUsb2 && dd.idProduct != kAntUsbM) continue;
            libusb_config_descriptor* cfg = nullptr;
            if (libusb_get_config_descriptor(list[i], 0, &cfg) != 0) continue;
            const libusb_interface_descriptor& id = cfg->interface[0].altsetting[0];
            for (int e = 0; e < id.bNumEndpoints; ++e) {
                const std::uint8_t a = id.endpoint[e].bEndpointAddress;
                if ((id.endpoint[e].bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK) continue;
                (a & LIBUSB_ENDPOINT_IN ? ep_in_ : ep_out_) = a;
            }
            libusb_free_config_descriptor(cfg);
            if (const int r = libusb_open(list[i], &handle_); r != 0) {
                libusb_free_device_list(list, 1);
                return usb_error(r);
            }
        }
        libusb_free_device_list(list, 1);
        if (!handle_) {
            return serial_only ? "the ANT stick 0fcf:1004 is a serial (CP210x) stick, which "
                                 "Steady does not support yet; use an ANTUSB2 or ANTUSB-m"
                               : "no ANT USB stick found (Dynastream/Garmin ANTUSB2 or "
                                 "ANTUSB-m): plug one in";
        }
        if (!ep_in_ || !ep_out_) {
            close_stick();
            return "the stick has no bulk endpoints";
        }
        libusb_set_auto_detach_kernel_driver(handle_, 1);  // usb_serial_simple binds these sticks
        if (const int r = libusb_claim_interface(handle_, 0); r != 0) {
            close_stick();
            return usb_error(r);
        }
        unplugged_ = false;
        return {};
    }

    void close_stick() {
        if (!handle_) return;
        libusb_release_interface(handle_, 0);
        libusb_close(handle_);
        handle_ = nullptr;
    }

    void stop() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        close_stick();
        if (ctx_) libusb_exit(ctx_);
        ctx_ = nullptr;
    }

    SensorInfo info() const override {
        // Appended piece by piece: GCC 12 warns falsely on `"..." + std::string&&` at -O3
        // (-Wrestrict, GCC bug 105651).
        SensorInfo i{
            .name = "ANT+ heart-rate strap", .transport = "ant", .id = "ant", .live = true};
        if (const std::uint16_t n = paired_) {
            i.name.append(" ").append(std::to_string(n));
            i.id.append(":").append(std::to_string(n));
        }
        return i;
    }
    bool finished() const override { return finished_; }

  private:
    void status(SensorState s, const char* detail = nullptr) {
        out_->status.push({s, clock_->now_s(), battery_pct_, detail});
    }

    bool send(std::uint8_t id, std::initializer_list<std::uint8_t> payload) {
        const std::vector<std::uint8_t> f = encode(id, std::vector<std::uint8_t>(payload));
        int done = 0;
        const int r = libusb_bulk_transfer(handle_, ep_out_, const_cast<std::uint8_t*>(f.data()),
                                           static_cast<int>(f.size()), &done, 1000);
        if (r == LIBUSB_ERROR_NO_DEVICE || r == LIBUSB_ERROR_IO) unplugged_ = true;
        return r == 0;
    }

    // Reads and handles frames for up to `ms`; returns false when the stick is gone.
    bool pump(int ms) {
        std::array<std::uint8_t, 64> buf{};
        int got = 0;
        const int r = libusb_bulk_transfer(handle_, ep_in_, buf.data(), buf.size(), &got, ms);
        if (r == LIBUSB_ERROR_NO_DEVICE || r == LIBUSB_ERROR_IO) return unplugged();
        if (r != 0 && r != LIBUSB_ERROR_TIMEOUT) return true;
        reader_.feed(std::span(buf.data(), static_cast<std::size_t>(got)),
                     [this](const Frame& f) { on_frame(f); });
        return true;
    }

    // Sends one set-up message and waits for its response; false (and a named failure) if the
    // stick refuses or says nothing.
    bool step(const Step& s, std::initializer_list<std::uint8_t> payload) {
        response_code_ = -1;
        awaiting_ = s.id;
        if (!send(s.id, payload)) return fail(s.name);
        for (int i = 0; i < 20 && response_code_ < 0 && !stop_; ++i)
            if (!pump(50)) return unplugged();
        return response_code_ == 0 || fail(s.name);
    }

    bool fail(const char* step_name) {
        if (unplugged_) return false;  // not a set-up failure: the stick went away
        status(SensorState::disconnected, step_name);
        finished_ = true;
        return false;
    }

    bool unplugged() {
        unplugged_ = true;
        return false;
    }

    bool open_channel() {
        const std::uint8_t dev_lo = static_cast<std::uint8_t>(device_number_ & 0xFF);
        const std::uint8_t dev_hi = static_cast<std::uint8_t>(device_number_ >> 8);
        return step({kAssignChannel, "ANT set-up failed at: assign channel"},
                    {kChannel, 0x00, kNetwork}) &&
               step({kChannelId, "ANT set-up failed at: channel id (heart rate)"},
                    {kChannel, dev_lo, dev_hi, kHeartRateDeviceType, 0}) &&
               step({kChannelPeriod, "ANT set-up failed at: channel period"},
                    {kChannel, kPeriod & 0xFF, kPeriod >> 8}) &&
               step({kSearchTimeout, "ANT set-up failed at: search timeout"},
                    {kChannel, kSearchUnits}) &&
               step({kRfFrequency, "ANT set-up failed at: radio frequency"},
                    {kChannel, kRfChannel}) &&
               step({kOpenChannel, "ANT set-up failed at: open channel"}, {kChannel});
    }

    enum class Outcome { stopped, failed, unplugged };

    // The stick unplugged is `disconnected` until it comes back; then the same session resumes
    // (gap marked) with the same strap.
    void run() {
        for (;;) {
            if (listen() != Outcome::unplugged) return;
            close_stick();
            gap_next_ = true;
            status(SensorState::disconnected,
                   "the ANT stick was unplugged: plug it in again; the session keeps what it "
                   "recorded");
            while (!stop_ && !open_stick().empty())
                for (int i = 0; i < 20 && !stop_; ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (stop_) return;
        }
    }

    // Set-up, then beats until stopped, failed or unplugged.
    Outcome listen() {
        status(SensorState::connecting);
        state_ = SensorState::scanning;
        decoder_ = HrmDecoder{};
        // Stale bytes from before we opened the stick would confuse the first responses.
        for (int i = 0; i < 3; ++i)
            if (!pump(10)) return Outcome::unplugged;
        reader_ = FrameReader{};
        startup_seen_ = false;
        if (!send(kResetSystem, {0})) {
            fail("ANT set-up failed at: reset");
            return setup_ended();
        }
        for (int i = 0; i < 20 && !startup_seen_ && !stop_; ++i)
            if (!pump(50)) return Outcome::unplugged;
        if (!startup_seen_) {
            fail("ANT set-up failed at: reset (no startup message)");
            return setup_ended();
        }
        const auto& k = key_;
        if (!step({kSetNetworkKey, "ANT set-up failed at: network key"},
                  {kNetwork, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]}) ||
            !open_channel())
            return setup_ended();
        status(SensorState::scanning);
        while (!stop_) {
            if (!pump(100)) return Outcome::unplugged;
            if (reopen_) {  // after a search timeout; with the strap it paired with, if known
                reopen_ = false;
                if (!open_channel()) return setup_ended();
            }
            if (want_channel_id_) {
                want_channel_id_ = false;
                send(kRequestMessage, {kChannel, kChannelId});
            }
        }
        send(kCloseChannel, {kChannel});
        return Outcome::stopped;
    }

    // A set-up step gave up: because the stick went away, or (already reported) it refused.
    Outcome setup_ended() const { return unplugged_ ? Outcome::unplugged : Outcome::failed; }

    void on_frame(const Frame& f) {
        const auto d = f.data();
        switch (f.id) {
            case kStartup:
                startup_seen_ = true;
                break;
            case kChannelEvent:
                if (d.size() < 3) break;
                if (d[1] == awaiting_) {
                    response_code_ = d[2];
                } else if (d[1] == 1) {  // an event, not a response
                    on_channel_event(d[2]);
                }
                break;
            case kChannelId:  // [channel, device number LE, type, transmission type]
                if (d.size() >= 3) {
                    paired_ = static_cast<std::uint16_t>(d[1] | d[2] << 8);
                    // From now on re-open (out of range, re-plug) with this strap only, never a
                    // neighbour's that happens to be in range.
                    if (paired_ != 0) device_number_ = paired_;
                }
                break;
            case kBroadcastData:
            case kAcknowledgedData:
                if (d.size() >= 9) on_page(d.subspan(1, 8));
                break;
            default:
                break;
        }
    }

    void on_channel_event(std::uint8_t code) {
        if (code == 2) {  // EVENT_RX_FAIL: a missed message
            if (++rx_fails_ == kRxFailsForLost && state_ == SensorState::connected) {
                state_ = SensorState::reconnecting;
                status(state_, "the ANT+ strap is out of range or asleep; waiting for it");
                gap_next_ = true;
            }
        } else if (code == 7) {  // channel closed (after a search timeout): search again
            reopen_ = true;
            if (state_ == SensorState::connected) {
                state_ = SensorState::reconnecting;
                status(state_);
            }
            gap_next_ = true;
        }
    }

    void on_page(std::span<const std::uint8_t> page) {
        rx_fails_ = 0;
        if (state_ != SensorState::connected) {
            state_ = SensorState::connected;
            status(state_);
            if (!paired_) want_channel_id_ = true;
        }
        const HrmUpdate u = decoder_.feed(page);
        if (u.battery_pct && *u.battery_pct != battery_pct_) {
            battery_pct_ = *u.battery_pct;
            status(state_);
        }
        if (!u.new_beat) return;
        if (!u.known_rr) {  // beats were lost and no page 4 bridged them: only a gap is known
            gap_next_ = true;
            return;
        }
        std::uint32_t flags = (u.gap_before || gap_next_) ? kBeatGapBefore : 0u;
        gap_next_ = false;
        out_->beats.push({u.rr_ms, clock_->now_s(), flags});
    }

    std::uint16_t device_number_;
    std::array<std::uint8_t, 8> key_;
    SensorOutput* out_ = nullptr;
    const SessionClock* clock_ = nullptr;
    libusb_context* ctx_ = nullptr;
    libusb_device_handle* handle_ = nullptr;
    std::uint8_t ep_in_ = 0, ep_out_ = 0;
    FrameReader reader_;
    HrmDecoder decoder_;
    std::atomic<bool> stop_{false}, finished_{false};
    std::atomic<std::uint16_t> paired_{0};
    std::thread thread_;
    std::uint8_t awaiting_ = 0;
    int response_code_ = -1;
    bool startup_seen_ = false, reopen_ = false, want_channel_id_ = false, gap_next_ = false;
    bool unplugged_ = false;
    int rx_fails_ = 0;
    int battery_pct_ = -1;
    SensorState state_ = SensorState::scanning;
};

// [scan] -----------------------------------------------------------------------------------------

std::vector<SensorInfo> scan() {
    std::vector<SensorInfo> found;
    libusb_context* ctx = nullptr;
    if (libusb_init(&ctx) < 0) return found;
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; ++i) {
        libusb_device_descriptor dd{};
        libusb_get_device_descriptor(list[i], &dd);
        if (dd.idVendor != kVendor) continue;
        if (dd.idProduct == kAntUsb2 || dd.idProduct == kAntUsbM)
            found.push_back({.name = std::string("ANT USB stick ") +
                                     (dd.idProduct == kAntUsb2 ? "ANTUSB2" : "ANTUSB-m") +
                                     " (pairs with the first ANT+ strap it hears)",
                             .transport = "ant",
                             .id = "ant",
                             .live = true});
    }
    libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return found;
}

}  // namespace

void register_driver(SensorRegistry& registry) {
    registry.add({"ant", "ant[:DEVICE_NUMBER]",
                  [](const SensorSpec& spec, const SensorOptions&) -> std::unique_ptr<Sensor> {
                      std::uint16_t number = 0;
                      if (!spec.argument.empty()) {
                          char* end = nullptr;
                          const long v = std::strtol(spec.argument.c_str(), &end, 10);
                          if (*end || v < 1 || v > 65535)
                              throw SensorError("ant: \"" + spec.argument +
                                                "\" is not a device number (1-65535)");
                          number = static_cast<std::uint16_t>(v);
                      }
                      return std::make_unique<AntSensor>(number, network_key());
                  },
                  [] { return scan(); }, true});
}

}  // namespace steady::ant
