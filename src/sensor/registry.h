// The one registry of sensor drivers. Each driver folder adds an entry (drivers/drivers.cpp calls
// them all once); `steady scan`, `--sensor` and the window's picker only ever go through here.
// Spec syntax: TRANSPORT[:ARGUMENT], e.g. "sim", "sim:paced", "replay:night.csv", "ble:AA:BB:..".
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/sensor.h"

namespace steady {

struct SensorSpec {
    std::string transport;  // "sim"
    std::string argument;   // "paced"; empty when not given
};
// Throws SensorError naming the spec when it has no transport.
SensorSpec parse_sensor_spec(std::string_view spec);

struct SensorOptions {
    double speed = 1.0;  // sim and replay: session seconds per real second
};

struct SensorDriver {
    std::string transport;  // the spec prefix it answers to
    std::string usage;      // one line for --help and errors: "sim[:SCENARIO|FILE.toml]"
    std::function<std::unique_ptr<Sensor>(const SensorSpec&, const SensorOptions&)> open;
    std::function<std::vector<SensorInfo>()> scan;  // what is there right now (may be empty)
    bool live = false;  // a person's strap: real time only (SensorInfo::live)
};

class SensorRegistry {
  public:
    void add(SensorDriver driver);
    // Throws SensorError for an unknown transport (listing the known ones) or a bad argument.
    std::unique_ptr<Sensor> open(std::string_view spec, const SensorOptions& options) const;
    // The driver a spec names, without opening anything; throws SensorError as open() does.
    const SensorDriver& driver(std::string_view spec) const;
    // What every driver finds now; a driver that cannot look (no Bluetooth) adds a line to
    // `problems` instead of failing the whole scan.
    std::vector<SensorInfo> scan(std::vector<std::string>* problems = nullptr) const;
    const std::vector<SensorDriver>& drivers() const { return drivers_; }
    std::string usage() const;  // "sim[:SCENARIO], replay:FILE, ..."

  private:
    std::vector<SensorDriver> drivers_;
};

}  // namespace steady
