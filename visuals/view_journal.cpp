// The trigger journal: the note after a mark (what happened, where in the body, the thought,
// intensity, what helped), and the list of every note with its episode's recovery, where a note
// can be edited later (intensity afterwards, what helped).
#include <algorithm>
#include <cstring>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

std::string joined(const bool (&on)[6], const char* const (&names)[6]) {
    std::string out;
    for (int i = 0; i < 6; ++i)
        if (on[i]) out += (out.empty() ? "" : ", ") + std::string(names[i]);
    return out;
}

void split_into(const std::string& text, bool (&on)[6], const char* const (&names)[6]) {
    for (int i = 0; i < 6; ++i) on[i] = text.find(names[i]) != std::string::npos;
}

void copy(char* to, std::size_t n, const std::string& from) {
    std::strncpy(to, from.c_str(), n - 1);
    to[n - 1] = 0;
}

JournalEvent note_of(const JournalDraft& j, const std::vector<std::string>& categories) {
    JournalEvent n;
    n.mark_t_s = j.mark_t_s;
    n.what = j.category >= 0 && j.category < static_cast<int>(categories.size())
                 ? categories[static_cast<std::size_t>(j.category)]
                 : std::string(j.what);
    n.body = joined(j.body, kBodyPlaces);
    n.thought = j.thought;
    n.intensity = j.intensity;
    n.helped = joined(j.helped, kHelped);
    if (j.intensity_after >= 0) n.intensity_after = j.intensity_after;
    return n;
}

// A row of checkboxes that wraps to the window's width.
void checkbox_row(const char* label, bool (&on)[6], const char* const (&names)[6]) {
    ImGui::TextDisabled("%s", label);
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    for (int i = 0; i < 6; ++i) {
        ImGui::PushID(i);
        const float w = ImGui::CalcTextSize(names[i]).x + ImGui::GetFrameHeight() * 2;
        ImGui::SameLine();
        if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        ImGui::Checkbox(names[i], &on[i]);
        ImGui::PopID();
    }
}

}  // namespace

void draw_journal(Frame& f) {
    JournalDraft& j = f.ui.journal;
    if (!j.open) return;
    const float em = ImGui::GetFontSize();
    const auto& cats = f.config.window.journal_categories;
    // Over the bottom of the window, full width: the pacer and both panel columns stay in view.
    const float h = std::max(f.tacho_size.y, em * 14);
    ImGui::SetNextWindowPos({f.tacho_pos.x, f.tacho_pos.y + f.tacho_size.y - h}, ImGuiCond_Always);
    ImGui::SetNextWindowSize({f.tacho_size.x, h}, ImGuiCond_Always);
    const std::string title =
        j.session ? "Edit the note (session " + std::to_string(j.session) + ")###note"
                  : "Trigger marked###note";
    ImGui::Begin(title.c_str(), &j.open,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize);
    ImGui::TextWrapped(
        "Marked at %s. A note helps you see patterns later; every part is "
        "optional.%s",
        clock_text(j.mark_t_s).c_str(), j.session ? "" : " The pacer keeps going.");
    ImGui::SetNextItemWidth(em * 14);
    const char* shown = j.category >= 0 && j.category < static_cast<int>(cats.size())
                            ? cats[static_cast<std::size_t>(j.category)].c_str()
                            : "in my own words";
    if (ImGui::BeginCombo("what happened", shown)) {
        for (int i = 0; i < static_cast<int>(cats.size()); ++i)
            if (ImGui::Selectable(cats[static_cast<std::size_t>(i)].c_str(), i == j.category))
                j.category = i;
        if (ImGui::Selectable("in my own words", j.category < 0)) j.category = -1;
        ImGui::EndCombo();
    }
    if (j.category < 0) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(em * 18);
        ImGui::InputTextWithHint("##what", "What happened?", j.what, sizeof j.what);
    }
    ImGui::SameLine(0, em * 2);
    ImGui::SetNextItemWidth(em * 10);
    ImGui::SliderInt("intensity then (0-10)", &j.intensity, 0, 10);
    checkbox_row("In the body:", j.body, kBodyPlaces);
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##thought", "The thought, the story you told yourself", j.thought,
                             sizeof j.thought);
    checkbox_row("What helped:", j.helped, kHelped);
    bool after = j.intensity_after >= 0;
    if (ImGui::Checkbox("intensity afterwards", &after)) j.intensity_after = after ? 2 : -1;
    if (after) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(em * 10);
        ImGui::SliderInt("##after", &j.intensity_after, 0, 10);
    }
    ImGui::SameLine(0, em * 2);
    if (ImGui::Button("Save note")) {
        f.ctl.save_journal(j.session, note_of(j, cats));
        j.open = false;
    }
    ImGui::SameLine();
    if (ImGui::Button(j.session ? "Cancel" : "Skip")) j.open = false;
    ImGui::End();
}

