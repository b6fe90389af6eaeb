// Episodes as JSON: the keys of `steady triggers --format json` (README "Recovery"), which is
// also how the store keeps each episode's results (episodes.result).
#pragma once

#include <nlohmann/json.hpp>

#include "recovery/episodes.h"

namespace steady {

nlohmann::ordered_json episode_json(const recovery::Episode& e);
// Throws nlohmann::json::exception on a malformed object.
recovery::Episode episode_from_json(const nlohmann::json& j);
// A fitted recovery (HR: `hr`, else RMSSD) as the object `hr_recovery` / `rmssd_recovery`; null
// when empty. Also a protocol recovery step's `hr_recovery`.
nlohmann::ordered_json recovery_json(const std::optional<recovery::Recovery>& r, bool hr);
std::optional<recovery::Recovery> recovery_from_json(const nlohmann::json& j, bool hr);

}  // namespace steady
