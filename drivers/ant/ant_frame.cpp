#include "drivers/ant/ant_frame.h"

#include <algorithm>
#include <cstring>

namespace steady::ant {

std::vector<std::uint8_t> encode(std::uint8_t id, std::span<const std::uint8_t> payload) {
    if (payload.size() > kMaxPayload) return {};
    std::vector<std::uint8_t> f{kSync, static_cast<std::uint8_t>(payload.size()), id};
    f.insert(f.end(), payload.begin(), payload.end());
    std::uint8_t x = 0;
    for (const std::uint8_t b : f) x ^= b;
    f.push_back(x);
    return f;
}

std::size_t FrameReader::append(std::span<const std::uint8_t> bytes) {
    // The buffer holds several whole frames; next() empties it down to one partial frame, so
    // there is always room for at least kMaxPayload + 4 more bytes.
    const std::size_t n = std::min(bytes.size(), buf_.size() - size_);
    std::memcpy(buf_.data() + size_, bytes.data(), n);
    size_ += n;
    return n;
}

std::optional<Frame> FrameReader::next() {
    for (;;) {
        // Resynchronise on the sync byte.
        std::size_t start = 0;
        while (start < size_ && buf_[start] != kSync) ++start;
        if (start > 0) {
            skipped_ += start;
            std::memmove(buf_.data(), buf_.data() + start, size_ - start);
            size_ -= start;
        }
        if (size_ < 2) return std::nullopt;
        const std::size_t len = buf_[1];
        if (len > kMaxPayload) {  // not a frame: drop the sync byte and look again
            ++skipped_;
            std::memmove(buf_.data(), buf_.data() + 1, --size_);
            continue;
        }
        const std::size_t total = len + 4;
        if (size_ < total) return std::nullopt;  // wait for the rest
        std::uint8_t x = 0;
        for (std::size_t i = 0; i + 1 < total; ++i) x ^= buf_[i];
        if (x != buf_[total - 1]) {  // bad checksum: drop one byte, resync
            ++skipped_;
            std::memmove(buf_.data(), buf_.data() + 1, --size_);
            continue;
        }
        Frame f;
        f.id = buf_[2];
        f.length = static_cast<std::uint8_t>(len);
        std::memcpy(f.payload.data(), buf_.data() + 3, len);
        std::memmove(buf_.data(), buf_.data() + total, size_ - total);
        size_ -= total;
        return f;
    }
}

}  // namespace steady::ant
