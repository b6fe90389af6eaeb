// Episodes: a trigger and the body's way back. An episode starts at a user's mark, at a detected
// surge, or (clinician mode) at a protocol's stressor step; a mark and a detection within
// kMergeS of each other are one episode, the earlier time its onset. For each:
//   baseline   the median 30-s HR (and RMSSD) over the kPreS before the onset, leaving out an
//              earlier episode's recovery; the session's resting baseline when fewer than
//              kMinPreS seconds are left
//   peak       the highest 10-s HR within kPeakWithinS of the onset; rise = peak - baseline
//   recovery   fit_recovery() on per-second HR from the peak to the next onset or the end of the
//              session, at most kFitMaxS (a short fixed window biases slow recoveries); the same
//              for the 30-s RMSSD rising back. No fit, with the reason, when fewer than kMinFitS
//              follow the peak, more than 20 % of the beats are artifacts, or R^2 < 0.5
//   back to baseline   the first time from the onset at which the 30-s HR stays within kBackBpm
//              of the baseline for kBackHoldS; none if it never does before the episode ends
//   censored   cut short by the next episode or the end of the session before it was back
// Detection (EpisodeDetector, the same live and on a stored recording): a surge is found when
// the 30-s HR has stood kRiseBpm above the median 30-s HR of the 90 s before the last 30 s for
// kSustainS seconds (the 30-s window keeps slow-breathing RSA, which swings a 10-s HR by +-6 bpm,
// from passing for a surge; an 18-bpm surge rising over 15 s crosses within about 30 s). Its
// onset is where the 10-s HR last stood within a quarter of the rise of that reference, less 5 s
// (half the 10-s window). It re-arms only when that episode is over (back to baseline, or
// kFitMaxS after the peak), so one surge is never split in two. A 6-bpm bump stays below.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/arousal.h"
#include "recovery/fit.h"
#include "recovery/series.h"
#include "session/beat.h"
#include "session/events.h"

namespace steady::recovery {

constexpr double kMergeS = 90;
constexpr double kPreS = 180;
constexpr double kMinPreS = 60;
constexpr double kPeakWithinS = 180;
constexpr double kFitMaxS = 1200;
constexpr double kMinFitS = 180;
constexpr double kMinStepFitS = 90;
constexpr double kMaxArtifactShare = 0.2;
constexpr double kMinR2 = 0.5;
constexpr double kBackBpm = 3;
constexpr double kBackHoldS = 30;
constexpr double kRiseBpm = 10;
constexpr double kLookbackS = 90;
constexpr double kRecentS = 30;  // left out of the reference: the rise itself
constexpr int kSustainS = 5;
constexpr double kOnsetLookS = 60;
constexpr int kMethodVersion = 1;  // stored episodes older than this are fitted again

struct Recovery {
    std::string model = "exponential";
    double t50_s = 0, t90_s = 0, tau_s = 0;
    double level = 0;  // bpm for HR, ms for RMSSD
    // HR: the level above the baseline; RMSSD: the level below it (empty without a baseline).
    std::optional<double> level_vs_baseline;
    double r2 = 0;
};

struct Episode {
    double onset_s = 0;
    std::string source;  // "marked", "detected", "both", "protocol"
    double baseline_hr_bpm = 0;
    std::optional<double> baseline_rmssd_ms;
    std::string baseline_from;  // "pre-trigger" or "session"
    double peak_hr_bpm = 0;
    double peak_s = 0;
    double rise_bpm = 0;
    std::optional<Recovery> hr;
    std::string hr_reason;  // why hr is empty
    std::optional<Recovery> rmssd;
    std::string rmssd_reason;
    std::optional<double> back_to_baseline_s;  // from the onset
    bool censored = false;
    double end_s = 0;  // where its recovery window ends
    std::optional<JournalEvent> journal;
};

// The episodes of a stored session: onsets from its mark and trigger events (and protocol
// stressor steps when there are any), everything else from the beats.
std::vector<Episode> find_episodes(std::span<const PlacedBeat> beats, std::span<const Event> events,
                                   double duration_s);

// Finds surges and the end of episodes as seconds pass; the same rules live and offline.
class EpisodeDetector {
  public:
    explicit EpisodeDetector(const SecondSeries& series) : series_(series) {}
    void set_session_baseline(const Baseline& b) { session_hr_ = b.hr_bpm; }
    // A user's mark at t_s (opens an episode unless one opened within kMergeS).
    void mark(double t_s);
    // Second k has been computed in the series: the events it brings (trigger, recovered).
    std::vector<Event> second(std::size_t k);
    // An episode is open (for the window's live recovery view).
    struct Open {
        double onset_s, baseline_hr_bpm, peak_hr_bpm, peak_s;
    };
    std::optional<Open> open() const;

  private:
    void start(double onset_s, double now_s);
    const SecondSeries& series_;
    std::optional<double> session_hr_;
    bool armed_ = true;  // detection
    int rising_for_ = 0;
    std::optional<double> onset_s_;
    double baseline_ = 0, peak_ = 0, peak_s_ = 0;
    double back_since_ = -1;
    double last_mark_s_ = -1e9, last_detect_s_ = -1e9;
};

// The pre-trigger baseline at an onset (shared by the detector and find_episodes): median 30-s
// HR over [onset - kPreS, onset), skipping [skip_from, skip_to); empty with fewer than kMinPreS
// seconds.
std::optional<double> pre_trigger_hr(const SecondSeries& s, double onset_s, double skip_from,
                                     double skip_to);

// Recovery from the peak up to `end_s` on per-second HR (falling back) or 30-s RMSSD (rising
// back): the fit, or the reason there is none.
enum class Signal { hr, rmssd };
// How much a fit needs and may assume. Episodes: the defaults. A protocol's recovery step: at
// least kMinStepFitS after the peak, and the level held at the protocol's baseline, because a
// step of a few minutes cannot tell the level a curve settles at from its speed (tau is then
// kept within the window, and a curve still not bending by the end is reported as such).
struct FitWindow {
    double min_s = kMinFitS;
    double max_tau_s = kMaxTauS;
    bool level_at_baseline = false;
};
std::optional<Recovery> fit_signal(const SecondSeries& s, Signal which, double peak_s, double end_s,
                                   std::optional<double> baseline, std::string& reason,
                                   const FitWindow& window = {});
// The highest 10-s HR in [from_s, to_s]: (second, bpm); bpm NaN when there is none.
std::pair<double, double> peak_between(const SecondSeries& s, double from_s, double to_s);

}  // namespace steady::recovery
