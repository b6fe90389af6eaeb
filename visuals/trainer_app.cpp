// The window's life: SDL + OpenGL + ImGui set-up, the frame loop, keyboard, the session thread,
// the views' commands, screenshots and settings. Drawing is in the view_*.cpp files.
#include "visuals/trainer_app.h"

#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <stb/stb_image_write.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "app/private_file.h"
#include "export/pdf_report.h"
#include "hrv/coherence.h"
#include "protocol/protocol.h"
#include "recovery/series.h"
#include "sensor/registry.h"
#include "sensor/sensor.h"
#include "session/history.h"
#include "visuals/audio.h"
#include "visuals/palette.h"

namespace steady::ui {
namespace {

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBoldFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr const char* kFallbackSensor = "sim:paced";

}  // namespace

TrainerApp::TrainerApp(const TrainerOptions& options, const SensorRegistry& registry)
    : options_(options), registry_(registry) {
    config_path_ = options_.config.empty() ? default_config_path() : options_.config;
    config_ = options_.config.empty() ? load_config(config_path_)
                                      : load_config(config_path_, true);  // ConfigError
    if (options_.db.empty() && config_.db) options_.db = *config_.db;
    // The plan's own mistakes (a live sensor at another speed, a bad --baseline) stop before
    // any window opens.
    if (!options_.sensor.empty()) TrainingSession::check(plan_for(options_.sensor), registry_);
    store_ = std::make_unique<practice::PracticeStore>(options_.db, Database::Open::create);
    db_ = &store_->db();
    std::vector<std::string> notices = db_->notices();
    for (std::string& n : store_->take_notices()) notices.push_back(std::move(n));
    for (const std::string& n : notices) {
        std::cerr << "steady: " << n << "\n";
        ui_.notice = n;
    }
    ui_.client = options_.client;
    ui_.protocol = options_.protocol;
    if (!ui_.client.empty()) {
        try {
            ui_.client = db_->client(ui_.client).name;
        } catch (const StoreError& e) {  // no such client, or archived: a usage mistake
            throw PlanError(e.what());
        }
    }
    if (!ui_.protocol.empty())  // ProtocolError before the window opens
        protocol::find_protocol(ui_.protocol, protocol::user_protocol_dir(), config_.pacer.custom);
    // With several clients and none named, the first screen asks who is training.
    const bool ask_client = ui_.client.empty() && db_->clients().size() > 1;
    init_window();
    opened_ms_ = SDL_GetTicks64();
    if (!options_.no_audio) {
        audio_ = std::make_unique<AudioCues>();
        audio_->set_volume(static_cast<float>(config_.window.volume));
        audio_->set_muted(!config_.window.audio);
    }
    // Sensor: the command line, the settings file, the last strap, else the simulator. A
    // sensor named on the command line that fails stays failed (said in a window); a
    // remembered strap that is not around falls back to the simulator with a notice.
    if (ask_client) {
        open_clients();
    } else if (!options_.sensor.empty()) {
        try_start(options_.sensor);
    } else {
        const std::string remembered =
            config_.sensor.value_or(config_.window.last_sensor.value_or(""));
        if (remembered.empty() || !try_start(remembered)) {
            if (!remembered.empty()) {
                ui_.notice = ui_.error + "; practising with the simulator";
                ui_.error.clear();
            }
            try_start(kFallbackSensor);
        }
    }
    if (options_.fullscreen) handle_key(SDLK_f);
    if (options_.open == "focus") ui_.focus = true;
    if (options_.open == "picker") ui_.picker_open = true;
    if (options_.open == "settings") ui_.settings_open = true;
    if (options_.open == "sessions") open_sessions();
    if (options_.open == "progress") open_progress();
    if (options_.open == "journal-list") open_journal_list();
    if (options_.open == "clients") open_clients();
    if (options_.open == "review") {  // the newest stored session that has ended
        const auto past = db_->list(std::nullopt, false);
        for (auto it = past.rbegin(); it != past.rend(); ++it)
            if (it->state != "recording") {
                open_review(it->id);
                break;
            }
    }
}

TrainerApp::~TrainerApp() {
    if (running_) end_session();
    remember_window();
    audio_.reset();
    if (gl_) {
        if (client_ctx_) {  // first: it borrows the console's font atlas
            SDL_GL_MakeCurrent(client_window_, gl_);
            ImGui::SetCurrentContext(client_ctx_);
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplSDL2_Shutdown();
            ImGui::DestroyContext(client_ctx_);
            ImGui::SetCurrentContext(console_ctx_);
            SDL_GL_MakeCurrent(window_, gl_);
        }
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
        SDL_GL_DeleteContext(gl_);
    }
    if (client_window_) SDL_DestroyWindow(client_window_);
    if (window_) SDL_DestroyWindow(window_);
    SDL_Quit();
}

void TrainerApp::init_window() {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland))
        throw WindowError("no display (DISPLAY and WAYLAND_DISPLAY are not set)");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        throw WindowError(std::string("cannot open the display: ") + SDL_GetError());
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_MULTISAMPLEBUFFERS, 0);
    // Without --size: 16:9 at 90 % of the display's usable area (its work area, without panels).
    SDL_Rect usable{0, 0, 1280, 720};
    if (SDL_GetDisplayUsableBounds(0, &usable) != 0 || usable.w <= 0 || usable.h <= 0)
        usable = {0, 0, 1280, 720};
    // --size, else the size it had when it last closed (settings [window]), else the default.
    const WindowConfig& remembered = config_.window;
    int w = options_.width, h = options_.height;
    if (w <= 0 && remembered.width && remembered.height) {
        w = *remembered.width;
        h = *remembered.height;
    }
    if (w <= 0) {
        w = static_cast<int>(std::min(usable.w * 0.9, usable.h * 0.9 * 16.0 / 9.0));
        w = std::max(w, std::min(usable.w, 640));
        h = w * 9 / 16;
    }
    // Where it was, if that is still on a display (a monitor unplugged since: centred).
    int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
    if (options_.width <= 0 && remembered.x && remembered.y) {
        const SDL_Point title_bar{*remembered.x + std::min(w, 200) / 2, *remembered.y + 10};
        for (int d = 0; d < SDL_GetNumVideoDisplays(); ++d) {
            SDL_Rect b{};
            if (SDL_GetDisplayBounds(d, &b) == 0 && SDL_PointInRect(&title_bar, &b)) {
                x = *remembered.x;
                y = *remembered.y;
                break;
            }
        }
    }
    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (options_.width <= 0 && remembered.maximized) flags |= SDL_WINDOW_MAXIMIZED;
    const char* title = options_.client_display ? "Steady - console" : "Steady";
    window_ = SDL_CreateWindow(title, x, y, w, h, flags);
    if (!window_) throw WindowError(std::string("cannot create the window: ") + SDL_GetError());
    gl_ = SDL_GL_CreateContext(window_);
    if (!gl_) throw WindowError(std::string("no OpenGL 3 context: ") + SDL_GetError());
    SDL_GL_MakeCurrent(window_, gl_);
    SDL_GL_SetSwapInterval(1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout is computed, not saved
    ImGui_ImplSDL2_InitForOpenGL(window_, gl_);
    ImGui_ImplOpenGL3_Init("#version 130");
    // Font scale from the display: 96 dpi is 1x; a 4K panel reads as at least 2x.
    float ddpi = 96;
    if (SDL_GetDisplayDPI(0, &ddpi, nullptr, nullptr) != 0 || !(ddpi > 0)) ddpi = 96;
    SDL_Rect bounds{};
    SDL_GetDisplayBounds(0, &bounds);
    const float by_size = bounds.h >= 2000 ? 2.0f : bounds.h >= 1400 ? 1.5f : 1.0f;
    dpi_scale_ = std::clamp(std::max(ddpi / 96.0f, by_size), 1.0f, 4.0f);
    console_ctx_ = ImGui::GetCurrentContext();
    if (options_.client_display) open_client_display();
}

