// The trainer window under Xvfb (ctest runs this binary through xvfb-run): screenshots at two
// session times show the pacer at different phases, the keyboard shortcuts act, the end of a
// session shows the summary and stores the session, and no display gives a clear message.
#define CATCH_CONFIG_MAIN
#include <SDL.h>
#include <stb/stb_image.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "drivers/drivers.h"
#include "session/store.h"
#include "support/cli_run.h"
#include "visuals/trainer_app.h"

using namespace steady;

namespace {

struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb;
    double lum(int x, int y) const {
        const unsigned char* p = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
        return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
    }
};

Image load(const std::string& path) {
    Image im;
    int n = 0;
    unsigned char* data = stbi_load(path.c_str(), &im.w, &im.h, &n, 3);
    REQUIRE(data != nullptr);
    im.rgb.assign(data, data + static_cast<std::size_t>(im.w) * im.h * 3);
    stbi_image_free(data);
    return im;
}

void press(SDL_Keycode key) {
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = key;
    e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    SDL_PushEvent(&e);
    e.type = SDL_KEYUP;
    SDL_PushEvent(&e);
}

}  // namespace

TEST_CASE("screenshots at two session times show the pacer at different phases",
          "[gui][screenshot]") {
    test::TempDir dir;
    const std::string env = "SDL_AUDIODRIVER=dummy XDG_DATA_HOME=" + dir.path;
    // 4-7-8 at 0.8 s per count: inhale until 3.2 s, hold until 8.8 s.
    const test::Run a = test::run("--size 1280 --sensor sim:paced --speed 2 --screenshot " +
                                      (dir / "a.png") + " --screenshot-at 1.6 --exit-after 1.6",
                                  "", env);
    INFO(a.err);
    REQUIRE(a.status == 0);
    const test::Run b = test::run("--size 1280 --sensor sim:paced --speed 2 --screenshot " +
                                      (dir / "b.png") + " --screenshot-at 6 --exit-after 6",
                                  "", env);
    INFO(b.err);
    REQUIRE(b.status == 0);
    CHECK(a.err.find("at 1.60 s (inhale, count 3)") != std::string::npos);
    CHECK(b.err.find("at 6.00 s (hold, count 4)") != std::string::npos);

    const Image ia = load(dir / "a.png"), ib = load(dir / "b.png");
    REQUIRE(ia.w == 1280);
    REQUIRE(ia.h == 720);
    REQUIRE(ib.w == ia.w);
    // Not blank: the luminance spreads widely (text, panels, the pacer).
    for (const Image* im : {&ia, &ib}) {
        double sum = 0, sq = 0;
        const double n = static_cast<double>(im->w) * im->h;
        for (int y = 0; y < im->h; ++y)
            for (int x = 0; x < im->w; ++x)
                sum += im->lum(x, y), sq += im->lum(x, y) * im->lum(x, y);
        const double sd = std::sqrt(sq / n - (sum / n) * (sum / n));
        CHECK(sd > 10);
    }
    // The pacer (centre) differs: half way through the inhale the disk is smaller than during
    // the hold (full lungs). Count lit pixels along the centre row of the pacer area.
    const auto lit_width = [](const Image& im) {
        int lit = 0;
        const int y = static_cast<int>(im.h * 0.42);
        for (int x = im.w / 4; x < im.w * 3 / 4; ++x) lit += im.lum(x, y) > 60 ? 1 : 0;
        return lit;
    };
    INFO("lit width inhale " << lit_width(ia) << ", hold " << lit_width(ib));
    CHECK(lit_width(ib) > lit_width(ia) * 1.3);
    double diff = 0;
    for (int y = ia.h / 4; y < ia.h * 3 / 4; ++y)
        for (int x = ia.w / 3; x < ia.w * 2 / 3; ++x) diff += std::abs(ia.lum(x, y) - ib.lum(x, y));
    CHECK(diff / (ia.w / 3.0 * ia.h / 2.0) > 5);
}

