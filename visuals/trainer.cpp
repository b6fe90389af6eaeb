#include "visuals/trainer.h"

#include <iostream>

#include "app/config.h"
#include "protocol/protocol.h"
#include "session/store.h"
#include "training/training_session.h"
#include "visuals/trainer_app.h"

namespace steady::ui {

int run_trainer(const TrainerOptions& options, const SensorRegistry& registry) {
    try {
        TrainerApp app(options, registry);
        return app.run();
    } catch (const WindowError& e) {
        std::cerr << "steady: cannot open the trainer window: " << e.what()
                  << ".\nFor a headless session use `steady record` (it runs the same pacer and "
                     "prints one JSON line per second; see `steady record --help`).\n";
        return 1;
    } catch (const ConfigError& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 2;
    } catch (const PlanError& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 2;
    } catch (const protocol::ProtocolError& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 2;
    } catch (const SensorSpecError& e) {  // --sensor names no transport or a bad scenario
        std::cerr << "steady: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace steady::ui
