// A BlueZ look-alike for the BLE tests: a private dbus-daemon playing the system bus and
// python3-dbusmock serving org.bluez from tests/fakes/bluez_hrs.py, started by the test that
// needs it and stopped with it. DBUS_SYSTEM_BUS_ADDRESS points at it while it lives, so the real
// driver (and a `steady` child process) talk to it unmodified.
#pragma once

#include <fcntl.h>
#include <sdbus-c++/sdbus-c++.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_run.h"

namespace steady::test {

class FakeBluez {
  public:
    static constexpr const char* kAddress = "A0:9E:1A:12:34:56";

    // `with_bluez` false: the bus only, no bluetoothd.
    explicit FakeBluez(bool with_bluez = true) {
        address_ = "unix:path=" + dir_ / "bus.sock";
        daemon_ = spawn({"dbus-daemon", "--config-file=/usr/share/dbus-1/session.conf",
                         "--address=" + address_, "--nofork", "--nopidfile"});
        ::setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
        wait_for([&] { return std::filesystem::exists(dir_ / "bus.sock"); }, "dbus-daemon");
        if (!with_bluez) return;
        mock_ = spawn({"/usr/bin/python3", "-m", "dbusmock", "--system", "-t",
                       std::string(STEADY_TEST_FAKES) + "/bluez_hrs.py"});
        bus_ = sdbus::createSystemBusConnection();
        root_ = sdbus::createProxy(*bus_, "org.bluez", "/");
        wait_for(
            [&] {
                try {
                    std::map<sdbus::ObjectPath,
                             std::map<std::string, std::map<std::string, sdbus::Variant>>>
                        o;
                    root_->callMethod("GetManagedObjects")
                        .onInterface("org.freedesktop.DBus.ObjectManager")
                        .storeResultsTo(o);
                    return true;
                } catch (const sdbus::Error&) {
                    return false;
                }
            },
            "dbusmock");
    }
    ~FakeBluez() {
        root_.reset();
        bus_.reset();
        for (const pid_t p : {mock_, daemon_}) {
            if (p <= 0) continue;
            ::kill(p, SIGTERM);
            int st = 0;
            ::waitpid(p, &st, 0);
        }
        ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    }
    FakeBluez(const FakeBluez&) = delete;
    FakeBluez& operator=(const FakeBluez&) = delete;

    const std::string& address() const { return address_; }

    std::string add_adapter() {
        std::string p;
        root_->callMethod("AddAdapter")
            .onInterface("org.bluez.Mock")
            .withArguments("hci0", "steady-test")
            .storeResultsTo(p);
        return p;
    }
    std::string add_strap(const std::string& address = kAddress) {
        sdbus::ObjectPath p;
        root_->callMethod("AddHeartRateDevice")
            .onInterface("org.bluez.Mock")
            .withArguments("hci0", address, "Polar H10 12345678")
            .storeResultsTo(p);
        device_ = p;
        return p;
    }
    void notify(const std::vector<std::uint8_t>& value) {
        mock_call("NotifyHeartRate", sdbus::ObjectPath(device_), value);
    }
    void drop_link() { mock_call("DropLink", sdbus::ObjectPath(device_)); }
    void fail_connects(std::uint32_t n) {
        mock_call("SetConnectFailures", sdbus::ObjectPath(device_), n);
    }
    void fail_connects_with(std::uint32_t n, const std::string& error_name) {
        mock_call("SetConnectError", sdbus::ObjectPath(device_), n, error_name);
    }
    void set_powered(bool on) { mock_call("SetPowered", sdbus::ObjectPath("/org/bluez/hci0"), on); }
    // The client has subscribed to heart-rate notifications.
    bool notifying() {
        auto c = sdbus::createProxy(*bus_, "org.bluez", device_ + "/service000c/char000d");
        sdbus::Variant v;
        try {
            c->callMethod("Get")
                .onInterface("org.freedesktop.DBus.Properties")
                .withArguments("org.bluez.GattCharacteristic1", "Notifying")
                .storeResultsTo(v);
            return v.get<bool>();
        } catch (const sdbus::Error&) {
            return false;
        }
    }

    template <typename F>
    static void wait_for(F&& ready, const char* what, double seconds = 10) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (!ready()) {
            if (std::chrono::steady_clock::now() > end)
                FAIL(std::string("timed out waiting for ") + what);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

  private:
    template <typename... Args>
    void mock_call(const char* method, const Args&... args) {
        root_->callMethod(method).onInterface("org.bluez.Mock").withArguments(args...);
    }
    static pid_t spawn(const std::vector<std::string>& argv) {
        const pid_t pid = fork();
        if (pid == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, 1);
            ::dup2(null, 2);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
        return pid;
    }

    TempDir dir_;
    std::string address_, device_;
    pid_t daemon_ = -1, mock_ = -1;
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<sdbus::IProxy> root_;
};

}  // namespace steady::test
