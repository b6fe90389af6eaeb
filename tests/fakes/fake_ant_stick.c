/* Fake Dynastream ANTUSB2 stick (0fcf:1008) for umockdev 0.17 + libusb 1.0.26, with an ANT+
 * heart-rate strap on the other side of the radio. Adapted from the verified recipe in
 * ../shared/reference/sensors.md s.5.2; the controls at the end (fake_ant.h) let a test take the
 * strap out of range, lose messages and unplug the stick. The process must run under
 * umockdev-wrapper.
 *
 *
 * The process creates a UMockdevTestbed, adds a USB device with real-looking
 * sysfs attributes + binary "descriptors", attaches a custom UMockdevIoctlBase
 * handler that speaks usbdevfs (SUBMITURB/REAPURB/...), and emulates the ANT
 * serial protocol on bulk EP 0x01 (OUT) / 0x81 (IN), including an ANT+ HRM
 * master that broadcasts data page 4 once the host opens a channel.
 * Then it runs the *real* libusb client code (ant_client_run) against it.
 *
 * Must run under the preload:  umockdev-wrapper ./fake_ant_stick
 */
#include <errno.h>
#include <glib.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <string.h>
#include <umockdev.h>

#include "fake_ant.h"

#define DEVNODE "/dev/bus/usb/001/002"
static const char *kDevice =
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n"
    "N: bus/usb/001/002\n"
    "E: DEVNAME=/dev/bus/usb/001/002\n"
    "E: DEVTYPE=usb_device\n"
    "E: DRIVER=usb\n"
    "E: PRODUCT=fcf/1008/100\n"
    "E: TYPE=0/0/0\n"
    "E: BUSNUM=001\n"
    "E: DEVNUM=002\n"
    "E: MAJOR=189\n"
    "E: MINOR=1\n"
    "E: SUBSYSTEM=usb\n"
    "A: busnum=1\n"
    "A: devnum=2\n"
    "A: devpath=2\n"
    "A: speed=12\n"
    "A: idVendor=0fcf\n"
    "A: idProduct=1008\n"
    "A: bcdDevice=0100\n"
    "A: manufacturer=Dynastream Innovations\n"
    "A: product=ANT USBStick2\n"
    "A: serial=123\n"
    "A: bConfigurationValue=1\n"
    "A: bNumConfigurations=1\n"
    "A: bNumInterfaces= 1\n"
    "A: bMaxPacketSize0=32\n"
    "H: descriptors=1201000200000020CF0F08100001010203010902200001010080320904000002FF0000020705810240000107050102400001\n";

/* ------------------------------------------------------------ ANT emulation */
static GByteArray *g_in;        /* bytes the stick will return on EP 0x81 */
static GByteArray *g_out;       /* partial host->stick frame bytes */
static gboolean g_chan_open;
static gint g_opens;            /* open-channel commands served */
static guint g_tx_count;        /* broadcasts sent */
static guint16 g_beat_time;     /* 1/1024 s */
static guint8 g_beat_count;
static gint64 g_next_tx_us;
static gboolean g_kernel_driver = TRUE; /* start with "suunto" bound */

static void ant_queue(guint8 id, const guint8 *p, guint8 n) {
  guint8 f[16] = {0xA4, n, id};
  memcpy(f + 3, p, n);
  guint8 x = 0;
  for (int i = 0; i < 3 + n; i++) x ^= f[i];
  f[3 + n] = x;
  g_byte_array_append(g_in, f, 4 + n);
}

