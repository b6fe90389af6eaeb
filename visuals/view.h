// What the window's views share: the frame they draw (the session's published view and the
// moment to draw), the window's own UI state, and the controller they send commands to. Views
// are free functions, one file per part of the window; none owns data (Tracy's TracyView_*.cpp
// over one model). The session lives in src/training; the window never runs one itself.
#pragma once

#include <imgui.h>

#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/clock_text.h"
#include "app/config.h"
#include "recovery/progress.h"
#include "session/store.h"
#include "training/session_view.h"

namespace steady::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* number = nullptr;  // the side panels' large figures
    ImFont* phase = nullptr;
    ImFont* count = nullptr;
};

struct JournalDraft {
    bool open = false;
    std::int64_t session = 0;  // a stored session's note being edited; 0: the live session's
    double mark_t_s = 0;
    int category = -1;  // index into the settings' categories; -1: own words below
    char what[256] = {};
    bool body[6] = {};
    char thought[256] = {};
    int intensity = 5;
    bool helped[6] = {};
    int intensity_after = -1;  // -1: not given
};
inline constexpr const char* kBodyPlaces[6] = {"tightness", "racing heart", "restlessness",
                                               "stomach",   "throat",       "other"};
inline constexpr const char* kHelped[6] = {"paced breathing", "grounding",        "walking",
                                           "writing",         "calling a friend", "other"};

// One note in the journal list, with its episode's recovery.
struct JournalEntry {
    std::int64_t session = 0;
    std::string started_at;
    JournalEvent note;
    std::optional<recovery::Episode> episode;
};

// A summary on screen: the session just ended, or one opened from the Sessions list.
struct ShownSummary {
    StoredSession session;
    SessionSummary summary;
    std::vector<Event> events;
};

// A past session opened for review: everything it holds, loaded once.
struct Review {
    SessionRecord record;
    SessionSummary summary;
    std::vector<recovery::Episode> episodes;
    std::string protocol;                              // empty without one
    std::vector<std::pair<double, double>> coherence;  // (window end s, ratio)
    std::vector<double> hr;                            // per-second heart rate (0: none)
    double from_s = 0, span_s = 0;                     // the tachogram's view (zoom, scroll)
    std::string report;                                // the last PDF written, or why not
};

// The window's own state (what is open, drafts, the smoothed colour), on the main thread.
struct UiState {
    bool focus = false;
    bool fullscreen = false;
    bool picker_open = false;
    bool settings_open = false;
    bool sessions_open = false;
    JournalDraft journal;
    int grounding_step = -1;  // -1: not showing; 0-4: the 5-4-3-2-1 steps
    // Arousal for the colour, smoothed over session time (not frames): time constant kColourS.
    float colour_level = 0;
    double colour_at_s = -1;
    // Clinician mode: who the sessions are for, and the protocol the next one runs.
    std::string client;         // empty: the database's default client
    std::string protocol;       // empty: free training
    bool clients_open = false;  // the client picker (the first screen with several clients)
    std::vector<Client> clients;
    std::vector<protocol::Protocol> protocols;
    int protocol_choice = -1;  // in the picker: 0 free training, k protocols[k - 1]; -1 unset
    char new_client[65] = {};
    // The client display (steady --client-display): a second window for the client.
    bool client_display = false;  // this run has one
    bool client_shown = true;     // open (closing it hides it; the console shows it again)
    bool client_numbers = false;  // the clinician shows the figures on it too
    int client_screen = 0;        // the monitor it is on
    int screens = 1;
    std::string notice;  // a line under the top bar
    std::string error;   // shown in its own window until dismissed (a sensor that failed)
    std::optional<ShownSummary> summary;
    std::optional<Review> review;     // a past session's review, when open
    bool quit_after_summary = false;  // the window was closed mid-session
    struct PastRow {
        StoredSession session;
        SessionSummary summary;
    };
    std::vector<PastRow> past;  // the Sessions list, loaded when it opens
    struct ProgressData {
        recovery::Progress summary;
        std::vector<recovery::SessionDay> days;
    };
    std::optional<ProgressData> progress;  // the Progress view, loaded when it opens
    std::optional<std::vector<JournalEntry>> journal_list;  // loaded when it opens
    // The sensor picker's scan, off the UI thread.
    std::future<std::pair<std::vector<SensorInfo>, std::vector<std::string>>> scan;
    std::vector<SensorInfo> scan_result;
    std::vector<std::string> scan_problems;
    char replay_path[512] = {};
};

