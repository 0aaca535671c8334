# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# The lean netlink transport of _netlink.py: a plain rtnetlink socket, one request at a time,
# and parsers for the few messages the collection reads (links, addresses, routes, nsids),
# reading only the attributes it uses. No pyroute2 here and no namespace switching: _netlink.py
# opens the socket inside the namespace, encodes the requests that change something with
# pyroute2's message classes and sends them here.
#
# Why (issue 14, measured): pyroute2 0.9's synchronous API runs an asyncio event loop for
# every request (about 0.4 ms on a 2-vCPU VM) and decodes every attribute of every message
# (about 0.3 ms per link). A re-run of a 1000-namespace lab makes ~3000 requests, a teardown
# reads 1000 namespaces: with this transport both cost a few milliseconds of kernel time per
# hundred namespaces. The values returned are those pyroute2 decodes (addresses as text,
# MACs as aa:bb:..., names as str), so the layers above see no difference; the kernel tests
# compare them with `ip -j -d link` and `ip -j addr` for every kind of link we use.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import socket
import struct

NETLINK_ROUTE = 0
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP_INTR = 0x1, 0x2, 0x4, 0x10
NLM_F_DUMP, NLM_F_EXCL, NLM_F_CREATE = 0x300, 0x200, 0x400
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_GETROUTE, RTM_GETNSID = 26, 90
AF_UNSPEC, AF_INET, AF_INET6 = 0, 2, 10
IFF_UP, IFF_LOOPBACK = 1, 8
RECV_SIZE = 1 << 16  # the kernel sizes a dump's messages by what recv asks for (at most 32 KiB)
DUMP_TRIES = 10  # a dump the kernel marks interrupted (the objects changed meanwhile) is taken again

_HDR = struct.Struct('=IHHII')       # nlmsghdr: len, type, flags, seq, pid
_NLA = struct.Struct('=HH')          # nlattr: len, type
_IFINFO = struct.Struct('=BxHiII')   # ifinfomsg: family, type, index, flags, change
_IFADDR = struct.Struct('=BBBBi')    # ifaddrmsg: family, prefixlen, flags, scope, index
_RTMSG = struct.Struct('=BBBBBBBBI')  # rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
_U32, _S32, _U16, _BE16 = struct.Struct('=I'), struct.Struct('=i'), struct.Struct('=H'), struct.Struct('>H')
_ADDR_FAMILY = {4: AF_INET, 16: AF_INET6}

# attribute numbers (linux/if_link.h, if_addr.h, rtnetlink.h, net_namespace.h)
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER = 1, 3, 4, 5, 10
IFLA_LINKINFO, IFLA_IFALIAS, IFLA_AF_SPEC, IFLA_LINK_NETNSID = 18, 20, 26, 37
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_INET6_CONF, DEVCONF_DISABLE_IPV6 = 2, 26
LINK_ATTRS = frozenset((IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER, IFLA_LINKINFO, IFLA_IFALIAS,
                        IFLA_AF_SPEC, IFLA_LINK_NETNSID))  # what parse_link reads
IFA_ADDRESS, IFA_LOCAL, IFA_FLAGS = 1, 2, 8
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_TABLE = 1, 4, 5, 6, 15
NETNSA_NSID, NETNSA_FD = 1, 3


class RtnlError(OSError):
    """The kernel refused a request: errno is the kernel's."""


def _u32(raw):
    return None if raw is None or len(raw) < 4 else _U32.unpack_from(raw)[0]


def _s32(raw):
    return None if raw is None or len(raw) < 4 else _S32.unpack_from(raw)[0]


def _u16(raw):
    return None if raw is None or len(raw) < 2 else _U16.unpack_from(raw)[0]


def _be16(raw):
    return None if raw is None or len(raw) < 2 else _BE16.unpack_from(raw)[0]


def _u8(raw):
    return None if not raw else bytearray(raw)[0]


def _text(raw):
    """A NUL-terminated string as text: UTF-8, bytes that are not escaped (surrogateescape), so a
    name in another encoding (Linux takes any bytes) is text too and can be looked up again.
    pyroute2 gave such a name as bytes, and every run that read it failed."""
    if raw is None:
        return None
    return raw.split(b'\0', 1)[0].decode('utf-8', 'surrogateescape')


def _mac(raw):
    return None if raw is None else ':'.join('%02x' % b for b in bytearray(raw))


def _ip(raw, family=None):
    if raw is None:
        return None
    family = family or _ADDR_FAMILY.get(len(raw))
    return socket.inet_ntop(family, raw) if family else None


def attrs(data, offset=0, end=None, wanted=None):
    """The attributes from OFFSET to END of DATA: {type: payload bytes} (flag bits dropped;
    the last one wins where a type repeats); with WANTED (a set of types), only those (a link
    message carries some 40 attributes, the collection reads 9: a third less time per link)."""
    end = len(data) if end is None else end
    out = {}
    unpack = _NLA.unpack_from
    while offset + 4 <= end:
        length, kind = unpack(data, offset)
        if length < 4 or offset + length > end:
            break
        kind &= 0x3fff
        if wanted is None or kind in wanted:
            out[kind] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return out


