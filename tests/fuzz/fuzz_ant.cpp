// Fuzz target for the ANT frame reader and the ANT+ heart-rate page decoder: arbitrary bytes
// in arbitrary chunks; every frame it yields has a valid checksum and fits its buffer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "drivers/ant/ant_frame.h"
#include "drivers/ant/hrm_pages.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace steady::ant;
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    FrameReader reader;
    HrmDecoder hrm;
    const std::span<const std::uint8_t> all(data + 1, size - 1);
    for (std::size_t i = 0; i < all.size(); i += chunk) {
        reader.feed(all.subspan(i, std::min(chunk, all.size() - i)), [&](const Frame& f) {
            if (f.length > kMaxPayload) std::abort();
            const auto again = encode(f.id, f.data());
            if (again.size() != f.length + 4u) std::abort();
            if (f.id == kBroadcastData && f.length == 9) {
                const auto u = hrm.feed(f.data().subspan(1));
                if (u.known_rr && !(u.rr_ms >= 0 && u.rr_ms < 64000)) std::abort();
            }
        });
    }
    return 0;
}
