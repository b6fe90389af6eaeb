// The window's life: SDL + OpenGL + ImGui set-up, the frame loop, keyboard, the session thread,
// screenshots and settings. Drawing is in trainer_views.cpp.
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

#include "hrv/coherence.h"
#include "sensor/registry.h"
#include "session/store.h"
#include "visuals/audio.h"
#include "visuals/palette.h"

namespace steady::ui {
namespace {

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

bool is_strap(const std::string& spec) {
    return spec.rfind("ble", 0) == 0 || spec.rfind("ant", 0) == 0;
}

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBoldFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr double kHistoryS = 120;

}  // namespace

TrainerApp::TrainerApp(const TrainerOptions& options, const SensorRegistry& registry)
    : options_(options), registry_(registry) {
    config_path_ = options_.config.empty() ? default_config_path() : options_.config;
    config_ = options_.config.empty() ? load_config(config_path_)
                                      : load_config(config_path_, true);  // ConfigError
    summary_builder_.set_challenge(config_.window.challenge);
    store_ = std::make_unique<SessionStore>(
        options_.db.empty() ? config_.db.value_or(SessionStore::default_path()) : options_.db);
    init_window();
    if (!options_.no_audio) {
        audio_ = std::make_unique<AudioCues>();
        audio_->set_volume(static_cast<float>(config_.window.volume));
        audio_->set_muted(!config_.window.audio);
    }
    // Sensor: the command line, the settings file, the last strap, else the simulator.
    std::string spec = options_.sensor;
    if (spec.empty()) spec = config_.sensor.value_or(config_.window.last_sensor.value_or(""));
    if (spec.empty() || !start_session(spec, true)) {
        if (!options_.sensor.empty()) throw SensorError(notice_);
        start_session("sim:paced", true);
    }
    if (options_.fullscreen) handle_key(SDLK_f);
    if (options_.open == "focus") focus_ = true;
    if (options_.open == "picker") picker_open_ = true;
    if (options_.open == "settings") settings_open_ = true;
}

TrainerApp::~TrainerApp() {
    if (session_) end_session();
    audio_.reset();
    if (gl_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
        SDL_GL_DeleteContext(gl_);
    }
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
    window_ = SDL_CreateWindow("Steady", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                               options_.width, options_.height,
                               SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE |
                                   SDL_WINDOW_ALLOW_HIGHDPI);
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
}

void TrainerApp::load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const bool have_ttf = std::filesystem::exists(kFontPath);
    if (have_ttf) {
        font_body_ = io.Fonts->AddFontFromFileTTF(kFontPath, 17.0f * scale);
        const char* bold = std::filesystem::exists(kBoldFontPath) ? kBoldFontPath : kFontPath;
        font_phase_ = io.Fonts->AddFontFromFileTTF(bold, 40.0f * scale);
        font_count_ = io.Fonts->AddFontFromFileTTF(bold, 88.0f * scale);
    } else {  // ImGui's built-in font, scaled (fonts-dejavu-core gives a better one)
        ImFontConfig c;
        c.SizePixels = 13.0f * scale;
        font_body_ = io.Fonts->AddFontDefault(&c);
        c.SizePixels = 13.0f * scale * 3;
        font_phase_ = io.Fonts->AddFontDefault(&c);
        c.SizePixels = 13.0f * scale * 6;
        font_count_ = io.Fonts->AddFontDefault(&c);
    }
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 6;
    style.FrameRounding = 4;
    style.WindowBorderSize = 0;
    style.Colors[ImGuiCol_WindowBg] = kPanel;
    style.Colors[ImGuiCol_Text] = kText;
    style.Colors[ImGuiCol_TextDisabled] = kDim;
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
    applied_scale_ = scale;
}

