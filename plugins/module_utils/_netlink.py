# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# The kernel boundary: the only file of the collection that imports pyroute2 and the
# only one that makes system calls on namespaces. Everything above it sees plain dicts
# and LabnetError.
#
# Design (see NETLINK-NOTES): a namespace is entered in-process with setns(2) on an fd
# opened WITHOUT O_CREAT (_entries.py), a netlink socket is opened there and the thread
# returns at once; the socket stays bound to that namespace. One socket per namespace per
# module run, no helper fork. Namespace entries themselves (creation, removal, records)
# are _entries.py's.
#
# Two transports (issue 14): the reads and the frequent changes (links set, marked, deleted,
# veth pairs, addresses) go through the lean socket of _rtnl.py, their requests encoded by
# pyroute2's message classes; the rest (bridges and other kinds with their attributes,
# routes, forwarding entries) through pyroute2's IPRoute, opened only when a run needs it.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import fcntl
import marshal
import os
import struct
import time

from ansible_collections.labnet.netns.plugins.module_utils._common import PROFILE, LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._entries import (
    _NEEDS_ROOT, NamespaceEntries, _setns, oserror_message, socket_cookie)
from ansible_collections.labnet.netns.plugins.module_utils import _rtnl
from ansible_collections.labnet.netns.plugins.module_utils._rtnl import RtnlError

PYROUTE2_IMPORT_ERROR = None
_IMPORT_START = time.time()
try:
    from pyroute2 import IPRoute, NetlinkError
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
except ImportError as exc:  # pragma: no cover - exercised by the missing-library test
    IPRoute = NetlinkError = ifaddrmsg = ifinfmsg = None
    PYROUTE2_IMPORT_ERROR = exc
PROFILE['pyroute2_import_seconds'] = time.time() - _IMPORT_START

IFF_UP = 1
ZERO_MAC = '00:00:00:00:00:00'

# tun/tap (linux/if_tun.h): created and re-owned through /dev/net/tun, not netlink
TUN_DEVICE = '/dev/net/tun'
TUNSETIFF, TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP = 0x400454ca, 0x400454cb, 0x400454cc, 0x400454ce
IFF_TUN, IFF_TAP, IFF_MULTI_QUEUE, IFF_NO_PI, IFF_VNET_HDR, IFF_TUN_EXCL = 0x0001, 0x0002, 0x0100, 0x1000, 0x4000, 0x8000


def _cpus():
    try:
        return os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return ()