TEST_CASE("keyboard shortcuts: Z focus, Esc leaves it, Space pauses, T marks, F fullscreen",
          "[gui][keyboard]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    TrainerOptions o;
    o.sensor = "sim:paced";
    o.speed = 4;
    o.db = dir / "s.db";
    ui::TrainerApp app(o, sensor_registry());
    const auto frames = [&](int n) {
        for (int i = 0; i < n; ++i) REQUIRE(app.step());
    };
    frames(3);
    CHECK_FALSE(app.focus_mode());
    press(SDLK_z);
    frames(2);
    CHECK(app.focus_mode());
    press(SDLK_ESCAPE);
    frames(2);
    CHECK_FALSE(app.focus_mode());

    // The request is handled on the session thread: wait up to 5 s for it (slow under ASan).
    const auto wait_paused = [&](bool want) {
        for (int i = 0; i < 500 && app.pacer_paused() != want; ++i) {
            frames(1);
            SDL_Delay(10);
        }
        return app.pacer_paused() == want;
    };
    press(SDLK_SPACE);
    CHECK(wait_paused(true));
    press(SDLK_SPACE);
    CHECK(wait_paused(false));

    press(SDLK_t);
    frames(2);
    CHECK(app.journal_open());
    // The mark is stored at once; the session reports it with its second's line (within the
    // session's 2-s slack), so wait up to 3 s of real time.
    bool marked = false;
    for (int i = 0; i < 300 && !marked; ++i) {
        frames(1);
        SDL_Delay(10);
        for (const Event& e : app.events()) marked |= e.as<MarkEvent>() != nullptr;
    }
    CHECK(marked);

    press(SDLK_f);
    frames(2);
    CHECK(app.fullscreen());
    press(SDLK_f);
    frames(2);
    CHECK_FALSE(app.fullscreen());

    // Run through a few phase changes: the audio cues play (SDL's dummy audio device).
    const double until = app.session_time() + 10;
    while (app.session_time() < until) {
        REQUIRE(app.step());
        SDL_Delay(10);
    }
    CHECK(app.audio_cues() >= 2);

    // Ending shows the summary and stores the session with its events.
    const std::int64_t id = app.session_id();
    app.end_session();
    frames(1);
    CHECK(app.summary_open());
    Database store(dir / "s.db", Database::Open::existing);
    bool found = false;
    for (const auto& s : store.list())
        if (s.id == id) found = s.duration_s > 10;
    CHECK(found);
}

TEST_CASE("without a display the window says so and names steady record", "[gui][cli]") {
    const test::Run r =
        test::run("--sensor sim:calm --exit-after 1", "", "env -u DISPLAY -u WAYLAND_DISPLAY");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("no display") != std::string::npos);
    CHECK(r.err.find("steady record") != std::string::npos);
}

TEST_CASE("closing the window mid-session shows the summary first, and closing again quits",
          "[gui][session]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    TrainerOptions o;
    o.sensor = "sim:calm";
    o.speed = 20;
    o.db = dir / "s.db";
    o.no_audio = true;
    ui::TrainerApp app(o, sensor_registry());
    while (app.session_time() < 30) {
        REQUIRE(app.step());
        SDL_Delay(5);
    }
    SDL_Event close{};
    close.type = SDL_QUIT;
    SDL_PushEvent(&close);
    REQUIRE(app.step());  // still open: the summary shows
    CHECK(app.summary_open());
    const auto view = app.session_view();
    REQUIRE(view);
    CHECK(view->state == SessionView::State::ended);
    REQUIRE(view->summary);
    CHECK(view->summary->duration_s >= 30);
    Database db(dir / "s.db", Database::Open::existing);
    CHECK(db.list().at(0).state == "complete");
    SDL_PushEvent(&close);
    CHECK_FALSE(app.step());  // the second close quits
}