def attr(kind, payload):
    """One attribute, padded."""
    length = 4 + len(payload)
    return _NLA.pack(length, kind) + payload + b'\0' * (((length + 3) & ~3) - length)


# -- parsers ---------------------------------------------------------------------
# IFLA_INFO_DATA of each kind: (key, attribute number, decoder)
KIND_DATA = {
    'bridge': (('forward_delay', 1, _u32), ('stp', 5, _u32)),
    'vxlan': (('vni', 1, _u32), ('underlay_index', 3, _u32), ('local', 4, _ip), ('learning', 7, _u8),
              ('port', 15, _be16), ('local6', 17, _ip)),
    'macvlan': (('mode', 1, _u32),),
    'ipvlan': (('mode', 1, _u16),),
    'tun': (('user', 1, _u32), ('group', 2, _u32), ('tun_type', 3, _u8), ('pi', 4, _u8),
            ('vnet_hdr', 5, _u8), ('persist', 6, _u8), ('multi_queue', 7, _u8)),
    'ipip': (('local', 2, _ip), ('remote', 3, _ip), ('ttl', 4, _u8)),
}


def parse_link(data):
    """One RTM_NEWLINK message body as the plain dict the collection uses."""
    dummy, arphrd, index, flags, dummy = _IFINFO.unpack_from(data)
    nla = attrs(data, _IFINFO.size, wanted=LINK_ATTRS)
    info = attrs(nla[IFLA_LINKINFO]) if IFLA_LINKINFO in nla else {}
    kind = _text(info.get(IFLA_INFO_KIND))
    link = {
        'index': index,
        'ifname': _text(nla.get(IFLA_IFNAME)),
        'kind': kind,
        'up': bool(flags & IFF_UP),
        'mtu': _u32(nla.get(IFLA_MTU)),
        'mac': _mac(nla.get(IFLA_ADDRESS)),
        'master': _u32(nla.get(IFLA_MASTER)) or None,
        'link': _u32(nla.get(IFLA_LINK)),
        'link_netnsid': _s32(nla.get(IFLA_LINK_NETNSID)),
        'alias': _text(nla.get(IFLA_IFALIAS)),
        'type': arphrd,  # ARPHRD_*: 1 for Ethernet
        'loopback': bool(flags & IFF_LOOPBACK),
        'ipv6_disabled': _ipv6_disabled(nla.get(IFLA_AF_SPEC)),
    }
    if kind in KIND_DATA:
        data = attrs(info[IFLA_INFO_DATA]) if IFLA_INFO_DATA in info else None
        if data is not None:
            for key, number, decode in KIND_DATA[kind]:
                link[key] = decode(data.get(number))
            _kind_values(kind, link)
    return link


def _kind_values(kind, link):
    """The few values _netlink.py has always given in another form than the kernel's."""
    if kind == 'bridge':
        link['stp'] = bool(link['stp'])
    elif kind == 'tun':
        link['tun_type'] = {1: 'tun', 2: 'tap'}.get(link['tun_type'], link['tun_type'])
    elif kind == 'vxlan':
        link['local'] = link['local'] or link.pop('local6')
        link.pop('local6', None)
        link['underlay_index'] = link['underlay_index'] or None
        link['learning'] = bool(link['learning'])


_AF_INET6, _INET6_CONF = frozenset((AF_INET6,)), frozenset((IFLA_INET6_CONF,))


def _ipv6_disabled(spec):
    """True when the link's IPv6 configuration says disable_ipv6 (AF_SPEC / AF_INET6 / CONF)."""
    inet6 = attrs(spec, wanted=_AF_INET6).get(AF_INET6) if spec is not None else None
    conf = attrs(inet6, wanted=_INET6_CONF).get(IFLA_INET6_CONF) if inet6 is not None else None
    offset = 4 * DEVCONF_DISABLE_IPV6
    return bool(conf is not None and len(conf) >= offset + 4 and _S32.unpack_from(conf, offset)[0])


def parse_address(data):
    family, prefixlen, flags, scope, index = _IFADDR.unpack_from(data)
    nla = attrs(data, _IFADDR.size)
    return {'index': index, 'address': _ip(nla.get(IFA_LOCAL) or nla.get(IFA_ADDRESS), family),
            'prefixlen': prefixlen, 'family': family, 'scope': scope,
            'flags': _u32(nla.get(IFA_FLAGS)) or flags}


