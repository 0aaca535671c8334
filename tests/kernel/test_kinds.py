# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""labnet.netns.netns_link on the real kernel: macvlan, ipvlan, tap, tun and ipip links created,
converged (check -> real -> check -> real), drift repaired, removed; ownership; bad input; and a
clear error for each kind this kernel lacks (those tests skip, saying so, where the kernel has it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys

import pytest

from conftest import COLLECTIONS, assert_failed, assert_ok, four_runs, four_runs_after_drift

sys.path.insert(0, COLLECTIONS)
from ansible_collections.labnet.netns.plugins.plugin_utils._topology import graph  # noqa: E402 pylint: disable=wrong-import-position

# how the kernel is asked, by hand, whether it has a kind (a parent veth p0 exists first)
PROBES = {
    'macvlan': 'ip link add probe0 link p0 type macvlan',
    'ipvlan': 'ip link add probe0 link p0 type ipvlan',
    'ipip': 'ip link add probe0 type ipip local 192.0.2.1',
    'tap': 'ip tuntap add dev probe0 mode tap',
    'tun': 'ip tuntap add dev probe0 mode tun',
}


# attach to an existing tun/tap device (name, IFF_TUN 1 / IFF_TAP 2) and give it another owner
SET_TUN_OWNER = ('python3 -c "import fcntl, os, struct; fd = os.open(\'/dev/net/tun\', os.O_RDWR); '
                 'fcntl.ioctl(fd, 0x400454ca, struct.pack(\'16sH22x\', b\'%s\', %d | 0x1000)); '
                 'fcntl.ioctl(fd, 0x400454cc, %d)"')


def lacks(sandbox, kind):
    """Why this kernel cannot make KIND (ip's own error text), or None when it can."""
    out = sandbox.sh('ip link add p0 type veth peer name p0peer 2>/dev/null; %s 2>&1 && echo MADE; '
                     'ip link del probe0 2>/dev/null; ip link del p0 2>/dev/null; true' % PROBES[kind])
    return None if 'MADE' in out else out.strip()


def needs(sandbox, kind):
    why = lacks(sandbox, kind)
    if why:
        pytest.skip('this kernel has no %s links (%s: %s)' % (kind, PROBES[kind], why))


def parent(sandbox, name='p0', namespace=None):
    """A veth end to stand on (this kernel has no dummy driver)."""
    n = '-n %s ' % namespace if namespace else ''
    sandbox.sh('ip %slink add %s type veth peer name %speer && ip %slink set %s up' % (n, name, name, n, name))


def link(sandbox, name, namespace=None):
    return sandbox.links(namespace)[name]


def info_data(sandbox, name, namespace=None):
    return link(sandbox, name, namespace)['linkinfo'].get('info_data', {})


# -- macvlan -------------------------------------------------------------------------------

def test_macvlan_in_a_namespace_on_a_host_parent(sandbox):
    needs(sandbox, 'macvlan')
    parent(sandbox)
    sandbox.sh('ip netns add net0')
    args = dict(name='mv0', kind='macvlan', namespace='net0', link='p0', mode='bridge', mtu=1400)
    res = four_runs(sandbox, 'netns_link', **args)
    assert res['operations'] == ['create macvlan net0/mv0 on p0', 'set mtu 1400 on net0/mv0', 'set up net0/mv0']
    assert res['links'][0]['owner'] == 'netns_link' and res['links'][0]['mode'] == 'bridge'
    mv0 = link(sandbox, 'mv0', 'net0')
    assert mv0['linkinfo']['info_kind'] == 'macvlan' and mv0['linkinfo']['info_data']['mode'] == 'bridge'
    assert mv0['mtu'] == 1400 and 'UP' in mv0['flags'] and mv0['ifalias'] == 'labnet.netns:netns_link'
    assert 'mv0' not in sandbox.links()  # born in net0: never on the host
    # drift: mode, mtu and up changed by hand come back
    sandbox.sh('ip -n net0 link set mv0 down mtu 1300 type macvlan mode private')
    res = four_runs_after_drift(sandbox, 'netns_link', **args)
    assert res['operations'] == ['set mode bridge on macvlan net0/mv0', 'set mtu 1400 on net0/mv0', 'set up net0/mv0']
    assert res['diff']['before']['net0/mv0']['mode'] == 'private'
    assert info_data(sandbox, 'mv0', 'net0')['mode'] == 'bridge'
    # passthru cannot be switched in place: refused, nothing changes
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns_link', **dict(args, mode='passthru')), 'into or out of passthru')
    assert sandbox.snapshot() == before
    # removed
    res = four_runs(sandbox, 'netns_link', name='mv0', kind='macvlan', namespace='net0', state='absent')
    assert res['operations'] == ['delete macvlan net0/mv0'] and 'mv0' not in sandbox.links('net0')
    assert 'p0' in sandbox.links()


def test_macvlan_parent_in_a_namespace_and_mac(sandbox):
    needs(sandbox, 'macvlan')
    sandbox.sh('ip netns add router')
    parent(sandbox, 'eth1', 'router')
    args = dict(name='mv1', kind='macvlan', namespace='router', link='eth1', link_namespace='router',
                mode='private', mac='02:00:00:00:00:11')
    four_runs(sandbox, 'netns_link', **args)
    mv1 = link(sandbox, 'mv1', 'router')
    assert mv1['address'] == '02:00:00:00:00:11' and mv1['link'] == 'eth1'
    sandbox.sh('ip -n router link set mv1 address 02:00:00:00:00:22')
    four_runs_after_drift(sandbox, 'netns_link', **args)
    assert link(sandbox, 'mv1', 'router')['address'] == '02:00:00:00:00:11'
    # the same name on another parent: refused (a parent cannot change), named
    parent(sandbox, 'eth2', 'router')
    assert_failed(sandbox.module('netns_link', **dict(args, link='eth2')),
                  'exists on parent router/eth1, not on router/eth2')
    # a parent that is on the host, not in router: refused
    assert_failed(sandbox.module('netns_link', **dict(args, link_namespace=None)),
                  'link eth1 (the parent of macvlan router/mv1) does not exist in the host namespace')


def test_macvlan_items_host_and_namespace(sandbox):
    needs(sandbox, 'macvlan')
    parent(sandbox)
    sandbox.sh('ip netns add a && ip netns add b')
    res = four_runs(sandbox, 'netns_link', kind='macvlan', link='p0', mode='vepa',
                    items=[{'name': 'mva', 'namespace': 'a'}, {'name': 'mvb', 'namespace': 'b'}, {'name': 'mvh'}])
    assert [l['name'] for l in res['links']] == ['mva', 'mvb', 'mvh']
    assert info_data(sandbox, 'mva', 'a')['mode'] == 'vepa' and 'mvh' in sandbox.links()


def test_netns_info_reports_kind_parent_and_mode(sandbox):
    needs(sandbox, 'macvlan')
    needs(sandbox, 'tap')
    parent(sandbox)
    sandbox.sh('ip netns add net0')
    assert_ok(sandbox.module('netns_link', items=[
        {'name': 'mv0', 'kind': 'macvlan', 'namespace': 'net0', 'link': 'p0', 'mode': 'private'},
        {'name': 'mvh', 'kind': 'macvlan', 'link': 'p0'},
        {'name': 'tap0', 'kind': 'tap'}]))
    res = assert_ok(sandbox.module('netns_info'))
    mv0 = [l for l in res['namespaces']['net0']['links'] if l['name'] == 'mv0'][0]
    assert mv0['kind'] == 'macvlan' and mv0['mode'] == 'private' and mv0['owner'] == 'netns_link'
    assert mv0['parent'] == {'name': 'p0', 'namespace': None, 'known': True}
    host = dict((l['name'], l) for l in res['host']['links'])
    assert host['mvh']['parent'] == {'name': 'p0', 'namespace': None, 'known': True} and host['mvh']['mode'] == 'vepa'
    assert host['tap0']['kind'] == 'tap' and 'parent' not in host['tap0']
    # the picture, drawn on the controller: an edge from the macvlan to its parent
    clusters, edges = graph(res)
    ids = dict(((label, link['name']), node) for label, members in clusters for node, link in members)
    assert (ids[('net0', 'mv0')], ids[('(host)', 'p0')], 'port') in edges or \
        (ids[('(host)', 'p0')], ids[('net0', 'mv0')], 'port') in edges, edges


def test_a_macvlan_on_a_tap_made_by_an_earlier_item(sandbox):
    needs(sandbox, 'macvlan')
    needs(sandbox, 'tap')
    sandbox.sh('ip netns add net0')
    res = four_runs(sandbox, 'netns_link', items=[{'name': 'tap0', 'kind': 'tap'},
                                                  {'name': 'mv0', 'kind': 'macvlan', 'link': 'tap0', 'namespace': 'net0'}])
    assert res['operations'] == ['create tap tap0', 'set up tap0', 'create macvlan net0/mv0 on tap0', 'set up net0/mv0']
    assert link(sandbox, 'mv0', 'net0')['linkinfo']['info_kind'] == 'macvlan'


# -- tap and tun ---------------------------------------------------------------------------

def test_tap_owner_and_drift(sandbox):
    needs(sandbox, 'tap')
    args = dict(name='tap0', kind='tap', user='1234', group='4321', mtu=9000, mac='02:00:00:00:00:33')
    res = four_runs(sandbox, 'netns_link', **args)
    assert res['links'][0]['user'] == 1234 and res['links'][0]['group'] == 4321
    tap = info_data(sandbox, 'tap0')
    assert tap['type'] == 'tap' and tap['user'] == 1234 and tap['group'] == 4321 and tap['persist']
    assert link(sandbox, 'tap0')['mtu'] == 9000
    # drift: owner changed by hand (ip tuntap cannot: it opens with IFF_TUN_EXCL), down, other MTU
    sandbox.sh(SET_TUN_OWNER % ('tap0', 2, 4321) + ' && ip link set tap0 down mtu 1500')
    res = four_runs_after_drift(sandbox, 'netns_link', **args)
    assert res['operations'] == ['set user 1234 group 4321 on tap tap0', 'set mtu 9000 on tap0', 'set up tap0']
    assert info_data(sandbox, 'tap0')['user'] == 1234
    # a tap is not a tun: the kind of an existing link is never changed
    assert_failed(sandbox.module('netns_link', name='tap0', kind='tun'), 'tap0 exists in the host namespace and is a tap, not a tun')
    assert_failed(sandbox.module('netns_link', name='tap0', kind='tap', multi_queue=True),
                  'multi_queue=False; it cannot be changed in place')
    four_runs(sandbox, 'netns_link', name='tap0', kind='tap', state='absent')
    assert 'tap0' not in sandbox.links()


def test_tun_in_a_namespace_multi_queue(sandbox):
    needs(sandbox, 'tun')
    sandbox.sh('ip netns add net0')
    args = dict(name='tun0', kind='tun', namespace='net0', multi_queue=True, user='root')
    four_runs(sandbox, 'netns_link', **args)
    tun = info_data(sandbox, 'tun0', 'net0')
    assert tun['type'] == 'tun' and tun['multi_queue'] and tun['user'] == 'root'
    assert 'tun0' not in sandbox.links()
    sandbox.sh('ip -n net0 link set tun0 down')
    four_runs_after_drift(sandbox, 'netns_link', **args)
    four_runs(sandbox, 'netns_link', name='tun0', kind='tun', namespace='net0', state='absent')
    assert 'tun0' not in sandbox.links('net0')


# -- kinds this kernel may lack ------------------------------------------------------------

def test_ipvlan(sandbox):
    needs(sandbox, 'ipvlan')
    parent(sandbox)
    sandbox.sh('ip netns add net0')
    args = dict(name='ipv0', kind='ipvlan', namespace='net0', link='p0', mode='l2')
    four_runs(sandbox, 'netns_link', **args)
    assert info_data(sandbox, 'ipv0', 'net0')['mode'] == 'l2'
    sandbox.sh('ip -n net0 link set ipv0 type ipvlan mode l3')
    four_runs_after_drift(sandbox, 'netns_link', **args)
    four_runs(sandbox, 'netns_link', name='ipv0', kind='ipvlan', namespace='net0', state='absent')


def test_ipip(sandbox):
    needs(sandbox, 'ipip')
    args = dict(name='ipip1', kind='ipip', local='192.0.2.1', remote='198.51.100.1', ttl=64)
    four_runs(sandbox, 'netns_link', **args)
    data = info_data(sandbox, 'ipip1')
    assert data['local'] == '192.0.2.1' and data['remote'] == '198.51.100.1' and data['ttl'] == 64
    sandbox.sh('ip link set ipip1 type ipip ttl 10')
    four_runs_after_drift(sandbox, 'netns_link', **args)
    four_runs(sandbox, 'netns_link', name='ipip1', kind='ipip', state='absent')


@pytest.mark.parametrize('kind,args', [('ipvlan', dict(link='p0', mode='l2')),
                                       ('ipip', dict(local='192.0.2.1'))])
def test_a_kind_the_kernel_lacks_is_a_clear_error(sandbox, kind, args):
    why = lacks(sandbox, kind)
    if why is None:
        pytest.skip('this kernel has %s links' % kind)
    parent(sandbox)
    before = sandbox.snapshot()
    res = sandbox.module('netns_link', name='x0', kind=kind, **args)
    assert_failed(res, 'cannot create %s x0' % kind, 'the kernel of this host has no %s links' % kind)
    assert sandbox.snapshot() == before  # nothing half-made, no intent left behind
    assert sandbox.sh('ls /run/labnet-netns/intents 2>/dev/null') == ''
    # check mode cannot know: it predicts the creation
    assert sandbox.module('netns_link', check=True, name='x0', kind=kind, **args)['changed']


# -- ownership -----------------------------------------------------------------------------

def test_a_users_links_are_refused_adopted_and_survive_absent(sandbox):
    needs(sandbox, 'macvlan')
    parent(sandbox)
    sandbox.sh('ip link add mine0 link p0 type macvlan mode bridge && ip tuntap add dev mytap mode tap')
    for name, kind, extra in (('mine0', 'macvlan', dict(link='p0')), ('mytap', 'tap', {})):
        fixture = sandbox.snapshot()
        assert_failed(sandbox.module('netns_link', name=name, kind=kind, **extra),
                      '%s %s already exists and was not made by labnet.netns' % (kind, name))
        assert_failed(sandbox.module('netns_link', name=name, kind=kind, state='absent'),
                      '%s %s was not made by labnet.netns' % (kind, name), 'refusing to remove it')
        assert sandbox.snapshot() == fixture
        # adopted: used as it is (brought up), never marked, and kept by state=absent
        res = assert_ok(sandbox.module('netns_link', name=name, kind=kind, adopt=True, **extra))
        assert res['operations'] == ['set up %s' % name] and res['links'][0]['owner'] is None
        assert 'ifalias' not in link(sandbox, name)
        res = assert_ok(sandbox.module('netns_link', name=name, kind=kind, adopt=True, state='absent'))
        assert not res['changed'] and res['links'][0]['kept'] and name in sandbox.links()
        # force removes it
        res = assert_ok(sandbox.module('netns_link', name=name, kind=kind, force=True, state='absent'))
        assert res['operations'] == ['delete %s %s' % (kind, name)] and name not in sandbox.links()


def test_owner_marks_and_another_owner_is_refused(sandbox):
    needs(sandbox, 'tap')
    assert_ok(sandbox.module('netns_link', name='tap1', kind='tap', owner='lab1'))
    assert link(sandbox, 'tap1')['ifalias'] == 'labnet.netns:lab1'
    assert_failed(sandbox.module('netns_link', name='tap1', kind='tap', owner='lab2'),
                  'tap tap1 already exists and was not made by owner lab2 (it is marked as made by lab1)')
    assert_failed(sandbox.module('netns_link', name='tap1', kind='tap', owner='lab2', state='absent'), 'refusing to remove it')
    assert_ok(sandbox.module('netns_link', name='tap1', kind='tap', owner='lab1', state='absent'))
    assert 'tap1' not in sandbox.links()


def test_an_unmarked_link_of_ours_is_recognised_by_its_intent(sandbox):
    """A run killed between creating and marking: the intent record says it is ours."""
    needs(sandbox, 'tap')
    assert_ok(sandbox.module('netns_link', name='tap2', kind='tap'))
    intent = sandbox.sh("python3 -c \"import binascii;print(binascii.hexlify(b'tap2').decode())\"").strip()
    cookie = sandbox.sh("python3 -c \"import socket;s=socket.socket();"
                        "import struct;print(struct.unpack('Q', s.getsockopt(1, 71, 8))[0])\"").strip()
    sandbox.sh('ip link set tap2 alias "" ; mkdir -p /run/labnet-netns/intents && echo \'{"mark": '
               '"labnet.netns:netns_link", "ifname": "tap2"}\' > /run/labnet-netns/intents/%s-%s.json' % (cookie, intent))
    res = assert_ok(sandbox.module('netns_link', name='tap2', kind='tap'))
    assert res['operations'] == ['mark tap2 as made by labnet.netns:netns_link']
    assert link(sandbox, 'tap2')['ifalias'] == 'labnet.netns:netns_link'


# -- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize('args,fragments', [
    (dict(name='mv0', kind='macvlan'), ('link (the parent device) is required for kind macvlan',)),
    (dict(name='tap0', kind='tap', mode='bridge'), ('mode is not an option of kind tap', 'macvlan, ipvlan')),
    (dict(name='mv0', kind='macvlan', link='p0', mode='l3'), ("mode 'l3' is not a mode of kind macvlan",)),
    (dict(name='tap0', kind='tap', link='p0'), ('link is not an option of kind tap',)),
    (dict(name='mv0', kind='macvlan', link='p0', user='0'), ('user is not an option of kind macvlan',)),
    (dict(name='tun0', kind='tun', mac='02:00:00:00:00:01'), ('mac is not an option of kind tun', 'no MAC address')),
    (dict(name='a-name-too-long-for-it', kind='tap'), ('longer than 15 bytes',)),
    (dict(name='tap0', kind='tap', user='no-such-user-here'), ("user 'no-such-user-here' is neither a number",)),
    (dict(name='ip0', kind='ipip', remote='2001:db8::1'), ("remote '2001:db8::1' is not an IPv4 address",)),
    (dict(name='ip0', kind='ipip', ttl=300), ('ttl 300 is out of range',)),
    (dict(name='mv0', kind='macvlan', link='mv0'), ('mv0 cannot be its own parent',)),
    (dict(name='tap0', link_namespace='x'), ('kind is required',)),
])
def test_bad_input_is_refused_before_anything_changes(sandbox, args, fragments):
    parent(sandbox)
    before = sandbox.snapshot()
    for check in (True, False):
        assert_failed(sandbox.module('netns_link', check=check, **args), *fragments)
    assert sandbox.snapshot() == before


