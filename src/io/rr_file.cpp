#include "io/rr_file.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace steady::io {

InputError::InputError(std::string source, std::size_t line, const std::string& reason)
    : std::runtime_error(source + (line ? ": line " + std::to_string(line) : std::string()) + ": " +
                         reason),
      source_(std::move(source)),
      line_(line) {}

namespace {

constexpr std::size_t kMaxShownChars = 40;  // how much of a bad field an error message quotes

struct Line {
    std::size_t number;
    std::string_view text;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string_view unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return trim(s);
}

std::string shown(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, kMaxShownChars)) {
        out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    }
    if (s.size() > kMaxShownChars) out += "...";
    return "\"" + out + "\"";
}

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::size_t number = 1;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back({number++, line});
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

bool is_skippable(std::string_view line) {
    line = trim(line);
    return line.empty() || line.front() == '#';
}

std::optional<double> to_number(std::string_view s) {
    s = unquote(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

double number_or_throw(std::string_view field, const std::string& source, std::size_t line) {
    auto v = to_number(field);
    if (!v) {
        std::string_view t = unquote(field);
        throw InputError(
            source, line,
            t.empty() ? "empty value where a number was expected" : shown(t) + " is not a number");
    }
    return *v;
}

std::vector<std::string_view> split_fields(std::string_view line, char delimiter) {
    std::vector<std::string_view> fields;
    while (true) {
        std::size_t end = line.find(delimiter);
        fields.push_back(line.substr(0, end));
        if (end == std::string_view::npos) break;
        line.remove_prefix(end + 1);
    }
    return fields;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

// Seconds or milliseconds by magnitude: no human RR interval is below 10 ms or above 10 s.
Units detect_units(const std::vector<double>& values) {
    if (values.empty()) return Units::ms;
    std::vector<double> sorted(values);
    auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
    std::nth_element(sorted.begin(), mid, sorted.end());
    return *mid < 10.0 ? Units::s : Units::ms;
}

void apply_units(RrRecording& rec, Units requested) {
    Units u = requested == Units::detect ? detect_units(rec.rr_ms) : requested;
    rec.units_found = u;
    if (u == Units::s) {
        for (double& v : rec.rr_ms) v *= 1000.0;
    }
}

// A trailing 0 is an end-of-data marker some tools write (e.g. real_rri.txt), not an interval.
void drop_end_marker(RrRecording& rec) {
    if (!rec.rr_ms.empty() && rec.rr_ms.back() == 0.0) {
        rec.rr_ms.pop_back();
        if (!rec.t_s.empty()) rec.t_s.pop_back();
    }
}

RrRecording parse_plain(const std::vector<Line>& lines, const std::string& source) {
    RrRecording rec;
    rec.format = "plain";
    for (const Line& l : lines) {
        if (is_skippable(l.text)) continue;
        std::string_view t = trim(l.text);
        if (t.find_first_of(",;\t ") != std::string_view::npos) {
            throw InputError(source, l.number,
                             shown(t) +
                                 " has several fields; a file with columns needs a header "
                                 "line naming them (e.g. \"time,rr\")");
        }
        rec.rr_ms.push_back(number_or_throw(t, source, l.number));
    }
    return rec;
}

char detect_delimiter(std::string_view header) {
    for (char d : {'\t', ';', ','}) {
        if (contains(header, std::string_view(&d, 1))) return d;
    }
    return ',';
}

bool is_rr_column(const std::string& name) {
    if (contains(name, "time") || contains(name, "stamp")) return false;
    return contains(name, "rr") || contains(name, "ibi") || contains(name, "interval") ||
           name == "nn" || name == "nni";
}

bool is_time_column(const std::string& name) {
    return name == "t" || name == "t_s" || name == "time" || name == "time_s" ||
           name == "time (s)" || name == "time [s]";
}

Units units_from_name(const std::string& name) {
    if (contains(name, "ms") || contains(name, "msec")) return Units::ms;
    if (name.ends_with("_s") || contains(name, "(s)") || contains(name, "[s]")) return Units::s;
    return Units::detect;
}

RrRecording parse_csv(const std::vector<Line>& lines, std::size_t header_at,
                      const std::string& source, Units requested) {
    const Line& header_line = lines[header_at];
    char delim = detect_delimiter(header_line.text);
    std::vector<std::string> names;
    for (auto f : split_fields(header_line.text, delim)) names.push_back(lower(unquote(f)));

    std::optional<std::size_t> rr_col, time_col;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (!rr_col && is_rr_column(names[i])) rr_col = i;
        if (!time_col && is_time_column(names[i])) time_col = i;
    }
    if (!rr_col) {
        throw InputError(source, header_line.number,
                         "no RR column in header " + shown(trim(header_line.text)) +
                             " (expected a column named rr, rr_ms, ibi or similar)");
    }
    RrRecording rec;
    rec.format = "csv";
    for (std::size_t i = header_at + 1; i < lines.size(); ++i) {
        const Line& l = lines[i];
        if (is_skippable(l.text)) continue;
        auto fields = split_fields(l.text, delim);
        if (fields.size() <= *rr_col || (time_col && fields.size() <= *time_col)) {
            throw InputError(source, l.number,
                             "has " + std::to_string(fields.size()) + " fields, expected " +
                                 std::to_string(names.size()));
        }
        rec.rr_ms.push_back(number_or_throw(fields[*rr_col], source, l.number));
        if (time_col) rec.t_s.push_back(number_or_throw(fields[*time_col], source, l.number));
    }
    Units by_name = units_from_name(names[*rr_col]);
    apply_units(rec, requested != Units::detect ? requested : by_name);
    return rec;
}

// Kubios result export: the "RR Data" block has columns ", Time (s), RR interval (s), ...".
RrRecording parse_kubios(const std::vector<Line>& lines, const std::string& source,
                         Units requested) {
    std::size_t i = 0;
    while (i < lines.size() && !contains(lines[i].text, "RR INTERVAL DATA")) ++i;
    // The units row: ",         (s),         (s),        (Hz), ..."
    for (; i < lines.size(); ++i) {
        auto f = split_fields(lines[i].text, ',');
        if (f.size() > 2 && trim(f[1]) == "(s)" && trim(f[2]) == "(s)") break;
    }
    if (i >= lines.size()) {
        throw InputError(source, 0,
                         "looks like a Kubios export but has no RR data block (export with "
                         "\"RR interval data\" enabled)");
    }
    RrRecording rec;
    rec.format = "kubios";
    const std::size_t columns = split_fields(lines[i].text, ',').size();
    for (++i; i < lines.size(); ++i) {
        auto f = split_fields(lines[i].text, ',');
        if (trim(lines[i].text).empty()) break;
        if (f.size() < columns) {  // Kubios pads every row to full width: a short row is cut off
            throw InputError(source, lines[i].number,
                             "row has " + std::to_string(f.size()) + " of " +
                                 std::to_string(columns) + " columns: the export looks truncated");
        }
        if (trim(f[2]).empty()) break;
        rec.t_s.push_back(number_or_throw(f[1], source, lines[i].number));
        rec.rr_ms.push_back(number_or_throw(f[2], source, lines[i].number));
    }
    apply_units(rec, requested != Units::detect ? requested : Units::s);
    return rec;
}

// Polar .hrm: RR data (ms) is the first field of each line of the [HRData] section.
RrRecording parse_polar_hrm(const std::vector<Line>& lines, const std::string& source,
                            Units requested) {
    RrRecording rec;
    rec.format = "polar-hrm";
    bool in_data = false;
    for (const Line& l : lines) {
        std::string_view t = trim(l.text);
        if (!t.empty() && t.front() == '[') {
            in_data = t == "[HRData]";
            continue;
        }
        if (!in_data || t.empty()) continue;
        std::size_t end = t.find_first_of(" \t");
        rec.rr_ms.push_back(number_or_throw(t.substr(0, end), source, l.number));
    }
    apply_units(rec, requested != Units::detect ? requested : Units::ms);
    return rec;
}

bool has_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalpha(c) && c != 'e' && c != 'E';  // 1e3 is a number
    });
}

}  // namespace

