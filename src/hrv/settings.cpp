#include "hrv/settings.h"

#include "hrv/results.h"

namespace steady::hrv {

std::string_view to_string(ArtifactMethod m) {
    switch (m) {
        case ArtifactMethod::none:
            return "none";
        case ArtifactMethod::automatic:
            return "auto";
        case ArtifactMethod::threshold_low:
            return "low";
        case ArtifactMethod::threshold_medium:
            return "medium";
        case ArtifactMethod::threshold_strong:
            return "strong";
    }
    return "?";
}

std::string_view to_string(Interpolation i) {
    return i == Interpolation::cubic ? "cubic" : "linear";
}

std::string_view to_string(Detrend d) {
    switch (d) {
        case Detrend::smoothness_priors:
            return "smoothness";
        case Detrend::none:
            return "none";
        case Detrend::linear:
            return "linear";
    }
    return "?";
}

std::string_view to_string(Window w) {
    switch (w) {
        case Window::hann_symmetric:
            return "hann-symmetric";
        case Window::hann_periodic:
            return "hann-periodic";
        case Window::rectangular:
            return "rectangular";
    }
    return "?";
}

std::string_view to_string(ArtifactType t) {
    switch (t) {
        case ArtifactType::ectopic:
            return "ectopic";
        case ArtifactType::long_beat:
            return "long";
        case ArtifactType::short_beat:
            return "short";
        case ArtifactType::missed:
            return "missed";
        case ArtifactType::extra:
            return "extra";
        case ArtifactType::out_of_range:
            return "out_of_range";
        case ArtifactType::threshold:
            return "threshold";
    }
    return "?";
}

}  // namespace steady::hrv