bool TrainerApp::start_session(const std::string& spec, bool at_launch) {
    std::unique_ptr<Sensor> sensor;
    try {
        sensor = registry_.open(spec, {options_.speed});
    } catch (const std::exception& e) {
        notice_ = std::string(at_launch ? "Could not open " + spec + ": " : "") + e.what();
        picker_error_ = e.what();
        return false;
    }
    LiveSessionConfig lc;
    lc.speed = spec.rfind("sim", 0) == 0 || spec.rfind("replay", 0) == 0 ? options_.speed : 1.0;
    lc.engine.recent_s = kHistoryS;
    PacerSetup ps{current_pattern(), config_.pacer.adapt};
    lc.pacer = ps;
    auto run = std::make_unique<Running>();
    run->info = sensor->info();
    run->live = std::make_unique<LiveSession>(std::move(sensor), lc, store_.get());
    try {
        run->live->start();
    } catch (const SensorError& e) {
        notice_ = "Could not start " + spec + ": " + e.what();
        picker_error_ = e.what();
        return false;
    }
    run->id = store_->begin_session(run->info.id);
    run->pacer = run->live->pacer_schedule();
    {
        const std::lock_guard lock(mutex_);
        summary_builder_ = SummaryBuilder(config_.window.challenge);
        summary_builder_.set_simulated(run->info.transport == "sim");
        events_.clear();
        hr_history_.clear();
        rmssd_history_.clear();
    }
    LiveSession& live = *run->live;
    live.on_second = [this](double t, const Snapshot& s) {
        const std::lock_guard lock(mutex_);
        summary_builder_.add_second(t, s);
        if (s.hr_bpm) hr_history_.push_back({t, *s.hr_bpm});
        if (s.rmssd_60s_ms) rmssd_history_.push_back({t, *s.rmssd_60s_ms});
        while (!hr_history_.empty() && hr_history_.front().first < t - kHistoryS)
            hr_history_.pop_front();
        while (!rmssd_history_.empty() && rmssd_history_.front().first < t - kHistoryS)
            rmssd_history_.pop_front();
    };
    live.on_event = [this](const EngineEvent& e) {
        const std::lock_guard lock(mutex_);
        summary_builder_.add_event(e);
        events_.push_back(e);
    };
    live.on_warning = [](const std::string& w) { std::cerr << "steady: " << w << "\n"; };
    run->thread = std::thread([r = run.get()] { r->reached_s = r->live->run(); });
    if (is_strap(spec) && config_.window.last_sensor != spec) {
        config_.window.last_sensor = spec;
        save_settings();
    }
    session_ = std::move(run);
    summary_.reset();
    return true;
}

void TrainerApp::end_session() {
    if (!session_) return;
    session_->live->stop();
    if (session_->thread.joinable()) session_->thread.join();
    try {
        store_->set_sensor(session_->live->sensor_info().id);
    } catch (const StoreError&) {
    }
    if (auto err = store_->finish_session(session_->reached_s))
        std::cerr << "steady: " << *err << "\n";
    std::cerr << "steady: session " << session_->id << " saved in " << store_->path() << "\n";
    {
        const std::lock_guard lock(mutex_);
        summary_ = summary_builder_.summary();
        summary_->duration_s = session_->reached_s;
    }
    last_snapshot_ = session_->live->engine().snapshot();
    session_.reset();
}

double TrainerApp::session_time() const {
    if (!session_ || !session_->live->clock()) return 0;
    return session_->live->clock()->now_s();
}

bool TrainerApp::pacer_paused() const {
    return session_ && session_->pacer->get().paused_at(session_time());
}

std::vector<EngineEvent> TrainerApp::events() const {
    const std::lock_guard lock(mutex_);
    return events_;
}

int TrainerApp::audio_cues() const {
    return audio_ ? audio_->cues_played() : 0;
}

pacer::Pattern TrainerApp::current_pattern() const {
    std::string name = !options_.pattern.empty() ? options_.pattern
                                                 : config_.pacer.pattern.value_or("4-7-8");
    return resolve_pattern(name, config_.pacer);  // ConfigError for an unknown name
}