// The client display: a second SDL window with its own ImGui context (Debian's ImGui 1.86 has no
// multi-viewport support), drawn through the console's GL context and sharing its font atlas.
// Borderless full screen on the second monitor when there is one, else a normal window.
void TrainerApp::open_client_display() {
    ui_.client_display = true;
    ui_.screens = std::max(1, SDL_GetNumVideoDisplays());
    ui_.client_screen = ui_.screens > 1 ? 1 : 0;
    int w = 0, h = 0;
    SDL_GetWindowSize(window_, &w, &h);
    const Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI |
                         (ui_.screens > 1 ? SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS
                                          : SDL_WINDOW_RESIZABLE);
    client_window_ = SDL_CreateWindow(
        "Steady - client display", SDL_WINDOWPOS_CENTERED_DISPLAY(ui_.client_screen),
        SDL_WINDOWPOS_CENTERED_DISPLAY(ui_.client_screen), w, h, flags);
    if (!client_window_)
        throw WindowError(std::string("cannot create the client display: ") + SDL_GetError());
    ImGuiIO& console_io = ImGui::GetIO();
    client_ctx_ = ImGui::CreateContext(console_io.Fonts);
    ImGui::SetCurrentContext(client_ctx_);
    ImGui::GetIO().IniFilename = nullptr;
    SDL_GL_MakeCurrent(client_window_, gl_);
    ImGui_ImplSDL2_InitForOpenGL(client_window_, gl_);
    ImGui_ImplOpenGL3_Init("#version 130");
    ImGui::SetCurrentContext(console_ctx_);
    SDL_GL_MakeCurrent(window_, gl_);
    // Two swaps a frame: vsync would halve the rate; run() paces the frames instead.
    SDL_GL_SetSwapInterval(0);
    // Keyboard focus stays with the console.
    SDL_RaiseWindow(window_);
}

