// Counting close pairs of embedded templates, the inner problem of sample entropy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace steady::hrv {

// Number of unordered pairs {i, j}, i != j, i, j < templates, whose templates of length `dim`
// (x[i..i+dim-1] and x[j..j+dim-1]) are within `r` in every element (Chebyshev distance <= r).
// Requires templates + dim - 1 <= x.size() and 1 <= dim <= kMaxPairCountDim.
//
// Exact, by a dual-tree count (Gray & Moore 2001, "N-body problems in statistical learning"):
// a k-d tree over the templates with tight bounding boxes; a pair of nodes whose boxes are at
// most r apart in every dimension adds |A||B| pairs without looking at them, a pair whose boxes
// are more than r apart in some dimension adds nothing, and only node pairs straddling the
// tolerance are split down to leaves and compared point by point. Box bounds are actual data
// values and floating-point subtraction is monotone, so every bulk decision agrees with the
// point-by-point comparison |a - b| <= r: the count equals the brute-force count exactly.
// `kernel`: the leaf comparisons in the fastest code this CPU runs (AVX2 where present), or in
// plain scalar code; the same count either way (the tests check both on any machine).
enum class PairKernel { fastest, plain };
std::uint64_t count_close_pairs(std::span<const double> x, std::size_t templates, int dim, double r,
                                PairKernel kernel = PairKernel::fastest);

constexpr int kMaxPairCountDim = 4;

}  // namespace steady::hrv
