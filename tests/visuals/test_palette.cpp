// Every text on a pacer colour reaches WCAG 4.5:1 (the count digit on the disc, at every arousal
// level and before the baseline), and high arousal is not an alarm red.
#include <catch2/catch.hpp>

#include "visuals/palette.h"

using namespace steady::ui;

TEST_CASE("WCAG contrast: the reference values", "[gui][palette]") {
    CHECK(contrast(rgb(0, 0, 0), rgb(255, 255, 255)) == Approx(21.0));
    CHECK(contrast(rgb(119, 119, 119), rgb(255, 255, 255)) == Approx(4.48).margin(0.01));
}

TEST_CASE("the count digit reads at 4.5:1 on every pacer colour", "[gui][palette]") {
    std::vector<ImVec4> fills{pacer_core_fill(kNeutral)};
    for (int i = 0; i <= 100; ++i)
        fills.push_back(pacer_core_fill(arousal_colour(static_cast<float>(i) / 100.0f)));
    double worst = 1e9;
    for (const ImVec4& f : fills) worst = std::min(worst, contrast(text_on(f), f));
    INFO("lowest contrast " << worst);
    CHECK(worst >= 4.5);
    // The old light digit on the calm disc measured about 2.6:1: the rule matters.
    CHECK(contrast(kText, pacer_core_fill(kCalm)) < 4.5);
}

TEST_CASE("panel and background texts reach 4.5:1", "[gui][palette]") {
    for (const ImVec4& bg : {kBackground, kPanel}) {
        CHECK(contrast(kText, bg) >= 4.5);
        CHECK(contrast(kDim, bg) >= 4.5);
        CHECK(contrast(kActivated, bg) >= 4.5);
        CHECK(contrast(kCalm, bg) >= 4.5);
        CHECK(contrast(kHigh, bg) >= 4.5);
    }
    CHECK(contrast(kInk, kActivated) >= 4.5);  // "SIMULATED DATA" on its badge
}

TEST_CASE("high arousal is warm but not an alarm red", "[gui][palette]") {
    // Alarm red: red far above both green and blue. The rose keeps blue close to red.
    CHECK(kHigh.z > 0.5f * kHigh.x);
    CHECK(kHigh.x > kHigh.y);  // still warm
}