def parse_route(data):
    family, dst_len, dummy, dummy, table, proto, scope, kind, dummy = _RTMSG.unpack_from(data)
    nla = attrs(data, _RTMSG.size)
    return {'family': family, 'dst': _ip(nla.get(RTA_DST), family), 'dst_len': dst_len,
            'gateway': _ip(nla.get(RTA_GATEWAY), family), 'oif': _u32(nla.get(RTA_OIF)),
            'metric': _u32(nla.get(RTA_PRIORITY)) or 0, 'proto': proto, 'scope': scope, 'type': kind,
            'table': _u32(nla.get(RTA_TABLE)) or table}


# -- the socket ------------------------------------------------------------------
class Socket:
    """An rtnetlink socket of the namespace the calling thread is in when it is made."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_ROUTE)
        try:
            self.sock.bind((0, 0))
        except OSError:
            self.sock.close()
            raise
        self.seq = 0

    def close(self):
        self.sock.close()

    def request(self, kind, body, flags=NLM_F_ACK):
        """Send one request; returns the bodies of the messages that answer it, [] for an
        acknowledgement. A refusal raises RtnlError. A dump the kernel marks interrupted
        is taken again (at most DUMP_TRIES times; then the last one is returned)."""
        for dummy in range(DUMP_TRIES):
            replies, interrupted = self._exchange(kind, body, flags)
            if not interrupted:
                break
        return replies

    def _exchange(self, kind, body, flags):
        self.seq = self.seq % 0x7fffffff + 1
        seq = self.seq
        self.sock.send(_HDR.pack(_HDR.size + len(body), kind, flags | NLM_F_REQUEST, seq, 0) + body)
        replies, interrupted = [], False
        while True:
            data, dummy, recv_flags, dummy = self.sock.recvmsg(RECV_SIZE)
            if recv_flags & socket.MSG_TRUNC:  # never seen: the kernel sizes a dump's datagrams by RECV_SIZE
                raise RtnlError(errno.EMSGSIZE, 'netlink answer larger than %d bytes' % RECV_SIZE)
            offset = 0
            while offset + _HDR.size <= len(data):
                length, msg_type, msg_flags, msg_seq, dummy = _HDR.unpack_from(data, offset)
                if length < _HDR.size:
                    raise RtnlError(errno.EPROTO, 'malformed netlink message')
                start, offset = offset + _HDR.size, offset + ((length + 3) & ~3)
                if msg_seq != seq:
                    continue  # the late answer to an earlier request
                interrupted = interrupted or bool(msg_flags & NLM_F_DUMP_INTR)
                if msg_type == NLMSG_ERROR:
                    code = -_S32.unpack_from(data, start)[0]
                    if code:
                        raise RtnlError(code, os.strerror(code))
                    return replies, interrupted
                if msg_type == NLMSG_DONE:
                    code = -_S32.unpack_from(data, start)[0] if length >= _HDR.size + 4 else 0
                    if code > 0:
                        raise RtnlError(code, os.strerror(code))
                    return replies, interrupted
                replies.append(data[start:start + length - _HDR.size])
                if not msg_flags & NLM_F_MULTI and not flags & NLM_F_ACK:
                    return replies, interrupted  # the one answer to a get

    # -- reads -----------------------------------------------------------------------
    def links(self):
        return [parse_link(m) for m in self.request(RTM_GETLINK, _IFINFO.pack(AF_UNSPEC, 0, 0, 0, 0), NLM_F_DUMP)]

    def link(self, ifname=None, index=0):
        """Link IFNAME, or the link of INDEX (RtnlError ENODEV when there is none)."""
        body = _IFINFO.pack(AF_UNSPEC, 0, index, 0, 0)
        if ifname is not None:
            body += attr(IFLA_IFNAME, ifname.encode('utf-8', 'surrogateescape') + b'\0')
        return parse_link(self.request(RTM_GETLINK, body, 0)[0])

    def addresses(self):
        """IPv4 and IPv6 addresses (a dump of every family: others, e.g. phonet's, are left out)."""
        out = self.request(RTM_GETADDR, _IFADDR.pack(AF_UNSPEC, 0, 0, 0, 0), NLM_F_DUMP)
        return [parse_address(m) for m in out if _u8(m[:1]) in (AF_INET, AF_INET6)]

    def routes(self):
        """IPv4 and IPv6 routes of every table (one dump for both families; the dump also holds
        those of other families, e.g. a multicast router's entries (RTNL_FAMILY_IPMR): left out)."""
        out = self.request(RTM_GETROUTE, _RTMSG.pack(AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0), NLM_F_DUMP)
        return [parse_route(m) for family in (AF_INET, AF_INET6) for m in out if _u8(m[:1]) == family]

    def nsid(self, fd):
        """The nsid this namespace uses for the namespace open at FD, or None."""
        replies = self.request(RTM_GETNSID, struct.pack('=Bxxx', AF_UNSPEC) + attr(NETNSA_FD, _U32.pack(fd)), 0)
        nsid = _s32(attrs(replies[0], 4).get(NETNSA_NSID)) if replies else None
        return None if nsid is None or nsid < 0 else nsid
