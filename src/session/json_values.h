// Optional numbers at the JSON edges: written as null when absent (or not finite, which JSON
// cannot hold), read back as empty when null or missing.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

namespace steady {

template <typename T>
nlohmann::ordered_json json_or_null(const std::optional<T>& v) {
    if constexpr (std::is_floating_point_v<T>) {
        if (v && !std::isfinite(*v)) return nullptr;
    }
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
}

// Throws nlohmann::json::exception when the value is there but not a number.
inline std::optional<double> optional_number(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<double>();
}

}  // namespace steady
