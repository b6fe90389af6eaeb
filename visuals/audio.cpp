#include "visuals/audio.h"

#include <cmath>
#include <numbers>

namespace steady::ui {

AudioCues::AudioCues() {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        problem_ = std::string("no audio: ") + SDL_GetError();
        return;
    }
    SDL_AudioSpec want{}, have{};
    want.freq = rate_hz_;
    want.format = AUDIO_F32SYS;
    want.channels = 1;
    want.samples = 1024;
    want.callback = &AudioCues::callback;
    want.userdata = this;
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (device_ == 0) {
        problem_ = std::string("no audio device: ") + SDL_GetError();
        return;
    }
    rate_hz_ = have.freq;
    SDL_PauseAudioDevice(device_, 0);
}

AudioCues::~AudioCues() {
    if (device_ != 0) SDL_CloseAudioDevice(device_);
}

void AudioCues::cue(pacer::Phase phase) {
    if (device_ == 0) return;
    // Inhale rises, exhale falls, holds are a single quiet note.
    double f = 0, glide = 0;
    switch (phase) {
        case pacer::Phase::inhale:
            f = 392, glide = 523;
            break;
        case pacer::Phase::hold:
            f = 523, glide = 523;
            break;
        case pacer::Phase::exhale:
            f = 392, glide = 294;
            break;
        case pacer::Phase::hold_out:
            f = 294, glide = 294;
            break;
    }
    SDL_LockAudioDevice(device_);
    freq_hz_ = f;
    glide_hz_ = glide;
    pos_ = 0;
    length_ = static_cast<long>(0.9 * rate_hz_);
    SDL_UnlockAudioDevice(device_);
    ++cues_;
}

void AudioCues::callback(void* self, Uint8* stream, int len) {
    static_cast<AudioCues*>(self)->fill(reinterpret_cast<float*>(stream),
                                        len / static_cast<int>(sizeof(float)));
}

void AudioCues::fill(float* out, int frames) {
    const float gain = muted_ ? 0.0f : 0.25f * volume_.load();
    for (int i = 0; i < frames; ++i) {
        float v = 0;
        if (pos_ < length_) {
            const double x = static_cast<double>(pos_) / static_cast<double>(length_);
            const double f = freq_hz_ + (glide_hz_ - freq_hz_) * x;
            phase_ += 2 * std::numbers::pi * f / rate_hz_;
            // Smooth attack and a long fade: sin^2 rise over 10 %, then (1 - x)^2.
            const double env = x < 0.1 ? std::pow(std::sin(x / 0.1 * std::numbers::pi / 2), 2)
                                       : std::pow((1 - x) / 0.9, 2);
            v = static_cast<float>(std::sin(phase_) * env) * gain;
            ++pos_;
        }
        out[i] = v;
    }
}

}  // namespace steady::ui
