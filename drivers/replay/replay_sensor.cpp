// Replay: plays any recording `steady analyze` reads as if a strap were sending it, in real time
// or faster (--speed N). Beat times come from the file when it has them (Steady's CSV export,
// so gaps are preserved), otherwise from the running sum of RR.
#include <atomic>
#include <thread>

#include "drivers/drivers.h"
#include "engine/clock.h"
#include "io/rr_file.h"
#include "sensor/registry.h"

namespace steady::replay {
namespace {

class ReplaySensor final : public ThreadedSensor {
  public:
    explicit ReplaySensor(std::string path) : path_(std::move(path)) {
        try {
            rec_ = io::read_rr_file(path_);
        } catch (const io::InputError& e) {
            throw SensorError(std::string("replay: ") + e.what());
        }
        if (rec_.rr_ms.empty()) throw SensorError("replay: " + path_ + ": no beats in the file");
        if (rec_.t_s.size() != rec_.rr_ms.size()) {
            rec_.t_s.clear();
            double t = 0;
            for (const double rr : rec_.rr_ms) rec_.t_s.push_back(t += rr / 1000.0);
        }
    }
    ~ReplaySensor() override { stop(); }

    SensorInfo info() const override {
        return {.name = "Replay of " + path_, .transport = "replay", .id = "replay:" + path_};
    }
    bool finished() const override { return finished_; }

  private:
    void run(SensorOutput& out, const SessionClock& clock) override {
        out.status.push({SensorState::connected, clock.now_s(), -1});
        // The file's clock starts where its first beat began.
        const double offset = rec_.t_s.front() - rec_.rr_ms.front() / 1000.0;
        for (std::size_t i = 0; i < rec_.rr_ms.size(); ++i) {
            const double at = rec_.t_s[i] - offset;
            if (!clock.sleep_until(at, stop_flag())) return;
            out.beats.push({rec_.rr_ms[i], at, 0});
        }
        out.status.push({SensorState::disconnected, clock.now_s(), -1});
        finished_ = true;
    }

    std::string path_;
    io::RrRecording rec_;
    std::atomic<bool> finished_{false};
};

}  // namespace

void register_driver(SensorRegistry& registry) {
    registry.add({"replay", "replay:FILE",
                  [](const SensorSpec& spec, const SensorOptions&) -> std::unique_ptr<Sensor> {
                      if (spec.argument.empty())
                          throw SensorError("replay needs a file: --sensor replay:FILE");
                      return std::make_unique<ReplaySensor>(spec.argument);
                  },
                  nullptr});
}

}  // namespace steady::replay
