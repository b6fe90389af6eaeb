// Outside text and numbers echoed in a message: text quoted and cut to kEchoChars so a 1 MB
// value does not become a 1 MB message; numbers in their plain shortest form (500, -60, 0.55,
// 1e+300), never -60.000000.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace steady {

constexpr std::size_t kEchoChars = 200;

inline std::string cut(std::string_view v) {
    if (v.size() <= kEchoChars) return std::string(v);
    return std::string(v.substr(0, kEchoChars)) + "... (" + std::to_string(v.size()) +
           " characters)";
}

// Appended to a string that starts with the quote, not `"\"" + std::string(...)`: GCC 12 at -O3
// warns falsely (-Wrestrict, its bug 105329) about that insert at the front.
inline std::string echo_quoted(std::string_view v) {
    std::string out = "\"";
    out.append(v.substr(0, kEchoChars));
    out += '"';
    if (v.size() > kEchoChars) out += "... (" + std::to_string(v.size()) + " characters)";
    return out;
}

inline std::string plain_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace steady