static void ant_handle_frame(const guint8 *f) {
  guint8 len = f[1], id = f[2];
  const guint8 *p = f + 3;
  switch (id) {
  case 0x4A: { guint8 s = 0x20; ant_queue(0x6F, &s, 1); g_chan_open = FALSE; break; } /* startup: command reset */
  case 0x46: case 0x42: case 0x51: case 0x43: case 0x44: case 0x45: case 0x4B: case 0x4C: case 0x66: {
    guint8 r[3] = {p[0], id, 0x00};           /* channel response: RESPONSE_NO_ERROR */
    ant_queue(0x40, r, 3);
    if (id == 0x4B) { g_chan_open = TRUE; g_next_tx_us = g_get_monotonic_time(); g_atomic_int_inc(&g_opens); }
    if (id == 0x4C) { guint8 e[3] = {p[0], 0x01, 0x07}; g_chan_open = FALSE; ant_queue(0x40, e, 3); }
    break; }
  case 0x4D:                                  /* request message: we only know 0x51 channel id */
    if (p[1] == 0x51) { guint8 r[5] = {p[0], 0x39, 0x30, 0x78, 0x01}; ant_queue(0x51, r, 5); }
    break;
  default: { guint8 r[3] = {0, id, 40 /* INVALID_MESSAGE */}; ant_queue(0x40, r, 3); }
  }
  (void)len;
}

static void ant_feed(const guint8 *b, gsize n) {
  g_byte_array_append(g_out, b, n);
  for (;;) {
    while (g_out->len && g_out->data[0] != 0xA4) g_byte_array_remove_index(g_out, 0);
    if (g_out->len < 4) return;
    gsize flen = g_out->data[1] + 4;
    if (g_out->len < flen) return;
    guint8 x = 0;
    for (gsize i = 0; i < flen - 1; i++) x ^= g_out->data[i];
    if (x == g_out->data[flen - 1]) ant_handle_frame(g_out->data);
    g_byte_array_remove_range(g_out, 0, flen);
  }
}

/* HRM master: page 4 (prev beat time), toggle bit flips every 4 messages.
 * Sent 10x faster than the real 8070/32768 s period to keep the test short. */
static gint g_strap_present = 1;  /* controls, set from the test thread (atomics) */
static gint g_drop = 0;
static gint g_unplugged = 0;
static gint g_replug = 0;
static gint g_sent_n = 0;
static double g_sent_rr[4096];
static guint16 g_prev_beat_time;

static gint g_search_timeout = 0;

static void ant_tick(void) {
  if (g_chan_open && g_atomic_int_get(&g_search_timeout)) {
    /* The strap was not found within the search timeout: the stick says so and closes. */
    g_atomic_int_set(&g_search_timeout, 0);
    guint8 timeout[3] = {0, 0x01, 0x01}, closed[3] = {0, 0x01, 0x07};
    ant_queue(0x40, timeout, 3);
    ant_queue(0x40, closed, 3);
    g_chan_open = FALSE;
    return;
  }
  if (!g_chan_open || g_get_monotonic_time() < g_next_tx_us) return;
  g_next_tx_us += 24628 / 10;
  if (g_tx_count % 4 == 0) {  /* the strap beats on, heard or not */
    g_prev_beat_time = g_beat_time;
    guint16 rr = (guint16)(789u + (g_beat_count * 37u) % 61u); /* varied: beats can be told apart */
    g_beat_time += rr;
    g_beat_count++;
    gint n = g_atomic_int_get(&g_sent_n);
    if (n < 4096) { g_sent_rr[n] = rr * 1000.0 / 1024.0; g_atomic_int_set(&g_sent_n, n + 1); }
  }
  guint16 prev = g_prev_beat_time;
  if (!g_atomic_int_get(&g_strap_present)) {  /* nothing heard this period: EVENT_RX_FAIL */
    guint8 e[3] = {0, 0x01, 0x02};
    ant_queue(0x40, e, 3);
    g_tx_count++;
    return;
  }
  if (g_atomic_int_get(&g_drop) > 0) { g_atomic_int_add(&g_drop, -1); g_tx_count++; return; }
  guint8 toggle = (g_tx_count / 4) & 1;
  guint8 d[9] = {0 /* channel */, (guint8)(0x04 | toggle << 7), 0xFF,
                 (guint8)prev, (guint8)(prev >> 8), (guint8)g_beat_time, (guint8)(g_beat_time >> 8),
                 g_beat_count, 75};
  ant_queue(0x4E, d, 9);
  g_tx_count++;
}

/* ------------------------------------------------------------ usbdevfs side */
static GQueue g_done = G_QUEUE_INIT;   /* completed urbs, ready to reap */
static GQueue g_in_wait = G_QUEUE_INIT;/* IN urbs waiting for data */

