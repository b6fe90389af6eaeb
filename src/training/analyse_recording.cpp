#include "training/analyse_recording.h"

#include <algorithm>
#include <cmath>

#include "engine/engine.h"
#include "recovery/episodes.h"

namespace steady {

AnalysedRecording analyse_recording(std::span<const double> rr_ms, std::span<const double> t_s) {
    AnalysedRecording out;
    if (rr_ms.empty()) return out;
    std::vector<double> times(rr_ms.size());
    if (t_s.size() == rr_ms.size()) {
        const double offset = t_s.front() - rr_ms.front() / 1000.0;
        for (std::size_t i = 0; i < rr_ms.size(); ++i) times[i] = t_s[i] - offset;
    } else {
        double t = 0;
        for (std::size_t i = 0; i < rr_ms.size(); ++i) times[i] = t += rr_ms[i] / 1000.0;
    }
    Engine engine;
    recovery::SecondSeries series;
    recovery::EpisodeDetector detector(series);
    std::size_t next_second = 0;
    const auto take = [&] {
        for (const PlacedBeat& b : engine.take_beats()) {
            series.add(b);
            out.beats.push_back(b);
        }
        for (Event& e : engine.take_events()) {
            if (const auto* b = e.as<BaselineEvent>())
                detector.set_session_baseline({b->hr_bpm, b->rmssd_ms, b->resp_bpm});
            out.events.push_back(std::move(e));
        }
    };
    const auto seconds_until = [&](double t) {
        series.advance_to(t);
        for (; next_second < series.seconds(); ++next_second)
            for (Event& e : detector.second(next_second)) {
                if (auto* tr = std::get_if<TriggerEvent>(&e.data))
                    tr->level =
                        engine.current().baseline_ready ? engine.current().arousal.level : 0;
                out.events.push_back(std::move(e));
            }
    };
    for (std::size_t i = 0; i < rr_ms.size(); ++i) {
        seconds_until(std::floor(times[i] - 1e-9));  // the seconds strictly before this beat
        engine.on_beat({rr_ms[i], times[i], 0});
        take();
    }
    out.duration_s = times.back();
    seconds_until(std::floor(out.duration_s));
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const Event& a, const Event& b) { return a.t_s < b.t_s; });
    return out;
}

}  // namespace steady
