// Recovery curves and episodes: the fit recovers a known tau through noise, RSA and artifacts;
// surges are found on time, bumps are not, one surge is one episode; the simulator's triggers
// give t50 close to tau ln 2.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

#include "app/config.h"
#include "drivers/drivers.h"
#include "drivers/sim/model.h"
#include "recovery/episodes.h"
#include "support/cli_run.h"
#include "training/training_session.h"

using namespace steady;
using namespace steady::recovery;

namespace {

// Beats of a person whose HR is `hr(t)` plus RSA at `breath_hz` with amplitude `rsa_bpm`, and
// every `artifact_every`-th beat a flagged ectopic.
template <typename F>
std::vector<PlacedBeat> beats_of(F hr, double duration_s, double rsa_bpm, double breath_hz,
                                 int artifact_every, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0, 1.0);
    std::vector<PlacedBeat> out;
    double t = 0;
    int i = 0;
    while (t < duration_s) {
        const double bpm =
            hr(t) + rsa_bpm * std::sin(2 * std::numbers::pi * breath_hz * t) + noise(rng);
        const double rr = 60000 / bpm;
        t += rr / 1000;
        const bool bad = artifact_every > 0 && ++i % artifact_every == 0;
        out.push_back({t, bad ? rr * 0.6 : rr, bad ? std::uint32_t{kBeatSuspectedArtifact} : 0u});
    }
    return out;
}

}  // namespace

TEST_CASE("recovery fit: known tau through noise, RSA and artifacts", "[recovery]") {
    for (const double tau : {30.0, 60.0, 120.0, 240.0, 400.0}) {
        for (const unsigned seed : {1u, 2u, 3u}) {
            // Rest at 65, a surge to 90 at 300 s, back to 67 (incomplete recovery).
            const auto hr = [tau](double t) {
                return t < 300 ? 65.0 : 67.0 + 23.0 * std::exp(-(t - 300) / tau);
            };
            const double end = 300 + std::max(600.0, 6 * tau);
            const auto beats = beats_of(hr, end, 4.0, 0.2, 37, seed);
            SecondSeries s;
            for (const PlacedBeat& b : beats) s.add(b);
            s.advance_to(end);
            std::string why;
            const auto r = fit_signal(s, Signal::hr, 300, end, 65.0, why);
            INFO("tau " << tau << " seed " << seed << " " << why);
            REQUIRE(r);
            CHECK(r->tau_s == Approx(tau).epsilon(0.10));
            CHECK(r->t50_s == Approx(r->tau_s * std::numbers::ln2));
            CHECK(r->t90_s == Approx(r->tau_s * std::numbers::ln10));
            CHECK(r->level == Approx(67).margin(1.5));
            CHECK(*r->level_vs_baseline == Approx(2).margin(1.5));
            CHECK(r->r2 > 0.5);
        }
    }
}

TEST_CASE("recovery fit: no fit, with the reason", "[recovery]") {
    const auto flat = beats_of([](double) { return 70.0; }, 900, 3.0, 0.25, 0, 4);
    SecondSeries s;
    for (const PlacedBeat& b : flat) s.add(b);
    s.advance_to(900);
    std::string why;
    CHECK_FALSE(fit_signal(s, Signal::hr, 100, 250, 70.0, why));
    CHECK(why == "fewer than 180 s follow the peak");
    CHECK_FALSE(fit_signal(s, Signal::hr, 100, 900, 70.0, why));
    CHECK_THAT(why, Catch::Contains("R^2") || Catch::Contains("did not fall"));
    const auto noisy = beats_of([](double t) { return 65 + 20 * std::exp(-t / 60); }, 900, 3.0,
                                0.25, 3, 5);  // every third beat an artifact
    SecondSeries n;
    for (const PlacedBeat& b : noisy) n.add(b);
    n.advance_to(900);
    CHECK_FALSE(fit_signal(n, Signal::hr, 0, 900, 65.0, why));
    CHECK(why == "more than 20 % of the beats are artifacts");
}

TEST_CASE("detection: surges found within 45 s of onset, a 6-bpm bump not, one surge once",
          "[recovery]") {
    for (const double rise : {18.0, 24.0, 30.0}) {
        for (const double breath_hz : {0.053, 0.1, 0.25}) {  // 4-7-8, resonance, spontaneous
            const double onset = 400;
            const auto hr = [&](double t) {
                if (t < onset) return 64.0;
                if (t < 800 && t < onset + 30) return 64.0 + 6.0 * (t > 250 && t < 280);
                const double dt = t - onset;
                const double shape = dt < 15 ? 0.5 - 0.5 * std::cos(std::numbers::pi * dt / 15)
                                             : std::exp(-(dt - 15) / 120);
                return 64.0 + rise * shape;
            };
            // A 6-bpm bump lasting 30 s at 250 s, then the surge at 400 s.
            const auto bump = [&](double t) {
                if (t > 250 && t < 280) return 70.0;
                if (t < onset) return 64.0;
                const double dt = t - onset;
                const double shape = dt < 15 ? 0.5 - 0.5 * std::cos(std::numbers::pi * dt / 15)
                                             : std::exp(-(dt - 15) / 120);
                return 64.0 + rise * shape;
            };
            (void)hr;
            const auto beats = beats_of(bump, 1500, 5.0, breath_hz, 0, 7);
            SecondSeries s;
            EpisodeDetector d(s);
            std::vector<Event> events;
            std::size_t bi = 0;
            for (double t = 0; t <= 1500; t += 1) {
                while (bi < beats.size() && beats[bi].t_s <= t) s.add(beats[bi++]);
                s.advance_to(t);
                for (Event& e : d.second(static_cast<std::size_t>(t))) events.push_back(e);
            }
            INFO("rise " << rise << " breathing " << breath_hz << " Hz");
            int triggers = 0, recovered = 0;
            for (const Event& e : events) {
                if (const auto* tr = e.as<TriggerEvent>()) {
                    ++triggers;
                    CHECK(e.t_s >= onset);
                    CHECK(e.t_s <= onset + 45);
                    CHECK(*tr->onset_s == Approx(onset).margin(15));
                }
                recovered += e.as<RecoveredEvent>() != nullptr;
            }
            CHECK(triggers == 1);
            CHECK(recovered == 1);
        }
    }
}

