'''python-dbusmock template: BlueZ 5 with a fake BLE heart-rate strap (Steady's BLE tests).

Adapted from the verified recipe in ../shared/reference/sensors.md s.3.2.

Run:  /usr/bin/python3 -m dbusmock --system -t /path/to/bluez_hrs.py
(with DBUS_SYSTEM_BUS_ADDRESS pointing at a private dbus-daemon).

Extends the stock "bluez5" template (adapters, devices, agent manager) with
  org.bluez.Mock.AddHeartRateDevice(adapter s, address s, name s) -> o
  org.bluez.Mock.NotifyHeartRate(device o, value ay)   # one 0x2A37 notification
  org.bluez.Mock.DropLink(device o)                     # simulate link loss
  org.bluez.Mock.SetConnectFailures(device o, n u)      # next n Connect() fail
Device1.Connect() -> Connected=True, then ~20 ms later GATT objects are exported
(InterfacesAdded) and ServicesResolved=True, like bluetoothd.
Objects stay exported after a disconnect (BlueZ default "Cache = always") and
StartNotify sessions are re-armed on reconnect (src/gatt-client.c).
'''
import socket

import dbus
from gi.repository import GLib

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates import bluez5
# re-export the stock org.bluez.Mock methods (AddAdapter, AddDevice, ...)
from dbusmock.templates.bluez5 import (  # noqa: F401  pylint: disable=unused-import
    AddAdapter, AddDevice, RemoveAdapter, PairDevice, BlockDevice,
    ConnectDevice, DisconnectDevice, RegisterAgent, UnregisterAgent,
    RequestDefaultAgent)

BUS_NAME = 'org.bluez'
MAIN_OBJ = '/'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True
MOCK_IFACE = 'org.bluez.Mock'
DEVICE_IFACE = 'org.bluez.Device1'
SVC_IFACE = 'org.bluez.GattService1'
CHR_IFACE = 'org.bluez.GattCharacteristic1'
DSC_IFACE = 'org.bluez.GattDescriptor1'


def U(short):
    return f'0000{short:04x}-0000-1000-8000-00805f9b34fb'


def load(mock, parameters):
    bluez5.load(mock, parameters)


def _root():
    return mockobject.objects['/']


def _emit_added(path, iface, props):
    _root().EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}',
                       [dbus.ObjectPath(path), {iface: props}])


def _set(obj, iface, **kw):
    obj.UpdateProperties(iface, kw)


# ---- GATT characteristic methods (plain functions: called as f(self, *args))
def _read_value(chrc, options):
    return chrc.props[CHR_IFACE].get('Value', dbus.Array([], signature='y'))


def _write_value(chrc, value, options):
    chrc.written = getattr(chrc, 'written', []) + [bytes(value)]


def _start_notify(chrc):
    dev = mockobject.objects[chrc.device_path]
    if 'notify' not in chrc.props[CHR_IFACE]['Flags']:
        raise dbus.exceptions.DBusException('Operation is not supported',
                                            name='org.bluez.Error.NotSupported')
    if chrc.notify_sock is not None:
        raise dbus.exceptions.DBusException('Notify acquired',
                                            name='org.bluez.Error.NotPermitted')
    chrc.notify_session = True
    if dev.connected:
        _set(chrc, CHR_IFACE, Notifying=dbus.Boolean(True))


def _stop_notify(chrc):
    if chrc.notify_sock is not None:
        chrc.notify_sock.close()
        chrc.notify_sock = None
        _set(chrc, CHR_IFACE, NotifyAcquired=dbus.Boolean(False))
        return
    if not chrc.notify_session:
        raise dbus.exceptions.DBusException('No notify session started',
                                            name='org.bluez.Error.Failed')
    chrc.notify_session = False
    _set(chrc, CHR_IFACE, Notifying=dbus.Boolean(False))


