#include "hrv/pair_count.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

namespace steady::hrv {
namespace {

constexpr std::size_t kLeafSize = 32;

// Pairs (i, j) with i in [a0, a1) and j in [b0, b1) (j > i when `upper`) that are within r in
// each of the K coordinate arrays c[0..K).
template <int K>
std::uint64_t leaf_pairs_plain(const double* const* c, std::size_t a0, std::size_t a1,
                               std::size_t b0, std::size_t b1, bool upper, double r) {
    std::uint64_t n = 0;
    for (std::size_t i = a0; i < a1; ++i) {
        std::array<double, K> p;
        for (std::size_t d = 0; d < K; ++d) p[d] = c[d][i];
        std::uint32_t close = 0;
        for (std::size_t j = upper ? i + 1 : b0; j < b1; ++j) {
            std::uint32_t ok = 1;
            for (std::size_t d = 0; d < K; ++d) ok &= std::abs(p[d] - c[d][j]) <= r;
            close += ok;
        }
        n += close;
    }
    return n;
}

std::uint64_t leaf_pairs_plain(const double* const* c, int k, std::size_t a0, std::size_t a1,
                               std::size_t b0, std::size_t b1, bool upper, double r) {
    switch (k) {
        case 1:
            return leaf_pairs_plain<1>(c, a0, a1, b0, b1, upper, r);
        case 2:
            return leaf_pairs_plain<2>(c, a0, a1, b0, b1, upper, r);
        case 3:
            return leaf_pairs_plain<3>(c, a0, a1, b0, b1, upper, r);
        default:
            return leaf_pairs_plain<4>(c, a0, a1, b0, b1, upper, r);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define STEADY_PAIR_COUNT_AVX2 1
// The same count four candidates at a time in AVX2 registers (GCC vector extensions), about
// twice as fast: most of the 3-D count's time is here. fl(b - a) = -fl(a - b) exactly, so
// testing both signs of the difference against r is the same test as |a - b| <= r.
template <int K>
[[gnu::always_inline]] inline std::uint64_t leaf_pairs_x4(const double* const* c, std::size_t a0,
                                                          std::size_t a1, std::size_t b0,
                                                          std::size_t b1, bool upper, double r) {
    typedef double v4d __attribute__((vector_size(32)));
    typedef long long v4l __attribute__((vector_size(32)));
    std::uint64_t n = 0;
    for (std::size_t i = a0; i < a1; ++i) {
        std::array<double, K> p;
        for (std::size_t d = 0; d < K; ++d) p[d] = c[d][i];
        std::size_t j = upper ? i + 1 : b0;
        v4l acc = {};
        for (; j + 4 <= b1; j += 4) {
            v4l ok = v4l{} - 1;  // all bits set: "true" in every lane
            for (std::size_t d = 0; d < K; ++d) {
                v4d v;
                std::memcpy(&v, c[d] + j, sizeof v);
                const v4d diff = v - p[d];
                ok &= (diff <= r) & (-diff <= r);
            }
            acc -= ok;  // a true lane is -1
        }
        n += static_cast<std::uint64_t>(acc[0] + acc[1] + acc[2] + acc[3]);
        for (; j < b1; ++j) {
            bool ok = true;
            for (std::size_t d = 0; d < K; ++d) ok = ok && std::abs(p[d] - c[d][j]) <= r;
            n += ok;
        }
    }
    return n;
}

[[gnu::target("avx2")]] std::uint64_t leaf_pairs_avx2(const double* const* c, int k, std::size_t a0,
                                                      std::size_t a1, std::size_t b0,
                                                      std::size_t b1, bool upper, double r) {
    switch (k) {
        case 1:
            return leaf_pairs_x4<1>(c, a0, a1, b0, b1, upper, r);
        case 2:
            return leaf_pairs_x4<2>(c, a0, a1, b0, b1, upper, r);
        case 3:
            return leaf_pairs_x4<3>(c, a0, a1, b0, b1, upper, r);
        default:
            return leaf_pairs_x4<4>(c, a0, a1, b0, b1, upper, r);
    }
}
#endif

// The AVX2 build when the CPU has it (checked once), else the plain one: the binary runs on
// any x86-64. (Four-wide vectors without AVX2 are emulated, several times slower than plain.)
std::uint64_t leaf_pairs(PairKernel kernel, const double* const* c, int k, std::size_t a0,
                         std::size_t a1, std::size_t b0, std::size_t b1, bool upper, double r) {
#ifdef STEADY_PAIR_COUNT_AVX2
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2 && kernel == PairKernel::fastest)
        return leaf_pairs_avx2(c, k, a0, a1, b0, b1, upper, r);
#endif
    return leaf_pairs_plain(c, k, a0, a1, b0, b1, upper, r);
}

template <int D>
class PairCounter {
  public:
    PairCounter(std::span<const double> x, std::size_t templates, double r, PairKernel kernel)
        : r_(r), kernel_(kernel) {
        points_.resize(templates);
        for (std::size_t i = 0; i < templates; ++i)
            for (int d = 0; d < D; ++d) points_[i][static_cast<std::size_t>(d)] = x[i + d];
        if (templates == 0) return;
        nodes_.reserve(2 * templates / kLeafSize + 2);
        build(0, templates);
        for (std::size_t d = 0; d < D; ++d) {
            coords_[d].resize(templates);
            for (std::size_t i = 0; i < templates; ++i) coords_[d][i] = points_[i][d];
        }
    }

    std::uint64_t count() { return points_.empty() ? 0 : self_pairs(0); }

  private:
    using Point = std::array<double, D>;
    struct Node {
        std::size_t begin, end;
        std::size_t left = 0, right = 0;  // children; 0 = leaf (the root is never a child)
        Point lo, hi;
        std::size_t size() const { return end - begin; }
    };

    std::size_t build(std::size_t begin, std::size_t end) {
        Point lo = points_[begin], hi = points_[begin];
        for (std::size_t i = begin + 1; i < end; ++i) {
            for (std::size_t d = 0; d < D; ++d) {
                lo[d] = std::min(lo[d], points_[i][d]);
                hi[d] = std::max(hi[d], points_[i][d]);
            }
        }
        const std::size_t id = nodes_.size();
        nodes_.push_back({begin, end, 0, 0, lo, hi});
        std::size_t axis = 0;
        for (std::size_t d = 1; d < D; ++d)
            if (hi[d] - lo[d] > hi[axis] - lo[axis]) axis = d;
        if (end - begin <= kLeafSize) return id;
        const std::size_t mid = begin + (end - begin) / 2;
        std::nth_element(points_.begin() + static_cast<std::ptrdiff_t>(begin),
                         points_.begin() + static_cast<std::ptrdiff_t>(mid),
                         points_.begin() + static_cast<std::ptrdiff_t>(end),
                         [axis](const Point& a, const Point& b) { return a[axis] < b[axis]; });
        const std::size_t left = build(begin, mid);
        const std::size_t right = build(mid, end);
        nodes_[id].left = left;
        nodes_[id].right = right;
        return id;
    }

    static bool leaf(const Node& n) { return n.left == 0; }

    std::uint64_t self_pairs(std::size_t id) {
        const Node& n = nodes_[id];
        bool all_close = true;  // no wider than r in any dimension: every pair inside matches
        for (std::size_t d = 0; d < D; ++d) all_close = all_close && n.hi[d] - n.lo[d] <= r_;
        const std::uint64_t size = n.size();
        if (all_close) return size * (size - 1) / 2;
        if (leaf(n)) {
            return leaf_count(n, n, true);
        }
        return self_pairs(n.left) + self_pairs(n.right) + cross_pairs(n.left, n.right);
    }

    std::uint64_t cross_pairs(std::size_t a_id, std::size_t b_id) {
        const Node& a = nodes_[a_id];
        const Node& b = nodes_[b_id];
        bool all_close = true;
        for (std::size_t d = 0; d < D; ++d) {
            if (b.lo[d] - a.hi[d] > r_ || a.lo[d] - b.hi[d] > r_) return 0;
            all_close = all_close && a.hi[d] - b.lo[d] <= r_ && b.hi[d] - a.lo[d] <= r_;
        }
        if (all_close) return static_cast<std::uint64_t>(a.size()) * b.size();
        if (leaf(a) && leaf(b)) {
            return leaf_count(a, b, false);
        }
        if (leaf(b) || (!leaf(a) && a.size() >= b.size()))
            return cross_pairs(a.left, b_id) + cross_pairs(a.right, b_id);
        return cross_pairs(a_id, b.left) + cross_pairs(a_id, b.right);
    }

    // Pairs between two leaves (or within one, `self`), testing only the dimensions in which
    // the two boxes straddle r: where every pair is close, the comparison is skipped.
    std::uint64_t leaf_count(const Node& a, const Node& b, bool self) const {
        std::array<const double*, D> c;
        int k = 0;
        for (std::size_t d = 0; d < D; ++d) {
            if (a.hi[d] - b.lo[d] <= r_ && b.hi[d] - a.lo[d] <= r_) continue;
            c[static_cast<std::size_t>(k++)] = coords_[d].data();
        }
        const std::uint64_t na = a.size(), nb = b.size();
        if (k == 0) return self ? na * (na - 1) / 2 : na * nb;
        return leaf_pairs(kernel_, c.data(), k, a.begin, a.end, b.begin, b.end, self, r_);
    }

    double r_;
    PairKernel kernel_;
    std::vector<Point> points_;
    std::vector<Node> nodes_;
    std::array<std::vector<double>, D> coords_;  // the points again, one array per dimension
};

// Two dimensions: a sweep along the first coordinate with a Fenwick tree over the ranks of the
// second, O(N log N). Window limits use the same comparison as the point test, fl(a - b) <= r,
// which is monotone in a and b, so every window is a contiguous run of the sorted values.
std::uint64_t close_pairs_2d(std::span<const double> x, std::size_t templates, double r) {
    // One sort of the values x[0..templates] gives both orders: templates by their first value
    // (positions k < templates) and by their second (template k - 1 for positions k >= 1).
    std::vector<std::pair<double, std::uint32_t>> sorted(templates + 1);
    for (std::uint32_t k = 0; k <= templates; ++k) sorted[k] = {x[k], k};
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint32_t> by_x;
    by_x.reserve(templates);
    for (const auto& [v, k] : sorted)
        if (k < templates) by_x.push_back(k);
    // Rank of each template's second value among the distinct second values, and for each
    // distinct value the run of ranks [first, last) within r of it (two monotone pointers).
    std::vector<std::uint32_t> rank(templates);
    std::vector<double> ys;
    ys.reserve(templates);
    for (const auto& [v, k] : sorted) {
        if (k == 0) continue;
        if (ys.empty() || v != ys.back()) ys.push_back(v);
        rank[k - 1] = static_cast<std::uint32_t>(ys.size() - 1);
    }
    std::vector<std::uint32_t> first(ys.size()), last(ys.size());
    for (std::size_t k = 0, f = 0, l = 0; k < ys.size(); ++k) {
        while (ys[k] - ys[f] > r) ++f;
        while (l < ys.size() && ys[l] - ys[k] <= r) ++l;
        first[k] = static_cast<std::uint32_t>(f);
        last[k] = static_cast<std::uint32_t>(l);
    }
    std::vector<std::uint32_t> tree(ys.size() + 1, 0);  // Fenwick tree of counts by rank
    const auto add = [&](std::size_t k, std::uint32_t v) {
        for (++k; k < tree.size(); k += k & (~k + 1)) tree[k] += v;
    };
    const auto below = [&](std::size_t k) {  // entries with rank < k
        std::uint32_t c = 0;
        for (; k > 0; k -= k & (~k + 1)) c += tree[k];
        return c;
    };
    std::uint64_t pairs = 0;
    std::size_t lo = 0;
    for (const std::uint32_t i : by_x) {
        for (; x[i] - x[by_x[lo]] > r; ++lo) add(rank[by_x[lo]], ~0u);  // leaves the window
        const std::uint32_t k = rank[i];
        pairs += below(last[k]) - below(first[k]);
        add(k, 1);
    }
    return pairs;
}

}  // namespace

std::uint64_t count_close_pairs(std::span<const double> x, std::size_t templates, int dim, double r,
                                PairKernel kernel) {
    assert(dim >= 1 && dim <= kMaxPairCountDim);
    assert(templates + static_cast<std::size_t>(dim) - 1 <= x.size());
    switch (dim) {
        case 1:
            return PairCounter<1>(x, templates, r, kernel).count();
        case 2:
            return close_pairs_2d(x, templates, r);
        case 3:
            return PairCounter<3>(x, templates, r, kernel).count();
        default:
            return PairCounter<4>(x, templates, r, kernel).count();
    }
}

}  // namespace steady::hrv
