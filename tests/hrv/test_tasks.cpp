// The task runner behind whole-record analysis, and the analysis it runs checked against its
// parts computed one by one.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "hrv/analysis.h"
#include "hrv/nonlinear.h"
#include "hrv/resample.h"
#include "hrv/spectrum.h"
#include "hrv/tasks.h"
#include "hrv/time_domain.h"
#include "support/synthetic.h"

using namespace steady;

TEST_CASE("every task runs exactly once, on one thread or several", "[tasks]") {
    for (const unsigned threads : {0u, 1u, 2u, 4u, 64u}) {
        INFO(threads << " threads");
        std::vector<std::atomic<int>> runs(37);
        std::vector<std::function<void()>> tasks;
        for (auto& r : runs) tasks.emplace_back([&r] { ++r; });
        hrv::run_tasks(tasks, threads);
        for (const auto& r : runs) CHECK(r == 1);
    }
    hrv::run_tasks({}, 2);  // nothing to do
}

TEST_CASE("one thread runs the tasks in order on the caller's thread", "[tasks]") {
    std::vector<int> order;
    std::vector<std::thread::id> ids;
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < 5; ++i)
        tasks.emplace_back([&, i] {
            order.push_back(i);
            ids.push_back(std::this_thread::get_id());
        });
    hrv::run_tasks(tasks, 1);
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    for (const auto& id : ids) CHECK(id == std::this_thread::get_id());
}

TEST_CASE("a task that throws: the others still run and the error reaches the caller", "[tasks]") {
    std::atomic<int> ran{0};
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < 8; ++i) {
        tasks.emplace_back([&, i] {
            if (i == 2) throw std::runtime_error("task 2 failed");
            ++ran;
        });
    }
    CHECK_THROWS_WITH(hrv::run_tasks(tasks, 2), "task 2 failed");
    CHECK(ran == 7);
}

TEST_CASE("a long record analysed on several threads equals its parts computed one by one",
          "[tasks][analysis]") {
    const auto rr = test::physiological_rr(8 * 3600.0, 31, 880);
    REQUIRE(rr.size() >= hrv::kParallelFromBeats);
    hrv::Analyzer analyzer;
    const auto r = analyzer.analyze(rr);
    const auto t = hrv::beat_times_s(rr);
    const hrv::AnalysisSettings s;
    hrv::FftPlanCache plans;
    const auto time = hrv::time_domain(rr, s.time);
    const auto freq = hrv::frequency_domain(t, rr, s.spectrum, plans);
    const auto nl = hrv::nonlinear(rr, s.nonlinear);
    const auto coh = hrv::coherence_over_record(t, rr, s.coherence, plans);
    REQUIRE(r.time);
    REQUIRE(r.frequency);
    REQUIRE(r.coherence);
    CHECK(r.time->rmssd_ms == time.rmssd_ms);
    CHECK(r.time->triangular_index == time.triangular_index);
    CHECK(r.frequency->lf_ms2 == freq.lf_ms2);
    CHECK(r.frequency->hf_ms2 == freq.hf_ms2);
    CHECK(r.respiration_rate_bpm == hrv::respiration_rate_bpm(freq.spectrum));
    CHECK(r.nonlinear.sampen == nl.sampen);
    CHECK(r.nonlinear.sd1_ms == nl.sd1_ms);
    CHECK(r.nonlinear.dfa_alpha2 == nl.dfa_alpha2);
    CHECK(r.coherence->ratio_mean == coh->ratio_mean);
    CHECK(r.coherence->windows == coh->windows);
    CHECK(r.artifacts.corrected == 0);
}