def _acquire_notify(chrc, options):
    if chrc.notify_session or chrc.notify_sock is not None:
        raise dbus.exceptions.DBusException('Notify already in progress',
                                            name='org.bluez.Error.NotPermitted')
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    chrc.notify_sock = ours
    _set(chrc, CHR_IFACE, NotifyAcquired=dbus.Boolean(True))
    fd = dbus.types.UnixFd(theirs.fileno())
    theirs.close()       # UnixFd dup()ed it
    return (fd, dbus.UInt16(chrc.mtu))


def _chrc(dev, svc_path, handle, uuid, flags, value=None):
    path = f'{svc_path}/char{handle:04x}'
    props = {
        'UUID': dbus.String(uuid),
        'Service': dbus.ObjectPath(svc_path),
        'Flags': dbus.Array(flags, signature='s'),
    }
    if value is not None:        # BlueZ omits Value until it is known
        props['Value'] = dbus.Array(value, signature='y')
    if 'notify' in flags or 'indicate' in flags:
        props['Notifying'] = dbus.Boolean(False)
        props['NotifyAcquired'] = dbus.Boolean(False)
    props['MTU'] = dbus.UInt16(dev.mtu)
    _root().AddObject(path, CHR_IFACE, props, [
        ('ReadValue', 'a{sv}', 'ay', _read_value),
        ('WriteValue', 'aya{sv}', '', _write_value),
        ('StartNotify', '', '', _start_notify),
        ('StopNotify', '', '', _stop_notify),
        ('AcquireNotify', 'a{sv}', 'hq', _acquire_notify),
    ])
    c = mockobject.objects[path]
    c.device_path = dev.path
    c.notify_session = False
    c.notify_sock = None
    c.mtu = dev.mtu
    dev.gatt_paths.append((path, CHR_IFACE, props))
    if 'notify' in flags:        # CCCD descriptor, like bluetoothd exports it
        dpath = f'{path}/desc{handle + 1:04x}'
        dprops = {'UUID': dbus.String(U(0x2902)), 'Characteristic': dbus.ObjectPath(path)}
        _root().AddObject(dpath, DSC_IFACE, dprops, [])
        dev.gatt_paths.append((dpath, DSC_IFACE, dprops))
    return c


def _service(dev, handle, uuid):
    path = f'{dev.path}/service{handle:04x}'
    props = {'UUID': dbus.String(uuid), 'Primary': dbus.Boolean(True),
             'Device': dbus.ObjectPath(dev.path),
             'Includes': dbus.Array([], signature='o')}
    _root().AddObject(path, SVC_IFACE, props, [])
    dev.gatt_paths.append((path, SVC_IFACE, props))
    return path


def _export_gatt(dev):
    dev.gatt_paths = []
    hrs = _service(dev, 0x000c, U(0x180d))
    dev.hrm = _chrc(dev, hrs, 0x000d, U(0x2a37), ['notify'])
    _chrc(dev, hrs, 0x0010, U(0x2a38), ['read'], [0x01])          # 1 = Chest
    bas = _service(dev, 0x0020, U(0x180f))
    dev.battery = _chrc(dev, bas, 0x0021, U(0x2a19), ['read', 'notify'], [85])
    for path, iface, props in dev.gatt_paths:
        _emit_added(path, iface, props)


def _resolve(dev):
    if not dev.connected:
        return False
    if not getattr(dev, 'gatt_paths', None):
        _export_gatt(dev)
    for path, iface, _ in dev.gatt_paths:   # re-arm StartNotify sessions
        c = mockobject.objects[path]
        if iface == CHR_IFACE and c.notify_session:
            _set(c, CHR_IFACE, Notifying=dbus.Boolean(True))
    _set(dev, DEVICE_IFACE, ServicesResolved=dbus.Boolean(True))
    return False


