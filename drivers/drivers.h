// Every driver this build has, registered in one call. Each driver folder defines its own
// register_driver(); this list is the only place that names them.
#pragma once

#include "sensor/registry.h"

namespace steady {
namespace sim {
void register_driver(SensorRegistry& registry);
}
namespace replay {
void register_driver(SensorRegistry& registry);
}
namespace ble {
void register_driver(SensorRegistry& registry);
}
namespace ant {
void register_driver(SensorRegistry& registry);
}

// Adds every driver built in to `registry`.
void register_drivers(SensorRegistry& registry);
// A registry with every driver, built once.
const SensorRegistry& sensor_registry();
}  // namespace steady