static void try_complete_in(void) {
  ant_tick();
  while (!g_queue_is_empty(&g_in_wait) && g_in->len) {
    UMockdevIoctlData *d = g_queue_pop_head(&g_in_wait);
    struct usbdevfs_urb *u = (struct usbdevfs_urb *)d->data;
    /* hand out at most 13 bytes per transfer: exercises the host's re-framing */
    guint n = MIN(MIN((guint)u->buffer_length, g_in->len), 13);
    memcpy(u->buffer, g_in->data, n);
    g_byte_array_remove_range(g_in, 0, n);
    u->actual_length = n;
    u->status = 0;
    g_queue_push_tail(&g_done, d);
  }
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer ud) {
  (void)h; (void)ud;
  gulong req = umockdev_ioctl_client_get_request(c);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
  gsize size = _IOC_SIZE(req);
  GError *err = NULL;
  if (g_atomic_int_get(&g_replug)) {  /* plugged in again: a fresh stick, driver bound */
    g_atomic_int_set(&g_replug, 0);
    UMockdevIoctlData *u;
    while ((u = g_queue_pop_head(&g_in_wait))) g_object_unref(u);
    while ((u = g_queue_pop_head(&g_done))) g_object_unref(u);
    g_byte_array_set_size(g_in, 0);
    g_byte_array_set_size(g_out, 0);
    g_chan_open = FALSE;
    g_kernel_driver = TRUE;
    g_atomic_int_set(&g_unplugged, 0);
  }
  UMockdevIoctlData *d = size ? umockdev_ioctl_data_resolve(arg, 0, size, &err) : NULL;
  if (size && !d) { g_warning("resolve: %s", err->message); return FALSE; }
  if (g_atomic_int_get(&g_unplugged)) {
    /* Like the kernel on a disconnect: pending URBs complete with -ESHUTDOWN and can be reaped
     * once; every other request fails with ENODEV. */
    if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
      while (!g_queue_is_empty(&g_in_wait)) {
        UMockdevIoctlData *u = g_queue_pop_head(&g_in_wait);
        ((struct usbdevfs_urb *)u->data)->status = -ESHUTDOWN;
        ((struct usbdevfs_urb *)u->data)->actual_length = 0;
        g_queue_push_tail(&g_done, u);
      }
      UMockdevIoctlData *u = g_queue_pop_head(&g_done);
      if (u) {
        umockdev_ioctl_data_set_ptr(d, 0, u);
        g_object_unref(u);
        umockdev_ioctl_client_complete(c, 0, 0);
        return TRUE;
      }
    }
    umockdev_ioctl_client_complete(c, -1, ENODEV);
    return TRUE;
  }

  switch (req) {
  case USBDEVFS_GET_CAPABILITIES:
    *(guint32 *)d->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                          USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  case USBDEVFS_GETDRIVER:             /* usb_serial_simple binds 1008/1009 as "suunto" */
    if (!g_kernel_driver) { umockdev_ioctl_client_complete(c, -1, ENODATA); return TRUE; }
    strcpy(((struct usbdevfs_getdriver *)d->data)->driver, "suunto");
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  case USBDEVFS_CLAIMINTERFACE:
    if (g_kernel_driver) { umockdev_ioctl_client_complete(c, -1, EBUSY); return TRUE; }
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  case USBDEVFS_DISCONNECT_CLAIM:      /* libusb auto-detach: detach + claim in one go */
        g_kernel_driver = FALSE;
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  case USBDEVFS_IOCTL: {               /* libusb_detach/attach_kernel_driver */
    int code = ((struct usbdevfs_ioctl *)d->data)->ioctl_code;
    g_kernel_driver = code == USBDEVFS_CONNECT;
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE; }
  case USBDEVFS_RELEASEINTERFACE: case USBDEVFS_SETINTERFACE:
  case USBDEVFS_SETCONFIGURATION: case USBDEVFS_CLEAR_HALT: case USBDEVFS_RESET: case USBDEVFS_RESETEP:
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  case USBDEVFS_SUBMITURB: {
    struct usbdevfs_urb *u = (struct usbdevfs_urb *)d->data;
    if (!umockdev_ioctl_data_resolve(d, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), u->buffer_length, &err)) {
      g_warning("resolve buffer: %s", err->message); return FALSE;
    }
    g_object_ref(d);
    if (u->type == USBDEVFS_URB_TYPE_BULK && u->endpoint == 0x01) {
      ant_feed(u->buffer, u->buffer_length);
      u->actual_length = u->buffer_length; u->status = 0;
      g_queue_push_tail(&g_done, d);
    } else if (u->type == USBDEVFS_URB_TYPE_BULK && u->endpoint == 0x81) {
      g_queue_push_tail(&g_in_wait, d);
    } else {                              /* control etc.: stall */
      u->actual_length = 0; u->status = -EPIPE;
      g_queue_push_tail(&g_done, d);
    }
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  case USBDEVFS_DISCARDURB: {
    gulong addr = *(gulong *)&arg->data[0];  /* arg is the urb pointer itself */
    for (GList *l = g_in_wait.head; l; l = l->next) {
      UMockdevIoctlData *u = l->data;
      if (u->client_addr == addr) {
        g_queue_delete_link(&g_in_wait, l);
        ((struct usbdevfs_urb *)u->data)->status = -ENOENT;
        ((struct usbdevfs_urb *)u->data)->actual_length = 0;
        g_queue_push_tail(&g_done, u);
        umockdev_ioctl_client_complete(c, 0, 0);
        return TRUE;
      }
    }
    umockdev_ioctl_client_complete(c, -1, EINVAL);
    return TRUE;
  }
  case USBDEVFS_REAPURB: case USBDEVFS_REAPURBNDELAY: {
    try_complete_in();
    UMockdevIoctlData *u = g_queue_pop_head(&g_done);
    if (!u) { umockdev_ioctl_client_complete(c, -1, EAGAIN); return TRUE; }
    umockdev_ioctl_data_set_ptr(d, 0, u);
    g_object_unref(u);
    umockdev_ioctl_client_complete(c, 0, 0);
    return TRUE;
  }
  default:
    umockdev_ioctl_client_complete(c, -1, ENOTTY);
    return TRUE;
  }
}


