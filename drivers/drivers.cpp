#include "drivers/drivers.h"

namespace steady {

void register_drivers(SensorRegistry& registry) {
    sim::register_driver(registry);
    replay::register_driver(registry);
#ifdef STEADY_WITH_BLE
    ble::register_driver(registry);
#endif
#ifdef STEADY_WITH_ANT
    ant::register_driver(registry);
#endif
}

const SensorRegistry& sensor_registry() {
    static const SensorRegistry registry = [] {
        SensorRegistry r;
        register_drivers(r);
        return r;
    }();
    return registry;
}

}  // namespace steady
