# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lean netlink transport (_rtnl.py) read against independent witnesses, inside a sandbox:
`ip -j -d link`, `ip -j addr`, `ip -j route` (iproute2's own parsing) and pyroute2's decoding,
for every kind of link the collection reads; its refusals carry the kernel's errno."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import json
import os
import pwd

from conftest import COLLECTIONS, TARGET_PYTHON

READER = r'''
import json, os, sys
from ansible_collections.labnet.netns.plugins.module_utils import _rtnl
from pyroute2 import IPRoute
out = {}
sock = _rtnl.Socket()
out['links'] = sock.links()
out['addresses'] = sock.addresses()
out['routes'] = sock.routes()
out['one'] = sock.link(sys.argv[1])
out['by_index'] = sock.link(index=out['one']['index'])
try:
    sock.link('nothing-here')
except _rtnl.RtnlError as exc:
    out['missing'] = exc.errno
fd = os.open('/run/netns/a', os.O_RDONLY)
out['nsid_a'] = sock.nsid(fd)
own = os.open('/proc/self/ns/net', os.O_RDONLY)
out['nsid_self'] = sock.nsid(own)
ipr = IPRoute()
out['pyroute2'] = {}
for msg in ipr.get_links():
    spec = msg.get_attr('IFLA_AF_SPEC')
    inet6 = spec.get_attr('AF_INET6') if spec is not None else None
    conf = inet6.get_attr('IFLA_INET6_CONF') if inet6 is not None else None
    out['pyroute2'][msg.get_attr('IFLA_IFNAME')] = {
        'ipv6_disabled': bool(conf is not None and conf.get('disable_ipv6')),
        'alias': msg.get_attr('IFLA_IFALIAS'), 'mac': msg.get_attr('IFLA_ADDRESS'),
        'link_netnsid': msg.get_attr('IFLA_LINK_NETNSID'), 'mtu': msg.get_attr('IFLA_MTU')}
print(json.dumps(out))
'''

ALIAS = 'àlias ünïcode:bridge_topology/br0'


def read(sandbox, one='v0'):
    path = os.path.join(sandbox.tmp, 'reader.py')
    with open(path, 'w') as handle:
        handle.write(READER)
    return json.loads(sandbox.sh('PYTHONPATH=%s %s %s %s' % (COLLECTIONS, TARGET_PYTHON, path, one)))


def lab(sandbox):
    sandbox.sh(
        'ip netns add a && ip link add u0 type veth peer name u1 && ip addr add 10.9.0.1/24 dev u0 && '
        'ip -6 addr add 2001:db8:9::1/64 dev u0 nodad && ip link set u0 up && ip link set u1 up && '
        'ip link add v0 mtu 1400 address 02:00:00:00:00:01 type veth peer name v1 netns a && '
        "ip link set v0 alias '%s' && " % ALIAS +
        'ip link add br0 type bridge stp_state 1 forward_delay 500 && ip link set v0 master br0 && ip link set v0 up && '
        'ip link add vx0 type vxlan id 42 local 10.9.0.1 dstport 4790 nolearning dev u0 && '
        'ip link add vx6 type vxlan id 43 local 2001:db8:9::1 dstport 4789 && '
        'ip link add mv0 link u0 type macvlan mode bridge && '
        'ip tuntap add tp0 mode tap user 0 group 0 multi_queue && ip tuntap add tn0 mode tun && '
        'sysctl -qw net.ipv6.conf.u1.disable_ipv6=1 && '
        'ip link set br0 up && ip addr add 10.7.0.1/24 dev br0 && ip addr add 10.7.0.2/24 dev br0 && '
        'ip route add 192.0.2.0/24 via 10.9.0.2 metric 7 && ip route add 198.51.100.0/24 dev br0 table 100 && '
        'ip -6 route add 2001:db8:7::/64 via 2001:db8:9::2 dev u0')


def test_links_as_ip_reads_them(sandbox):
    lab(sandbox)
    got = read(sandbox)
    ours = dict((link['ifname'], link) for link in got['links'])
    ip = dict((link['ifname'], link) for link in json.loads(sandbox.sh('ip -j -d link show')))
    assert sorted(ours) == sorted(ip) == sorted(['lo', 'u0', 'u1', 'v0', 'br0', 'vx0', 'vx6', 'mv0', 'tp0', 'tn0'])
    names = dict((link['ifindex'], name) for name, link in ip.items())
    for name, link in ours.items():
        witness = ip[name]
        info = witness.get('linkinfo', {})
        data = info.get('info_data', {})
        assert link['index'] == witness['ifindex'], name
        assert link['mtu'] == witness['mtu'], name
        assert link['up'] == ('UP' in witness['flags']), name
        assert link['loopback'] == ('LOOPBACK' in witness['flags']), name
        assert link['kind'] == info.get('info_kind'), name
        assert link['mac'] == witness.get('address'), name
        assert link['alias'] == witness.get('ifalias'), name
        assert names.get(link['master']) == witness.get('master'), name
        assert link['link_netnsid'] == witness.get('link_netnsid'), name
        if 'link_index' in witness:  # the peer is in another namespace: ip shows its index
            assert link['link'] == witness['link_index'], name
        elif witness.get('link'):
            assert names[link['link']] == witness['link'], name
        if link['kind'] == 'bridge':
            assert (link['stp'], link['forward_delay']) == (bool(data['stp_state']), data['forward_delay'])
        if link['kind'] == 'vxlan':
            assert (link['vni'], link['local'], link['port'], link['learning']) == (
                data['id'], data.get('local') or data.get('local6'), data['port'], data['learning']), name
            assert names.get(link['underlay_index']) == data.get('link'), name
        if link['kind'] == 'macvlan':
            assert {4: 'bridge'}[link['mode']] == data['mode']
        if link['kind'] == 'tun':
            assert (link['tun_type'], bool(link['pi']), bool(link['vnet_hdr']), bool(link['multi_queue']),
                    bool(link['persist'])) == (data['type'], data['pi'], data['vnet_hdr'], data['multi_queue'],
                                               data['persist']), name
            user = pwd.getpwuid(link['user']).pw_name if link.get('user') is not None else None
            group = grp.getgrgid(link['group']).gr_name if link.get('group') is not None else None
            assert (user, group) == (data.get('user'), data.get('group')), name
    assert ours['v0']['alias'] == ALIAS and ours['v0']['mtu'] == 1400 and ours['v0']['link_netnsid'] is not None
    assert ours['vx0']['learning'] is False and ours['vx6']['local'] == '2001:db8:9::1'
    assert ours['tp0']['tun_type'] == 'tap' and ours['tn0']['tun_type'] == 'tun' and ours['tp0']['user'] == 0
    # what ip -d does not show, against pyroute2's decoding of the same kernel messages
    for name, link in ours.items():
        decoded = got['pyroute2'][name]
        assert link['ipv6_disabled'] == decoded['ipv6_disabled'], name
        assert (link['alias'], link['mac'], link['link_netnsid'], link['mtu']) == (
            decoded['alias'], decoded['mac'], decoded['link_netnsid'], decoded['mtu']), name
    assert ours['u1']['ipv6_disabled'] and not ours['u0']['ipv6_disabled']
    # one link by name, and the kernel's refusal for a name that is not there
    assert got['one'] == got['by_index'] == ours['v0']
    assert got['missing'] == 19  # ENODEV
    # the nsid of namespace a (the veth's peer) is the one v0 carries; this namespace has none of its own
    assert got['nsid_a'] == ours['v0']['link_netnsid'] and got['nsid_self'] is None


def test_addresses_and_routes_as_ip_reads_them(sandbox):
    lab(sandbox)
    got = read(sandbox)
    names = dict((link['index'], link['ifname']) for link in got['links'])
    ours = sorted((names[a['index']], a['address'], a['prefixlen'], a['family']) for a in got['addresses'])
    witness = sorted((link['ifname'], a['local'], a['prefixlen'], {'inet': 2, 'inet6': 10}[a['family']])
                     for link in json.loads(sandbox.sh('ip -j addr show')) for a in link['addr_info'])
    assert ours == witness
    assert ('br0', '10.7.0.2', 24, 2) in ours and ('u0', '2001:db8:9::1', 64, 10) in ours
    scopes = dict(((names[a['index']], a['address']), a['scope']) for a in got['addresses'])
    assert scopes[('lo', '127.0.0.1')] == 254 and scopes[('br0', '10.7.0.1')] == 0
    # routes: every table, both families, as ip -j route show table all lists them
    ours = sorted((r['family'], r['dst'], r['dst_len'], r['gateway'], names.get(r['oif']), r['metric'], r['table'])
                  for r in got['routes'] if r['type'] == 1)  # unicast
    tables = {'main': 254, 'local': 255}
    witness = []
    for family, number in (('-4', 2), ('-6', 10)):
        for r in json.loads(sandbox.sh('ip -j %s route show table all' % family)):
            if r.get('type', 'unicast') != 'unicast':
                continue
            dst, plen = (r['dst'].split('/') + [None])[:2] if r['dst'] != 'default' else (None, 0)
            plen = int(plen) if plen is not None else (32 if number == 2 else 128)
            table = r.get('table', 'main')
            witness.append((number, dst, plen, r.get('gateway'), r.get('dev'), r.get('metric', 0),
                            tables.get(table) or int(table)))
    assert ours == sorted(witness)
    assert (2, '192.0.2.0', 24, '10.9.0.2', 'u0', 7, 254) in ours and (2, '198.51.100.0', 24, None, 'br0', 0, 100) in ours
    assert (10, '2001:db8:7::', 64, '2001:db8:9::2', 'u0', 1024, 254) in ours
    assert [r['family'] for r in got['routes']] == sorted(r['family'] for r in got['routes'])


MROUTER = r'''
import json, socket, struct
from ansible_collections.labnet.netns.plugins.module_utils import _rtnl
from ansible_collections.labnet.netns.plugins.module_utils._netlink import Kernel
# a multicast router (what smcroute or pimd do): its (S,G) entries are routes of family
# RTNL_FAMILY_IPMR (128), in the AF_UNSPEC dump too, while its socket is open
mrouter = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
mrouter.setsockopt(socket.IPPROTO_IP, 200, 1)  # MRT_INIT
for vifi, dev in ((0, 'u0'), (1, 'u1')):  # MRT_ADD_VIF, VIFF_USE_IFINDEX
    mrouter.setsockopt(socket.IPPROTO_IP, 202, struct.pack('=HBBIi4x', vifi, 8, 1, 0, socket.if_nametoindex(dev)))
mrouter.setsockopt(socket.IPPROTO_IP, 204, struct.pack(  # MRT_ADD_MFC: 10.9.0.2 -> 239.1.1.1 from u0 to u1
    '=4s4sH32s2xIIIi', socket.inet_aton('10.9.0.2'), socket.inet_aton('239.1.1.1'), 0, bytes([0, 1] + [0] * 30), 0, 0, 0, 0))
sock = _rtnl.Socket()
raw = sock.request(_rtnl.RTM_GETROUTE, _rtnl._RTMSG.pack(_rtnl.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0), _rtnl.NLM_F_DUMP)
kernel = Kernel()
print(json.dumps({'families': sorted(set(bytearray(m)[0] for m in raw)), 'routes': sock.routes(),
                  'main': kernel.routes(), 'dump': kernel.route_dump()}))
'''


def test_routes_of_a_multicast_router_are_left_out(sandbox):
    """The AF_UNSPEC route dump also holds the multicast routing entries (family 128) of a
    namespace that runs a multicast router: they are not unicast routes of ours, and not read."""
    sandbox.sh('ip link add u0 type veth peer name u1 && ip link set u0 up && ip link set u1 up && '
               'ip addr add 10.9.0.1/24 dev u0 && ip route add 192.0.2.0/24 via 10.9.0.2')
    path = os.path.join(sandbox.tmp, 'mrouter.py')
    with open(path, 'w') as handle:
        handle.write(MROUTER)
    got = json.loads(sandbox.sh('PYTHONPATH=%s %s %s' % (COLLECTIONS, TARGET_PYTHON, path)))
    assert 128 in got['families']  # the kernel did list the multicast entry
    assert set(r['family'] for r in got['routes'] + got['dump'] + got['main']) == set([2, 10])
    assert [r for r in got['main'] if r['dst'] == '192.0.2.0'][0]['gateway'] == '10.9.0.2'


def test_a_link_whose_name_is_not_utf8_breaks_no_run(sandbox):
    """Linux takes any bytes in an interface name (not '/', ':', white space): a user's link named
    in Latin-1 is read as text (undecodable bytes escaped, so it can be looked up again), and runs
    that only see it, in the same namespace, work."""
    sandbox.sh("ip link add name \"$(printf 'x\\377')\" type veth peer name xp0 && ip netns add n1 && "
               "ip link add name \"$(printf 'y\\351')\" netns n1 type veth peer name yp0 netns n1")
    res = sandbox.module('veth', name='a0', peer='a1')
    assert not res.get('failed'), res.get('msg')
    res = sandbox.module('lab', namespaces=[dict(name='n2')], veths=[dict(name='b0', peer='b1', peer_namespace='n1')])
    assert not res.get('failed'), res.get('msg')
    res = sandbox.module('netns_info', names=['n1'])
    assert not res.get('failed'), res.get('msg')
    path = os.path.join(sandbox.tmp, 'names.py')
    with open(path, 'w') as handle:
        handle.write('from ansible_collections.labnet.netns.plugins.module_utils import _rtnl\n'
                     'sock = _rtnl.Socket()\nnames = [link["ifname"] for link in sock.links()]\n'
                     'odd = [n for n in names if n.startswith("x") and n != "xp0"]\n'
                     'print(all(isinstance(n, str) for n in names), len(odd), sock.link(odd[0])["ifname"] == odd[0])\n')
    assert sandbox.sh('PYTHONPATH=%s %s %s' % (COLLECTIONS, TARGET_PYTHON, path)).split() == ['True', '1', 'True']


AHEAD = r'''
import json, os, sys
from ansible_collections.labnet.netns.plugins.module_utils._netlink import Kernel
names = json.loads(sys.argv[1])
out = {}
ahead = Kernel()
ahead.read_ahead(names + ['not-there', None], names[::2] + ['not-there'])
taken = sorted('%s %s' % key for key in ahead._read_ahead)
out['taken'] = taken
plain = Kernel()
out['differ'] = [] if ahead.links(None) == plain.links(None) else ['host links']
for name in names:
    for what, a, b in (('links', ahead.links(name), plain.links(name)),
                       ('addresses', ahead.addresses(name), plain.addresses(name)),
                       ('nsid', ahead.netnsid(name, None), plain.netnsid(name, None)),
                       ('cookie', ahead.ns_cookie(name), plain.ns_cookie(name))):
        if a != b or a is None:
            out['differ'].append([name, what, a, b])
out['left'] = len(ahead._read_ahead)
# used once: a second read is the kernel's again
os.system('ip -n %s link set lo down' % names[0])
out['lo_again'] = ahead.links(names[0])['lo']['up']
# what was not used is forgotten by forget_read_ahead(): the next read is the kernel's
later = Kernel()
later.read_ahead(names, names)
os.system('ip -n %s addr add 10.99.0.1/32 dev lo' % names[-1])
later.forget_read_ahead()
out['fresh'] = [a['address'] for a in later.addresses(names[-1])]
few = Kernel()
few.read_ahead(names[:Kernel.READ_AHEAD_MIN - 1], names[:Kernel.READ_AHEAD_MIN - 1])
out['few'] = len(few._read_ahead)
print(json.dumps(out))
'''


def test_read_ahead_reads_what_the_usual_reads_do(sandbox):
    # many namespaces are read half here, half in a forked child: what each read returns is
    # what a read on its own returns, for every namespace of both halves
    names = ['ra%d' % i for i in range(69)] + ['ünï-ra']
    sandbox.sh('; '.join('ip netns add %s && ip -n %s link set lo up && ip link add h%d type veth peer name e0 netns %s '
                         '&& ip -n %s addr add 10.8.%d.1/24 dev e0 && ip link set h%d alias x%d'
                         % (n, n, i, n, n, i, i, i) for i, n in enumerate(names)))
    path = os.path.join(sandbox.tmp, 'ahead.py')
    with open(path, 'w') as handle:
        handle.write(AHEAD)
    got = json.loads(sandbox.sh("PYTHONPATH=%s %s %s '%s'" % (COLLECTIONS, TARGET_PYTHON, path, json.dumps(names))))
    # both halves arrived: every namespace's links and nsid, the addresses of those asked, and
    # the host's links (read here while the child reads)
    assert got['taken'] == sorted(['links %s' % n for n in names + [None]] + ['nsid %s' % n for n in names]
                                  + ['addresses %s' % n for n in names[::2]])
    assert got['differ'] == []
    assert got['left'] == 0
    assert got['lo_again'] is False
    assert '10.99.0.1' in got['fresh']
    assert got['few'] == 0