void TrainerApp::move_client_display() {
    if (!client_window_) return;
    ui_.screens = std::max(1, SDL_GetNumVideoDisplays());
    ui_.client_screen = (ui_.client_screen + 1) % ui_.screens;
    const bool own_screen = ui_.screens > 1 && ui_.client_screen != 0;
    SDL_SetWindowFullscreen(client_window_, 0);
    SDL_SetWindowBordered(client_window_, own_screen ? SDL_FALSE : SDL_TRUE);
    SDL_SetWindowPosition(client_window_, SDL_WINDOWPOS_CENTERED_DISPLAY(ui_.client_screen),
                          SDL_WINDOWPOS_CENTERED_DISPLAY(ui_.client_screen));
    if (own_screen) SDL_SetWindowFullscreen(client_window_, SDL_WINDOW_FULLSCREEN_DESKTOP);
    SDL_SetWindowInputFocus(window_);
}

void TrainerApp::show_client_display(bool shown) {
    if (!client_window_) return;
    ui_.client_shown = shown;
    if (shown) {
        SDL_ShowWindow(client_window_);
        SDL_RaiseWindow(window_);
    } else {
        SDL_HideWindow(client_window_);
    }
}

// An event for the client display's window: ImGui of its own context sees it (hover, resize);
// nothing acts on keys or clicks there, and focus goes back to the console.
void TrainerApp::handle_client_event(const SDL_Event& e) {
    ImGui::SetCurrentContext(client_ctx_);
    ImGui_ImplSDL2_ProcessEvent(&e);
    ImGui::SetCurrentContext(console_ctx_);
    if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP || e.type == SDL_MOUSEBUTTONDOWN ||
        e.type == SDL_TEXTINPUT)
        ++client_events_ignored_;
    if (e.type != SDL_WINDOWEVENT) return;
    if (e.window.event == SDL_WINDOWEVENT_CLOSE) show_client_display(false);
    if (e.window.event == SDL_WINDOWEVENT_FOCUS_GAINED) SDL_SetWindowInputFocus(window_);
}

void TrainerApp::load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    if (std::filesystem::exists(kFontPath)) {
        fonts_.body = io.Fonts->AddFontFromFileTTF(kFontPath, 17.0f * scale);
        const char* bold = std::filesystem::exists(kBoldFontPath) ? kBoldFontPath : kFontPath;
        // Large type needs no horizontal oversampling, and only the glyphs it shows: the atlas
        // (kept by ImGui and by the GL driver) stays a few MB instead of tens.
        static const ImWchar kBasicLatin[] = {0x0020, 0x007E, 0};
        static const ImWchar kDigits[] = {0x0020, 0x0040, 0};  // digits and punctuation
        ImFontConfig large;
        large.OversampleH = 1;
        fonts_.number = io.Fonts->AddFontFromFileTTF(bold, 34.0f * scale, &large, kBasicLatin);
        fonts_.phase = io.Fonts->AddFontFromFileTTF(bold, 44.0f * scale, &large, kBasicLatin);
        fonts_.count = io.Fonts->AddFontFromFileTTF(bold, 96.0f * scale, &large, kDigits);
    } else {  // ImGui's built-in font, scaled (fonts-dejavu-core gives a better one)
        ImFontConfig c;
        c.SizePixels = 13.0f * scale;
        fonts_.body = io.Fonts->AddFontDefault(&c);
        c.SizePixels = 13.0f * scale * 2;
        fonts_.number = io.Fonts->AddFontDefault(&c);
        c.SizePixels = 13.0f * scale * 3;
        fonts_.phase = io.Fonts->AddFontDefault(&c);
        c.SizePixels = 13.0f * scale * 6;
        fonts_.count = io.Fonts->AddFontDefault(&c);
    }
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 6;
    style.FrameRounding = 4;
    style.WindowBorderSize = 0;
    style.Colors[ImGuiCol_WindowBg] = kPanel;
    style.Colors[ImGuiCol_PopupBg] = kPanel;
    style.Colors[ImGuiCol_Text] = kText;
    style.Colors[ImGuiCol_TextDisabled] = kDim;
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
    applied_scale_ = scale;
}

// Session lifecycle -------------------------------------------------------------------------

