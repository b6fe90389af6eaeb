// Soft tones for eyes-closed practice, synthesised with SDL audio: a short sine with a smooth
// envelope at each phase change (a rising pitch for inhale, a lower one for exhale). Without an
// audio device the cues are simply off and available() says why.
#pragma once

#include <SDL.h>

#include <atomic>
#include <string>

#include "pacer/pattern.h"

namespace steady::ui {

class AudioCues {
  public:
    AudioCues();
    ~AudioCues();
    AudioCues(const AudioCues&) = delete;
    AudioCues& operator=(const AudioCues&) = delete;

    bool available() const { return device_ != 0; }
    const std::string& problem() const { return problem_; }
    void set_volume(float v) { volume_ = v; }
    void set_muted(bool m) { muted_ = m; }
    // Starts the cue for a phase (called on the main thread when the phase changes).
    void cue(pacer::Phase phase);
    // Tones started so far (for tests).
    int cues_played() const { return cues_; }

  private:
    static void callback(void* self, Uint8* stream, int len);
    void fill(float* out, int frames);

    SDL_AudioDeviceID device_ = 0;
    std::string problem_;
    int rate_hz_ = 48000;
    std::atomic<float> volume_{0.5f};
    std::atomic<bool> muted_{false};
    // The tone being played; written under SDL_LockAudioDevice.
    double freq_hz_ = 0, glide_hz_ = 0, phase_ = 0;
    long pos_ = 0, length_ = 0;
    int cues_ = 0;
};

}  // namespace steady::ui
