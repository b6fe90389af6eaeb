// Reads reference values out of a Kubios HRV result export (tests only): the "label: , value"
// result lines and the exported FFT spectrum, so tests compare against the file, not against
// numbers copied by hand.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace steady::test {

struct KubiosExport {
    std::map<std::string, double> values;  // first column after the label, e.g. "RMSSD (ms)"
    std::vector<double> fft_freq_hz, fft_psd;

    double at(const std::string& label) const {
        auto it = values.find(label);
        if (it == values.end()) throw std::runtime_error("no Kubios value " + label);
        return it->second;
    }
};

inline std::string trim_copy(std::string s) {
    const auto b = s.find_first_not_of(" \t\r");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

inline KubiosExport read_kubios_export(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    KubiosExport k;
    std::string line;
    bool in_spectrum = false;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string field;
        while (std::getline(ss, field, ',')) f.push_back(trim_copy(field));
        if (in_spectrum) {
            if (f.size() > 4 && !f[3].empty()) {
                k.fft_freq_hz.push_back(std::stod(f[3]));
                k.fft_psd.push_back(std::stod(f[4]));
            }
            continue;
        }
        if (f.size() > 4 && f[3] == "(Hz)") {
            in_spectrum = true;
            continue;
        }
        if (f.size() >= 2 && !f[0].empty() && f[0].back() == ':' && !f[1].empty()) {
            std::string label = f[0].substr(0, f[0].size() - 1);
            try {
                // The first of duplicate labels wins: the time and FFT values precede AR ones.
                k.values.emplace(label, std::stod(f[1]));
            } catch (const std::exception&) {
            }
        }
    }
    return k;
}

}  // namespace steady::test