// The plan from the command line and the settings (the pacer is added when a session starts:
// its pattern may be unknown, which is the session's error to show).
SessionPlan TrainerApp::plan_for(const std::string& spec) const {
    SessionPlan plan;
    plan.sensor = spec;
    plan.speed = options_.speed;
    plan.challenge = config_.window.challenge;
    plan.recent_s = kTachogramS;
    plan.baseline = options_.baseline.empty() ? "new" : options_.baseline;
    if (store_) plan.db_path = store_->target().server.value_or(db_->path());
    if (!ui_.client.empty()) plan.client = ui_.client;
    plan.patterns = config_.pacer.custom;
    plan.adapt = config_.pacer.adapt;
    plan.pattern_given = !options_.pattern.empty();
    return plan;
}

bool TrainerApp::try_start(const std::string& spec) {
    SessionPlan plan = plan_for(spec);
    try {
        // A live strap picked in the window runs at 1x whatever --speed said for the simulator.
        if (registry_.driver(spec).live) plan.speed = 1.0;
        if (!options_.no_pacer) {
            plan.pacer = PacerSetup{current_pattern(), config_.pacer.adapt};
            if (options_.no_adapt) plan.pacer->adapt.enabled = false;
        }
        if (!ui_.protocol.empty())
            plan.protocol = protocol::find_protocol(ui_.protocol, protocol::user_protocol_dir(),
                                                    config_.pacer.custom);
        auto run = std::make_unique<Running>();
        run->session = std::make_unique<TrainingSession>(plan, registry_);
        run->session->callbacks.on_warning = [](const std::string& w) {
            std::cerr << "steady: " << w << "\n";
        };
        run->session->start();
        run->thread = std::thread([s = run->session.get()] { s->run(); });
        running_ = std::move(run);
    } catch (const PlanError& e) {
        ui_.error = e.what();
        return false;
    } catch (const std::exception& e) {  // SensorError, StoreError, ConfigError, ProtocolError
        ui_.error = "Could not start " + spec + ": " + e.what();
        std::cerr << "steady: " << ui_.error << "\n";
        return false;
    }
    const SensorInfo& info = running_->session->sensor_info();
    if (info.live && config_.window.last_sensor != spec) {
        config_.window.last_sensor = spec;
        settings_changed();
    }
    ui_.summary.reset();
    ui_.error.clear();
    last_cycle_ = -1;
    return true;
}

void TrainerApp::start_session(const std::string& spec) {
    if (running_) end_session();
    ui_.summary.reset();
    if (try_start(spec)) ui_.picker_open = false;
}

void TrainerApp::end_session() {
    if (!running_) return;
    running_->session->end();
    if (running_->thread.joinable()) running_->thread.join();
    last_view_ = running_->session->view();
    const std::int64_t id = last_view_->id;
    if (running_->session->stored()) {
        std::cerr << "steady: session " << id << " saved in " << db_->path() << "\n";
        try {
            ui_.summary = ShownSummary{db_->session(id), *last_view_->summary, *last_view_->events};
        } catch (const StoreError& e) {
            ui_.notice = e.what();
        }
    } else {
        ui_.notice = "The session could not be stored: " + last_view_->warning;
    }
    ui_.journal.open = false;
    ui_.grounding_step = -1;
    running_.reset();
}

std::shared_ptr<const SessionView> TrainerApp::session_view() const {
    return running_ ? running_->session->view() : last_view_;
}

double TrainerApp::session_time() const {
    if (!running_) return 0;
    const auto v = running_->session->view();
    return v->clock ? v->clock->now_s() : 0;
}

std::int64_t TrainerApp::session_id() const {
    const auto v = session_view();
    return v ? v->id : 0;
}

bool TrainerApp::pacer_paused() const {
    const auto v = session_view();
    return running_ && v && v->pacer && v->pacer->paused_at(session_time());
}

std::vector<Event> TrainerApp::events() const {
    const auto v = session_view();
    return v && v->events ? *v->events : std::vector<Event>{};
}

int TrainerApp::audio_cues() const {
    return audio_ ? audio_->cues_played() : 0;
}

pacer::Pattern TrainerApp::current_pattern() const {
    std::string name =
        !options_.pattern.empty() ? options_.pattern : config_.pacer.pattern.value_or("4-7-8");
    return resolve_pattern(name, config_.pacer);  // ConfigError for an unknown name
}

// Controller --------------------------------------------------------------------------------

void TrainerApp::toggle_pause() {
    if (!running_) return;
    const auto v = running_->session->view();
    if (v->protocol)  // the step clock and its pacer pause together
        running_->session->set_protocol_paused(!v->protocol->paused);
    else
        running_->session->set_pacer_paused(!pacer_paused());
}

