# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lean netlink transport's pure parts: attribute walking, message parsing (against messages
encoded by pyroute2), and the request loop (multi-part answers, stray answers, refusals,
interrupted dumps) over a scripted socket. The kernel tests read a real kernel with it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import socket
import struct

import pytest

from ansible_collections.labnet.netns.plugins.module_utils import _rtnl

pyroute2 = pytest.importorskip('pyroute2')
from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg  # noqa: E402 pylint: disable=wrong-import-position
from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg  # noqa: E402 pylint: disable=wrong-import-position


def encoded(msg_class, fields, nla):
    msg = msg_class()
    for key, value in fields.items():
        msg[key] = value
    msg['attrs'] = nla
    msg.encode()
    return bytes(msg.data[16:])


def test_attrs_walks_padding_drops_flag_bits_and_stops_at_a_truncated_attribute():
    data = _rtnl.attr(3, b'ab\0') + _rtnl.attr(0x8000 | 18, _rtnl.attr(1, b'veth\0')) + _rtnl.attr(4, b'\x00\x05\x00\x00')
    got = _rtnl.attrs(data)
    assert got == {3: b'ab\0', 18: _rtnl.attr(1, b'veth\0'), 4: b'\x00\x05\x00\x00'}
    assert _rtnl.attrs(data + struct.pack('=HH', 40, 9) + b'xx') == got  # claims more than there is
    assert _rtnl.attrs(b'') == {} and _rtnl.attrs(struct.pack('=HH', 2, 1)) == {}


def test_parse_link_reads_what_pyroute2_encodes():
    body = encoded(ifinfmsg, {'index': 7, 'flags': 1, 'ifi_type': 1}, [
        ['IFLA_IFNAME', 'ünï'], ['IFLA_MTU', 1400], ['IFLA_ADDRESS', '02:00:00:00:00:0a'], ['IFLA_MASTER', 3],
        ['IFLA_LINK', 9], ['IFLA_LINK_NETNSID', 2], ['IFLA_IFALIAS', 'bridge_topology/br0'],
        ['IFLA_LINKINFO', {'attrs': [['IFLA_INFO_KIND', 'vxlan'], ['IFLA_INFO_DATA', {'attrs': [
            ['IFLA_VXLAN_ID', 42], ['IFLA_VXLAN_LOCAL6', '2001:db8::1'], ['IFLA_VXLAN_PORT', 4790],
            ['IFLA_VXLAN_LEARNING', 0]]}]]}]])
    link = _rtnl.parse_link(body)
    assert link == {'index': 7, 'ifname': 'ünï', 'kind': 'vxlan', 'up': True, 'mtu': 1400, 'mac': '02:00:00:00:00:0a',
                    'master': 3, 'link': 9, 'link_netnsid': 2, 'alias': 'bridge_topology/br0', 'type': 1,
                    'loopback': False, 'ipv6_disabled': False, 'vni': 42, 'underlay_index': None,
                    'local': '2001:db8::1', 'learning': False, 'port': 4790}


def test_parse_link_without_optional_attributes():
    link = _rtnl.parse_link(encoded(ifinfmsg, {'index': 1, 'flags': 8 | 1, 'ifi_type': 772}, [['IFLA_IFNAME', 'lo']]))
    assert (link['loopback'], link['kind'], link['master'], link['alias'], link['link_netnsid'], link['mac']) == (
        True, None, None, None, None, None)


def test_parse_address_v4_prefers_local_and_v6_reads_address():
    v4 = _rtnl.parse_address(encoded(ifaddrmsg, {'family': 2, 'prefixlen': 24, 'index': 3, 'scope': 0}, [
        ['IFA_ADDRESS', '10.0.0.255'], ['IFA_LOCAL', '10.0.1.1']]))
    assert v4 == {'index': 3, 'address': '10.0.1.1', 'prefixlen': 24, 'family': 2, 'scope': 0, 'flags': 0}
    v6 = _rtnl.parse_address(encoded(ifaddrmsg, {'family': 10, 'prefixlen': 64, 'index': 4, 'scope': 253}, [
        ['IFA_ADDRESS', 'fe80::1'], ['IFA_FLAGS', 0x80]]))
    assert (v6['address'], v6['scope'], v6['flags']) == ('fe80::1', 253, 0x80)


class Scripted:
    """A socket whose answers are scripted: each recv returns the next datagram."""

    def __init__(self, datagrams):
        self.datagrams = list(datagrams)
        self.sent = []

    def send(self, data):
        self.sent.append(data)

    def recvmsg(self, size):
        data = self.datagrams.pop(0)
        return data[:size], [], socket.MSG_TRUNC if len(data) > size else 0, None


def message(kind, seq, body=b'', flags=0):
    return struct.pack('=IHHII', 16 + len(body), kind, flags, seq, 0) + body