RrRecording parse_rr(std::string_view text, const std::string& source, Units units) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte-order mark
    if (text.find('\0') != std::string_view::npos) {
        throw InputError(source, 0, "is a binary file, not RR text");
    }
    std::vector<Line> lines = split_lines(text);

    RrRecording rec;
    if (contains(text, "RR INTERVAL DATA and SPECTRUM")) {
        rec = parse_kubios(lines, source, units);
    } else if (contains(text, "[HRData]")) {
        rec = parse_polar_hrm(lines, source, units);
    } else {
        auto first = std::find_if(lines.begin(), lines.end(),
                                  [](const Line& l) { return !is_skippable(l.text); });
        if (first != lines.end() && has_letter(first->text)) {
            rec = parse_csv(lines, static_cast<std::size_t>(first - lines.begin()), source, units);
        } else {
            rec = parse_plain(lines, source);
            apply_units(rec, units);
        }
    }
    drop_end_marker(rec);
    if (rec.rr_ms.empty()) throw InputError(source, 0, "no RR intervals found");
    return rec;
}

RrRecording read_rr_file(const std::string& path, Units units) {
    std::string text;
    if (path == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return parse_rr(text, "<stdin>", units);
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path, 0, "is a directory, not an RR file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw InputError(path, 0, "read error");
    return parse_rr(buffer.str(), path, units);
}

}  // namespace steady::io