/* ------------------------------------------------------------ controls (fake_ant.h) */
static UMockdevTestbed *g_tb;

int fake_ant_start(void) {
  g_in = g_byte_array_new();
  g_out = g_byte_array_new();
  g_tb = umockdev_testbed_new();             /* sets $UMOCKDEV_DIR */
  if (!umockdev_in_mock_environment()) return 77;  /* not under umockdev-wrapper */
  GError *err = NULL;
  if (!umockdev_testbed_add_from_string(g_tb, kDevice, &err)) { fprintf(stderr, "%s\n", err->message); return 1; }
  UMockdevIoctlBase *h = umockdev_ioctl_base_new();
  g_signal_connect(h, "handle-ioctl", G_CALLBACK(on_ioctl), NULL);
  if (!umockdev_testbed_attach_ioctl(g_tb, DEVNODE, h, &err)) { fprintf(stderr, "%s\n", err->message); return 1; }
  return 0;
}
void fake_ant_set_strap_present(int on) { g_atomic_int_set(&g_strap_present, on ? 1 : 0); }
void fake_ant_drop_messages(int n) { g_atomic_int_set(&g_drop, n); }
void fake_ant_unplug(void) { g_atomic_int_set(&g_unplugged, 1); }
void fake_ant_replug(void) { g_atomic_int_set(&g_replug, 1); }
void fake_ant_search_timeout(void) { g_atomic_int_set(&g_search_timeout, 1); }
int fake_ant_channel_opens(void) { return g_atomic_int_get(&g_opens); }
int fake_ant_kernel_driver_bound(void) { return g_kernel_driver; }
int fake_ant_channel_open(void) { return g_chan_open; }
int fake_ant_sent_rr(double *out, int max) {
  int n = g_atomic_int_get(&g_sent_n);
  if (n > max) n = max;
  memcpy(out, g_sent_rr, (size_t)n * sizeof(double));
  return n;
}