TEST_CASE("a sensor that fails to start says so in a window, and the Sessions list opens past ones",
          "[gui][session]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    TrainerOptions o;
    o.sensor = "replay:" + (dir / "missing.csv");
    o.db = dir / "s.db";
    o.no_audio = true;
    {
        ui::TrainerApp app(o, sensor_registry());
        REQUIRE(app.step());
        CHECK(app.error_open());
        CHECK(app.session_id() == 0);
        // From there the simulator runs, as the window's button does.
        app.start_session("sim:calm");
        REQUIRE(app.step());
        CHECK_FALSE(app.error_open());
        CHECK(app.session_id() == 1);
        app.end_session();
        CHECK(app.summary_open());
    }
    o.sensor = "sim:calm";
    o.open = "sessions";
    ui::TrainerApp app(o, sensor_registry());
    REQUIRE(app.step());
    app.open_past(1);  // a row's click
    REQUIRE(app.step());
    CHECK(app.summary_open());
}

TEST_CASE("with several clients the window first asks who, then runs their protocol",
          "[gui][protocol]") {
    test::TempDir dir;
    {
        Database db(dir / "s.db", Database::Open::create);
        db.add_client("alex", "");
        db.add_client("sam", "");
    }
    TrainerOptions o;
    o.speed = 40;
    o.db = dir / "s.db";
    o.no_audio = true;
    ui::TrainerApp app(o, sensor_registry());
    REQUIRE(app.step());
    CHECK(app.clients_open());  // no session before the clinician chooses
    CHECK(app.session_id() == 0);
    app.start_for("sam", "demo");
    REQUIRE(app.step());
    CHECK_FALSE(app.clients_open());
    while (app.session_time() < 20) {
        REQUIRE(app.step());
        SDL_Delay(5);
    }
    auto v = app.session_view();
    REQUIRE(v->protocol);
    CHECK(v->client == "sam");
    CHECK(v->protocol->index == 0);
    CHECK_FALSE(v->pacer);  // the resting baseline runs without a pacer
    app.next_step();        // the clinician's "Next step"
    while (app.session_time() < 30) {
        REQUIRE(app.step());
        SDL_Delay(5);
    }
    v = app.session_view();
    CHECK(v->protocol->index == 1);
    press(SDLK_SPACE);  // Space pauses the step clock in a protocol run
    for (int i = 0; i < 5; ++i) {
        REQUIRE(app.step());
        SDL_Delay(10);
    }
    CHECK(app.session_view()->protocol->paused);
    app.end_session();
    CHECK(app.summary_open());
    Database db(dir / "s.db", Database::Open::existing);
    const auto sessions = db.list("sam");
    REQUIRE(sessions.size() == 1);
    CHECK(db.summary(sessions[0].id).steps.size() == 2);
    CHECK(db.list("alex").empty());
}

