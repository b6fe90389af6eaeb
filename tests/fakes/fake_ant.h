/* Controls of the emulated ANT USB stick (tests/fakes/fake_ant_stick.c, umockdev). The test
 * process must run under umockdev-wrapper; fake_ant_start() returns 77 otherwise. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
int fake_ant_start(void);
void fake_ant_set_strap_present(int on); /* off: the channel hears nothing (EVENT_RX_FAIL) */
void fake_ant_drop_messages(int n);      /* the next n broadcasts are lost on the air */
void fake_ant_unplug(void);              /* every USB request fails with ENODEV from now on */
void fake_ant_replug(void);
void fake_ant_search_timeout(void);      /* the channel times out searching and closes */              /* ...until it is plugged in again (a fresh stick) */
int fake_ant_kernel_driver_bound(void);  /* usb_serial_simple ("suunto") still bound */
int fake_ant_channel_open(void);
int fake_ant_channel_opens(void);        /* open-channel commands served so far */
int fake_ant_sent_rr(double *out, int max); /* RR (ms) of every beat the strap made so far */
#ifdef __cplusplus
}
#endif
