// Episodes as JSON: the keys of `steady triggers --format json` (README "Recovery"), which is
// also how the store keeps each episode's results (episodes.result).
#pragma once

#include <nlohmann/json.hpp>

#include "recovery/episodes.h"

namespace steady {

nlohmann::ordered_json episode_json(const recovery::Episode& e);
// Throws nlohmann::json::exception on a malformed object.
recovery::Episode episode_from_json(const nlohmann::json& j);

}  // namespace steady
