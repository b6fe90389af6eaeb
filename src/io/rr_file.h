// Readers for RR-interval recordings from other tools and from Steady's own exports.
// parse_rr() is a pure function over text (fuzzed in tests/fuzz); read_rr_file() adds file I/O.
// Formats: one value per line (Elite HRV and Polar Flow .txt exports are this), CSV/TSV with a
// header (Polar Sensor Logger "RR-interval [ms]", systole, Steady's own), Kubios HRV result
// exports (the "RR Data" block), and Polar .hrm files (the [HRData] block). Hand-written because
// no Debian-packaged library reads these tool-specific layouts.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace steady::io {

enum class Units { detect, ms, s };

// Bad input: says which source, which line (0 = the file as a whole) and why.
class InputError : public std::runtime_error {
  public:
    InputError(std::string source, std::size_t line, const std::string& reason);
    const std::string& source() const { return source_; }
    std::size_t line() const { return line_; }

  private:
    std::string source_;
    std::size_t line_;
};

struct RrRecording {
    std::vector<double> rr_ms;
    std::vector<double> t_s;  // beat times from the file, when it has them; else empty
    std::string format;       // "plain", "csv", "kubios", "polar-hrm"
    Units units_found = Units::ms;
};

// `source` names the input in error messages. Values are kept as given (no rounding); range
// checks belong to the analysis, which flags rather than drops.
RrRecording parse_rr(std::string_view text, const std::string& source, Units units = Units::detect);

// `path` "-" reads standard input. Throws InputError when the file cannot be read or parsed.
RrRecording read_rr_file(const std::string& path, Units units = Units::detect);

}  // namespace steady::io