void TrainerApp::save_settings() {
    try {
        save_config(config_path_, config_);
    } catch (const ConfigError& e) {
        notice_ = std::string("Settings not saved: ") + e.what();
    }
}

void TrainerApp::handle_key(SDL_Keycode key) {
    switch (key) {
        case SDLK_SPACE:
            if (summary_) break;
            if (session_) session_->live->set_pacer_paused(!pacer_paused());
            break;
        case SDLK_t:
            if (!session_) break;
            session_->live->mark_trigger();
            journal_ = Journal{};
            journal_.open = true;
            journal_.mark_t_s = session_time();
            break;
        case SDLK_f:
            fullscreen_ = !fullscreen_;
            SDL_SetWindowFullscreen(window_, fullscreen_ ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
            break;
        case SDLK_z: focus_ = !focus_; break;
        case SDLK_ESCAPE:
            if (grounding_step_ >= 0)
                grounding_step_ = -1;
            else if (picker_open_ || settings_open_)
                picker_open_ = settings_open_ = false;
            else
                focus_ = false;
            break;
        default: break;
    }
}

void TrainerApp::handle_event(const SDL_Event& e) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    if (e.type == SDL_QUIT) quit_ = true;
    if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE) quit_ = true;
    if (e.type == SDL_KEYDOWN && !e.key.repeat && !ImGui::GetIO().WantTextInput)
        handle_key(e.key.keysym.sym);
}

void TrainerApp::save_screenshot(const std::string& path, double t_s) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
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
    if (!stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(row))) {
        std::cerr << "steady: " << path << ": cannot write the screenshot\n";
        return;
    }
    std::string what;
    if (session_) {
        const pacer::Point p = session_->pacer->at(t_s);
        what = std::string(" (") + pacer::to_string(p.phase) + ", count " +
               std::to_string(p.count) + ")";
    }
    char at[32];
    std::snprintf(at, sizeof at, "%.2f", t_s);
    std::cerr << "steady: screenshot " << path << " at " << at << " s" << what << "\n";
}

bool TrainerApp::step() {
    SDL_Event e;
    while (SDL_PollEvent(&e)) handle_event(e);
    if (quit_) return false;
    const float want_scale = dpi_scale_ * static_cast<float>(config_.window.font_scale);
    if (std::abs(want_scale - applied_scale_) > 1e-3f) load_fonts(want_scale);

    double t = session_time();
    // The screenshot draws exactly the asked moment, on the third frame from reaching it (a new
    // ImGui window sizes itself on its first frame and shows on the next).
    const bool shooting = !options_.screenshot.empty() && !screenshot_done_ &&
                          options_.screenshot_at_s >= 0 &&
                          (shoot_frames_ > 0 || t >= options_.screenshot_at_s);
    if (shooting) {
        t = options_.screenshot_at_s;
        if (options_.open == "summary" && session_) end_session();
        ++shoot_frames_;
    }
    const bool shoot = shooting && shoot_frames_ >= 3;
    if (options_.open == "journal" && !journal_.open && t > 0.5 && session_ &&
        journal_.mark_t_s == 0)
        handle_key(SDLK_t);

    const double cpu0 = thread_cpu_us();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    build_ui(t);
    ImGui::Render();
    stats_.build_us.push_back(thread_cpu_us() - cpu0);

    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window_, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(kBackground.x, kBackground.y, kBackground.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (shoot) {
        save_screenshot(options_.screenshot, t);
        screenshot_done_ = true;
    }
    SDL_GL_SwapWindow(window_);

    if (options_.exit_after_s > 0 && t >= options_.exit_after_s &&
        (options_.screenshot.empty() || screenshot_done_))
        return false;
    if (options_.exit_after_s <= 0 && screenshot_done_ && options_.open == "summary")
        return false;
    return !quit_;
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
    if (session_) end_session();
    return 0;
}

}  // namespace steady::ui
