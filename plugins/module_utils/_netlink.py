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
# Design (see NETLINK-NOTES):
# - a namespace is entered in-process with setns(2) on an fd opened WITHOUT O_CREAT,
#   a netlink socket is opened there and the thread returns at once; the socket stays
#   bound to that namespace. One socket per namespace per module run, no helper fork.
# - namespaces are created like iproute2 does: flock on /run/netns, an empty file,
#   unshare(CLONE_NEWNET) of this thread, bind mount of the thread's netns onto the file,
#   and setns back. Removal: umount2(MNT_DETACH) + unlink under the same lock.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import errno
import fcntl
import os
import stat

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError

PYROUTE2_IMPORT_ERROR = None
try:
    from pyroute2 import IPRoute, NetlinkError
except ImportError as exc:  # pragma: no cover - exercised by the missing-library test
    IPRoute = None
    NetlinkError = None
    PYROUTE2_IMPORT_ERROR = exc

RUN_DIR = '/run/netns'
CLONE_NEWNET = 0x40000000
MS_BIND = 4096
MS_REC = 16384
MS_SHARED = 1 << 20
MNT_DETACH = 2
IFF_UP = 1
IFF_LOOPBACK = 8

_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, '%s: %s' % (what, os.strerror(err)))


def _setns(fd):
    _check(_libc().setns(fd, CLONE_NEWNET), 'setns')


def _unshare_net():
    _check(_libc().unshare(CLONE_NEWNET), 'unshare(CLONE_NEWNET)')


def _mount(source, target, flags):
    _check(_libc().mount(source.encode(), target.encode(), b'none', flags, None),
           'mount %s' % target)


def _umount_detach(target):
    _check(_libc().umount2(target.encode(), MNT_DETACH), 'umount %s' % target)


def _bind_new(source, path):
    """Create the empty file PATH and bind-mount SOURCE onto it; nothing is left on failure."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0))
    try:
        _mount(source, path, MS_BIND)
    except OSError:
        os.unlink(path)
        raise


_NEEDS_ROOT = '; this needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) on the target'


def _oserror_message(exc):
    if exc.errno in (errno.EPERM, errno.EACCES):
        return '%s%s' % (exc, _NEEDS_ROOT)
    return str(exc)


def ns_identity(path):
    """(st_dev, st_ino) of what PATH resolves to, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def netns_path(name):
    return os.path.join(RUN_DIR, name)