void draw_journal_list(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.journal_list) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(em * 56, vp->Size.x * 0.95f), em * 26}, ImGuiCond_Appearing);
    bool open = true;
    if (ImGui::Begin("Trigger journal", &open, ImGuiWindowFlags_NoCollapse)) {
        if (ui.journal_list->empty())
            ImGui::TextWrapped(
                "No notes yet. After you mark a trigger (T), a note of what happened "
                "and how it felt shows here with how long your body took to "
                "settle.");
        const ImGuiTableFlags flags =
            ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
        if (!ui.journal_list->empty() && ImGui::BeginTable("##notes", 6, flags)) {
            ImGui::TableSetupScrollFreeze(0, 1);
            for (const char* c :
                 {"when (UTC)", "what happened", "intensity", "half-way back", "settled in", ""})
                ImGui::TableSetupColumn(c);
            ImGui::TableHeadersRow();
            int row = 0;
            for (const JournalEntry& e : *ui.journal_list) {
                ImGui::PushID(row++);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const std::string when =
                    e.started_at.substr(0, 10) + " +" + clock_text(e.note.mark_t_s);
                ImGui::TextUnformatted(when.c_str());
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", e.note.what.empty() ? "(no words)" : e.note.what.c_str());
                if (!e.note.thought.empty()) ImGui::TextDisabled("\"%s\"", e.note.thought.c_str());
                if (!e.note.helped.empty())
                    ImGui::TextDisabled("helped: %s", e.note.helped.c_str());
                ImGui::TableNextColumn();
                if (e.note.intensity) {
                    if (e.note.intensity_after)
                        ImGui::Text("%d -> %d", *e.note.intensity, *e.note.intensity_after);
                    else
                        ImGui::Text("%d", *e.note.intensity);
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(
                    e.episode && e.episode->hr ? clock_text(e.episode->hr->t50_s).c_str() : "--");
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(e.episode && e.episode->back_to_baseline_s
                                           ? clock_text(*e.episode->back_to_baseline_s).c_str()
                                           : "--");
                ImGui::TableNextColumn();
                if (ImGui::SmallButton("Edit")) {
                    JournalDraft d;
                    d.open = true;
                    d.session = e.session;
                    d.mark_t_s = e.note.mark_t_s;
                    const auto& cats = f.config.window.journal_categories;
                    const auto it = std::find(cats.begin(), cats.end(), e.note.what);
                    d.category = it == cats.end() ? -1 : static_cast<int>(it - cats.begin());
                    copy(d.what, sizeof d.what, e.note.what);
                    split_into(e.note.body, d.body, kBodyPlaces);
                    copy(d.thought, sizeof d.thought, e.note.thought);
                    d.intensity = e.note.intensity.value_or(5);
                    split_into(e.note.helped, d.helped, kHelped);
                    d.intensity_after = e.note.intensity_after.value_or(-1);
                    ui.journal = d;
                }
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
    }
    ImGui::End();
    if (!open) ui.journal_list.reset();
}

}  // namespace steady::ui