def _in_child(func):
    """Run FUNC() in a forked child; returns a function that waits for it and returns what
    FUNC returned (plain data, through a pipe), or [] when the child failed."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return lambda: []
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return lambda: []
    if pid == 0:  # the child: no atexit handlers, no buffers flushed, whatever happens
        try:
            os.close(read_end)
            data = marshal.dumps(func())
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)

    def result():
        chunks = []
        try:
            while True:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(read_end)
            os.waitpid(pid, 0)
        try:
            return marshal.loads(b''.join(chunks))
        except (EOFError, ValueError, TypeError):
            return []
    return result


_NOT_READ = object()  # (Kernel._ahead: nothing read ahead; None is an answer)


class Kernel(NamespaceEntries):
    """Access to namespaces and links. One instance per module run; close() at the end."""

    def __init__(self):
        if PYROUTE2_IMPORT_ERROR is not None:
            raise LabnetError('pyroute2 is not importable on the target: %s' % PYROUTE2_IMPORT_ERROR)
        NamespaceEntries.__init__(self)
        self._sockets = {}  # pyroute2 IPRoute per namespace
        self._lean = {}  # _rtnl.Socket per namespace
        self._masters = {}
        self._read_ahead = {}  # ('links' / 'addresses' / 'nsid', namespace) -> what read_ahead() read

    def close(self):
        for sock in list(self._sockets.values()) + list(self._lean.values()):
            try:
                sock.close()
            except Exception:  # pylint: disable=broad-except
                pass
        self._sockets = {}
        self._lean = {}
        NamespaceEntries.close(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _forget(self, name):
        for sockets in (self._sockets, self._lean):
            sock = sockets.pop(name, None)
            if sock is not None:
                sock.close()
        self._masters = dict((k, v) for k, v in self._masters.items() if k[0] != name)
        for kind in ('links', 'addresses', 'nsid'):
            self._read_ahead.pop((kind, name), None)
        NamespaceEntries._forget(self, name)

    # -- netlink sockets -------------------------------------------------------
    def _socket(self, sockets, name, factory):
        """SOCKETS[NAME]: a socket made by FACTORY inside namespace NAME (None = this process's own)."""
        if name not in sockets:
            fd = self.ns_fd(name)
            try:
                if name is not None:
                    _setns(fd)
                try:
                    sockets[name] = factory()
                finally:
                    if name is not None:
                        _setns(self._home_fd)
            except OSError as exc:
                raise LabnetError('cannot enter network namespace %r: %s' % (name, oserror_message(exc)))
        return sockets[name]

    def ipr(self, name=None):
        """pyroute2's netlink socket bound inside namespace NAME (None = this process's own)."""
        return self._socket(self._sockets, name, IPRoute)

    def lean(self, name=None):
        """The lean netlink socket (_rtnl.py) bound inside namespace NAME."""
        return self._socket(self._lean, name, _rtnl.Socket)

    def call(self, name, what, func, *args, **kwargs):
        """Run a pyroute2 call on namespace NAME's socket, turning errors into LabnetError."""
        return self._request(self.ipr, name, what, func, *args, **kwargs)

    def rcall(self, name, what, func, *args, **kwargs):
        """The same on the lean socket."""
        return self._request(self.lean, name, what, func, *args, **kwargs)

    @staticmethod
    def _request(sockets, name, what, func, *args, **kwargs):
        PROFILE['requests'] += 1
        start = time.time()
        try:
            return func(sockets(name), *args, **kwargs)
        except (NetlinkError, RtnlError) as exc:
            code = exc.code if isinstance(exc, NetlinkError) else exc.errno
            raise LabnetError('%s%s: %s (%s)%s' % (
                what, '' if name is None else ' in namespace %r' % name,
                os.strerror(code) if isinstance(code, int) else code,
                errno.errorcode.get(code, code), _NEEDS_ROOT if code in (errno.EPERM, errno.EACCES) else ''),
                errno=code)
        except OSError as exc:
            raise LabnetError('%s: %s' % (what, oserror_message(exc)))
        finally:
            PROFILE['kernel_seconds'] += time.time() - start

    def change(self, name, what, kind, msg_class, fields, nla, create=False):
        """One request that changes something, encoded by pyroute2's MSG_CLASS (FIELDS of the
        fixed header, NLA its attributes) and sent on the lean socket, acknowledged."""
        msg = msg_class()
        for key, value in fields.items():
            msg[key] = value
        msg['attrs'] = nla
        msg.encode()
        flags = _rtnl.NLM_F_ACK | (_rtnl.NLM_F_CREATE | _rtnl.NLM_F_EXCL if create else 0)
        self.rcall(name, what, lambda sock: sock.request(kind, bytes(msg.data[16:]), flags))

    # -- reading many namespaces side by side (issue 14) ---------------------------------
    READ_AHEAD_MIN = 64  # fewer namespaces are read here, one after the other: a fork would cost more

    def read_ahead(self, links, addresses):
        """Take the link dumps of the namespaces in LINKS and the address dumps of those in
        ADDRESSES (None: this process's own namespace, whose links are dumped here while the
        child works), half of them in a forked child on another CPU: the first links() /
        addresses() of each namespace returns its dump, once, and netnsid(NS, None) its
        answer; forget_read_ahead() drops those not asked for. What cannot be read here (a
        namespace gone meanwhile) is left to the usual read, which reports it. Only for reads
        before anything changes: the runner forgets the rest then."""
        names = [n for n in dict.fromkeys(list(links) + list(addresses)) if n is not None and n not in self._lean]
        if len(names) < self.READ_AHEAD_MIN or len(_cpus()) < 2:
            return
        jobs = []
        for name in names:
            try:
                jobs.append((name, self.ns_fd(name)))
            except LabnetError:  # not there (yet): the usual read says so
                continue
        if len(jobs) < self.READ_AHEAD_MIN:  # a first build: nothing (or little) to read ahead
            return
        links, addresses = set(links), set(addresses)
        start = time.time()
        theirs = _in_child(lambda: self._read_namespaces(jobs[len(jobs) // 2:], links, addresses, keep=False))
        try:
            mine = self._read_namespaces(jobs[:len(jobs) // 2], links, addresses, keep=True)
        except OSError as exc:  # setns back home failed: nothing more can be done here
            theirs()
            raise LabnetError('cannot return to this process\'s network namespace: %s' % oserror_message(exc))
        if None in links:  # this process's own links, while the child still reads
            try:
                self._read_ahead[('links', None)] = self.rcall(None, 'cannot list links', lambda s: s.links())
            except LabnetError:
                pass  # the usual read reports it
        found = mine + theirs()
        PROFILE['kernel_seconds'] += time.time() - start
        for name, cookie, nsid, link_dump, address_dump in found:
            PROFILE['requests'] += 1 + (link_dump is not None) + (address_dump is not None)
            if cookie is not None:
                self._cookies[name] = cookie
            self._read_ahead[('nsid', name)] = nsid
            if link_dump is not None:
                self._read_ahead[('links', name)] = link_dump
            if address_dump is not None:
                self._read_ahead[('addresses', name)] = address_dump

    def _read_namespaces(self, jobs, links, addresses, keep):
        """[(name, cookie, nsid of this namespace, link dump, address dump)] for JOBS (name, fd);
        with KEEP, the sockets opened stay this run's."""
        found = []
        for name, fd in jobs:
            try:
                _setns(fd)
            except OSError:
                continue
            try:
                sock = _rtnl.Socket()
            except OSError:
                sock = None
            finally:
                _setns(self._home_fd)  # a failure here ends the reads: never read on elsewhere
            if sock is None:
                continue
            try:
                # in the order of the usual reads: the links before the nsid that names their peers'
                # namespace (a pair made in between shows an nsid the answer knows, never one it does not)
                link_dump = sock.links() if name in links else None
                address_dump = sock.addresses() if name in addresses else None
                found.append((name, socket_cookie(sock.sock), sock.nsid(self._home_fd), link_dump, address_dump))
            except (OSError, RtnlError):
                pass
            if keep:
                self._lean[name] = sock
            else:
                sock.close()
        return found

    def forget_read_ahead(self):
        self._read_ahead = {}

    def _ahead(self, kind, name, read):
        """What read_ahead() read of KIND for namespace NAME (once), else READ()."""
        found = self._read_ahead.pop((kind, name), _NOT_READ)
        return read() if found is _NOT_READ else found

    # -- links -----------------------------------------------------------------
    def links(self, name=None):
        """All links of namespace NAME as plain dicts, keyed by interface name."""
        dump = self._ahead('links', name, lambda: self.rcall(name, 'cannot list links', lambda s: s.links()))
        return dict((link['ifname'], link) for link in dump)

    def addresses(self, name=None):
        """All addresses of namespace NAME: list of dicts (index, address, prefixlen, family, scope)."""
        return self._ahead('addresses', name, lambda: self.rcall(name, 'cannot list addresses', lambda s: s.addresses()))

    def routes(self, name=None):
        """IPv4 and IPv6 routes of the main table of namespace NAME, as plain dicts."""
        keys = ('family', 'dst', 'dst_len', 'gateway', 'oif', 'type', 'table')
        return [dict((k, r[k]) for k in keys) for r in self.route_dump(name) if r['table'] == 254]

    def route_dump(self, name=None):
        """All IPv4 and IPv6 routes of namespace NAME, every table, as plain dicts."""
        return self.rcall(name, 'cannot list routes', lambda s: s.routes())

    def route(self, name, action, what, family, dst, dst_len, table, metric, gateway=None, device=None, proto=None):
        """Add, replace or delete (ACTION) one unicast route of namespace NAME. A route of the
        same key added (or deleted) meanwhile by a concurrent run is as asked."""
        spec = {'family': family, 'dst_len': dst_len, 'table': table, 'priority': metric}
        if dst_len:
            spec['dst'] = dst
        if action != 'del':
            spec['proto'] = proto
            if gateway is not None:
                spec['gateway'] = gateway
            elif family == 2:
                spec['scope'] = 253  # RT_SCOPE_LINK, as `ip route add ... dev X` sets it
            if device is not None:
                spec['oif'] = self._index(name, device)
        try:
            self.call(name, what, lambda ipr: ipr.route(action, **spec))
        except LabnetError as exc:
            if not ((action == 'add' and exc.errno == errno.EEXIST) or (action == 'del' and exc.errno == errno.ESRCH)):
                raise

    # -- sysctls (through the namespace's own /proc/sys/net) ------------------------
    def sysctl_get(self, name, key):
        """The value of sysctl KEY (a path under /proc/sys, e.g. net/ipv4/ip_forward) seen from
        namespace NAME, white space normalised; None when the namespace has no such key."""
        path = os.path.join('/proc/sys', key)

        def read():
            try:
                with open(path) as handle:
                    return ' '.join(handle.read().split())
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    return None
                raise LabnetError('cannot read %s%s: %s' % (
                    path, '' if name is None else ' in namespace %r' % name, oserror_message(exc)))
        return self.run_in(name, read)

    def sysctl_set(self, name, key, value, what):
        """Write VALUE to sysctl KEY of namespace NAME (opened there, so its own /proc/sys/net)."""
        path = os.path.join('/proc/sys', key)

        def write():
            try:
                with open(path, 'w') as handle:
                    handle.write(value)
            except OSError as exc:
                raise LabnetError('%s: %s' % (what, oserror_message(exc)), errno=exc.errno)
        self.run_in(name, write)

    def netnsid(self, name, other):
        """The nsid that namespace NAME uses for namespace OTHER, or None."""
        fd = self.ns_fd(other)

        def read():
            return self.rcall(name, 'cannot query nsid', lambda s: s.nsid(fd))
        return self._ahead('nsid', name, read) if other is None else read()  # (read ahead: OTHER None only)

    def link(self, name, ifname=None, index=0):
        """One link of namespace NAME by interface name, or by INDEX (one request, no dump), or None."""
        what = 'cannot look up %s' % (ifname if ifname is not None else 'link %d' % index)
        try:
            return self.rcall(name, what, lambda s: s.link(ifname, index))
        except LabnetError as exc:
            if exc.errno == errno.ENODEV:
                return None
            raise

    def _index(self, name, ifname):
        link = self.link(name, ifname)
        if link is None:
            raise LabnetError('interface %s does not exist%s' % (
                ifname, '' if name is None else ' in namespace %r' % name))
        return link['index']

    def _master_index(self, name, ifname):
        """The index of bridge IFNAME, looked up once per run for all the ports attached to it
        (forgotten when a link of that name is deleted here)."""
        if (name, ifname) not in self._masters:
            self._masters[(name, ifname)] = self._index(name, ifname)
        return self._masters[(name, ifname)]

    def link_set(self, name, ifname, what, index=None, **attrs):
        """Change link IFNAME of namespace NAME (INDEX, when the caller just read it). net_ns=OTHER
        moves it to namespace OTHER (None = this process's own); master=IFNAME attaches it (None
        detaches)."""
        if index is None:
            index = self._index(name, ifname)
        if 'net_ns' in attrs:
            attrs['net_ns_fd'] = self.ns_fd(attrs.pop('net_ns'))
        if 'master' in attrs:
            attrs['master'] = 0 if attrs['master'] is None else self._master_index(name, attrs['master'])
        if set(attrs) - set(_LEAN_LINK_ATTRS):  # attributes of a kind (bridge, vxlan...): pyroute2's request
            self.call(name, what, lambda ipr: ipr.link('set', index=index, **attrs))
            return
        self._link_change(name, what, index, attrs)

    def _link_change(self, name, what, index, attrs, create=False):
        """RTM_NEWLINK for link INDEX (0 with CREATE) with ATTRS: state, and the attributes of
        _LEAN_LINK_ATTRS; a 'linkinfo' entry is passed as it is."""
        fields = {'index': index}
        if 'state' in attrs:
            fields.update(flags=IFF_UP if attrs['state'] == 'up' else 0, change=IFF_UP)
        nla = [[_LEAN_LINK_ATTRS[key], value] for key, value in sorted(attrs.items()) if _LEAN_LINK_ATTRS.get(key)]
        if 'linkinfo' in attrs:
            nla.append(['IFLA_LINKINFO', attrs['linkinfo']])
        self.change(name, what, _rtnl.RTM_NEWLINK, ifinfmsg, fields, nla, create=create)

    def link_del(self, name, ifname, what):
        self._masters.pop((name, ifname), None)
        link = self.link(name, ifname)
        if link is None:
            return  # deleted meanwhile (by a concurrent run, or with its veth peer): as asked
        try:
            self.change(name, what, _rtnl.RTM_DELLINK, ifinfmsg, {'index': link['index']}, [])
        except LabnetError as exc:
            if exc.errno != errno.ENODEV:
                raise

    def veth_add(self, name, ifname, peer, peer_ns, what, mark, mtu=None, mac=None, peer_mac=None, up=False):
        """Create a veth pair atomically: PEER is born in PEER_NS with its final name. Both
        ends get MARK (announced first, so a run killed before marking is still recognised),
        and with UP are set up in the same request."""
        peer_spec = {'ifname': peer, 'net_ns_fd': self.ns_fd(peer_ns)}
        spec = {'ifname': ifname}
        if mtu is not None:
            spec['mtu'] = peer_spec['mtu'] = mtu
        if mac is not None:
            spec['address'] = mac
        if peer_mac is not None:
            peer_spec['address'] = peer_mac
        peer_nla = [[_LEAN_LINK_ATTRS[key], value] for key, value in sorted(peer_spec.items())]
        spec['linkinfo'] = {'attrs': [['IFLA_INFO_KIND', 'veth'], ['IFLA_INFO_DATA', {'attrs': [
            ['VETH_INFO_PEER', {'attrs': peer_nla}]]}]]}
        ends = ((name, ifname), (peer_ns, peer))
        with self._announced(ends, mark):
            try:
                self._link_change(name, what, 0, spec, create=True)
            except LabnetError as exc:
                # the same pair, made meanwhile by a concurrent run of ours, is what was asked for
                if exc.errno != errno.EEXIST or not self._is_pair(name, ifname, peer, peer_ns) \
                        or not all(self._ours_or_announced(ns, n, mark) for ns, n in ends):
                    raise
            for ns, end in ends:
                self.mark_link(ns, end, mark, what, up=up)

    def _is_pair(self, name, ifname, peer, peer_ns):
        end, other = self.link(name, ifname), self.link(peer_ns, peer)
        if end is None or other is None or end['kind'] != 'veth' or end['link'] != other['index']:
            return False
        if end['link_netnsid'] is None:
            return self.same_namespace(name, peer_ns)
        return self.netnsid(name, peer_ns) == end['link_netnsid']

    def bridge_add(self, name, ifname, what, mark, **attrs):
        with self._announced(((name, ifname),), mark):
            try:
                self.call(name, what, lambda ipr: ipr.link('add', ifname=ifname, kind='bridge', **attrs))
            except LabnetError as exc:
                current = self.link(name, ifname) if exc.errno == errno.EEXIST else None
                if current is None or current['kind'] != 'bridge' or not self._ours_or_announced(name, ifname, mark):
                    raise
                # a bridge of ours made meanwhile by a concurrent run: set what was asked
                if attrs:
                    self.call(name, what, lambda ipr: ipr.link('set', index=current['index'], kind='bridge', **attrs))
            self.mark_link(name, ifname, mark, what)

    def kind_add(self, name, ifname, what, mark, kind, parent_ns=None, parent=None, **attrs):
        """Create link IFNAME of KIND in namespace NAME, with MARK. A PARENT (macvlan, ipvlan) is
        looked up in PARENT_NS and the link is born in NAME in the same request (no move, so
        nothing is left half-made). A kernel without that kind of link says EOPNOTSUPP."""
        sock_ns = name
        if parent is not None:
            sock_ns = parent_ns
            attrs['link'] = self._index(parent_ns, parent)
            if not self.same_namespace(name, parent_ns):
                attrs['net_ns_fd'] = self.ns_fd(name)
        with self._announced(((name, ifname),), mark):
            try:
                self.call(sock_ns, what, lambda ipr: ipr.link('add', ifname=ifname, kind=kind, **attrs))
            except LabnetError as exc:
                if exc.errno == errno.EOPNOTSUPP:
                    raise LabnetError('%s: the kernel of this host has no %s links (it answers "Operation not '
                                      'supported", which ip reports as "Unknown device type")' % (what, kind),
                                      errno=exc.errno)
                current = self.link(name, ifname) if exc.errno == errno.EEXIST else None
                # the same link made meanwhile by a concurrent run of ours is what was asked for
                if current is None or current['kind'] != kind or not self._ours_or_announced(name, ifname, mark):
                    raise
            self.mark_link(name, ifname, mark, what)

    def tuntap_add(self, name, ifname, what, mark, tap, multi_queue=False, user=None, group=None):
        """Create a persistent tun (TAP false) or tap device IFNAME in namespace NAME, with MARK."""
        # IFF_TUN_EXCL: a device of that name made meanwhile is refused (EBUSY), never attached to
        flags = (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI | IFF_TUN_EXCL | (IFF_MULTI_QUEUE if multi_queue else 0)
        with self._announced(((name, ifname),), mark):
            try:
                self._tun_ioctls(name, ifname, what, flags, user, group, persist=True)
            except LabnetError as exc:
                current = self.link(name, ifname) if exc.errno == errno.EBUSY else None
                # the same device made meanwhile by a concurrent run of ours is what was asked for
                if current is None or current['kind'] != 'tun' or current.get('tun_type') != ('tap' if tap else 'tun') \
                        or not self._ours_or_announced(name, ifname, mark):
                    raise
            self.mark_link(name, ifname, mark, what)

    def tuntap_set(self, name, ifname, what, user=None, group=None):
        """Set the user and group (uid, gid; -1 = anyone) allowed to attach to tun/tap IFNAME."""
        link = self.link(name, ifname)
        if link is None or link['kind'] != 'tun':
            raise LabnetError('%s: %s is not a tun or tap device' % (what, ifname))
        flags = (IFF_TAP if link['tun_type'] == 'tap' else IFF_TUN) | (IFF_MULTI_QUEUE if link['multi_queue'] else 0)
        flags |= (0 if link['pi'] else IFF_NO_PI) | (IFF_VNET_HDR if link['vnet_hdr'] else 0)
        self._tun_ioctls(name, ifname, what, flags, user, group)

    def _tun_ioctls(self, name, ifname, what, flags, user, group, persist=False):
        """Attach to (or create) tun/tap IFNAME inside namespace NAME and set what is given;
        the device is created in the namespace of the process that opens /dev/net/tun."""
        def run():
            try:
                fd = os.open(TUN_DEVICE, os.O_RDWR | os.O_CLOEXEC)
            except OSError as exc:
                raise LabnetError('%s: the kernel of this host has no tun/tap devices (%s: %s)'
                                  % (what, TUN_DEVICE, oserror_message(exc)), errno=exc.errno)
            try:
                fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH22x', ifname.encode('utf-8'), flags))
                if user is not None:
                    fcntl.ioctl(fd, TUNSETOWNER, user & 0xffffffff)
                if group is not None:
                    fcntl.ioctl(fd, TUNSETGROUP, group & 0xffffffff)
                if persist:
                    fcntl.ioctl(fd, TUNSETPERSIST, 1)
            except OSError as exc:
                raise LabnetError('%s: %s' % (what, oserror_message(exc)), errno=exc.errno)
            finally:
                os.close(fd)
        self.run_in(name, run)

    def link_add(self, name, ifname, kind, what, mark, master=None, **spec):
        """Create a link of KIND (vxlan...) marked MARK; MASTER names the bridge it joins. A kernel
        without that kind of device is said so; a link of ours made meanwhile by a concurrent run
        is what was asked."""
        if master is not None:
            spec['master'] = self._index(name, master)
        with self._announced(((name, ifname),), mark):
            try:
                self.call(name, what, lambda ipr: ipr.link('add', ifname=ifname, kind=kind, **spec))
            except LabnetError as exc:
                if exc.errno == errno.EOPNOTSUPP:
                    raise LabnetError('%s: this kernel has no %s support (the device type is unknown to it: '
                                      'load its module, e.g. modprobe %s, or use a kernel built with it)'
                                      % (what, kind, kind), errno=exc.errno)
                current = self.link(name, ifname) if exc.errno == errno.EEXIST else None
                if current is None or current['kind'] != kind or not self._ours_or_announced(name, ifname, mark):
                    raise
            self.mark_link(name, ifname, mark, what)

    def fdb_remotes(self, name, index):
        """The remote peers of VXLAN device INDEX: destinations of its all-zeros forwarding entries."""
        msgs = self.call(name, 'cannot list forwarding entries', lambda ipr: ipr.fdb('dump', ifindex=index))
        return sorted(set(m.get_attr('NDA_DST') for m in msgs if m['ifindex'] == index and
                          m.get_attr('NDA_LLADDR') == ZERO_MAC and m.get_attr('NDA_DST')))

    def fdb(self, name, action, ifname, dst, what):
        """Add (append) or remove (del) the all-zeros forwarding entry to DST on link IFNAME."""
        index = self._index(name, ifname)
        try:
            self.call(name, what, lambda ipr: ipr.fdb(action, ifindex=index, lladdr=ZERO_MAC, dst=dst))
        except LabnetError as exc:
            # added (or removed) meanwhile by a concurrent run: the entry is as asked
            if not ((action == 'append' and exc.errno == errno.EEXIST) or
                    (action == 'del' and exc.errno == errno.ENOENT)):
                raise

    def mark_link(self, name, ifname, mark, what, up=False):
        """Give link IFNAME of namespace NAME the ownership mark MARK (its interface alias);
        with UP, set it up in the same request."""
        index = self._index(name, ifname)
        attrs = {'state': 'up'} if up else {}
        self._link_change(name, what, index, dict(attrs, ifalias=mark))
        self.link_marked(name, ifname)

    def _ours_or_announced(self, name, ifname, mark):
        # the intent first: a run marks its link before it drops its intent, so when the intent
        # is gone, the link read after it carries the mark
        if self.intent_owner(name, ifname) == mark:
            return self.link(name, ifname) is not None
        link = self.link(name, ifname)
        return link is not None and link['alias'] == mark

    @contextlib.contextmanager
    def _announced(self, ends, mark):
        """Announce links about to be created; on failure the announcements are withdrawn
        (a SIGKILL leaves them, which is their purpose)."""
        for ns, ifname in ends:
            self.announce_link(ns, ifname, mark)
        try:
            yield
        except BaseException:
            for ns, ifname in ends:
                self.link_marked(ns, ifname)
            raise

    def addr(self, name, action, ifname, address, prefixlen, what):
        index = self._index(name, ifname)
        try:
            family = _rtnl.AF_INET6 if ':' in address else _rtnl.AF_INET
            nla = [['IFA_ADDRESS', address]] + ([['IFA_LOCAL', address]] if family == _rtnl.AF_INET else [])
            self.change(name, what, _rtnl.RTM_NEWADDR if action == 'add' else _rtnl.RTM_DELADDR, ifaddrmsg,
                        {'family': family, 'prefixlen': prefixlen, 'index': index}, nla, create=action == 'add')
        except LabnetError as exc:
            # added (or removed) meanwhile by a concurrent run: the address is as asked
            if not ((action == 'add' and exc.errno == errno.EEXIST) or
                    (action == 'del' and exc.errno == errno.EADDRNOTAVAIL)):
                raise


# link attributes set through the lean socket: option -> pyroute2's attribute name
_LEAN_LINK_ATTRS = {'ifname': 'IFLA_IFNAME', 'ifalias': 'IFLA_IFALIAS', 'master': 'IFLA_MASTER', 'mtu': 'IFLA_MTU',
                    'address': 'IFLA_ADDRESS', 'net_ns_fd': 'IFLA_NET_NS_FD', 'state': None}
