// Nonlinear metrics against analytic expectations and a brute-force reference.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <random>

#include "hrv/nonlinear.h"
#include "hrv/pair_count.h"
#include "hrv/time_domain.h"

using namespace steady;

namespace {
std::vector<double> white(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(900, 40);
    std::vector<double> x(n);
    for (double& v : x) v = d(rng);
    return x;
}

// O(N^2) textbook sample entropy, the reference for the sorted implementation.
std::optional<double> sampen_brute(const std::vector<double>& x, int m, double r) {
    const std::size_t n = x.size(), mm = static_cast<std::size_t>(m), T = n - mm;
    double A = 0, B = 0;
    for (std::size_t i = 0; i < T; ++i) {
        for (std::size_t j = i + 1; j < T; ++j) {
            bool match = true;
            for (std::size_t k = 0; k < mm && match; ++k)
                match = std::abs(x[i + k] - x[j + k]) <= r;
            if (!match) continue;
            ++B;
            A += std::abs(x[i + mm] - x[j + mm]) <= r;
        }
    }
    if (A == 0 || B == 0) return std::nullopt;
    return -std::log(A / B);
}

// Textbook DFA, three passes per box: box means, then the least-squares slope from centred
// values, then the residuals; alpha from a least-squares fit of log F on log n.
double dfa_brute(const std::vector<double>& rr, int min_box, int max_box) {
    const double m = std::accumulate(rr.begin(), rr.end(), 0.0) / static_cast<double>(rr.size());
    std::vector<double> y(rr.size());
    double acc = 0;
    for (std::size_t k = 0; k < rr.size(); ++k) y[k] = acc += rr[k] - m;
    std::vector<double> lx, ly;
    for (int box = min_box; box <= max_box; ++box) {
        const auto L = static_cast<std::size_t>(box);
        double sum = 0;
        const std::size_t boxes = y.size() / L;
        for (std::size_t b = 0; b < boxes; ++b) {
            const double* seg = y.data() + b * L;
            double tm = 0, ym = 0;
            for (std::size_t j = 0; j < L; ++j) tm += static_cast<double>(j), ym += seg[j];
            tm /= static_cast<double>(L);
            ym /= static_cast<double>(L);
            double stt = 0, sty = 0;
            for (std::size_t j = 0; j < L; ++j) {
                const double t = static_cast<double>(j) - tm;
                stt += t * t, sty += t * (seg[j] - ym);
            }
            const double slope = sty / stt;
            for (std::size_t j = 0; j < L; ++j) {
                const double e = seg[j] - ym - slope * (static_cast<double>(j) - tm);
                sum += e * e;
            }
        }
        lx.push_back(std::log10(static_cast<double>(L)));
        ly.push_back(std::log10(std::sqrt(sum / static_cast<double>(boxes * L))));
    }
    const double n = static_cast<double>(lx.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < lx.size(); ++i)
        sx += lx[i], sy += ly[i], sxx += lx[i] * lx[i], sxy += lx[i] * ly[i];
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
}  // namespace

TEST_CASE("DFA equals the textbook two-pass definition", "[nonlinear]") {
    // The one-pass box sums must not lose precision on a long record whose profile wanders far
    // from zero (a slow trend makes the running sum large).
    auto rr = white(20000, 8);
    for (std::size_t i = 0; i < rr.size(); ++i)
        rr[i] += 150 * std::sin(static_cast<double>(i) * 2e-4);
    CHECK(*hrv::dfa_alpha(rr, 4, 16) == Approx(dfa_brute(rr, 4, 16)).epsilon(1e-9));
    CHECK(*hrv::dfa_alpha(rr, 16, 64) == Approx(dfa_brute(rr, 16, 64)).epsilon(1e-9));
    const auto short_rr = white(300, 9);
    CHECK(*hrv::dfa_alpha(short_rr, 4, 16) == Approx(dfa_brute(short_rr, 4, 16)).epsilon(1e-9));
}

TEST_CASE("the nonlinear group in parts, in any order, equals the whole", "[nonlinear]") {
    for (const std::size_t n : {600u, 5000u}) {
        INFO(n << " beats");
        const auto rr = white(n, 4);
        const hrv::NonlinearSettings s;
        hrv::NonlinearJob job(rr, s);
        CHECK(job.parts() == (n >= 3000 ? 3u : 1u));
        for (std::size_t k = job.parts(); k-- > 0;) job.run(k);
        const hrv::Nonlinear parts = job.result(), whole = hrv::nonlinear(rr, s);
        REQUIRE(parts.sampen);
        CHECK(*parts.sampen == *sampen_brute(rr, 2, 0.2 * hrv::sample_sd(rr)));
        CHECK(parts.sampen == whole.sampen);
        CHECK(parts.sd1_ms == whole.sd1_ms);
        CHECK(parts.sd2_ms == whole.sd2_ms);
        CHECK(parts.dfa_alpha1 == whole.dfa_alpha1);
        CHECK(parts.dfa_alpha2 == whole.dfa_alpha2);
    }
}

TEST_CASE("DFA: white noise gives alpha 0.5, its running sum 1.5", "[nonlinear][analytic]") {
    const auto w = white(8192, 3);
    const auto a1 = hrv::dfa_alpha(w, 4, 16), a2 = hrv::dfa_alpha(w, 16, 64);
    REQUIRE(a1);
    REQUIRE(a2);
    // Over 4-16 beats DFA-1 over-estimates alpha for white noise (Kantelhardt et al. 2001,
    // Physica A 295:441); a textbook numpy DFA gives 0.57-0.59 over five seeds. Long boxes: 0.5.
    CHECK(*a1 > 0.5);
    CHECK(*a1 < 0.65);
    CHECK(*a2 == Approx(0.5).margin(0.1));
    std::vector<double> brown(w.size());
    double acc = 900;
    for (std::size_t i = 0; i < w.size(); ++i) brown[i] = acc += (w[i] - 900) * 0.1;
    CHECK(*hrv::dfa_alpha(brown, 16, 64) == Approx(1.5).margin(0.1));
    CHECK_FALSE(hrv::dfa_alpha(std::vector<double>(100, 900), 16, 64));  // too short
}

TEST_CASE("sample entropy equals the brute-force definition", "[nonlinear]") {
    // 600 beats take the sorted scan, 5000 the pair counter.
    for (const auto& [seed, n] : {std::pair{1u, 600}, {2u, 600}, {3u, 5000}}) {
        const auto x = white(static_cast<std::size_t>(n), seed);
        const double r = 0.2 * hrv::sample_sd(x);
        const auto fast = hrv::sample_entropy(x, 2, r);
        const auto slow = sampen_brute(x, 2, r);
        REQUIRE(fast);
        REQUIRE(slow);
        CHECK(*fast == Approx(*slow).epsilon(1e-12));
    }
    // White noise with r = 0.2 SD: SampEn near -ln(P(|x-y| <= 0.2 SD)) = -ln(0.1125) = 2.18.
    const auto big = white(3000, 9);
    CHECK(*hrv::sample_entropy(big, 2, 0.2 * hrv::sample_sd(big)) == Approx(2.18).margin(0.15));
}

namespace {
std::uint64_t close_pairs_brute(const std::vector<double>& x, std::size_t T, int dim, double r) {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < T; ++i)
        for (std::size_t j = i + 1; j < T; ++j) {
            bool match = true;
            for (std::size_t k = 0; k < static_cast<std::size_t>(dim) && match; ++k)
                match = std::abs(x[i + k] - x[j + k]) <= r;
            c += match;
        }
    return c;
}
}  // namespace

