// BLE heart-rate straps through BlueZ's D-Bus API (sdbus-c++ 1.x), no root and no private stack.
// Flow (../shared/reference/sensors.md s.2): ObjectManager objects -> Adapter1 discovery filtered
// on 0x180D -> Device1.Connect -> ServicesResolved -> 0x2A37 StartNotify -> PropertiesChanged
// (Value) decoded by hrm_parser. Battery from 0x2A19. One thread owns the bus connection and
// runs both the D-Bus dispatch (poll + processPendingRequest) and the link state machine, so it
// is the only producer of the sensor's rings.
//
// Contents: [errors] [bus helpers] [BleSensor: start/stop, run loop, link, notifications] [scan]
#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "drivers/ble/hrm_parser.h"
#include "drivers/drivers.h"
#include "engine/clock.h"
#include "sensor/registry.h"

namespace steady::ble {
namespace {

using Props = std::map<std::string, sdbus::Variant>;
using Ifaces = std::map<std::string, Props>;
using Managed = std::map<sdbus::ObjectPath, Ifaces>;

constexpr const char* kBluez = "org.bluez";
constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
constexpr const char* kAdapter = "org.bluez.Adapter1";
constexpr const char* kDevice = "org.bluez.Device1";
constexpr const char* kChar = "org.bluez.GattCharacteristic1";
constexpr const char* kHrService = "0000180d-0000-1000-8000-00805f9b34fb";
constexpr const char* kHrMeasurement = "00002a37-0000-1000-8000-00805f9b34fb";
constexpr const char* kBodyLocation = "00002a38-0000-1000-8000-00805f9b34fb";
constexpr const char* kBatteryLevel = "00002a19-0000-1000-8000-00805f9b34fb";

// [errors] ---------------------------------------------------------------------------------------

// A D-Bus failure at setup, in words that say what to do.
std::string explain(const sdbus::Error& e) {
    const std::string& n = e.getName();
    if (n == "org.freedesktop.DBus.Error.ServiceUnknown" ||
        n == "org.freedesktop.DBus.Error.NameHasNoOwner")
        return "bluetoothd is not running: start it with `sudo systemctl start bluetooth`";
    if (n == "org.freedesktop.DBus.Error.FileNotFound" ||
        n == "org.freedesktop.DBus.Error.NoServer")
        return "cannot reach the system D-Bus (is dbus running? `sudo systemctl start dbus`)";
    if (n == "org.freedesktop.DBus.Error.AccessDenied")
        return "permission denied on the system bus talking to BlueZ: check "
               "/etc/dbus-1/system.d/bluetooth.conf (Debian allows every local user)";
    if (n == "org.bluez.Error.AuthenticationFailed" ||
        n == "org.bluez.Error.AuthenticationRejected")
        return "the strap wants pairing: run `bluetoothctl pair ADDRESS` once, then start again";
    return e.getMessage().empty() ? n : n + ": " + e.getMessage();
}

template <typename T>
std::optional<T> prop(const Props& p, const char* name) {
    const auto it = p.find(name);
    if (it == p.end()) return std::nullopt;
    try {
        return it->second.get<T>();
    } catch (const sdbus::Error&) {
        return std::nullopt;  // a mistyped property is treated as absent
    }
}

std::string address_from(const Props& dev) {
    return prop<std::string>(dev, "Address").value_or("");
}

bool has_hr_service(const Props& dev) {
    const auto uuids = prop<std::vector<std::string>>(dev, "UUIDs");
    return uuids && std::find(uuids->begin(), uuids->end(), kHrService) != uuids->end();
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The first adapter; throws SensorError when there is none or it is off.
std::string find_adapter(const Managed& objects) {
    for (const auto& [path, ifaces] : objects) {
        const auto it = ifaces.find(kAdapter);
        if (it == ifaces.end()) continue;
        if (!prop<bool>(it->second, "Powered").value_or(true))
            throw SensorError("ble: Bluetooth adapter " + std::string(path) +
                              " is powered off: run `bluetoothctl power on`");
        return path;
    }
    throw SensorError(
        "ble: no Bluetooth adapter found: plug in a Bluetooth dongle or enable "
        "Bluetooth in the BIOS/rfkill (`rfkill unblock bluetooth`)");
}

// Runs the callbacks of whatever has arrived on `bus`, then waits up to `seconds` for more.
void dispatch(sdbus::IConnection& bus, double seconds) {
    while (bus.processPendingRequest()) {
    }
    const auto pd = bus.getEventLoopPollData();
    pollfd fd{pd.fd, static_cast<short>(pd.events), 0};
    int timeout_ms = static_cast<int>(seconds * 1000);
    if (pd.timeout_usec != UINT64_MAX)
        timeout_ms = std::min<int>(timeout_ms, static_cast<int>(pd.timeout_usec / 1000));
    if (::poll(&fd, 1, timeout_ms) > 0) {
        while (bus.processPendingRequest()) {
        }
    }
}

Managed managed_objects(sdbus::IProxy& root) {
    Managed objects;
    root.callMethod("GetManagedObjects").onInterface(kObjectManager).storeResultsTo(objects);
    return objects;
}

void start_discovery(sdbus::IConnection& bus, const std::string& adapter) {
    auto ad = sdbus::createProxy(bus, kBluez, adapter);
    ad->callMethod("SetDiscoveryFilter")
        .onInterface(kAdapter)
        .withArguments(Props{{"UUIDs", sdbus::Variant(std::vector<std::string>{kHrService})},
                             {"Transport", sdbus::Variant(std::string("le"))}});
    ad->callMethod("StartDiscovery").onInterface(kAdapter);
}

// [BleSensor] ------------------------------------------------------------------------------------

class BleSensor final : public Sensor {
  public:
    BleSensor(std::string address, double give_up_s)
        : wanted_(upper(std::move(address))), give_up_s_(give_up_s) {}
    ~BleSensor() override { stop(); }

    void start(SensorOutput& out, const SessionClock& clock) override {
        out_ = &out;
        clock_ = &clock;
        try {
            bus_ = sdbus::createSystemBusConnection();
            root_ = sdbus::createProxy(*bus_, kBluez, "/");
            root_->uponSignal("InterfacesAdded")
                .onInterface(kObjectManager)
                .call([this](const sdbus::ObjectPath& p, const Ifaces& i) { on_added(p, i); });
            root_->uponSignal("InterfacesRemoved")
                .onInterface(kObjectManager)
                .call([this](const sdbus::ObjectPath& p, const std::vector<std::string>& i) {
                    // The strap's object went (BlueZ forgets unpaired devices it stops seeing,
                    // or bluetoothd restarted): search for it again by address.
                    if (p == device_path_ && std::find(i.begin(), i.end(), kDevice) != i.end())
                        device_removed_ = true;
                });
            root_->finishRegistration();
            const Managed objects = managed_objects(*root_);
            adapter_ = find_adapter(objects);
            for (const auto& [path, ifaces] : objects) on_added(path, ifaces);
        } catch (const sdbus::Error& e) {
            throw SensorError("ble: " + explain(e));
        }
        stop_ = false;
        thread_ = std::thread([this] { run(); });
    }

    void stop() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        char_.reset();
        battery_.reset();
        device_.reset();
        root_.reset();
        bus_.reset();
    }

    SensorInfo info() const override {
        return {.name = name_.empty() ? "BLE heart-rate strap" : name_,
                .transport = "ble",
                .id = "ble" + (wanted_.empty() ? std::string() : ":" + wanted_),
                .live = true};
    }
    bool finished() const override { return finished_; }

  private:
    enum class Link { searching, connecting, connected, waiting_retry, gone };

    void status(SensorState s, const char* detail = nullptr) {
        out_->status.push({s, clock_->now_s(), battery_pct_, detail});
    }

    // Called on the dispatch thread (in run()) only.
    void on_added(const sdbus::ObjectPath& path, const Ifaces& ifaces) {
        const auto it = ifaces.find(kDevice);
        if (it == ifaces.end() || !device_path_.empty()) return;
        const std::string address = upper(address_from(it->second));
        if (wanted_.empty() ? !has_hr_service(it->second) : address != wanted_) return;
        device_path_ = path;
        name_ = prop<std::string>(it->second, "Name")
                    .value_or(prop<std::string>(it->second, "Alias").value_or(address));
        wanted_ = address;
    }

    void run() {
        try {
            status(SensorState::scanning);
            if (device_path_.empty()) start_discovery(*bus_, adapter_);
        } catch (const sdbus::Error&) {
            fail();
            return;
        }
        double next_try_s = 0, backoff_s = 0, lost_at_s = -1;
        Link link = Link::searching;
        double search_from_s = clock_->now_s();
        while (!stop_ && link != Link::gone) {
            dispatch(*bus_, 0.1);
            const double now = clock_->now_s();
            if (device_removed_) {
                device_removed_ = false;
                char_.reset();
                battery_.reset();
                device_.reset();
                device_path_.clear();
                connected_ = resolved_ = false;
                gap_next_ = true;
                status(SensorState::scanning);
                try {
                    start_discovery(*bus_, adapter_);
                } catch (const sdbus::Error&) {
                    // discovery may already run; the device comes back through InterfacesAdded
                }
                search_from_s = now;
                link = Link::searching;
            }
            switch (link) {
                case Link::searching:
                    if (!device_path_.empty()) {
                        link = Link::connecting;
                    } else if (now - search_from_s > give_up_s_) {
                        status(SensorState::disconnected,
                               "no heart-rate strap found: wear it (straps sleep while dry), and "
                               "make sure no phone or watch is connected to it");
                        finished_ = true;
                        return;
                    }
                    break;
                case Link::connecting:
                case Link::waiting_retry:
                    if (now < next_try_s) break;
                    if (connect()) {
                        link = Link::connected;
                        backoff_s = 0;
                        lost_at_s = -1;
                    } else {
                        if (lost_at_s < 0) lost_at_s = now;
                        // First retry within 1 s, then doubling up to every 10 s.
                        backoff_s = backoff_s == 0 ? 0.5 : std::min(10.0, backoff_s * 2);
                        next_try_s = now + backoff_s;
                        link = Link::waiting_retry;
                        if (now - lost_at_s > give_up_s_) link = Link::gone;
                    }
                    break;
                case Link::connected:
                    if (!connected_) {  // link loss reported by BlueZ
                        status(SensorState::reconnecting);
                        gap_next_ = true;
                        lost_at_s = now;
                        next_try_s = now + 0.2;
                        link = Link::waiting_retry;
                    }
                    break;
                case Link::gone:
                    break;
            }
        }
        if (link == Link::gone) {
            status(SensorState::disconnected,
                   "the strap stayed out of reach; the session keeps what it recorded");
            finished_ = true;
        }
    }

    void fail() {
        status(
            SensorState::disconnected,
            "Bluetooth discovery failed: check `bluetoothctl show` (adapter present and powered)");
        finished_ = true;
    }

    // One attempt: Connect, wait for ServicesResolved, subscribe. False on failure (retried).
    bool connect() {
        try {
            status(first_connect_ ? SensorState::connecting : SensorState::reconnecting);
            if (!device_) {
                device_ = sdbus::createProxy(*bus_, kBluez, device_path_);
                device_->uponSignal("PropertiesChanged")
                    .onInterface(kProperties)
                    .call([this](const std::string& iface, const Props& changed,
                                 const std::vector<std::string>&) {
                        if (iface != kDevice) return;
                        if (auto c = prop<bool>(changed, "Connected"); c && !*c) connected_ = false;
                        if (auto r = prop<bool>(changed, "ServicesResolved")) resolved_ = *r;
                    });
                device_->finishRegistration();
            }
            device_->callMethod("Connect").onInterface(kDevice).withTimeout(
                std::chrono::seconds(8));
            connected_ = true;
            // Already resolved (connected before we asked) sends no signal: read it once, then
            // the PropertiesChanged handler above says when it happens.
            sdbus::Variant v;
            device_->callMethod("Get")
                .onInterface(kProperties)
                .withArguments(kDevice, "ServicesResolved")
                .storeResultsTo(v);
            resolved_ = resolved_ || v.get<bool>();
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!resolved_ && !stop_ && std::chrono::steady_clock::now() < deadline)
                dispatch(*bus_, 0.05);
            if (!resolved_) return false;
            subscribe();
            status(SensorState::connected,
                   not_chest_ ? "not a chest strap: its beat-to-beat intervals may be smoothed"
                              : nullptr);
            first_connect_ = false;
            return true;
        } catch (const sdbus::Error& e) {
            // Retried with backoff; a strap that wants pairing will not get better by itself.
            if (e.getName() == "org.bluez.Error.AuthenticationFailed" ||
                e.getName() == "org.bluez.Error.AuthenticationRejected")
                status(SensorState::reconnecting,
                       "the strap wants pairing: run `bluetoothctl pair ADDRESS` once");
            return false;
        }
    }