class Kernel:
    """Access to namespaces and links. One instance per module run; close() at the end."""

    def __init__(self):
        if PYROUTE2_IMPORT_ERROR is not None:
            raise LabnetError('pyroute2 is not importable on the target: %s' % PYROUTE2_IMPORT_ERROR)
        try:
            self._home_fd = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
            self._nsfs_dev = os.fstat(self._home_fd).st_dev
        except OSError as exc:
            raise LabnetError('cannot open this process\'s network namespace: %s' % _oserror_message(exc))
        self.home_identity = ns_identity('/proc/thread-self/ns/net')
        self._sockets = {}
        self._fds = {}
        self._pid_map = None

    # -- lifecycle -------------------------------------------------------------
    def close(self):
        for sock in self._sockets.values():
            try:
                sock.close()
            except Exception:  # pylint: disable=broad-except
                pass
        self._sockets = {}
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}
        os.close(self._home_fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- namespace entries -----------------------------------------------------
    def entry_kind(self, name):
        """What /run/netns/NAME is: 'missing', 'namespace' (nsfs mount), 'symlink'
        (to a namespace), 'dangling' (symlink to nothing that is a namespace),
        'file' (a plain file, e.g. left by a crash) or 'other'."""
        path = netns_path(name)
        try:
            lst = os.lstat(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return 'missing'
            raise LabnetError('cannot inspect %s: %s' % (path, _oserror_message(exc)))
        if stat.S_ISLNK(lst.st_mode):
            try:
                st = os.stat(path)
            except OSError:
                return 'dangling'
            return 'symlink' if st.st_dev == self._nsfs_dev else 'dangling'
        if lst.st_dev == self._nsfs_dev:
            return 'namespace'
        if stat.S_ISREG(lst.st_mode):
            return 'file'
        return 'other'

    def list_entries(self):
        try:
            return sorted(os.listdir(RUN_DIR))
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return []
            raise LabnetError('cannot list %s: %s' % (RUN_DIR, _oserror_message(exc)))

    def ns_fd(self, name):
        """An fd of namespace NAME (None = this process's own), opened without O_CREAT."""
        if name is None:
            return self._home_fd
        if name not in self._fds:
            kind = self.entry_kind(name)
            if kind not in ('namespace', 'symlink'):
                raise LabnetError('network namespace %r does not exist (%s is %s)'
                                  % (name, netns_path(name), 'missing' if kind == 'missing' else 'a %s, not a namespace' % kind))
            try:
                self._fds[name] = os.open(netns_path(name), os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise LabnetError('cannot open network namespace %r: %s' % (name, _oserror_message(exc)))
        return self._fds[name]

    def ns_identity(self, name):
        if name is None:
            return self.home_identity
        st = os.fstat(self.ns_fd(name))
        return (st.st_dev, st.st_ino)

    def _forget(self, name):
        sock = self._sockets.pop(name, None)
        if sock is not None:
            sock.close()
        fd = self._fds.pop(name, None)
        if fd is not None:
            os.close(fd)

    def _lock_run_dir(self):
        try:
            os.makedirs(RUN_DIR, 0o755)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise LabnetError('cannot create %s: %s' % (RUN_DIR, _oserror_message(exc)))
        fd = os.open(RUN_DIR, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def _unlock(fd):
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def create_netns(self, name):
        """Create /run/netns/NAME as iproute2 does. Removes a leftover plain file first."""
        path = netns_path(name)
        lock = self._lock_run_dir()
        try:
            self._make_run_dir_shared()
            kind = self.entry_kind(name)
            if kind == 'namespace':
                return  # made meanwhile by a concurrent run (or `ip netns add`): what was asked for
            if kind == 'file':
                os.unlink(path)
            elif kind != 'missing':
                raise LabnetError('%s appeared meanwhile (%s); not touching it' % (path, kind))
            _unshare_net()
            try:
                _bind_new('/proc/thread-self/ns/net', path)
            finally:
                _setns(self._home_fd)
        except OSError as exc:
            raise LabnetError('cannot create network namespace %r: %s' % (name, _oserror_message(exc)))
        finally:
            self._unlock(lock)

    @staticmethod
    def _make_run_dir_shared():
        try:
            _mount('', RUN_DIR, MS_SHARED | MS_REC)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            _mount(RUN_DIR, RUN_DIR, MS_BIND | MS_REC)
            _mount('', RUN_DIR, MS_SHARED | MS_REC)

    def remove_netns(self, name):
        """Remove the name of a namespace (unmount + unlink); a plain leftover file is unlinked."""
        lock = self._lock_run_dir()
        try:
            self._clear_entry(name)
        except OSError as exc:
            raise LabnetError('cannot remove network namespace %r: %s' % (name, _oserror_message(exc)))
        finally:
            self._unlock(lock)

    def _clear_entry(self, name):
        """Under the lock: unmount and unlink /run/netns/NAME, whatever it is."""
        self._forget(name)
        path = netns_path(name)
        kind = self.entry_kind(name)
        if kind == 'namespace':
            _umount_detach(path)
        if kind != 'missing':
            os.unlink(path)

    def link_entry(self, name, target, bind):
        """Make /run/netns/NAME point at the namespace TARGET (a /proc/PID/ns/net path):
        a symlink, or (BIND) a bind mount as `ip netns attach` makes. An existing entry
        (symlink, bind mount or leftover file) is replaced under the lock."""
        path = netns_path(name)
        lock = self._lock_run_dir()
        try:
            self._clear_entry(name)
            if bind:
                self._make_run_dir_shared()
                _bind_new(target, path)
            else:
                os.symlink(target, path)
        except OSError as exc:
            raise LabnetError('cannot link %s to %s: %s' % (path, target, _oserror_message(exc)))
        finally:
            self._unlock(lock)

    def pids_in(self, identity):
        """PIDs of processes whose network namespace is IDENTITY (st_dev, st_ino)."""
        if self._pid_map is None:
            self._pid_map = {}
            for entry in os.listdir('/proc'):
                if entry.isdigit():
                    ident = ns_identity('/proc/%s/ns/net' % entry)
                    if ident is not None:
                        self._pid_map.setdefault(ident, []).append(int(entry))
        return sorted(self._pid_map.get(identity, []))

    # -- netlink sockets -------------------------------------------------------
    def ipr(self, name=None):
        """The netlink socket bound inside namespace NAME (None = this process's own)."""
        if name not in self._sockets:
            fd = self.ns_fd(name)
            try:
                if name is not None:
                    _setns(fd)
                try:
                    self._sockets[name] = IPRoute()
                finally:
                    if name is not None:
                        _setns(self._home_fd)
            except OSError as exc:
                raise LabnetError('cannot enter network namespace %r: %s' % (name, _oserror_message(exc)))
        return self._sockets[name]

    def run_in(self, name, func):
        """FUNC() with this thread inside namespace NAME (None = this process's own): a
        process started by FUNC (fork + exec) lives in that namespace."""
        fd = self.ns_fd(name)
        if name is None:
            return func()
        try:
            _setns(fd)
        except OSError as exc:
            raise LabnetError('cannot enter network namespace %r: %s' % (name, _oserror_message(exc)))
        try:
            return func()
        finally:
            _setns(self._home_fd)

    def call(self, name, what, func, *args, **kwargs):
        """Run a pyroute2 call on namespace NAME's socket, turning errors into LabnetError."""
        try:
            return func(self.ipr(name), *args, **kwargs)
        except NetlinkError as exc:
            code = exc.code
            raise LabnetError('%s%s: %s (%s)%s' % (
                what, '' if name is None else ' in namespace %r' % name,
                os.strerror(code) if isinstance(code, int) else code,
                errno.errorcode.get(code, code), _NEEDS_ROOT if code in (errno.EPERM, errno.EACCES) else ''),
                errno=code)
        except OSError as exc:
            raise LabnetError('%s: %s' % (what, _oserror_message(exc)))

    # -- links -----------------------------------------------------------------
    def links(self, name=None):
        """All links of namespace NAME as plain dicts, keyed by interface name."""
        msgs = self.call(name, 'cannot list links', lambda ipr: ipr.get_links())
        return dict((link['ifname'], link) for link in (_link_dict(m) for m in msgs))

    def addresses(self, name=None):
        """All addresses of namespace NAME: list of dicts (index, address, prefixlen, family, scope)."""
        msgs = self.call(name, 'cannot list addresses', lambda ipr: ipr.get_addr())
        out = []
        for msg in msgs:
            addr = msg.get_attr('IFA_LOCAL') or msg.get_attr('IFA_ADDRESS')
            out.append({'index': msg['index'], 'address': addr, 'prefixlen': msg['prefixlen'],
                        'family': msg['family'], 'scope': msg['scope'],
                        'flags': msg.get_attr('IFA_FLAGS') or msg['flags']})
        return out

    def same_namespace(self, name, other):
        return name == other or self.ns_identity(name) == self.ns_identity(other)

    def routes(self, name=None):
        """IPv4 and IPv6 routes of the main table of namespace NAME, as plain dicts."""
        out = []
        for family in (2, 10):  # AF_INET, AF_INET6
            msgs = self.call(name, 'cannot list routes', lambda ipr, f=family: ipr.get_routes(family=f, table=254))
            for msg in msgs:
                out.append({'family': family, 'dst': msg.get_attr('RTA_DST'), 'dst_len': msg['dst_len'],
                            'gateway': msg.get_attr('RTA_GATEWAY'), 'oif': msg.get_attr('RTA_OIF'),
                            'type': msg['type'], 'table': msg.get_attr('RTA_TABLE') or msg['table']})
        return out

    def netnsid(self, name, other):
        """The nsid that namespace NAME uses for namespace OTHER, or None."""
        fd = self.ns_fd(other)
        res = self.call(name, 'cannot query nsid', lambda ipr: ipr.get_netnsid(fd=fd))
        nsid = res.get('nsid') if isinstance(res, dict) else None
        return None if nsid is None or nsid < 0 else nsid

    def link(self, name, ifname):
        """One link of namespace NAME by interface name (one request, no dump), or None."""
        try:
            msgs = self.call(name, 'cannot look up %s' % ifname, lambda ipr: ipr.link('get', ifname=ifname))
        except LabnetError as exc:
            if exc.errno == errno.ENODEV:
                return None
            raise
        return _link_dict(msgs[0])

    def _index(self, name, ifname):
        link = self.link(name, ifname)
        if link is None:
            raise LabnetError('interface %s does not exist%s' % (
                ifname, '' if name is None else ' in namespace %r' % name))
        return link['index']

    def link_set(self, name, ifname, what, **attrs):
        """Change link IFNAME of namespace NAME. net_ns=OTHER moves it to namespace OTHER
        (None = this process's own); master=IFNAME attaches it (None detaches)."""
        index = self._index(name, ifname)
        if 'net_ns' in attrs:
            attrs['net_ns_fd'] = self.ns_fd(attrs.pop('net_ns'))
        if 'master' in attrs:
            attrs['master'] = 0 if attrs['master'] is None else self._index(name, attrs['master'])
        self.call(name, what, lambda ipr: ipr.link('set', index=index, **attrs))

    def link_del(self, name, ifname, what):
        link = self.link(name, ifname)
        if link is None:
            return  # deleted meanwhile (by a concurrent run, or with its veth peer): as asked
        try:
            self.call(name, what, lambda ipr: ipr.link('del', index=link['index']))
        except LabnetError as exc:
            if exc.errno != errno.ENODEV:
                raise

    def veth_add(self, name, ifname, peer, peer_ns, what, mtu=None, mac=None, peer_mac=None):
        """Create a veth pair atomically: PEER is born in PEER_NS with its final name."""
        peer_spec = {'ifname': peer, 'net_ns_fd': self.ns_fd(peer_ns)}
        spec = {'ifname': ifname, 'kind': 'veth'}
        if mtu is not None:
            spec['mtu'] = peer_spec['mtu'] = mtu
        if mac is not None:
            spec['address'] = mac
        if peer_mac is not None:
            peer_spec['address'] = peer_mac
        spec['peer'] = peer_spec
        try:
            self.call(name, what, lambda ipr: ipr.link('add', **spec))
        except LabnetError as exc:
            if exc.errno != errno.EEXIST or not self._is_pair(name, ifname, peer, peer_ns):
                raise
            # the same pair was made meanwhile by a concurrent run; attributes are set by later steps

    def _is_pair(self, name, ifname, peer, peer_ns):
        end, other = self.link(name, ifname), self.link(peer_ns, peer)
        if end is None or other is None or end['kind'] != 'veth' or end['link'] != other['index']:
            return False
        if end['link_netnsid'] is None:
            return self.same_namespace(name, peer_ns)
        return self.netnsid(name, peer_ns) == end['link_netnsid']

    def bridge_add(self, name, ifname, what, **attrs):
        try:
            self.call(name, what, lambda ipr: ipr.link('add', ifname=ifname, kind='bridge', **attrs))
        except LabnetError as exc:
            current = self.link(name, ifname) if exc.errno == errno.EEXIST else None
            if current is None or current['kind'] != 'bridge':
                raise
            # a bridge of that name was made meanwhile by a concurrent run: set what was asked
            if attrs:
                self.call(name, what, lambda ipr: ipr.link('set', index=current['index'], kind='bridge', **attrs))

    def addr(self, name, action, ifname, address, prefixlen, what):
        index = self._index(name, ifname)
        try:
            self.call(name, what, lambda ipr: ipr.addr(action, index=index, address=address, prefixlen=prefixlen))
        except LabnetError as exc:
            # added (or removed) meanwhile by a concurrent run: the address is as asked
            if not ((action == 'add' and exc.errno == errno.EEXIST) or
                    (action == 'del' and exc.errno == errno.EADDRNOTAVAIL)):
                raise


def _ipv6_disabled(msg):
    """True when the link's IPv6 configuration says disable_ipv6 (the kernel then refuses IPv6 addresses)."""
    spec = msg.get_attr('IFLA_AF_SPEC')
    inet6 = spec.get_attr('AF_INET6') if spec is not None else None
    conf = inet6.get_attr('IFLA_INET6_CONF') if inet6 is not None else None
    return bool(conf is not None and conf.get('disable_ipv6'))


def _link_dict(msg):
    info = msg.get_attr('IFLA_LINKINFO')
    kind = info.get_attr('IFLA_INFO_KIND') if info is not None else None
    link = {
        'index': msg['index'],
        'ifname': msg.get_attr('IFLA_IFNAME'),
        'kind': kind,
        'up': bool(msg['flags'] & IFF_UP),
        'mtu': msg.get_attr('IFLA_MTU'),
        'mac': msg.get_attr('IFLA_ADDRESS'),
        'master': msg.get_attr('IFLA_MASTER') or None,
        'link': msg.get_attr('IFLA_LINK'),
        'link_netnsid': msg.get_attr('IFLA_LINK_NETNSID'),
        'type': msg['ifi_type'],  # ARPHRD_*: 1 for Ethernet
        'loopback': bool(msg['flags'] & IFF_LOOPBACK),
        'ipv6_disabled': _ipv6_disabled(msg),
    }
    if kind == 'bridge' and info is not None:
        data = info.get_attr('IFLA_INFO_DATA')
        if data is not None:
            link['stp'] = bool(data.get_attr('IFLA_BR_STP_STATE'))
            link['forward_delay'] = data.get_attr('IFLA_BR_FORWARD_DELAY')
    return link
