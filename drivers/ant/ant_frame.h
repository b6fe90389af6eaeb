// ANT serial framing, the same over USB bulk endpoints and over a tty: A4 | len | id | payload |
// XOR of every byte before it. A pure codec: encode() builds one frame; FrameReader takes bytes
// as they arrive (a read may hold several frames or part of one), resynchronises after garbage
// and counts what it skipped. ../shared/reference/sensors.md s.4.2. No allocation per frame.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace steady::ant {

constexpr std::uint8_t kSync = 0xA4;
constexpr std::size_t kMaxPayload = 32;  // ANT messages carry at most 13 bytes; extended ones more

// Message ids used by Steady.
enum MessageId : std::uint8_t {
    kResetSystem = 0x4A,
    kSetNetworkKey = 0x46,
    kAssignChannel = 0x42,
    kChannelId = 0x51,
    kChannelPeriod = 0x43,
    kSearchTimeout = 0x44,
    kRfFrequency = 0x45,
    kOpenChannel = 0x4B,
    kCloseChannel = 0x4C,
    kRequestMessage = 0x4D,
    kBroadcastData = 0x4E,
    kAcknowledgedData = 0x4F,
    kChannelEvent = 0x40,  // channel response or event: [channel, message id or 1, code]
    kStartup = 0x6F,
};

struct Frame {
    std::uint8_t id = 0;
    std::uint8_t length = 0;
    std::array<std::uint8_t, kMaxPayload> payload{};
    std::span<const std::uint8_t> data() const { return {payload.data(), length}; }
};

// One frame with its checksum; payload longer than kMaxPayload is refused (empty result).
std::vector<std::uint8_t> encode(std::uint8_t id, std::span<const std::uint8_t> payload);

class FrameReader {
  public:
    // Adds received bytes of any length and calls on_frame(const Frame&) for every complete,
    // valid frame, in order. A partial frame waits for the next feed.
    template <typename OnFrame>
    void feed(std::span<const std::uint8_t> bytes, OnFrame&& on_frame) {
        while (!bytes.empty()) {
            const std::size_t n = append(bytes);
            bytes = bytes.subspan(n);
            while (auto f = next()) on_frame(*f);
        }
    }
    std::size_t skipped_bytes() const { return skipped_; }  // garbage and bad checksums

  private:
    std::size_t append(std::span<const std::uint8_t> bytes);  // as many as fit
    std::optional<Frame> next();
    std::array<std::uint8_t, 4 * (kMaxPayload + 4)> buf_{};
    std::size_t size_ = 0;
    std::size_t skipped_ = 0;
};

}  // namespace steady::ant