    void subscribe() {
        std::string hrm, location, battery;
        for (const auto& [path, ifaces] : managed_objects(*root_)) {
            if (std::string_view(path).rfind(device_path_ + "/", 0) != 0) continue;
            const auto it = ifaces.find(kChar);
            if (it == ifaces.end()) continue;
            const std::string uuid = prop<std::string>(it->second, "UUID").value_or("");
            if (uuid == kHrMeasurement) hrm = path;
            if (uuid == kBodyLocation) location = path;
            if (uuid == kBatteryLevel) battery = path;
        }
        if (hrm.empty())
            throw sdbus::Error("org.bluez.Error.NotSupported",
                               "the device has no Heart Rate Measurement characteristic");
        if (!char_) {
            char_ = sdbus::createProxy(*bus_, kBluez, hrm);
            char_->uponSignal("PropertiesChanged")
                .onInterface(kProperties)
                .call([this](const std::string& iface, const Props& changed,
                             const std::vector<std::string>&) {
                    if (iface != kChar) return;
                    const auto it = changed.find("Value");
                    if (it == changed.end()) return;
                    try {
                        on_measurement(it->second.get<std::vector<std::uint8_t>>());
                    } catch (const sdbus::Error&) {
                        ++bad_packets_;
                    }
                });
            char_->finishRegistration();
        }
        // Idempotent for the same sender; BlueZ re-arms it after a reconnect anyway.
        char_->callMethod("StartNotify").onInterface(kChar);
        if (!battery.empty() && !battery_) {
            battery_ = sdbus::createProxy(*bus_, kBluez, battery);
            battery_->uponSignal("PropertiesChanged")
                .onInterface(kProperties)
                .call([this](const std::string& iface, const Props& changed,
                             const std::vector<std::string>&) {
                    if (iface != kChar) return;
                    if (auto v = prop<std::vector<std::uint8_t>>(changed, "Value");
                        v && !v->empty()) {
                        battery_pct_ = (*v)[0];
                        status(SensorState::connected);
                    }
                });
            battery_->finishRegistration();
            std::vector<std::uint8_t> level;
            battery_->callMethod("ReadValue")
                .onInterface(kChar)
                .withArguments(Props{})
                .storeResultsTo(level);
            if (!level.empty()) battery_pct_ = level[0];
            try {
                battery_->callMethod("StartNotify").onInterface(kChar);
            } catch (const sdbus::Error&) {
                // read-only battery: the value read above stays
            }
        }
        if (!location.empty()) {  // 0x2A38: 1 = chest; optical sensors smooth their RR
            auto loc = sdbus::createProxy(*bus_, kBluez, location);
            std::vector<std::uint8_t> v;
            loc->callMethod("ReadValue")
                .onInterface(kChar)
                .withArguments(Props{})
                .storeResultsTo(v);
            not_chest_ = !v.empty() && v[0] != 1;
        }
    }

