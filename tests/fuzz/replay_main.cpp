// Runs the fuzz entry point without libFuzzer: every file of a seed corpus, then N deterministic
// mutations of them (byte flips, truncations, splices). Usage: replay CORPUS_DIR [MUTATIONS]
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
void run(const std::string& s) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
        return 2;
    }
    std::vector<std::string> seeds;
    for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
        std::ifstream in(entry.path(), std::ios::binary);
        seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (seeds.empty()) {
        std::fprintf(stderr, "no seeds in %s\n", argv[1]);
        return 2;
    }
    for (const auto& s : seeds) run(s);
    const long mutations = argc > 2 ? std::stol(argv[2]) : 10000;
    std::mt19937 rng(12345);
    const std::string alphabet = "0123456789.,;\t\n\r -+eE#\"abcrRiI[]()sm\0\xff";
    for (long i = 0; i < mutations; ++i) {
        std::string s = seeds[rng() % seeds.size()];
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits && !s.empty(); ++e) {
            const std::size_t at = rng() % s.size();
            switch (rng() % 4) {
                case 0:
                    s[at] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    s.erase(at, 1 + rng() % 16);
                    break;
                case 2:
                    s.insert(at, 1, alphabet[rng() % alphabet.size()]);
                    break;
                case 3:
                    s.resize(at);
                    break;
            }
        }
        run(s);
    }
    std::printf("%zu seeds and %ld mutations ran without a crash\n", seeds.size(), mutations);
    return 0;
}
