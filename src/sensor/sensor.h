// The one interface every heart-beat source implements (simulator, file replay, BLE, ANT+), and
// the plain data it produces. Drivers live in drivers/<name>/ and are found through the registry
// (sensor/registry.h); nothing in src/ names a concrete driver.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "sensor/ring.h"

namespace steady {

// Flags on a beat, as stored in the session database (beats.flags) and the CSV export.
enum BeatFlag : std::uint32_t {
    kBeatContactLost = 1u << 0,        // the sensor reported no skin contact for this beat
    kBeatGapBefore = 1u << 1,          // beats are missing before this one (dropout, reconnect)
    kBeatSuspectedArtifact = 1u << 2,  // the driver or the online screen doubts this interval
};

// One RR interval. `arrival_s` is when the interval reached the driver on the session clock:
// for a strap this is the notification time (up to seconds after the beat); the simulator and
// replay deliver each beat at the moment it ends. The engine reconstructs beat times from RR sums
// anchored to arrival (engine/beat_timeline.h).
struct BeatEvent {
    double rr_ms = 0;
    double arrival_s = 0;
    std::uint32_t flags = 0;
};

enum class SensorState : std::uint8_t {
    scanning,
    connecting,
    connected,
    contact_lost,
    reconnecting,
    disconnected,
};
const char* to_string(SensorState s);

struct SensorStatus {
    SensorState state = SensorState::disconnected;
    double at_s = 0;       // session time of the change
    int battery_pct = -1;  // -1: unknown
    // What the user should know or do, as a static string (no allocation in the driver):
    // "strap not touching the skin: moisten the electrodes", "bluetoothd is not running ...".
    const char* detail = nullptr;
    int hr_bpm = -1;  // the sensor's own heart-rate figure, for sensors that send no RR
};

// What a sensor is, as plain data (for `steady scan`, the picker, the session record).
struct SensorInfo {
    std::string name;       // human-readable: "Polar H10 7E3F1A", "Simulator (calm)"
    std::string transport;  // "sim", "replay", "ble", "ant"
    std::string id;         // the spec that opens it again: "sim:calm", "ble:A0:9E:1A:..."
    bool provides_rr = true;
    // Capabilities, as data: a live sensor is a person's strap (real time only, never sped
    // up); a simulated person may breathe with the trainer's pacer; a scenario may have a
    // length of its own (its story ends).
    bool live = false;
    bool follows_pacer = false;
    std::optional<double> length_s = std::nullopt;
};

// Where a sensor pushes. Both rings are single-producer (the driver's own thread) and
// single-consumer (the engine); pushing never blocks and counts what it drops.
struct SensorOutput {
    SpscRing<BeatEvent> beats{4096};
    SpscRing<SensorStatus> status{256};
};

class SessionClock;

// The session as a simulated person lives it: the trainer's pacer as lung volume 0-1 at a
// session time (negative: not pacing), and whether a protocol's stressor step runs then.
struct SessionCues {
    std::function<double(double)> lung_volume_at;
    std::function<double(double)> breath_cycle_s_at;  // the pacer's cycle length (0: none)
    std::function<bool(double)> stressed_at;
    // A protocol run: breathe with every paced step (whatever the scenario says) and go on
    // past the scenario's own end until the protocol's.
    bool scripted = false;
};

class Sensor {
  public:
    virtual ~Sensor() = default;
    // Starts the driver's own I/O thread; setup failures throw SensorError with what to do.
    virtual void start(SensorOutput& out, const SessionClock& clock) = 0;
    // Stops and joins the thread. Safe to call twice, and from the destructor.
    virtual void stop() = 0;
    virtual SensorInfo info() const = 0;
    // True once a finite source (a replayed file) has delivered everything.
    virtual bool finished() const { return false; }
    // What the session tells a simulated person (real straps ignore it). Called before start().
    virtual void follow_session(SessionCues /*cues*/) {}
};

// A sensor whose I/O runs on one thread of its own (the simulator, replay): start() launches
// run(), stop() raises stop_flag() and joins. A derived class calls stop() in its destructor, so
// the thread ends before the members it uses.
class ThreadedSensor : public Sensor {
  public:
    void start(SensorOutput& out, const SessionClock& clock) override {
        stop_ = false;
        thread_ = std::thread([this, &out, &clock] { run(out, clock); });
    }
    void stop() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

  protected:
    virtual void run(SensorOutput& out, const SessionClock& clock) = 0;
    const std::atomic<bool>& stop_flag() const { return stop_; }

  private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Setup failure of a sensor (cannot open a file, no adapter, bad spec): says what to do.
class SensorError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};
// The spec or its file is wrong (a bad scenario file, an unknown transport): a usage mistake,
// exit status 2 like a bad settings file, where a sensor that fails is 1.
class SensorSpecError : public SensorError {
  public:
    using SensorError::SensorError;
};

}  // namespace steady