    void on_measurement(const std::vector<std::uint8_t>& bytes) {
        const ParseResult r = parse_heart_rate_measurement(bytes);
        if (!r.value) {
            ++bad_packets_;
            return;
        }
        const HeartRateMeasurement& m = *r.value;
        const bool contact = m.contact != Contact::not_detected;
        if (contact != contact_) {
            contact_ = contact;
            status(contact ? SensorState::connected : SensorState::contact_lost,
                   contact ? nullptr
                           : "the strap is not touching the skin: moisten the electrodes "
                             "and tighten the strap");
        }
        if (!m.rr_present) {
            // Heart rate still works, from the strap's own figure; HRV cannot.
            out_->status.push({contact ? SensorState::connected : SensorState::contact_lost,
                               clock_->now_s(), battery_pct_,
                               "this sensor sends heart rate but no beat-to-beat intervals, so "
                               "HRV is unavailable: use a chest strap that does (or its ANT+ side)",
                               m.hr_bpm});
            return;
        }
        // Each interval of a notification ended no later than the notification minus the
        // intervals after it: the latest possible time, which is what the engine anchors to.
        double later_s = 0;
        for (std::size_t i = 0; i < m.rr_count; ++i) later_s += m.rr_ms[i] / 1000.0;
        const double now = clock_->now_s();
        for (std::size_t i = 0; i < m.rr_count; ++i) {
            later_s -= m.rr_ms[i] / 1000.0;
            std::uint32_t flags = contact ? 0u : kBeatContactLost;
            if (gap_next_) flags |= kBeatGapBefore;  // the first interval after a reconnect
            gap_next_ = false;
            out_->beats.push({m.rr_ms[i], now - std::max(0.0, later_s), flags});
        }
    }

