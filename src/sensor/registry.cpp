#include "sensor/registry.h"

#include <algorithm>

namespace steady {

const char* to_string(SensorState s) {
    switch (s) {
        case SensorState::scanning:
            return "scanning";
        case SensorState::connecting:
            return "connecting";
        case SensorState::connected:
            return "connected";
        case SensorState::contact_lost:
            return "contact lost";
        case SensorState::reconnecting:
            return "reconnecting";
        case SensorState::disconnected:
            return "disconnected";
    }
    return "unknown";
}

SensorSpec parse_sensor_spec(std::string_view spec) {
    const auto colon = spec.find(':');
    SensorSpec out{std::string(spec.substr(0, colon)), colon == std::string_view::npos
                                                           ? std::string()
                                                           : std::string(spec.substr(colon + 1))};
    if (out.transport.empty())
        throw SensorSpecError("sensor \"" + std::string(spec) + "\": no transport before ':'");
    return out;
}

void SensorRegistry::add(SensorDriver driver) {
    std::erase_if(drivers_, [&](const SensorDriver& d) { return d.transport == driver.transport; });
    drivers_.push_back(std::move(driver));
}

const SensorDriver& SensorRegistry::driver(std::string_view spec) const {
    const SensorSpec parsed = parse_sensor_spec(spec);
    for (const SensorDriver& d : drivers_) {
        if (d.transport == parsed.transport) return d;
    }
    throw SensorSpecError("sensor \"" + std::string(spec) + "\": unknown transport \"" +
                          parsed.transport + "\"; this build knows " + usage());
}

std::unique_ptr<Sensor> SensorRegistry::open(std::string_view spec,
                                             const SensorOptions& options) const {
    return driver(spec).open(parse_sensor_spec(spec), options);
}

std::vector<SensorInfo> SensorRegistry::scan(std::vector<std::string>* problems) const {
    std::vector<SensorInfo> found;
    for (const SensorDriver& d : drivers_) {
        if (!d.scan) continue;
        try {
            for (SensorInfo& info : d.scan()) found.push_back(std::move(info));
        } catch (const SensorError& e) {
            if (problems) problems->push_back(e.what());
        }
    }
    return found;
}

std::string SensorRegistry::usage() const {
    std::string out;
    for (const SensorDriver& d : drivers_) out += (out.empty() ? "" : ", ") + d.usage;
    return out;
}

}  // namespace steady