def _connect(dev):
    if dev.fail_connects > 0:
        dev.fail_connects -= 1
        name = getattr(dev, 'connect_error', 'org.bluez.Error.Failed')
        raise dbus.exceptions.DBusException('le-connection-abort-by-local', name=name)
    if dev.connected:
        return                       # bluetoothd returns success here for LE
    dev.connected = True
    _set(dev, DEVICE_IFACE, Connected=dbus.Boolean(True))
    GLib.timeout_add(20, _resolve, dev)


def _disconnect(dev):
    if not dev.connected:
        raise dbus.exceptions.DBusException('Not Connected', name='org.bluez.Error.NotConnected')
    _drop(dev)


def _drop(dev):
    dev.connected = False
    for path, iface, _ in getattr(dev, 'gatt_paths', []):
        c = mockobject.objects[path]
        if iface == CHR_IFACE:
            if c.notify_sock is not None:       # HUP for AcquireNotify users
                c.notify_sock.close()
                c.notify_sock = None
                _set(c, CHR_IFACE, NotifyAcquired=dbus.Boolean(False))
            if c.notify_session:
                _set(c, CHR_IFACE, Notifying=dbus.Boolean(False))
    _set(dev, DEVICE_IFACE, ServicesResolved=dbus.Boolean(False))
    _set(dev, DEVICE_IFACE, Connected=dbus.Boolean(False))


@dbus.service.method(MOCK_IFACE, in_signature='sss', out_signature='o')
def AddHeartRateDevice(self, adapter, address, name):
    path = bluez5.AddDevice(self, adapter, address, name)
    dev = mockobject.objects[path]
    p = dev.props[DEVICE_IFACE]
    # stock template types these wrongly (aa{qv}, aa{sv}, aay, aa{yv}); bluetoothd
    # omits them when empty, so drop them.
    for k in ('ManufacturerData', 'ServiceData', 'AdvertisingFlags', 'AdvertisingData'):
        p.pop(k, None)
    p['UUIDs'] = dbus.Array([U(0x180d), U(0x180f)], signature='s')
    p['RSSI'] = dbus.Int16(-60)
    p['AddressType'] = dbus.String('random')
    p['Appearance'] = dbus.UInt16(0x0341)      # Heart Rate Sensor: Heart Rate Belt
    dev.connected = False
    dev.fail_connects = 0
    dev.mtu = 232
    dev.AddMethods(DEVICE_IFACE, [('Connect', '', '', _connect),
                                  ('Disconnect', '', '', _disconnect)])
    return path


@dbus.service.method(MOCK_IFACE, in_signature='oay', out_signature='')
def NotifyHeartRate(self, device, value):
    dev = mockobject.objects[device]
    c = dev.hrm
    data = dbus.Array(value, signature='y')
    if not dev.connected:
        return
    if c.notify_sock is not None:
        c.notify_sock.send(bytes(data))
    elif c.notify_session:
        # bluetoothd emits PropertiesChanged even if the bytes repeat
        c.props[CHR_IFACE]['Value'] = data
        c.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as',
                     [CHR_IFACE, {'Value': data}, dbus.Array([], signature='s')])


@dbus.service.method(MOCK_IFACE, in_signature='o', out_signature='')
def DropLink(self, device):
    _drop(mockobject.objects[device])


@dbus.service.method(MOCK_IFACE, in_signature='ou', out_signature='')
def SetConnectFailures(self, device, n):
    mockobject.objects[device].fail_connects = int(n)


@dbus.service.method(MOCK_IFACE, in_signature='ob', out_signature='')
def SetPowered(self, adapter, powered):
    """Adapter on or off, as `bluetoothctl power` would."""
    mockobject.objects[adapter].UpdateProperties('org.bluez.Adapter1',
                                                 {'Powered': dbus.Boolean(powered)})


@dbus.service.method(MOCK_IFACE, in_signature='ous', out_signature='')
def SetConnectError(self, device, n, name):
    """The next n Connect() calls fail with the D-Bus error `name`."""
    dev = mockobject.objects[device]
    dev.fail_connects = int(n)
    dev.connect_error = str(name)