    std::string wanted_;
    double give_up_s_;
    SensorOutput* out_ = nullptr;
    const SessionClock* clock_ = nullptr;
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<sdbus::IProxy> root_, device_, char_, battery_;
    std::string adapter_, device_path_, name_;
    std::atomic<bool> stop_{false}, finished_{false};
    bool device_removed_ = false;
    bool connected_ = false, resolved_ = false, first_connect_ = true, gap_next_ = false;
    bool contact_ = true, not_chest_ = false;
    int battery_pct_ = -1;
    unsigned bad_packets_ = 0;
    std::thread thread_;
};

// [scan] -----------------------------------------------------------------------------------------

std::vector<SensorInfo> scan(double seconds) {
    std::vector<SensorInfo> found;
    try {
        auto bus = sdbus::createSystemBusConnection();
        auto root = sdbus::createProxy(*bus, kBluez, "/");
        std::map<std::string, SensorInfo> seen;
        const auto consider = [&](const Ifaces& ifaces) {
            const auto it = ifaces.find(kDevice);
            if (it == ifaces.end() || !has_hr_service(it->second)) return;
            const std::string address = upper(address_from(it->second));
            const std::string name = prop<std::string>(it->second, "Name").value_or(address);
            const auto rssi = prop<std::int16_t>(it->second, "RSSI");
            seen[address] = {
                .name = name + (rssi ? " (RSSI " + std::to_string(*rssi) + " dBm)" : ""),
                .transport = "ble",
                .id = "ble:" + address,
                .live = true};
        };
        root->uponSignal("InterfacesAdded")
            .onInterface(kObjectManager)
            .call([&](const sdbus::ObjectPath&, const Ifaces& i) { consider(i); });
        root->finishRegistration();
        const Managed objects = managed_objects(*root);
        start_discovery(*bus, find_adapter(objects));
        for (const auto& [path, ifaces] : objects) consider(ifaces);
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < end) dispatch(*bus, 0.05);
        for (auto& [address, info] : seen) found.push_back(std::move(info));
    } catch (const sdbus::Error& e) {
        throw SensorError("ble: " + explain(e));
    }
    return found;
}

}  // namespace

void register_driver(SensorRegistry& registry) {
    registry.add({"ble", "ble[:ADDRESS]",
                  [](const SensorSpec& spec, const SensorOptions&) -> std::unique_ptr<Sensor> {
                      const char* give_up = std::getenv("STEADY_BLE_GIVE_UP_S");
                      return std::make_unique<BleSensor>(spec.argument,
                                                         give_up ? std::atof(give_up) : 60.0);
                  },
                  [] {
                      const char* s = std::getenv("STEADY_BLE_SCAN_S");
                      return scan(s ? std::atof(s) : 4.0);
                  },
                  true});
}

}  // namespace steady::ble
