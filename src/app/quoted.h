// Outside text echoed in a message: quoted, and cut to kEchoChars so a 1 MB value does not
// become a 1 MB message.
#pragma once

#include <string>
#include <string_view>

namespace steady {

constexpr std::size_t kEchoChars = 200;

inline std::string cut(std::string_view v) {
    if (v.size() <= kEchoChars) return std::string(v);
    return std::string(v.substr(0, kEchoChars)) + "... (" + std::to_string(v.size()) +
           " characters)";
}

inline std::string echo_quoted(std::string_view v) {
    if (v.size() <= kEchoChars) return "\"" + std::string(v) + "\"";
    return "\"" + std::string(v.substr(0, kEchoChars)) + "\"... (" + std::to_string(v.size()) +
           " characters)";
}

}  // namespace steady