void TrainerApp::mark_trigger() {
    if (!running_) return;
    running_->session->mark_trigger();
    ui_.journal = JournalDraft{};
    ui_.journal.open = true;
    ui_.journal.mark_t_s = session_time();
}

void TrainerApp::save_journal(std::int64_t session, const JournalEvent& note) {
    try {
        if (session != 0) {
            db_->add_event(session, {note.mark_t_s, note});
            send_changes();
        } else if (running_)
            running_->session->add_journal(note);
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
    if (ui_.journal_list) open_journal_list();  // show the note as saved
}

void TrainerApp::open_journal_list() {
    try {
        std::vector<JournalEntry> out;
        for (const StoredSession& s : db_->list(std::nullopt, false)) {
            std::vector<JournalEvent> notes;  // the newest note per mark
            for (const Event& e : db_->events(s.id))
                if (const auto* n = e.as<JournalEvent>()) {
                    auto same = std::find_if(
                        notes.begin(), notes.end(),
                        [&](const JournalEvent& x) { return x.mark_t_s == n->mark_t_s; });
                    if (same != notes.end())
                        *same = *n;
                    else
                        notes.push_back(*n);
                }
            if (notes.empty()) continue;
            const auto eps =
                s.state == "recording" ? std::vector<recovery::Episode>{} : db_->episodes(s.id);
            for (const JournalEvent& n : notes) {
                JournalEntry je{s.id, s.started_at, n, std::nullopt};
                for (const auto& ep : eps)
                    if (n.mark_t_s >= ep.onset_s - 1 &&
                        n.mark_t_s <= ep.onset_s + recovery::kMergeS + 1)
                        je.episode = ep;
                out.push_back(std::move(je));
            }
        }
        std::reverse(out.begin(), out.end());  // newest first
        ui_.journal_list = std::move(out);
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

void TrainerApp::set_pattern(const pacer::Pattern& p) {
    if (running_) running_->session->set_pattern(p);
}

void TrainerApp::set_adaptation(bool on) {
    if (running_) running_->session->set_adaptation(on);
}

void TrainerApp::accept_grounding() {
    if (running_) running_->session->accept_grounding();
    ui_.grounding_step = 0;
}

void TrainerApp::dismiss_grounding() {
    if (running_) running_->session->dismiss_grounding();
}

void TrainerApp::start_scan() {
    ui_.scan = std::async(std::launch::async, [this] {
        std::vector<std::string> problems;
        auto found = registry_.scan(&problems);
        return std::make_pair(std::move(found), std::move(problems));
    });
}

void TrainerApp::open_sessions() {
    try {
        ui_.past.clear();
        for (StoredSession& s : db_->list()) {
            SessionSummary sum = db_->summary(s.id);  // stored, or computed once and stored
            ui_.past.push_back({std::move(s), std::move(sum)});
        }
        ui_.sessions_open = true;
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

void TrainerApp::open_past(std::int64_t id) {
    try {
        SessionRecord d = db_->load(id);
        ui_.summary = ShownSummary{d.session, db_->summary(id), std::move(d.events)};
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

void TrainerApp::open_review(std::int64_t id) {
    try {
        Review r;
        r.record = db_->load(id);
        r.summary = db_->summary(id);
        r.episodes = db_->episodes(id);
        for (const Event& e : r.record.events)
            if (const auto* p = e.as<ProtocolEvent>()) r.protocol = p->name;
        std::vector<double> t, rr;
        recovery::SecondSeries series;
        for (const PlacedBeat& b : r.record.beats) {
            series.add(b);
            if (b.flags & (kBeatSuspectedArtifact | kBeatContactLost)) continue;
            t.push_back(b.t_s);
            rr.push_back(b.rr_ms);
        }
        hrv::FftPlanCache plans;
        for (const auto& w : hrv::coherence_windows(t, rr, hrv::CoherenceSettings{}, plans))
            r.coherence.emplace_back(w.end_s, w.window.ratio);
        series.advance_to(r.summary.duration_s);
        for (std::size_t k = 0; k < series.seconds(); ++k) r.hr.push_back(series.inst_hr(k));
        r.span_s = std::max(r.summary.duration_s, 1.0);
        ui_.review = std::move(r);
        ui_.sessions_open = false;
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

void TrainerApp::write_report() {
    if (!ui_.review) return;
    const Review& r = *ui_.review;
    exporting::SessionReportInput in{r.record.session, r.summary,  r.record.beats,
                                     r.record.events,  r.episodes, r.protocol};
    const std::string file = "steady-report-" + std::to_string(r.record.session.id) + "-" +
                             r.record.session.started_at.substr(0, 10) + ".pdf";
    try {
        const int pages =
            exporting::write_session_report(in, file, exporting::paper_from_locale(), true);
        std::error_code ec;
        const std::string where = std::filesystem::absolute(file, ec).string();
        ui_.review->report = "Written: " + where + " (" + std::to_string(pages) +
                             (pages == 1 ? " page)" : " pages)");
        std::cerr << "steady: report " << where << "\n";
    } catch (const exporting::ExportError& e) {
        ui_.review->report = std::string("Not written: ") + e.what();
    }
}

void TrainerApp::open_progress() {
    try {
        UiState::ProgressData d;
        d.days = session_days(*db_,
                              ui_.client.empty() ? db_->default_client() : db_->client(ui_.client));
        d.summary = recovery::progress(d.days);
        ui_.progress = std::move(d);
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

void TrainerApp::open_clients() {
    try {
        ui_.clients = db_->clients();
        ui_.protocols =
            protocol::load_protocols(protocol::user_protocol_dir(), config_.pacer.custom);
        ui_.protocol_choice = -1;  // chosen again: --protocol or the last run preselects
        ui_.clients_open = true;
    } catch (const std::exception& e) {  // StoreError, ProtocolError
        ui_.error = e.what();
    }
}

void TrainerApp::send_changes() {
    if (!store_ || !store_->target().server) return;
    store_->send();  // a server away is a notice; the change is kept and sent later
    for (const std::string& n : store_->take_notices()) {
        std::cerr << "steady: " << n << "\n";
        ui_.notice = n;
    }
}

void TrainerApp::add_client(const std::string& name) {
    try {
        db_->add_client(name, "");
        send_changes();
        ui_.clients = db_->clients();
    } catch (const StoreError& e) {
        ui_.notice = e.what();
    }
}

void TrainerApp::start_for(const std::string& client, const std::string& protocol) {
    ui_.client = client;
    ui_.protocol = protocol;
    ui_.clients_open = false;
    start_session(options_.sensor.empty()
                      ? config_.sensor.value_or(
                            config_.window.last_sensor.value_or(std::string(kFallbackSensor)))
                      : options_.sensor);
}

void TrainerApp::next_step() {
    if (running_) running_->session->next_step();
}

void TrainerApp::repeat_step() {
    if (running_) running_->session->repeat_step();
}

void TrainerApp::extend_step(double seconds) {
    if (running_) running_->session->extend_step(seconds);
}

void TrainerApp::confirm_resonance(const std::string& client, double bpm) {
    try {
        Client c = db_->client(client);
        c.settings.resonance_bpm = bpm;
        db_->set_client_settings(c, c.settings);
        send_changes();
        ui_.notice = fmt("Resonance rate %.1f breaths/min stored for ", bpm) + client +
                     "; the resonance pattern now paces at it.";
    } catch (const StoreError& e) {
        ui_.error = e.what();
    }
}

// The console window's size and position go into the settings file's [window] when it closes,
// so it opens there next time. Full screen keeps what it was before; --size is a one-off.
void TrainerApp::remember_window() {
    if (!window_ || options_.width > 0 || !options_.screenshot.empty()) return;
    const Uint32 flags = SDL_GetWindowFlags(window_);
    if (flags & (SDL_WINDOW_FULLSCREEN | SDL_WINDOW_FULLSCREEN_DESKTOP)) return;
    WindowConfig& w = config_.window;
    const WindowConfig before = w;
    w.maximized = (flags & SDL_WINDOW_MAXIMIZED) != 0;
    if (!w.maximized) {  // a maximized window keeps the size it returns to
        int width = 0, height = 0, x = 0, y = 0;
        SDL_GetWindowSize(window_, &width, &height);
        SDL_GetWindowPosition(window_, &x, &y);
        w.width = std::clamp(width, 320, 16384);
        w.height = std::clamp(height, 320, 16384);
        w.x = x;
        w.y = y;
    }
    if (w.width == before.width && w.height == before.height && w.x == before.x &&
        w.y == before.y && w.maximized == before.maximized)
        return;
    try {
        save_config(config_path_, config_);
    } catch (const ConfigError& e) {
        std::cerr << "steady: the window's size and place were not saved: " << e.what() << "\n";
    }
}

void TrainerApp::settings_changed() {
    try {
        save_config(config_path_, config_);
    } catch (const ConfigError& e) {
        ui_.notice = std::string("Settings not saved: ") + e.what();
    }
}

void TrainerApp::audio_changed() {
    if (!audio_) return;
    audio_->set_muted(!config_.window.audio);
    audio_->set_volume(static_cast<float>(config_.window.volume));
}

void TrainerApp::request_close() {
    const bool scripted = options_.exit_after_s > 0 || !options_.screenshot.empty();
    if (running_ && !scripted) {
        end_session();  // the summary first; closing again (or its button) quits
        ui_.quit_after_summary = true;
        if (!ui_.summary) quit_ = true;
    } else {
        quit_ = true;
    }
}

// Input -------------------------------------------------------------------------------------

void TrainerApp::handle_key(SDL_Keycode key) {
    switch (key) {
        case SDLK_SPACE:
            if (!ui_.summary) toggle_pause();
            break;
        case SDLK_t:
            mark_trigger();
            break;
        case SDLK_f:
            ui_.fullscreen = !ui_.fullscreen;
            SDL_SetWindowFullscreen(window_, ui_.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
            break;
        case SDLK_z:
            ui_.focus = !ui_.focus;
            break;
        case SDLK_ESCAPE:
            if (ui_.grounding_step >= 0)
                ui_.grounding_step = -1;
            else if (ui_.picker_open || ui_.settings_open || ui_.sessions_open)
                ui_.picker_open = ui_.settings_open = ui_.sessions_open = false;
            else
                ui_.focus = false;
            break;
        default:
            break;
    }
}

namespace {

// The window an SDL event belongs to (0: none, e.g. SDL_QUIT).
Uint32 event_window(const SDL_Event& e) {
    switch (e.type) {
        case SDL_WINDOWEVENT:
            return e.window.windowID;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            return e.key.windowID;
        case SDL_TEXTINPUT:
            return e.text.windowID;
        case SDL_TEXTEDITING:
            return e.edit.windowID;
        case SDL_MOUSEMOTION:
            return e.motion.windowID;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            return e.button.windowID;
        case SDL_MOUSEWHEEL:
            return e.wheel.windowID;
        default:
            return 0;
    }
}

}  // namespace

void TrainerApp::handle_event(const SDL_Event& e) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    const bool close = e.type == SDL_QUIT ||
                       (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE);
    if (close) {
        if (ui_.quit_after_summary)
            quit_ = true;
        else
            request_close();
    }
    if (e.type == SDL_KEYDOWN && !e.key.repeat && !ImGui::GetIO().WantTextInput)
        handle_key(e.key.keysym.sym);
}

// Frames ------------------------------------------------------------------------------------

void TrainerApp::save_screenshot(SDL_Window* window, const std::string& path, double t_s) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window, &w, &h);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    std::vector<unsigned char> flipped(pixels.size());
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h; ++y)
        std::copy_n(&pixels[static_cast<std::size_t>(h - 1 - y) * row], row,
                    &flipped[static_cast<std::size_t>(y) * row]);
    for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // opaque
    // A screenshot shows health data: a private file (0600), like every other.
    std::string png;
    const auto append = [](void* to, void* data, int size) {
        static_cast<std::string*>(to)->append(static_cast<const char*>(data),
                                              static_cast<std::size_t>(size));
    };
    try {
        if (!stbi_write_png_to_func(append, &png, w, h, 4, flipped.data(), static_cast<int>(row)))
            throw PrivateFileError(path + ": cannot encode the screenshot");
        write_private_file(path, png, true);
    } catch (const PrivateFileError& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return;
    }
    std::string what;
    const auto v = session_view();
    if (v && v->pacer) {
        const pacer::Point p = v->pacer->at(t_s);
        what = std::string(" (") + pacer::to_string(p.phase) + ", count " +
               std::to_string(p.count) + ")";
    }
    char at[32];
    std::snprintf(at, sizeof at, "%.2f", t_s);
    std::cerr << "steady: screenshot " << path << " at " << at << " s" << what << "\n";
}

// Arousal colour, smoothed on session time with time constant kColourS, so it looks the same at
// any frame rate and any --speed.
void TrainerApp::smooth_colour(const Snapshot& s, double t_s) {
    if (!s.baseline_ready) return;
    const auto target = static_cast<float>(s.arousal.level);
    if (ui_.colour_at_s < 0 || t_s < ui_.colour_at_s) {
        ui_.colour_level = target;
    } else {
        const double k = 1 - std::exp(-(t_s - ui_.colour_at_s) / kColourS);
        ui_.colour_level += (target - ui_.colour_level) * static_cast<float>(k);
    }
    ui_.colour_at_s = t_s;
}

void TrainerApp::play_cues(const std::optional<pacer::Point>& p) {
    if (!running_ || !p || p->paused) return;
    if (p->phase != last_phase_ || p->cycle != last_cycle_) {
        if (last_cycle_ >= 0 && audio_) audio_->cue(p->phase);
        last_phase_ = p->phase;
        last_cycle_ = p->cycle;
    }
}

bool TrainerApp::step() {
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (client_window_ && event_window(e) == SDL_GetWindowID(client_window_))
            handle_client_event(e);
        else
            handle_event(e);
    }
    if (quit_) return false;
    const float want_scale = dpi_scale_ * static_cast<float>(config_.window.font_scale);
    if (std::abs(want_scale - applied_scale_) > 1e-3f) load_fonts(want_scale);

    double t = session_time();
    // No session yet (the client picker waits for a choice): the window's own time, so
    // --exit-after still ends it.
    if (!running_ && !last_view_) t = static_cast<double>(SDL_GetTicks64() - opened_ms_) / 1000.0;
    // The screenshot draws exactly the asked moment, on the third frame from reaching it (a new
    // ImGui window sizes itself on its first frame and shows on the next).
    const bool shooting = wants_screenshot() && !screenshot_done_ &&
                          options_.screenshot_at_s >= 0 &&
                          (shoot_frames_ > 0 || t >= options_.screenshot_at_s || !running_);
    if (shooting) {
        t = options_.screenshot_at_s;
        if (options_.open == "summary" && running_) end_session();
        ++shoot_frames_;
    }
    const bool shoot = shooting && shoot_frames_ >= 3;
    if (options_.open == "journal" && !ui_.journal.open && t > 0.5 && running_ &&
        ui_.journal.mark_t_s == 0)
        mark_trigger();

    // A session that ended by itself (the scenario's story, a replay's last beat) shows its
    // summary as if ended by hand.
    if (running_ && running_->session->view()->state == SessionView::State::ended &&
        !wants_screenshot())
        end_session();
    const std::shared_ptr<const SessionView> view = session_view();
    static const Snapshot kEmpty{};
    const Snapshot& snap = view && view->snapshot ? *view->snapshot : kEmpty;
    if (!running_ && view) t = view->reached_s;
    std::optional<pacer::Point> pace;
    if (view && view->pacer) pace = view->pacer->at(t);
    smooth_colour(snap, t);
    play_cues(pace);

    const double cpu0 = thread_cpu_us();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    Frame frame{running_ ? view.get() : nullptr,
                !running_ && view != nullptr,
                snap,
                t,
                running_ ? pace : std::nullopt,
                fonts_,
                ui_,
                config_,
                config_path_,
                *this};
    draw_window(frame);
    ImGui::Render();
    stats_.build_us.push_back(thread_cpu_us() - cpu0);

    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(kBackground.x, kBackground.y, kBackground.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (shoot && !options_.screenshot.empty()) save_screenshot(window_, options_.screenshot, t);
    SDL_GL_SwapWindow(window_);
    if (client_window_ && ui_.client_shown) draw_client_frame(frame, shoot);
    if (shoot) screenshot_done_ = true;

    if (ui_.quit_after_summary && !ui_.summary) quit_ = true;
    if (options_.exit_after_s > 0 && t >= options_.exit_after_s &&
        (!wants_screenshot() || screenshot_done_))
        return false;
    if (options_.exit_after_s <= 0 && screenshot_done_ && options_.open == "summary") return false;
    return !quit_;
}

// The client display's frame: its own context, the same moment and session view.
void TrainerApp::draw_client_frame(Frame& console_frame, bool shoot) {
    const ImGuiStyle style = ImGui::GetStyle();  // the console's (sizes scaled with the fonts)
    SDL_GL_MakeCurrent(client_window_, gl_);
    ImGui::SetCurrentContext(client_ctx_);
    ImGui::GetStyle() = style;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    Frame f{console_frame.view,
            console_frame.ended,
            console_frame.snap,
            console_frame.t_s,
            console_frame.pace,
            fonts_,
            ui_,
            config_,
            config_path_,
            *this};
    f.for_client = true;
    draw_client_display(f);
    ImGui::Render();
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(client_window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(kBackground.x, kBackground.y, kBackground.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (shoot && !options_.client_screenshot.empty())
        save_screenshot(client_window_, options_.client_screenshot, console_frame.t_s);
    SDL_GL_SwapWindow(client_window_);
    ImGui::SetCurrentContext(console_ctx_);
    SDL_GL_MakeCurrent(window_, gl_);
}

int TrainerApp::run() {
    const Uint64 freq = SDL_GetPerformanceFrequency();
    const Uint64 frame = freq / 60;
    Uint64 next = SDL_GetPerformanceCounter();
    while (step()) {
        // vsync paces real displays; a virtual one (Xvfb) returns at once, so cap at 60 fps.
        next += frame;
        const Uint64 now = SDL_GetPerformanceCounter();
        if (next > now)
            SDL_Delay(static_cast<Uint32>((next - now) * 1000 / freq));
        else
            next = now;
    }
    if (running_) end_session();
    return 0;
}

}  // namespace steady::ui