def lean(datagrams):
    sock = _rtnl.Socket.__new__(_rtnl.Socket)
    sock.sock, sock.seq = Scripted(datagrams), 0
    return sock


def link_body(index, name):
    return encoded(ifinfmsg, {'index': index}, [['IFLA_IFNAME', name]])


def test_a_dump_in_two_datagrams_with_a_stray_answer_in_between():
    sock = lean([message(16, 1, link_body(1, 'lo'), 2) + message(16, 99, link_body(5, 'stray'), 2),
                 message(16, 1, link_body(2, 'eth0'), 2) + message(3, 1, b'\0\0\0\0', 2)])
    assert [link['ifname'] for link in sock.links()] == ['lo', 'eth0']
    length, kind, flags, seq, dummy = struct.unpack_from('=IHHII', sock.sock.sent[0])
    assert (length, kind, flags & 0x301, seq) == (len(sock.sock.sent[0]), 18, 0x301, 1)


def test_a_refusal_carries_the_kernels_errno():
    sock = lean([message(2, 1, struct.pack('=i', -errno.ENODEV) + b'\0' * 16)])
    with pytest.raises(_rtnl.RtnlError) as caught:
        sock.link('missing')
    assert caught.value.errno == errno.ENODEV
    ack = lean([message(2, 1, struct.pack('=i', 0) + b'\0' * 16)])
    assert ack.request(16, b'\0' * 16) == []


def test_an_interrupted_dump_is_taken_again():
    sock = lean([message(16, 1, link_body(1, 'lo'), 2 | 0x10) + message(3, 1, b'\0\0\0\0', 2 | 0x10),
                 message(16, 2, link_body(1, 'lo'), 2) + message(16, 2, link_body(3, 'new'), 2) + message(3, 2, b'\0\0\0\0', 2)])
    assert [link['ifname'] for link in sock.links()] == ['lo', 'new']
    assert len(sock.sock.sent) == 2


def test_a_dump_that_ends_in_an_error():
    sock = lean([message(3, 1, struct.pack('=i', -errno.EINTR), 2)])
    with pytest.raises(_rtnl.RtnlError) as caught:
        sock.addresses()
    assert caught.value.errno == errno.EINTR


def test_text_is_always_text_and_round_trips_bytes_that_are_not_utf8():
    assert _rtnl._text(b'v0\0') == 'v0' and _rtnl._text('àl'.encode('utf-8') + b'\0') == 'àl'
    odd = _rtnl._text(b'x\xff\0')
    assert odd == 'x\udcff' and odd.encode('utf-8', 'surrogateescape') == b'x\xff'
    assert _rtnl._text(None) is None


def test_a_datagram_larger_than_the_buffer_is_refused_not_cut():
    big = message(16, 1, link_body(1, 'x' * 15) + b'\0' * _rtnl.RECV_SIZE, 2)
    sock = lean([big])
    with pytest.raises(_rtnl.RtnlError) as caught:
        sock.links()
    assert caught.value.errno == errno.EMSGSIZE


def test_addresses_of_other_families_are_left_out():
    v4 = encoded(ifaddrmsg, {'family': 2, 'prefixlen': 24, 'index': 3}, [['IFA_LOCAL', '10.0.1.1']])
    phonet = struct.pack('=BBBBi', 35, 0, 0, 0, 3) + _rtnl.attr(2, b'\x40')
    sock = lean([message(20, 1, v4, 2) + message(20, 1, phonet, 2) + message(3, 1, b'\0\0\0\0', 2)])
    assert [a['address'] for a in sock.addresses()] == ['10.0.1.1']


# -- _netlink._in_child: the other half of Kernel.read_ahead -----------------------
def test_in_child_returns_what_the_child_read_and_the_parent_keeps_its_own_state():
    from ansible_collections.labnet.netns.plugins.module_utils import _netlink
    seen = []

    def child():
        seen.append('child')  # in the child's memory only
        return [('näme\udcff', {'index': 1, 'up': True, 'alias': None}, [1.5, b'x'])]

    wait = _netlink._in_child(child)
    assert wait() == [('näme\udcff', {'index': 1, 'up': True, 'alias': None}, [1.5, b'x'])]
    assert seen == []


def test_in_child_that_fails_or_dies_returns_nothing():
    from ansible_collections.labnet.netns.plugins.module_utils import _netlink
    import os

    def boom():
        raise RuntimeError('no')

    assert _netlink._in_child(boom)() == []
    assert _netlink._in_child(lambda: os._exit(3))() == []
    # a large answer crosses the pipe whole
    big = [('n%d' % i, {'ifname': 'eth0', 'mtu': 1500}) for i in range(20000)]
    assert _netlink._in_child(lambda: big)() == big