// Commands from the views. The window (TrainerApp) carries them out.
class Controller {
  public:
    virtual ~Controller() = default;
    virtual void toggle_pause() = 0;
    virtual void mark_trigger() = 0;  // also opens the note
    // The live session's note, or (draft.session != 0) a stored session's, written afterwards.
    virtual void save_journal(std::int64_t session, const JournalEvent& note) = 0;
    virtual void open_journal_list() = 0;
    virtual void start_session(const std::string& spec) = 0;  // ends the running one first
    virtual void end_session() = 0;
    virtual void set_pattern(const pacer::Pattern& p) = 0;
    virtual void set_adaptation(bool on) = 0;
    virtual void accept_grounding() = 0;
    virtual void dismiss_grounding() = 0;
    virtual void start_scan() = 0;
    virtual void open_sessions() = 0;               // loads the list
    virtual void open_past(std::int64_t id) = 0;    // shows its summary
    virtual void open_review(std::int64_t id) = 0;  // the whole session, for review
    virtual void write_report() = 0;  // a PDF of the reviewed session, in the current folder
    virtual void open_progress() = 0;
    virtual void settings_changed() = 0;  // saves the settings file
    // Clinician mode.
    virtual void open_clients() = 0;  // loads clients and protocols for the picker
    virtual void add_client(const std::string& name) = 0;
    // Starts a session for `client` running `protocol` (empty: free training).
    virtual void start_for(const std::string& client, const std::string& protocol) = 0;
    virtual void next_step() = 0;
    virtual void repeat_step() = 0;
    virtual void extend_step(double seconds) = 0;
    virtual void confirm_resonance(const std::string& client, double bpm) = 0;
    virtual void audio_changed() = 0;
    // The client display: to the next monitor (full screen there), shown or hidden.
    virtual void move_client_display() = 0;
    virtual void show_client_display(bool shown) = 0;
};

// One frame's input to the views.
struct Frame {
    const SessionView* view = nullptr;  // null: no session (ended, or none yet)
    bool ended = false;                 // no session now, but one ran
    const Snapshot& snap;
    double t_s = 0;                    // the moment drawn (session time)
    std::optional<pacer::Point> pace;  // the pacer there; empty without a pacer
    const Fonts& fonts;
    UiState& ui;
    Config& config;
    const std::string& config_path;
    Controller& ctl;
    // Set by draw_window for the overlays: the tachogram's area (where the note goes).
    ImVec2 tacho_pos{}, tacho_size{};
    // Drawn for the client's display: no controls, numbers only when the clinician shows them.
    bool for_client = false;
    bool numbers() const { return !for_client || ui.client_numbers; }
    bool simulated() const { return view && view->sensor.transport == "sim"; }
    ImVec4 pacer_colour() const;  // by arousal, neutral before the baseline
};

constexpr double kColourS = 2.0;     // colour smoothing, session seconds
constexpr double kTachogramS = 120;  // the tachogram's span

// [views] one function per part; each in its own file.
void draw_window(Frame& f);  // layout: top bar, pacer, panels, tachogram, overlays
void draw_top_bar(Frame& f);
void draw_pacer(Frame& f, const ImVec2& pos, const ImVec2& size, bool large);
void draw_left_panels(Frame& f);
void draw_right_panels(Frame& f);
void draw_recovery_panel(Frame& f);
void draw_tachogram(Frame& f, const ImVec2& pos, const ImVec2& size);
void draw_picker(Frame& f);
void draw_journal(Frame& f);
void draw_grounding(Frame& f);
void draw_settings(Frame& f);
void draw_summary(Frame& f);
void draw_sessions(Frame& f);
void draw_error(Frame& f);
void draw_progress(Frame& f);
void draw_journal_list(Frame& f);
void draw_clients(Frame& f);         // the client and protocol picker
void draw_protocol_panel(Frame& f);  // the clinician's steps and controls
void draw_step_text(Frame& f, const ImVec2& pos, const ImVec2& size);  // a step without pacer
void draw_step_table(const SessionSummary& s);  // per-step statistics, in the summary
void draw_rf_result(Frame& f, const RfResultEvent& rf, const std::string& client);
void draw_review(Frame& f);                   // a past session: tachogram, steps, curves
void draw_client_display(Frame& f);           // the client's window: pacer, step, feedback
void draw_client_display_controls(Frame& f);  // the console's controls for it

// Small shared widgets (widgets.cpp).
std::string fmt(const char* f, double v);
void centered_text(ImDrawList* dl, ImFont* font, const ImVec2& centre, ImU32 col, const char* text);
void sparkline(const std::vector<std::pair<double, double>>* pts, double now_s, double span_s,
               const ImVec4& colour, float height);
void zone_bar(float value, float max, const std::vector<std::pair<float, ImVec4>>& zones,
              float height);

}  // namespace steady::ui