namespace {
// The first episode's HR t50 of a simulated session with one trigger of time constant `tau`.
std::optional<double> simulated_t50(const test::TempDir& dir, double tau, int seed,
                                    const std::string& person) {
    std::ofstream(dir / "s.toml") << "name = \"t\"\nduration_s = 1500\n[person]\nseed = " << seed
                                  << "\n"
                                  << person
                                  << "[[trigger]]\nat_s = 400\nrise_bpm = 24\ntau_s = " << tau
                                  << "\n";
    SessionPlan plan;
    plan.sensor = "sim:" + (dir / "s.toml");
    plan.db_path = dir / "s.db";
    plan.speed = 5000;
    TrainingSession session(plan, sensor_registry());
    session.run();
    Database db(dir / "s.db", Database::Open::existing);
    const SessionRecord d = db.load(session.id());
    const auto eps = find_episodes(d.beats, d.events, d.session.duration_s);
    REQUIRE(eps.size() == 1);
    CHECK(eps[0].source == "detected");
    CHECK(eps[0].onset_s == Approx(400).margin(15));
    CHECK(eps[0].rise_bpm == Approx(24).margin(6));
    if (!eps[0].hr) return std::nullopt;
    return eps[0].hr->t50_s;
}
}  // namespace

TEST_CASE("the simulator's trigger gives t50 close to tau ln 2", "[recovery][sim]") {
    test::TempDir dir;
    // Without the simulated person's slow wander the method is exact to within 10 %.
    for (const double tau : {60.0, 120.0, 240.0}) {
        INFO("tau " << tau);
        const auto t50 = simulated_t50(dir, tau, 5, "drift_bpm = 0\nvlf_bpm = 0\n");
        REQUIRE(t50);
        CHECK(*t50 == Approx(tau * std::numbers::ln2).epsilon(0.10));
    }
    // With it (drift +-2 bpm over 10 min, very-low-frequency wander SD 2.5 bpm), one episode
    // scatters; the median of seven stays within 30 % of tau ln 2 (README: limits).
    for (const double tau : {60.0, 240.0}) {
        std::vector<double> t50s;
        for (int seed = 1; seed <= 7; ++seed)
            if (const auto t50 = simulated_t50(dir, tau, seed, "")) t50s.push_back(*t50);
        REQUIRE(t50s.size() >= 5);
        std::sort(t50s.begin(), t50s.end());
        const double median = t50s[t50s.size() / 2];
        INFO("tau " << tau << ": median t50 " << median << " of " << t50s.size());
        CHECK(median == Approx(tau * std::numbers::ln2).epsilon(0.30));
    }
}

TEST_CASE("journal categories: defaults, from the settings file, round trip, refusal",
          "[recovery][config]") {
    const Config defaults = parse_config("", "none.toml");
    CHECK(defaults.window.journal_categories.size() == 8);
    CHECK(defaults.window.journal_categories.front() == "delayed reply");
    const Config c =
        parse_config("[window]\njournal_categories = [\"silence\", \"a late call\"]\n", "c.toml");
    CHECK(c.window.journal_categories == std::vector<std::string>{"silence", "a late call"});
    CHECK(parse_config(config_text(c), "again.toml").window.journal_categories ==
          c.window.journal_categories);
    CHECK(config_text(defaults).find("journal_categories") == std::string::npos);
    CHECK_THROWS_WITH(parse_config("[window]\njournal_categories = []\n", "bad.toml"),
                      Catch::Contains("bad.toml") && Catch::Contains("journal_categories"));
}

TEST_CASE("settings: a boolean is true or false, never a number", "[config][regression]") {
    // Regression: toml++ read `adapt = 2`, `adapt = 0` and `audio = 5` as booleans.
    for (const char* text :
         {"[pacer]\nadapt = 2\n", "[pacer]\nadapt = 0\n", "[window]\naudio = 5\n"})
        CHECK_THROWS_WITH(parse_config(text, "s.toml"), Catch::Contains("must be true or false"));
    CHECK_FALSE(parse_config("[pacer]\nadapt = false\n", "s.toml").pacer.adapt.enabled);
}

TEST_CASE("settings: a 1 MB value is cut in the message, numbers print plainly",
          "[config][regression]") {
    const std::string huge(1 << 20, 'x');
    try {
        parse_config("[pacer]\npattern = \"" + huge + "\"\n", "s.toml");
        FAIL("accepted");
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        CHECK(msg.size() < 600);
        CHECK_THAT(msg, Catch::Contains("(1048576 characters)"));
    }
    CHECK_THROWS_WITH(parse_config("[window]\nvolume = 500\n", "s.toml"),
                      Catch::Contains(": 500 is out of range (0 to 1)"));
    CHECK_THROWS_WITH(parse_config("[window]\nchallenge = 1.5\n", "s.toml"),
                      Catch::Contains("challenge"));
}
