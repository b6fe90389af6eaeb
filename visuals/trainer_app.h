// The Steady window: one SDL2 window with an OpenGL 3 context and Dear ImGui, all on the main
// thread. TrainerApp is the composition root and the controller: it opens the window, starts a
// TrainingSession (src/training) on a thread of its own, carries out the views' commands, and
// each frame hands the session's latest published view to the views (visuals/view.h), which
// only draw. It never waits on I/O.
#pragma once

#include <SDL.h>
#include <imgui.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/trainer_options.h"
#include "practice/access.h"
#include "training/training_session.h"
#include "visuals/view.h"

namespace steady {
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

class TrainerApp final : public Controller {
  public:
    TrainerApp(const TrainerOptions& options, const SensorRegistry& registry);
    ~TrainerApp() override;

    // Runs frames until the window closes or --exit-after; returns the exit status.
    int run();
    // One frame: events, UI, render; false once the app should quit. For tests and run().
    bool step();

    // State, for tests.
    bool focus_mode() const { return ui_.focus; }
    bool fullscreen() const { return ui_.fullscreen; }
    bool pacer_paused() const;
    bool journal_open() const { return ui_.journal.open; }
    bool summary_open() const { return ui_.summary.has_value(); }
    bool error_open() const { return !ui_.error.empty(); }
    bool clients_open() const { return ui_.clients_open; }
    double session_time() const;
    std::vector<Event> events() const;
    std::shared_ptr<const SessionView> session_view() const;
    const FrameStats& frame_stats() const { return stats_; }
    int audio_cues() const;
    std::int64_t session_id() const;
    // Asks the window to close, as its close button does (the first time mid-session it ends
    // the session and shows the summary).
    void request_close();

    // Controller.
    void toggle_pause() override;
    void mark_trigger() override;
    void save_journal(std::int64_t session, const JournalEvent& note) override;
    void open_journal_list() override;
    void start_session(const std::string& spec) override;
    void end_session() override;  // stops, stores, shows the summary
    void set_pattern(const pacer::Pattern& p) override;
    void set_adaptation(bool on) override;
    void accept_grounding() override;
    void dismiss_grounding() override;
    void start_scan() override;
    void open_sessions() override;
    void open_past(std::int64_t id) override;
    void open_review(std::int64_t id) override;
    void write_report() override;
    bool review_open() const { return ui_.review.has_value(); }
    void open_progress() override;
    void settings_changed() override;
    void remember_window();
    void audio_changed() override;
    void open_clients() override;
    void add_client(const std::string& name) override;
    void send_changes();  // to the practice's server, when one is named
    void start_for(const std::string& client, const std::string& protocol) override;
    void next_step() override;
    void repeat_step() override;
    void extend_step(double seconds) override;
    void confirm_resonance(const std::string& client, double bpm) override;
    void move_client_display() override;
    void show_client_display(bool shown) override;
    // The client display (tests): its window, or null without --client-display.
    SDL_Window* client_window() const { return client_window_; }
    SDL_Window* console_window() const { return window_; }
    // Keys and clicks that reached the client display's window (they are never acted on).
    int client_events_ignored() const { return client_events_ignored_; }

  private:
    struct Running {
        std::unique_ptr<TrainingSession> session;
        std::thread thread;
    };

    void init_window();
    void load_fonts(float scale);
    SessionPlan plan_for(const std::string& spec) const;
    bool try_start(const std::string& spec);
    void handle_event(const SDL_Event& e);
    void handle_key(SDL_Keycode key);
    void save_screenshot(SDL_Window* window, const std::string& path, double t_s);
    void open_client_display();
    void handle_client_event(const SDL_Event& e);
    void draw_client_frame(Frame& console_frame, bool shoot);
    bool wants_screenshot() const {
        return !options_.screenshot.empty() || !options_.client_screenshot.empty();
    }
    void smooth_colour(const Snapshot& s, double t_s);
    void play_cues(const std::optional<pacer::Point>& p);
    pacer::Pattern current_pattern() const;

    TrainerOptions options_;
    const SensorRegistry& registry_;
    Config config_;
    std::string config_path_;
    SDL_Window* window_ = nullptr;
    SDL_GLContext gl_ = nullptr;
    SDL_Window* client_window_ = nullptr;  // --client-display: the client's window...
    ImGuiContext* console_ctx_ = nullptr;  // ...with an ImGui context of its own, both
    ImGuiContext* client_ctx_ = nullptr;   // drawing through the one GL context
    int client_events_ignored_ = 0;
    float dpi_scale_ = 1;
    float applied_scale_ = 0;
    Fonts fonts_;
    std::unique_ptr<AudioCues> audio_;
    // The Sessions list (the session writes on its own): the local file, which with a
    // practice's server is this workstation's copy of it, sent and received on open.
    std::unique_ptr<practice::PracticeStore> store_;
    Database* db_ = nullptr;
    std::unique_ptr<Running> running_;
    std::shared_ptr<const SessionView> last_view_;  // of the session that ended
    UiState ui_;
    bool quit_ = false;
    pacer::Phase last_phase_ = pacer::Phase::hold_out;
    long last_cycle_ = -1;
    bool screenshot_done_ = false;
    int shoot_frames_ = 0;
    Uint64 opened_ms_ = 0;  // SDL ticks when the window opened
    FrameStats stats_;
};

}  // namespace steady::ui