TEST_CASE(
    "--client-display: two top-level windows, a screenshot of each, input only on the "
    "console",
    "[gui][client-display]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    TrainerOptions o;
    o.sensor = "sim:paced";
    o.speed = 4;
    o.db = dir / "s.db";
    o.width = 960;
    o.height = 540;
    o.client_display = true;
    o.screenshot = dir / "console.png";
    o.client_screenshot = dir / "client.png";
    o.screenshot_at_s = 3;
    ui::TrainerApp app(o, sensor_registry());
    REQUIRE(app.client_window() != nullptr);
    CHECK(std::string(SDL_GetWindowTitle(app.console_window())) == "Steady - console");
    CHECK(std::string(SDL_GetWindowTitle(app.client_window())) == "Steady - client display");
    CHECK(SDL_GetWindowID(app.client_window()) != SDL_GetWindowID(app.console_window()));
    const auto frames = [&](int n) {
        for (int i = 0; i < n; ++i) REQUIRE(app.step());
    };
    frames(3);
    // The X server sees two top-level windows with these names.
    const std::string xwin = dir / "xwin.txt";
    REQUIRE(std::system(("xwininfo -root -children > " + xwin).c_str()) == 0);
    std::ifstream xin(xwin);
    std::stringstream xs;
    xs << xin.rdbuf();
    CHECK_THAT(xs.str(), Catch::Contains("\"Steady - console\"") &&
                             Catch::Contains("\"Steady - client display\""));

    const Uint32 console_id = SDL_GetWindowID(app.console_window());
    const Uint32 client_id = SDL_GetWindowID(app.client_window());
    const auto key_to = [](Uint32 window, SDL_Keycode key) {
        SDL_Event e{};
        e.type = SDL_KEYDOWN;
        e.key.windowID = window;
        e.key.keysym.sym = key;
        e.key.keysym.scancode = SDL_GetScancodeFromKey(key);
        SDL_PushEvent(&e);
        e.type = SDL_KEYUP;
        SDL_PushEvent(&e);
    };
    const auto click_to = [](Uint32 window, int x, int y) {
        SDL_Event e{};
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.windowID = window;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.state = SDL_PRESSED;
        e.button.x = x;
        e.button.y = y;
        SDL_PushEvent(&e);
        e.type = SDL_MOUSEBUTTONUP;
        e.button.state = SDL_RELEASED;
        SDL_PushEvent(&e);
    };
    // Keys and clicks on the console act there and never reach the client display.
    key_to(console_id, SDLK_z);
    click_to(console_id, 480, 270);
    frames(2);
    CHECK(app.focus_mode());
    CHECK(app.client_events_ignored() == 0);
    key_to(console_id, SDLK_ESCAPE);
    frames(2);
    CHECK_FALSE(app.focus_mode());
    // The same sent to the client display's window do nothing.
    key_to(client_id, SDLK_z);
    key_to(client_id, SDLK_t);
    click_to(client_id, 480, 270);
    frames(2);
    CHECK_FALSE(app.focus_mode());
    CHECK_FALSE(app.journal_open());
    CHECK(app.client_events_ignored() == 5);  // 2 key downs, 2 key ups, 1 button down

    // One screenshot of each window at the same session moment.
    for (int i = 0; i < 2000 && !std::filesystem::exists(o.client_screenshot); ++i) {
        if (!app.step()) break;
        SDL_Delay(5);
    }
    REQUIRE(std::filesystem::exists(o.screenshot));
    REQUIRE(std::filesystem::exists(o.client_screenshot));
    const Image console = load(o.screenshot), client = load(o.client_screenshot);
    CHECK(console.w == 960);
    CHECK(client.w == 960);
    // The console's top bar (buttons) lights its first rows; the client display has no
    // controls, only the background there. Both show the pacer's disc in the middle.
    const auto row_max = [](const Image& im, int y) {
        double m = 0;
        for (int x = 0; x < im.w; ++x) m = std::max(m, im.lum(x, y));
        return m;
    };
    double console_top = 0, client_top = 0;
    for (int y = 0; y < 20; ++y) {
        console_top = std::max(console_top, row_max(console, y));
        client_top = std::max(client_top, row_max(client, y));
    }
    CHECK(console_top > 100);
    CHECK(client_top < 40);
    double middle = 0;  // the disc around the count digit
    for (int y = client.h / 4; y < client.h * 3 / 5; ++y)
        middle = std::max(middle, client.lum(client.w / 2 - client.h / 12, y));
    CHECK(middle > 60);
}

