# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Namespace entries (/run/netns/NAME): what each one is, the flock that iproute2 takes,
# creation and removal as iproute2 does them (unshare + bind mount, umount + unlink), and the
# ownership records of the namespaces this collection made. No netlink here (_netlink.py).
#
# Ownership records: a namespace has no attribute the kernel would keep a mark in, so the
# collection records the namespaces it made in RECORD_DIR, one file per namespace, keyed by
# the namespace's identity (st_dev, st_ino of its nsfs inode), never by its name. Inode
# numbers are reused after a namespace is freed, so the record also holds the namespace's
# cookie (SO_NETNS_COOKIE, unique for the whole boot): a record whose identity or cookie no
# longer matches means nothing. The record is written before the namespace gets its name,
# so a run killed in between leaves no unrecorded namespace of ours.
#
# Links cannot carry their mark from birth (the kernel ignores IFLA_IFALIAS on creation),
# so a link about to be created is announced in an intent record (namespace cookie +
# interface name) that is dropped once the link carries its mark: a link a killed run made
# but did not mark yet is still recognised as ours by the next run.
#
# Additions: what the collection adds to an object that is not its own (an address on the
# user's interface, a port attached to an adopted bridge) is recorded per interface (namespace
# cookie + ifindex + name), so that teardown takes back exactly what it added.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import ctypes
import errno
import fcntl
import json
import os
import socket
import stat
import struct
import threading

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError

RUN_DIR = '/run/netns'
STATE_DIR = '/run/labnet-netns'
RECORD_DIR = os.path.join(STATE_DIR, 'netns')
INTENT_DIR = os.path.join(STATE_DIR, 'intents')
ADDITION_DIR = os.path.join(STATE_DIR, 'additions')
CLONE_NEWNET = 0x40000000
MS_BIND = 4096
MS_REC = 16384
MS_SHARED = 1 << 20
MNT_DETACH = 2
SO_NETNS_COOKIE = 71

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


UMOUNT_WORKERS = 8


def _umount_detach_all(targets, workers=UMOUNT_WORKERS):
    """_umount_detach each of TARGETS, up to WORKERS at a time (threads: the call releases the
    GIL). Each unmount waits for an RCU grace period, which concurrent unmounts share: 1000
    namespaces take half a second one after the other, a few hundredths side by side.
    Returns {target: OSError} for those that failed."""
    failed = {}

    def work(chunk):
        for target in chunk:
            try:
                _umount_detach(target)
            except Exception as exc:  # pylint: disable=broad-except
                failed[target] = exc if isinstance(exc, OSError) else OSError(errno.EIO, str(exc))

    if len(targets) < 2 * workers:
        work(targets)
        return failed
    threads = []
    try:
        for k in range(workers):
            thread = threading.Thread(target=work, args=(targets[k::workers],))
            try:
                thread.start()
            except RuntimeError:  # no thread to be had (a pids limit): this share here, in turn
                work(targets[k::workers])
                continue
            threads.append(thread)
    finally:  # never return (and let the caller unlock /run/netns) while a thread still unmounts
        for thread in threads:
            thread.join()
    return failed


def _bind_new(source, path):
    """Create the empty file PATH and bind-mount SOURCE onto it; nothing is left on failure."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0))
    try:
        _mount(source, path, MS_BIND)
    except OSError:
        os.unlink(path)
        raise


_NEEDS_ROOT = '; this needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) on the target'


def oserror_message(exc):
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


def _current_cookie():
    """The cookie of the network namespace this thread is in, or None (kernel < 5.14)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    try:
        return socket_cookie(sock)
    finally:
        sock.close()


def socket_cookie(sock):
    """The cookie of the network namespace socket SOCK belongs to, or None (kernel < 5.14)."""
    try:
        return struct.unpack('Q', sock.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8))[0]
    except OSError:
        return None


