// The one place session events become JSON and come back: the store's payload column, the JSON
// Lines printer and exports all go through here. Fields are written at full precision; the
// printer rounds them for people (cli/rounding.h), the store keeps them exact.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "session/events.h"

namespace steady {

// The event's own fields as a JSON object (without t_s and kind). An optional that is empty
// is written as null, so every kind always has the same keys.
nlohmann::ordered_json event_fields(const Event& e);

// The event of `kind` with these fields. Fields a kind does not have are ignored and missing
// ones take their defaults, so an event written by an older Steady reads back; an unknown kind
// becomes an OtherEvent that keeps its payload. Steady 0.1 (schema 1) wrote pause and resume as
// "pacer" events with reason "paused"/"resumed", and switching adaptation as reason
// "adaptation on"/"adaptation off": those read back as the kinds they are now.
Event event_from_fields(double t_s, std::string_view kind, const nlohmann::json& fields);
// The same from the stored payload text; unreadable JSON becomes an OtherEvent.
Event event_from_payload(double t_s, std::string_view kind, std::string_view payload);

// {"t_s":..,"kind":..,<fields>} for exports and `sessions show`.
nlohmann::ordered_json event_object(const Event& e);

}  // namespace steady
