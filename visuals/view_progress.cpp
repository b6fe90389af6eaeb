// The Progress view: every episode's half-recovery time over the weeks on a log scale with the
// trend line and one plain sentence, practice minutes per week, and the resting ln RMSSD with
// its 60-day band (HRV4Training's convention, labelled as such).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

constexpr double kDayS = 86400;

struct Plot {
    ImVec2 pos;
    float w, h;
    double x0, x1, y0, y1;
    ImVec2 at(double x, double y) const {
        return {pos.x + w * static_cast<float>((x - x0) / (x1 - x0)),
                pos.y + h * static_cast<float>(1 - (y - y0) / (y1 - y0))};
    }
};

Plot begin_plot(float h, double x0, double x1, double y0, double y1) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::GetWindowDrawList()->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.7f),
                                              3);
    ImGui::Dummy({w, h});
    return {pos, w, h, x0, x1 > x0 ? x1 : x0 + 1, y0, y1 > y0 ? y1 : y0 + 1};
}

}  // namespace

void draw_progress(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.progress) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize(
        {std::min(em * 52, vp->Size.x * 0.95f), std::min(em * 40, vp->Size.y * 0.92f)},
        ImGuiCond_Appearing);
    bool open = true;
    if (!ImGui::Begin("Progress", &open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        if (!open) ui.progress.reset();
        return;
    }
    const recovery::Progress& p = ui.progress->summary;
    const auto& days = ui.progress->days;
    if (days.empty()) {
        ImGui::TextWrapped(
            "No sessions yet. Each session you practise, and each trigger you "
            "mark, shows here over the weeks.");
        ImGui::End();
        if (!open) ui.progress.reset();
        return;
    }
    ImGui::TextDisabled("%s to %s: %d sessions, %d episodes", p.from.c_str(), p.to.c_str(),
                        p.sessions, p.episodes);
    // The sentence, in the tone of months: no verdict from one week.
    if (p.trend) {
        const auto& t = *p.trend;
        ImGui::PushFont(f.fonts.number);
        ImGui::TextWrapped("Your half-recovery time %s %.0f %% per month",
                           t.change_pct_per_30d < 0 ? "fell" : "rose",
                           std::abs(t.change_pct_per_30d));
        ImGui::PopFont();
        ImGui::TextDisabled(
            "over %d episodes; 95 %% interval %.0f %% to %.0f %%. Progress is not "
            "a straight line: setbacks are part of it.",
            t.episodes_used, t.ci_low_pct, t.ci_high_pct);
    } else {
        ImGui::TextWrapped("No trend yet: %s.", p.trend_reason.c_str());
    }
    // Half-recovery times, log scale, days since the first session.
    const double t_first = static_cast<double>(days.front().start);
    const double span_d =
        std::max(7.0, (static_cast<double>(days.back().start) - t_first) / kDayS + 1);
    double lo = 1e300, hi = -1e300;
    for (const auto& d : days)
        for (const auto& e : d.episodes)
            if (e.hr) lo = std::min(lo, e.hr->t50_s), hi = std::max(hi, e.hr->t50_s);
    ImGui::Separator();
    ImGui::TextUnformatted("Half-recovery time of each episode (log scale)");
    if (lo > hi) {
        ImGui::TextDisabled("No fitted recoveries yet.");
    } else {
        const double ylo = std::log(lo / 1.5), yhi = std::log(hi * 1.5);
        const Plot pl = begin_plot(em * 10, 0, span_d, ylo, yhi);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (const double s : {15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0}) {
            if (std::log(s) < ylo || std::log(s) > yhi) continue;
            const ImVec2 a = pl.at(0, std::log(s));
            dl->AddLine(a, {a.x + pl.w, a.y}, u32(kDim, 0.25f));
            dl->AddText({a.x + 3, a.y - em}, u32(kDim), clock_text(s).c_str());
        }
        for (const auto& d : days)
            for (const auto& e : d.episodes)
                if (e.hr)
                    dl->AddCircleFilled(
                        pl.at((static_cast<double>(d.start) - t_first + e.onset_s) / kDayS,
                              std::log(e.hr->t50_s)),
                        em * 0.25f, u32(kCalm));
        if (p.trend) {  // over the episodes' own span, inside the plot
            double x_lo = 1e300, x_hi = -1e300;
            for (const auto& d : days)
                for (const auto& e : d.episodes)
                    if (e.hr) {
                        const double x =
                            (static_cast<double>(d.start) - t_first + e.onset_s) / kDayS;
                        x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
                    }
            dl->PushClipRect(pl.pos, {pl.pos.x + pl.w, pl.pos.y + pl.h}, true);
            dl->AddLine(pl.at(x_lo, p.trend->ln_t50_at_first + p.trend->slope_per_day * x_lo),
                        pl.at(x_hi, p.trend->ln_t50_at_first + p.trend->slope_per_day * x_hi),
                        u32(kActivated), 2.0f);
            dl->PopClipRect();
        }
        ImGui::TextDisabled("dots: episodes; amber: the trend (Theil-Sen through ln t50)");
    }
    // Practice minutes per week.
    ImGui::Separator();
    ImGui::TextUnformatted("Practice per week (minutes)");
    double most = 1;
    for (const auto& w : p.weeks) most = std::max(most, w.practice_min);
    {
        const Plot pl = begin_plot(em * 5, 0, static_cast<double>(p.weeks.size()), 0, most * 1.15);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (std::size_t i = 0; i < p.weeks.size(); ++i) {
            const ImVec2 a = pl.at(static_cast<double>(i) + 0.15, p.weeks[i].practice_min);
            const ImVec2 b = pl.at(static_cast<double>(i) + 0.85, 0);
            dl->AddRectFilled(a, b, u32(kCalm, 0.7f));
            if (p.weeks[i].episodes > 0) {
                char n[16];
                std::snprintf(n, sizeof n, "%d", p.weeks[i].episodes);
                dl->AddText({a.x, a.y - em}, u32(kDim), n);
            }
        }
        ImGui::TextDisabled("bars: minutes practised; numbers: episodes that week");
    }
    // What sets you off, and what takes longest to settle (from the journal notes).
    ImGui::Separator();
    ImGui::TextUnformatted("Triggers by what happened (from your journal notes)");
    struct Category {
        int episodes = 0;
        std::vector<double> t50, back;
    };
    std::map<std::string, Category> cats;
    for (const auto& d : days)
        for (const auto& e : d.episodes) {
            Category& c =
                cats[e.journal && !e.journal->what.empty() ? e.journal->what : "(no note)"];
            ++c.episodes;
            if (e.hr) c.t50.push_back(e.hr->t50_s);
            if (e.back_to_baseline_s) c.back.push_back(*e.back_to_baseline_s);
        }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? -1.0 : v[v.size() / 2];
    };
    if (cats.empty()) {
        ImGui::TextDisabled("No episodes yet.");
    } else if (ImGui::BeginTable("##cats", 4,
                                 ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h :
             {"what happened", "episodes", "median half-way back", "median settled in"})
            ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        std::vector<std::pair<std::string, Category>> rows(cats.begin(), cats.end());
        // Longest to settle first.
        std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
            return median(a.second.t50) > median(b.second.t50);
        });
        for (const auto& [name, c] : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", c.episodes);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(c.t50.empty() ? "--" : clock_text(median(c.t50)).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(c.back.empty() ? "--" : clock_text(median(c.back)).c_str());
        }
        ImGui::EndTable();
    }
    double coherent = 0;
    for (const auto& w : p.weeks) coherent += w.coherence_high_min;
    ImGui::TextDisabled("Time at high coherence: %.0f minutes over %zu weeks.", coherent,
                        p.weeks.size());
    // Resting ln RMSSD.
    ImGui::Separator();
    ImGui::TextUnformatted("Resting HRV (ln RMSSD of each session's resting baseline)");
    std::vector<std::pair<double, double>> rest;
    for (const auto& d : days)
        if (d.baseline && d.baseline->rmssd_ms > 0)
            rest.emplace_back((static_cast<double>(d.start) - t_first) / kDayS,
                              std::log(d.baseline->rmssd_ms));
    if (rest.empty()) {
        ImGui::TextDisabled("No resting baselines yet (the first 2 minutes of a session).");
    } else {
        double rlo = 1e300, rhi = -1e300;
        for (const auto& [x, y] : rest) rlo = std::min(rlo, y), rhi = std::max(rhi, y);
        if (p.resting)
            rlo = std::min(rlo, p.resting->band_low), rhi = std::max(rhi, p.resting->band_high);
        const Plot pl = begin_plot(em * 5, 0, span_d, rlo - 0.2, rhi + 0.2);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        if (p.resting)
            dl->AddRectFilled(pl.at(0, p.resting->band_high), pl.at(span_d, p.resting->band_low),
                              u32(kCalm, 0.15f));
        for (const auto& [x, y] : rest) dl->AddCircleFilled(pl.at(x, y), em * 0.2f, u32(kText));
        if (p.resting) {
            const ImVec2 a = pl.at(span_d - 7, p.resting->ln_rmssd_7d_mean);
            dl->AddLine(a, {pl.pos.x + pl.w, a.y}, u32(kActivated), 2.5f);
            ImGui::TextDisabled(
                "band: your 60-day mean +- 0.75 SD (HRV4Training's convention); "
                "amber: the last 7 days' mean %.2f",
                p.resting->ln_rmssd_7d_mean);
        } else {
            ImGui::TextDisabled("The 7-day mean needs at least 3 readings in the last 7 days.");
        }
    }
    ImGui::End();
    if (!open) ui.progress.reset();
}

}  // namespace steady::ui