def cookie_of(path):
    """The cookie of the namespace at PATH (a /proc/PID/ns/net or /run/netns entry), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    home = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    try:
        _setns(fd)
        try:
            return _current_cookie()
        finally:
            _setns(home)
    except OSError:
        return None
    finally:
        os.close(fd)
        os.close(home)


def _read_json(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_json(path, data):
    """Write DATA to PATH atomically (a reader sees the old or the new file, never half)."""
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        tmp = '%s.%d.tmp' % (path, os.getpid())
        with open(tmp, 'w') as handle:
            json.dump(data, handle)
        os.rename(tmp, path)
    except OSError as exc:
        raise LabnetError('cannot write the ownership record %s: %s' % (path, oserror_message(exc)))


def remove_file(path):
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise LabnetError('cannot remove %s: %s' % (path, oserror_message(exc)))


def _record_path(identity):
    return os.path.join(RECORD_DIR, '%d-%d.json' % identity)


def _hex(text):
    return binascii.hexlify(text.encode('utf-8', 'surrogateescape')).decode('ascii')


class NamespaceEntries:
    """The namespace side of the kernel boundary: entries under /run/netns, fds opened
    without O_CREAT, the /run/netns lock, and ownership records."""

    def __init__(self):
        try:
            self._home_fd = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
            self._nsfs_dev = os.fstat(self._home_fd).st_dev
        except OSError as exc:
            raise LabnetError('cannot open this process\'s network namespace: %s' % oserror_message(exc))
        self.home_identity = ns_identity('/proc/thread-self/ns/net')
        self._fds = {}
        self._cookies = {}
        self._pid_map = None
        self._run_dir_shared = False

    def close(self):
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}
        os.close(self._home_fd)

    # -- what an entry is ----------------------------------------------------------
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
            raise LabnetError('cannot inspect %s: %s' % (path, oserror_message(exc)))
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

    def exists(self, name):
        return name is None or self.entry_kind(name) in ('namespace', 'symlink')

    def list_entries(self):
        try:
            return sorted(os.listdir(RUN_DIR))
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return []
            raise LabnetError('cannot list %s: %s' % (RUN_DIR, oserror_message(exc)))

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
                raise LabnetError('cannot open network namespace %r: %s' % (name, oserror_message(exc)))
        return self._fds[name]

    def ns_identity(self, name):
        if name is None:
            return self.home_identity
        st = os.fstat(self.ns_fd(name))
        return (st.st_dev, st.st_ino)

    def same_namespace(self, name, other):
        return name == other or self.ns_identity(name) == self.ns_identity(other)

    def run_in(self, name, func):
        """FUNC() with this thread inside namespace NAME (None = this process's own): a
        process started by FUNC (fork + exec) lives in that namespace."""
        fd = self.ns_fd(name)
        if name is None:
            return func()
        try:
            _setns(fd)
        except OSError as exc:
            raise LabnetError('cannot enter network namespace %r: %s' % (name, oserror_message(exc)))
        try:
            return func()
        finally:
            _setns(self._home_fd)

    def ns_cookie(self, name):
        """The boot-unique cookie of namespace NAME (None = this process's own)."""
        if name not in self._cookies:
            self._cookies[name] = self.run_in(name, _current_cookie)
        return self._cookies[name]

    def _forget(self, name):
        self._cookies.pop(name, None)
        fd = self._fds.pop(name, None)
        if fd is not None:
            os.close(fd)

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

    # -- ownership records ---------------------------------------------------------------
    def netns_mark(self, name):
        """The ownership mark recorded for namespace NAME, or None when the collection did not
        make it (no record for its identity, or a record of an earlier namespace with that inode)."""
        if name is None or not self.exists(name):
            return None
        record = _read_json(_record_path(self.ns_identity(name)))
        if not record or record.get('cookie') != self.ns_cookie(name):
            return None
        return record.get('mark')

    def intent_owner(self, ns, ifname):
        """The mark announced by a run that was about to create link IFNAME in NS, or None."""
        record = _read_json(self._intent_path(ns, ifname))
        return record.get('mark') if record else None

    def _intent_path(self, ns, ifname):
        return os.path.join(INTENT_DIR, '%s-%s.json' % (self.ns_cookie(ns), _hex(ifname)))

    def announce_link(self, ns, ifname, mark):
        write_json(self._intent_path(ns, ifname), {'mark': mark, 'ifname': ifname})

    def link_marked(self, ns, ifname):
        remove_file(self._intent_path(ns, ifname))

    def _addition_path(self, ns, index):
        return os.path.join(ADDITION_DIR, '%s-%d.json' % (self.ns_cookie(ns), index))

    def additions(self, ns, link):
        """What was added to LINK (a dict from _netlink) of namespace NS: {key: mark}."""
        record = _read_json(self._addition_path(ns, link['index']))
        if not record or record.get('ifname') != link['ifname']:
            return {}
        return record.get('items', {})

    def record_addition(self, ns, index, ifname, key, mark):
        """Record that MARK added KEY to interface INDEX (IFNAME) of NS; MARK None forgets it."""
        self._update_record(self._addition_path(ns, index), key, mark, {'ifname': ifname})

    def _record_of(self, kind, ns):
        return os.path.join(STATE_DIR, kind, '%s.json' % self.ns_cookie(ns))

    def records(self, kind, ns):
        """What was recorded about namespace NS under KIND ('routes', 'sysctl'): {key: value}.
        Keyed by the namespace's boot-unique cookie, so meaningless once the namespace is gone.
        Routes have no alias: this record (key -> mark) is their ownership mark; sysctls keep
        here the value they had before we changed them."""
        record = _read_json(self._record_of(kind, ns))
        return record.get('items', {}) if record else {}

    def record(self, kind, ns, key, value):
        """Record VALUE for KEY of namespace NS under KIND; VALUE None forgets it."""
        self._update_record(self._record_of(kind, ns), key, value, {})

    def _update_record(self, path, key, value, header):
        """Set KEY to VALUE (None: forget it) in the items of the record at PATH, under the lock
        (concurrent runs update the same record). A record whose HEADER fields differ is stale
        and starts afresh; a record left without items is removed."""
        lock = self._lock_run_dir()
        try:
            record = _read_json(path)
            if not record or any(record.get(k) != v for k, v in header.items()):
                record = dict(header, items={})
            if value is None:
                record['items'].pop(key, None)
            else:
                record['items'][key] = value
            if record['items']:
                write_json(path, record)
            else:
                remove_file(path)
        finally:
            self._unlock(lock)

    # -- creation and removal -------------------------------------------------------------
    def _lock_run_dir(self):
        try:
            os.makedirs(RUN_DIR, 0o755)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise LabnetError('cannot create %s: %s' % (RUN_DIR, oserror_message(exc)))
        fd = os.open(RUN_DIR, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def _unlock(fd):
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def create_netns(self, name, mark):
        """Create /run/netns/NAME as iproute2 does, recorded with ownership MARK. Removes a
        leftover plain file first. Returns False when a namespace of that name appeared
        meanwhile (a concurrent run or `ip netns add`): it is not ours to record."""
        path = netns_path(name)
        lock = self._lock_run_dir()
        try:
            self._make_run_dir_shared()
            kind = self.entry_kind(name)
            if kind == 'namespace':
                return False
            if kind == 'file':
                os.unlink(path)
            elif kind != 'missing':
                raise LabnetError('%s appeared meanwhile (%s); not touching it' % (path, kind))
            _unshare_net()
            try:
                identity = ns_identity('/proc/thread-self/ns/net')
                write_json(_record_path(identity), {'name': name, 'mark': mark, 'cookie': _current_cookie()})
                _bind_new('/proc/thread-self/ns/net', path)
            finally:
                _setns(self._home_fd)
        except OSError as exc:
            raise LabnetError('cannot create network namespace %r: %s' % (name, oserror_message(exc)))
        finally:
            self._unlock(lock)
        return True

    def _make_run_dir_shared(self):
        """As iproute2 does before each bind mount; once per run is enough (it stays shared),
        and each call walks every mount below /run/netns: per namespace, a build would cost
        quadratic time."""
        if self._run_dir_shared:
            return
        try:
            _mount('', RUN_DIR, MS_SHARED | MS_REC)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            _mount(RUN_DIR, RUN_DIR, MS_BIND | MS_REC)
            _mount('', RUN_DIR, MS_SHARED | MS_REC)
        self._run_dir_shared = True

    def remove_netns(self, name):
        """Remove the name of a namespace (unmount + unlink) and its ownership record; a plain
        leftover file is unlinked."""
        failed = self.remove_netns_many([name])
        if failed:
            raise failed[name]

    def remove_netns_many(self, names):
        """remove_netns for each of NAMES under one hold of the lock, the unmounts side by side
        (see _umount_detach_all). Returns {name: LabnetError} for those that could not be removed."""
        lock = self._lock_run_dir()
        try:
            return dict((name, LabnetError('cannot remove network namespace %r: %s' % (name, (
                exc.msg if isinstance(exc, LabnetError) else oserror_message(exc)))))
                for name, exc in self._clear_entries(names).items())
        finally:
            self._unlock(lock)

    def _clear_entry(self, name):
        """Under the lock: unmount and unlink /run/netns/NAME, whatever it is."""
        failed = self._clear_entries([name])
        if failed:
            raise failed[name]

    def _clear_entries(self, names):
        """Under the lock: unmount and unlink /run/netns/NAME for each of NAMES, whatever it is.
        Returns {name: OSError or LabnetError} for those that failed (the others are gone)."""
        failed = {}
        mounted = []  # (name, its ownership record): the record goes once the name is gone
        for name in names:
            try:
                kind = self.entry_kind(name)
                if kind == 'namespace':
                    mounted.append((name, _record_path(self.ns_identity(name))))
                self._forget(name)
                if kind not in ('namespace', 'missing'):
                    os.unlink(netns_path(name))
            except (OSError, LabnetError) as exc:
                failed[name] = exc
        unmounted = _umount_detach_all([netns_path(name) for name, dummy in mounted])
        for name, record in mounted:
            try:
                if netns_path(name) in unmounted:
                    raise unmounted[netns_path(name)]
                os.unlink(netns_path(name))
                remove_file(record)
            except (OSError, LabnetError) as exc:
                failed[name] = exc
        return failed

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
            raise LabnetError('cannot link %s to %s: %s' % (path, target, oserror_message(exc)))
        finally:
            self._unlock(lock)