TEST_CASE("close-pair counts equal brute force, ties at exactly r included", "[nonlinear]") {
    // Real RR from straps is quantised (1 ms or 1/1024 s), so many differences equal r exactly
    // and many templates coincide: both must be counted the way |a - b| <= r counts them.
    std::mt19937 rng(5);
    std::normal_distribution<double> d(0, 1);
    std::vector<double> smooth(1500), quantised(1500), constant(300, 812.0);
    double level = 900;
    for (std::size_t i = 0; i < smooth.size(); ++i) {
        level += 0.2 * (900 - level) + 15 * d(rng);  // correlated, like successive RR
        smooth[i] = level;
        quantised[i] = std::round(level / 8) * 8;  // 8-ms steps: ties everywhere
    }
    for (const auto* x : {&smooth, &quantised, &constant}) {
        for (int dim = 1; dim <= hrv::kMaxPairCountDim; ++dim) {
            for (const double r : {0.0, 8.0, 16.0, 0.2 * hrv::sample_sd(*x)}) {
                const std::size_t T = x->size() - 3;
                INFO("n " << x->size() << " dim " << dim << " r " << r);
                const std::uint64_t brute = close_pairs_brute(*x, T, dim, r);
                CHECK(hrv::count_close_pairs(*x, T, dim, r) == brute);
                CHECK(hrv::count_close_pairs(*x, T, dim, r, hrv::PairKernel::plain) == brute);
            }
        }
    }
    CHECK(hrv::count_close_pairs(constant, 300, 1, 0) == 300 * 299 / 2);
    CHECK(hrv::count_close_pairs(smooth, 0, 3, 1) == 0);
}

TEST_CASE("a periodic series is perfectly regular: sample entropy near zero", "[nonlinear]") {
    std::vector<double> x;
    for (int i = 0; i < 400; ++i) x.push_back(900 + 50 * std::sin(i * 2.0 * 3.14159265358979 / 8));
    const auto s = hrv::sample_entropy(x, 2, 0.2 * hrv::sample_sd(x));
    REQUIRE(s);
    CHECK(*s < 0.05);
}

TEST_CASE("Poincare SD1/SD2 for an alternating series", "[nonlinear][analytic]") {
    std::vector<double> alt;
    for (int i = 0; i < 1001; ++i) alt.push_back(i % 2 ? 900 : 800);
    hrv::Nonlinear n;
    hrv::poincare(alt, n);
    // (RR[n+1] - RR[n]) / sqrt2 = +-100/sqrt2, alternating: SD = 100/sqrt2 * sqrt(N/(N-1)).
    const double pairs = 1000;
    CHECK(*n.sd1_ms == Approx(100 / std::sqrt(2.0) * std::sqrt(pairs / (pairs - 1))));
    CHECK(*n.sd2_ms == Approx(0).margin(1e-9));  // every sum is 1700
}
