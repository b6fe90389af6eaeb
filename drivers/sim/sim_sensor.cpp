// The simulator as an ordinary sensor: a thread that delivers the model's beats on the session
// clock (each when its interval ends), so the engine cannot tell it from a strap.
#include <atomic>
#include <thread>
#include <vector>

#include "drivers/drivers.h"
#include "drivers/sim/model.h"
#include "engine/clock.h"
#include "sensor/registry.h"

namespace steady::sim {
namespace {

class SimSensor final : public ThreadedSensor {
  public:
    explicit SimSensor(Scenario s) : scenario_(std::move(s)) {}
    ~SimSensor() override { stop(); }

    SensorInfo info() const override {
        return {.name = "Simulator (" + scenario_.name + ")",
                .transport = "sim",
                .id = "sim:" + scenario_.name,
                .follows_pacer = scenario_.follows_pacer,
                .length_s = scenario_.duration_s};
    }

    void follow_session(SessionCues cues) override { cues_ = std::move(cues); }

  private:
    void run(SensorOutput& out, const SessionClock& clock) override {
        Model model(scenario_);
        model.set_cues(cues_);
        Artifacts artifacts(scenario_.params);
        std::vector<BeatEvent> events;
        events.reserve(4);
        out.status.push({SensorState::connected, clock.now_s(), 100});
        while (!stop_flag()) {
            const TrueBeat beat = model.next();
            events.clear();
            artifacts.deliver(beat, events);
            for (const BeatEvent& e : events) {
                if (!clock.sleep_until(e.arrival_s, stop_flag())) return;
                out.beats.push(e);
            }
        }
    }

    Scenario scenario_;
    SessionCues cues_;
};

}  // namespace

void register_driver(SensorRegistry& registry) {
    registry.add({"sim", "sim[:calm|paced|trigger-recovery|noisy|FILE.toml]",
                  [](const SensorSpec& spec, const SensorOptions&) -> std::unique_ptr<Sensor> {
                      return std::make_unique<SimSensor>(load_scenario(spec.argument));
                  },
                  [] {
                      std::vector<SensorInfo> found;
                      for (const std::string& n : scenario_names()) {
                          Scenario s = load_scenario(n);
                          found.push_back({.name = "Simulator: " + s.description,
                                           .transport = "sim",
                                           .id = "sim:" + n,
                                           .follows_pacer = s.follows_pacer,
                                           .length_s = s.duration_s});
                      }
                      return found;
                  }});
}

}  // namespace steady::sim