def test_an_unknown_parent_is_refused_and_check_mode_assumes_it(sandbox):
    needs(sandbox, 'macvlan')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns_link', name='mv0', kind='macvlan', link='nosuch0'),
                  'link nosuch0 (the parent of macvlan mv0) does not exist in the host namespace')
    # check mode plans it as made by an earlier task of the play, and says so (as every module does)
    res = assert_ok(sandbox.module('netns_link', check=True, name='mv0', kind='macvlan', link='nosuch0'))
    assert res['changed'] and res['assumed'] == ['interface nosuch0 does not exist: planned as a new interface, '
                                                 'down, without addresses (an earlier task would create it)']
    assert_failed(sandbox.module('netns_link', name='mv0', kind='macvlan', namespace='nons', link='p0'),
                  "network namespace 'nons' does not exist")
    assert sandbox.snapshot() == before


def test_a_step_the_kernel_refuses_leaves_nothing_half_made(sandbox):
    needs(sandbox, 'macvlan')
    parent(sandbox)  # MTU 1500: the kernel refuses a larger MTU on a macvlan above it
    before = sandbox.snapshot()
    res = assert_failed(sandbox.module('netns_link', name='mv0', kind='macvlan', link='p0', mtu=9000),
                        'cannot change mv0', 'rolled back: delete macvlan mv0')
    assert not res['changed'] and sandbox.snapshot() == before


def test_a_link_of_another_kind_is_refused_not_replaced(sandbox):
    parent(sandbox)
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns_link', name='p0', kind='tap'),
                  'p0 exists in the host namespace and is a veth, not a tap')
    assert_failed(sandbox.module('netns_link', name='p0', kind='macvlan', state='absent', force=True),
                  'is a veth, not a macvlan')
    assert sandbox.snapshot() == before
