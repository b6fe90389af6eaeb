// The Steady window: one SDL2 window with an OpenGL 3 context and Dear ImGui, all on the main
// thread. The session (sensor -> engine -> store, and the adaptive pacer) runs on its own thread;
// each frame reads the latest Snapshot and the pacer's schedule at the session clock's time and
// never waits on I/O. Views: the pacer with panels around it (or alone in focus mode), the
// sensor picker, the trigger journal, the grounding exercise, settings and the end summary.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/trainer_options.h"
#include "engine/live_session.h"
#include "engine/session_summary.h"
#include "pacer/schedule.h"
#include "sensor/sensor.h"


namespace steady {
class SessionStore;
class SensorRegistry;
}  // namespace steady

namespace steady::ui {

class AudioCues;

// Thrown when the window cannot open (no display); says what to use instead.
class WindowError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Per-frame figures for the benchmark: CPU time the main thread spent building the UI (not the
// GL driver's work), in microseconds.
struct FrameStats {
    std::vector<double> build_us;
};

class TrainerApp {
  public:
    TrainerApp(const TrainerOptions& options, const SensorRegistry& registry);
    ~TrainerApp();

    // Runs frames until the window closes or --exit-after; returns the exit status.
    int run();
    // One frame: events, UI, render; false once the app should quit. For tests and run().
    bool step();

    // State, for tests.
    bool focus_mode() const { return focus_; }
    bool fullscreen() const { return fullscreen_; }
    bool pacer_paused() const;
    bool journal_open() const { return journal_.open; }
    bool summary_open() const { return summary_.has_value(); }
    double session_time() const;
    std::vector<EngineEvent> events() const;
    const FrameStats& frame_stats() const { return stats_; }
    int audio_cues() const;
    std::int64_t session_id() const { return session_ ? session_->id : 0; }
    void end_session();  // stops, stores, shows the summary

  private:
    struct Running {
        std::unique_ptr<LiveSession> live;
        std::thread thread;
        std::int64_t id = 0;
        SensorInfo info;
        std::shared_ptr<const pacer::SharedSchedule> pacer;
        double reached_s = 0;
    };
    struct Journal {
        bool open = false;
        double mark_t_s = 0;
        char what[256] = {};
        char body[128] = {};
        char thought[256] = {};
        int intensity = 5;
    };

    void init_window();
    void load_fonts(float scale);
    bool start_session(const std::string& spec, bool at_launch);
    void handle_event(const SDL_Event& e);
    void handle_key(SDL_Keycode key);
    void build_ui(double t_s);
    void draw_top_bar(double t_s, const Snapshot& s);
    void draw_pacer(const ImVec2& pos, const ImVec2& size, double t_s, const Snapshot& s,
                    bool large);
    void draw_left_panels(const Snapshot& s, double t_s);
    void draw_right_panels(const Snapshot& s, double t_s);
    void draw_tachogram(const ImVec2& pos, const ImVec2& size, const Snapshot& s, double t_s);
    void draw_picker();
    void draw_journal();
    void draw_grounding(const Snapshot& s, double t_s);
    void draw_settings();
    void draw_summary();
    void save_settings();
    void save_screenshot(const std::string& path, double t_s);
    pacer::Pattern current_pattern() const;

    TrainerOptions options_;
    const SensorRegistry& registry_;
    Config config_;
    std::string config_path_;
    SDL_Window* window_ = nullptr;
    SDL_GLContext gl_ = nullptr;
    float dpi_scale_ = 1;
    float applied_scale_ = 0;
    ImFont* font_body_ = nullptr;
    ImFont* font_phase_ = nullptr;
    ImFont* font_count_ = nullptr;
    std::unique_ptr<AudioCues> audio_;
    std::unique_ptr<SessionStore> store_;
    std::unique_ptr<Running> session_;
    std::shared_ptr<const Snapshot> last_snapshot_;  // after the session ended
    std::string notice_;  // a line shown under the top bar (fell back to the simulator, ...)

    // UI state.
    bool quit_ = false;
    bool focus_ = false;
    bool fullscreen_ = false;
    bool picker_open_ = false;
    bool settings_open_ = false;
    Journal journal_;
    int grounding_step_ = -1;       // -1: not showing; 0-4: the 5-4-3-2-1 steps
    double high_since_s_ = -1;      // arousal high (and pacer fastest) since
    double grounding_quiet_until_s_ = 0;
    bool grounding_offered_ = false;
    std::optional<TrainingSummary> summary_;
    std::future<std::pair<std::vector<SensorInfo>, std::vector<std::string>>> scan_;
    std::vector<SensorInfo> scan_result_;
    std::vector<std::string> scan_problems_;
    char replay_path_[512] = {};
    std::string picker_error_;
    int pattern_index_ = 0;
    float colour_level_ = 0;  // smoothed arousal for the colour
    pacer::Phase last_phase_ = pacer::Phase::hold_out;
    long last_cycle_ = -1;
    bool screenshot_done_ = false;
    int shoot_frames_ = 0;

    // Shared with the session thread.
    mutable std::mutex mutex_;
    SummaryBuilder summary_builder_;
    std::vector<EngineEvent> events_;
    std::deque<std::pair<double, double>> hr_history_, rmssd_history_;  // (t, value) per second

    FrameStats stats_;
};

}  // namespace steady::ui
