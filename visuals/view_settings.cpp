// The Settings window: pattern, adaptation and its bounds, sound, challenge level, text size.
// Every change is saved to the settings file at once.
#include <algorithm>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {

void draw_settings(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.settings_open) return;
    Config& cfg = f.config;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 30, 0}, ImGuiCond_Appearing);
    if (!ImGui::Begin("Settings", &ui.settings_open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    bool changed = false;
    std::vector<pacer::Pattern> all = pacer::builtin_patterns();
    all.insert(all.end(), cfg.pacer.custom.begin(), cfg.pacer.custom.end());
    const std::string cur = f.view && f.view->pacer ? f.view->pacer->segment_at(f.t_s).pattern.name
                                                    : cfg.pacer.pattern.value_or("4-7-8");
    if (ImGui::BeginCombo("pattern", cur.c_str())) {
        for (const pacer::Pattern& p : all) {
            const std::string label = p.name + "  (" + p.counts_text() + ")";
            if (ImGui::Selectable(label.c_str(), p.name == cur)) {
                cfg.pacer.pattern = p.name;
                f.ctl.set_pattern(p);
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::TextDisabled("A new pattern starts at the next breath cycle.");
    if (ImGui::Checkbox("adapt the tempo to arousal", &cfg.pacer.adapt.enabled)) {
        f.ctl.set_adaptation(cfg.pacer.adapt.enabled);
        changed = true;
    }
    float fast = static_cast<float>(cfg.pacer.adapt.fast_count_s);
    float slow = static_cast<float>(cfg.pacer.adapt.slow_count_s);
    ImGui::SliderFloat("fastest count (s)", &fast, 0.3f, 1.5f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    ImGui::SliderFloat("slowest count (s)", &slow, 0.5f, 2.0f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    cfg.pacer.adapt.fast_count_s = std::min(fast, slow);
    cfg.pacer.adapt.slow_count_s = std::max(fast, slow);
    ImGui::TextDisabled("Bounds apply from the next session.");
    ImGui::Separator();
    if (ImGui::Checkbox("sound cues", &cfg.window.audio)) {
        f.ctl.audio_changed();
        changed = true;
    }
    float vol = static_cast<float>(cfg.window.volume);
    if (ImGui::SliderFloat("volume", &vol, 0, 1, "%.2f")) {
        cfg.window.volume = vol;
        f.ctl.audio_changed();
    }
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    ImGui::SliderInt("challenge level", &cfg.window.challenge, 1, 4);
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    ImGui::TextDisabled("The summary counts coherence at the level a session started with.");
    float fs = static_cast<float>(cfg.window.font_scale);
    ImGui::SliderFloat("text size", &fs, 0.75f, 2.0f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) {
        cfg.window.font_scale = fs;
        changed = true;
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Journal: what can happen");
    auto& cats = cfg.window.journal_categories;
    for (std::size_t i = 0; i < cats.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x") && cats.size() > 1) {
            cats.erase(cats.begin() + static_cast<std::ptrdiff_t>(i));
            changed = true;
            ImGui::PopID();
            break;
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(cats[i].c_str());
        ImGui::PopID();
    }
    static char added[64] = {};
    ImGui::SetNextItemWidth(em * 14);
    const bool enter = ImGui::InputTextWithHint("##newcat", "another category", added, sizeof added,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Add") || enter) && added[0] &&
        std::find(cats.begin(), cats.end(), std::string(added)) == cats.end()) {
        cats.emplace_back(added);
        added[0] = 0;
        changed = true;
    }
    ImGui::TextDisabled("Saved in %s", f.config_path.c_str());
    if (changed) f.ctl.settings_changed();
    ImGui::End();
}

}  // namespace steady::ui