TEST_CASE("a past session opens for review, zooms, and writes its PDF report", "[gui][review]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    setenv("XDG_CONFIG_HOME", dir.path.c_str(), 1);
    const std::string db = dir / "s.db";
    REQUIRE(test::run("record --sensor sim:trigger-recovery --protocol demo --speed 500 --quiet "
                      "--db " +
                      db)
                .status == 0);
    TrainerOptions o;
    o.sensor = "sim:calm";
    o.db = db;
    o.open = "review";
    o.width = 1280;
    o.height = 720;
    o.screenshot = dir / "review.png";
    o.screenshot_at_s = 0.5;
    const std::string cwd = std::filesystem::current_path().string();
    std::filesystem::current_path(dir.path);  // the report goes to the current folder
    {
        ui::TrainerApp app(o, sensor_registry());
        CHECK(app.review_open());
        for (int i = 0; i < 5; ++i) REQUIRE(app.step());
        app.write_report();
        for (int i = 0; i < 300 && !std::filesystem::exists(o.screenshot); ++i) {
            if (!app.step()) break;
            SDL_Delay(5);
        }
        CHECK(app.review_open());
    }
    std::filesystem::current_path(cwd);
    Database store(db, Database::Open::existing);
    const StoredSession s = store.session(1);
    const std::string pdf = dir / ("steady-report-1-" + s.started_at.substr(0, 10) + ".pdf");
    REQUIRE(std::filesystem::exists(pdf));
    const std::string txt = dir / "r.txt";
    REQUIRE(std::system(("pdftotext " + pdf + " " + txt).c_str()) == 0);
    std::ifstream in(txt);
    std::stringstream text;
    text << in.rdbuf();
    CHECK_THAT(text.str(), Catch::Contains("Serial sevens") && Catch::Contains("Protocol: demo"));
    // The review shows the session's tachogram: bright line pixels in its plot area.
    REQUIRE(std::filesystem::exists(o.screenshot));
    const Image im = load(o.screenshot);
    int bright = 0;
    for (int y = im.h / 6; y < im.h / 2; ++y)
        for (int x = im.w / 8; x < im.w * 7 / 8; x += 2) bright += im.lum(x, y) > 180;
    CHECK(bright > 200);
}

TEST_CASE("the window opens where it was when it closed, [window] in the settings file",
          "[gui][settings]") {
    test::TempDir dir;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    const std::string cfg = dir / "config.toml";
    {
        std::ofstream f(cfg);
        f << "[window]\nwidth = 900\nheight = 500\nx = 30\ny = 20\n";
    }
    TrainerOptions o;
    o.sensor = "sim";
    o.config = cfg;
    o.db = dir / "s.db";
    {
        ui::TrainerApp app(o, sensor_registry());
        REQUIRE(app.step());
        SDL_Window* win = SDL_GL_GetCurrentWindow();
        REQUIRE(win != nullptr);
        int w = 0, h = 0, x = 0, y = 0;
        SDL_GetWindowSize(win, &w, &h);
        SDL_GetWindowPosition(win, &x, &y);
        CHECK(w == 900);
        CHECK(h == 500);
        CHECK(x == 30);
        CHECK(y == 20);
        // The user moves and resizes it, then closes it.
        SDL_SetWindowSize(win, 1024, 600);
        SDL_SetWindowPosition(win, 70, 50);
        for (int i = 0; i < 3; ++i) REQUIRE(app.step());
    }
    Config saved = load_config(cfg, true);
    CHECK(saved.window.width == 1024);
    CHECK(saved.window.height == 600);
    CHECK(saved.window.x == 70);
    CHECK(saved.window.y == 50);
    CHECK_FALSE(saved.window.maximized);

    SECTION("a place on no display now (a monitor unplugged) is left for the desktop") {
        std::ofstream(cfg) << "[window]\nwidth = 800\nheight = 450\nx = 20000\ny = 20\n";
        ui::TrainerApp app(o, sensor_registry());
        REQUIRE(app.step());
        int w = 0, h = 0, x = 0, y = 0;
        SDL_GetWindowSize(SDL_GL_GetCurrentWindow(), &w, &h);
        SDL_GetWindowPosition(SDL_GL_GetCurrentWindow(), &x, &y);
        CHECK(w == 800);
        CHECK(x < 1920);  // Xvfb's one 1920-wide screen
    }
    SECTION("a size that is not a whole number of pixels is refused with its line") {
        std::ofstream(cfg) << "[window]\nwidth = 900.5\n";
        try {
            load_config(cfg, true);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK_THAT(e.what(), Catch::Contains("window.width"));
            CHECK_THAT(e.what(), Catch::Contains("whole number"));
        }
    }
}
