# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veth, linux_bridge and netns_address on the real kernel, inside a sandbox."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import assert_failed, assert_ok, four_runs, four_runs_after_drift, wait_for


def ping(sandbox, ns, address):
    prefix = 'ip netns exec %s ' % ns if ns else ''
    return sandbox.ok(prefix + 'ping -c1 -W2 %s' % address)


def seed000(sandbox):
    assert_ok(sandbox.module('netns', items=[{'name': 'ns1'}, {'name': 'ns2'}]))
    return dict(name='veth-ns1', namespace='ns1', peer='veth-ns2', peer_namespace='ns2')


# -- veth ----------------------------------------------------------------------------

def test_seed000_two_namespaces_by_veth(sandbox):
    pair = seed000(sandbox)
    real = four_runs(sandbox, 'veth', **pair)
    assert real['diff']['before'] == {'ns1/veth-ns1': {'state': 'absent'}}
    assert real['diff']['after']['ns1/veth-ns1']['state'] == 'present'
    four_runs(sandbox, 'netns_address', items=[
        {'namespace': 'ns1', 'interface': 'veth-ns1', 'addresses': ['192.168.1.1/24']},
        {'namespace': 'ns2', 'interface': 'veth-ns2', 'addresses': ['192.168.1.2/24']}])
    assert ping(sandbox, 'ns1', '192.168.1.2') and ping(sandbox, 'ns2', '192.168.1.1')
    # the kernel agrees that they are peers
    assert sandbox.links('ns1')['veth-ns1']['link_netnsid'] is not None


def test_seed003_namespace_joined_to_host(sandbox):
    assert_ok(sandbox.module('netns', name='netns1'))
    four_runs(sandbox, 'veth', name='veth1', namespace='netns1', peer='veth0')
    four_runs(sandbox, 'netns_address', items=[
        {'namespace': 'netns1', 'interface': 'veth1', 'addresses': ['10.1.1.1/24']},
        {'interface': 'veth0', 'addresses': ['10.1.1.2/24']}])
    assert ping(sandbox, None, '10.1.1.1') and ping(sandbox, 'netns1', '10.1.1.2')


def test_veth_creation_is_atomic_on_peer_clash(sandbox):
    pair = seed000(sandbox)
    sandbox.sh('ip -n ns2 link add veth-ns2 type bridge')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('veth', **pair), 'veth-ns2 already exists in namespace ns2', 'not a veth')
    assert sandbox.snapshot() == before
    # a clash the plan cannot see (name taken by the time of creation) also leaves nothing behind
    sandbox.sh('ip -n ns2 link del veth-ns2')
    sandbox.sh('ip link add eth0 type bridge')  # the peer's name exists on the host: no temporary name used
    res = assert_ok(sandbox.module('veth', name='eth0', namespace='ns1', peer='eth0', peer_namespace='ns2'))
    assert res['changed'] and 'eth0' in sandbox.links('ns1') and 'eth0' in sandbox.links('ns2')


def test_veth_missing_namespace_changes_nothing(sandbox):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('veth', name='a', peer='b', peer_namespace='nope'), "'nope' does not exist")
    # in check mode, a namespace an earlier task would create is planned as an empty one, and said so
    res = assert_ok(sandbox.module('veth', name='a', peer='b', peer_namespace='nope', check=True))
    assert res['changed'] and res['assumed'] == [
        'namespace nope does not exist: planned as an empty namespace (an earlier task would create it)']
    assert sandbox.snapshot() == before
    assert not sandbox.ok('test -e /run/netns/nope')


def test_veth_drift_wrong_namespace_repaired(sandbox):
    pair = seed000(sandbox)
    assert_ok(sandbox.module('veth', **pair))
    # the ns2 end moved by hand into ns1: found through its nsid, moved back and brought up
    sandbox.sh('ip -n ns2 link set veth-ns2 netns ns1')
    res = assert_ok(sandbox.module('veth', **pair))
    assert res['operations'] == ['move ns1/veth-ns2 to namespace ns2', 'set up ns2/veth-ns2']
    assert 'veth-ns2' in sandbox.links('ns2') and 'UP' in sandbox.links('ns2')['veth-ns2']['flags']
    # the ns1 end moved to the host: moved back too
    sandbox.sh('ip -n ns1 link set veth-ns1 netns $$')  # $$: the sandbox's own (host) namespace
    assert 'veth-ns1' in sandbox.links(None)
    check = assert_ok(sandbox.module('veth', check=True, **pair))
    real = assert_ok(sandbox.module('veth', **pair))
    assert check['diff'] == real['diff'] and real['diff']['before']['ns1/veth-ns1']['namespace'] is None
    assert 'veth-ns1' in sandbox.links('ns1') and 'veth-ns1' not in sandbox.links(None)
    assert not assert_ok(sandbox.module('veth', **pair))['changed']


def test_veth_drift_mtu_mac_down_repaired(sandbox):
    pair = dict(seed000(sandbox), mtu=1400, mac='02:00:00:00:00:01', peer_mac='02:00:00:00:00:02')
    assert_ok(sandbox.module('veth', **pair))
    assert sandbox.links('ns1')['veth-ns1']['mtu'] == 1400
    assert sandbox.links('ns2')['veth-ns2']['address'] == '02:00:00:00:00:02'
    sandbox.sh('ip -n ns1 link set veth-ns1 mtu 1300 && ip -n ns2 link set veth-ns2 down '
               '&& ip -n ns1 link set veth-ns1 address 02:00:00:00:00:09')
    res = four_runs_after_drift(sandbox, 'veth', **pair)
    assert sorted(res['operations']) == sorted([
        'set mtu 1400 on ns1/veth-ns1', 'set mac 02:00:00:00:00:01 on ns1/veth-ns1', 'set up ns2/veth-ns2'])
    assert sandbox.links('ns1')['veth-ns1']['mtu'] == 1400
    assert sandbox.links('ns1')['veth-ns1']['address'] == '02:00:00:00:00:01'
    assert 'UP' in sandbox.links('ns2')['veth-ns2']['flags']


def test_veth_same_name_not_this_pair_is_an_error(sandbox):
    pair = seed000(sandbox)
    sandbox.sh('ip -n ns1 link add veth-ns1 type veth peer name other')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('veth', **pair), 'veth ns1/veth-ns1 exists but is paired with ns1/other')
    sandbox.sh('ip -n ns2 link add veth-ns2 type veth peer name other2')
    assert_failed(sandbox.module('veth', **pair), 'its peer is ns1/other, not ns2/veth-ns2')
    sandbox.sh('ip -n ns2 link del veth-ns2')
    assert sandbox.snapshot() == before


def test_veth_peer_in_unnamed_namespace_is_a_clear_error(sandbox):
    sandbox.sh('ip netns add a')
    proc = sandbox.spawn(['unshare', '--net', 'sleep', '600'])
    wait_for(lambda: sandbox.ok('test "$(readlink /proc/%d/ns/net)" != "$(readlink /proc/$$/ns/net)"' % proc.pid))
    sandbox.sh('ip link add x type veth peer name y netns %d && ip link set x netns a' % proc.pid)
    before = sandbox.snapshot()
    assert_failed(sandbox.module('veth', name='x', namespace='a', peer='y'),
                  'the peer of veth a/x is in a namespace without a name under /run/netns')
    assert sandbox.snapshot() == before


def test_veth_absent_wherever_the_ends_are(sandbox):
    pair = seed000(sandbox)
    assert_ok(sandbox.module('veth', **pair))
    sandbox.sh('ip -n ns1 link set veth-ns1 netns $$')  # the named end is not where it should be
    real = four_runs(sandbox, 'veth', state='absent', **pair)
    assert real['operations'] == ['delete veth ns2/veth-ns2 (and its peer)']
    assert 'veth-ns1' not in sandbox.links(None) and 'veth-ns2' not in sandbox.links('ns2')


@pytest.mark.parametrize('args, fragment', [
    (dict(name='a' * 16, peer='b'), 'longer than 15 bytes'),
    (dict(name='rz%d', peer='b'), "forbidden character(s) '%'"),
    (dict(name='a:1', peer='b'), "forbidden character(s) ':'"),
    (dict(name='a b', peer='b'), "forbidden character(s) ' '"),
    (dict(name='a', peer='../x'), "forbidden character(s) '/'"),
    (dict(name='all', peer='b'), "name 'all' is reserved: the kernel refuses it"),
    (dict(name='a', peer='b', namespace='../../etc'), 'namespace'),
    (dict(name='a', peer='a'), 'the same interface'),
    (dict(name='a', peer='b', mtu=10), 'out of range'),
    (dict(name='a', peer='b', mac='zz:00:00:00:00:00'), 'not of the form'),
    (dict(name='a', peer='b', mac='01:00:00:00:00:00'), 'multicast'),
    (dict(name='a'), 'peer is required'),
])
def test_veth_bad_input(sandbox, args, fragment):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('veth', **args), fragment)
    assert sandbox.snapshot() == before


# -- linux_bridge -----------------------------------------------------------------------

def bridge_lab(sandbox, count=3):
    assert_ok(sandbox.module('netns', items=[{'name': 'net%d' % i} for i in range(count)]))
    assert_ok(sandbox.module('veth', items=[
        {'namespace': 'net%d' % i, 'name': 'eth0', 'peer': 'veth-net%d' % i} for i in range(count)]))
    assert_ok(sandbox.module('netns_address', items=[
        {'namespace': 'net%d' % i, 'interface': 'eth0', 'addresses': ['10.0.1.%d/24' % (i + 1)]} for i in range(count)]))
    return ['veth-net%d' % i for i in range(count)]


def test_seed001_bridge_and_forward_rule(sandbox):
    ports = bridge_lab(sandbox)
    real = four_runs(sandbox, 'linux_bridge', name='br0', ports=ports)
    assert real['bridges'][0]['ports'] == ports
    assert all(sandbox.links(None)[p]['master'] == 'br0' for p in ports)
    # as in seed 001: with br_netfilter-like FORWARD DROP the pings fail, with the rule they pass
    sandbox.sh('iptables -P FORWARD DROP')
    if sandbox.ok('test -e /proc/sys/net/bridge/bridge-nf-call-iptables') and \
            sandbox.sh('cat /proc/sys/net/bridge/bridge-nf-call-iptables').strip() == '1':
        assert not ping(sandbox, 'net0', '10.0.1.2')
    sandbox.sh('iptables -A FORWARD -i br0 -j ACCEPT')
    for src in range(3):
        for dst in range(3):
            if src != dst:
                assert ping(sandbox, 'net%d' % src, '10.0.1.%d' % (dst + 1))


def test_bridge_inside_namespace_with_options(sandbox):
    assert_ok(sandbox.module('netns', name='router'))
    real = four_runs(sandbox, 'linux_bridge', name='br-core', namespace='router', stp=True, forward_delay=400, mtu=1400)
    assert real['diff']['after'] == {'router/br-core': {
        'state': 'present', 'up': True, 'ports': [], 'stp': True, 'forward_delay': 400, 'mtu': 1400}}
    link = sandbox.links('router')['br-core']
    assert link['linkinfo']['info_data']['stp_state'] == 1
    assert link['linkinfo']['info_data']['forward_delay'] == 400 and link['mtu'] == 1400
    # drift on each option, repaired
    sandbox.sh('ip -n router link set br-core type bridge stp_state 0 forward_delay 900 && '
               'ip -n router link set br-core mtu 1300 && ip -n router link set br-core down')
    res = four_runs_after_drift(sandbox, 'linux_bridge', name='br-core', namespace='router', stp=True,
                                forward_delay=400, mtu=1400)
    assert len(res['operations']) == 4  # stp, forward_delay (one at a time), mtu, up
    link = sandbox.links('router')['br-core']
    assert link['linkinfo']['info_data']['stp_state'] == 1 and link['mtu'] == 1400 and 'UP' in link['flags']


def test_bridge_port_drift_repaired(sandbox):
    ports = bridge_lab(sandbox)
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=ports))
    sandbox.sh('ip link set veth-net0 nomaster && ip link add br1 type bridge && ip link set veth-net1 master br1')
    res = four_runs_after_drift(sandbox, 'linux_bridge', name='br0', ports=ports)
    assert res['operations'] == ['attach veth-net0 to bridge br0', 'attach veth-net1 to bridge br0 (was on br1)']
    assert all(sandbox.links(None)[p]['master'] == 'br0' for p in ports)


def test_bridge_exclusive_ports_and_mtu_pinned(sandbox):
    ports = bridge_lab(sandbox)
    sandbox.sh('ip link set veth-net2 mtu 1300')
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=ports, mtu=1500))
    assert sandbox.links(None)['br0']['mtu'] == 1500 or sandbox.links(None)['br0']['mtu'] == 1300
    res = assert_ok(sandbox.module('linux_bridge', name='br0', ports=ports[:2], exclusive_ports=True))
    assert res['operations'] == ['detach veth-net2 from bridge br0']
    assert 'master' not in sandbox.links(None)['veth-net2']


def test_bridge_absent_leaves_ports_detached(sandbox):
    ports = bridge_lab(sandbox)
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=ports))
    four_runs(sandbox, 'linux_bridge', name='br0', state='absent')
    links = sandbox.links(None)
    assert 'br0' not in links
    assert all(p in links and 'master' not in links[p] for p in ports)


@pytest.mark.parametrize('args, fragment', [
    (dict(name='br0', ports=['nope']), 'port nope of bridge br0 does not exist in the host namespace'),
    (dict(name='br0', ports=['br0']), 'its own port'),
    (dict(name='lo'), 'lo exists in the host namespace and is a plain device, not a bridge'),
    (dict(name='br0', namespace='missing'), "'missing' does not exist"),
    (dict(name='br0%'), 'forbidden'),
    (dict(name='default'), "'default' is reserved"),
    (dict(name='br0', exclusive_ports=True), 'exclusive_ports needs ports'),
])
def test_bridge_bad_input(sandbox, args, fragment):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('linux_bridge', **args), fragment)
    assert sandbox.snapshot() == before


@pytest.mark.parametrize('name', ['all', 'default'])
def test_the_kernel_refuses_the_reserved_interface_names(sandbox, name):
    """Why the validation refuses them: the kernel does (EINVAL), for every kind of link and for a rename."""
    assert not sandbox.ok('ip link add %s type bridge' % name)
    assert not sandbox.ok('ip link add x type veth peer name %s' % name)
    assert sandbox.ok('ip link add %s0 type bridge' % name) and not sandbox.ok('ip link set %s0 name %s' % (name, name))
    assert sandbox.ok('ip link add ALL type bridge')  # only these exact names


# -- netns_address ----------------------------------------------------------------------

def test_address_normalised_replace_and_exclusive(sandbox):
    assert_ok(sandbox.module('netns', name='a'))
    assert_ok(sandbox.module('linux_bridge', namespace='a', name='d0'))
    four_runs(sandbox, 'netns_address', namespace='a', interface='d0',
              addresses=['10.0.1.1/24', '2001:DB8::0:1/64'])
    assert sandbox.addrs('a', 'd0')[:2] == ['10.0.1.1/24', '2001:db8::1/64']
    # same addresses, written differently: no change
    res = assert_ok(sandbox.module('netns_address', namespace='a', interface='d0', addresses=['2001:db8:0::1/64', '10.0.1.1/24']))
    assert not res['changed']
    # another prefix length: replaced, not added beside
    res = assert_ok(sandbox.module('netns_address', namespace='a', interface='d0', addresses=['10.0.1.1/16']))
    assert res['operations'] == ['remove address 10.0.1.1/24 from a/d0', 'add address 10.0.1.1/16 to a/d0']
    # extra addresses added by hand; exclusive removes them but keeps link-local
    sandbox.sh('ip -n a addr add 10.9.9.9/8 dev d0 && ip -n a addr add fe80::99/64 dev d0')
    res = four_runs_after_drift(sandbox, 'netns_address', namespace='a', interface='d0',
                                addresses=['10.0.1.1/16'], exclusive=True)
    assert sorted(res['operations']) == ['remove address 10.9.9.9/8 from a/d0', 'remove address 2001:db8::1/64 from a/d0']
    assert '10.9.9.9/8' not in sandbox.addrs('a', 'd0') and 'fe80::99/64' in sandbox.addrs('a', 'd0')
    res = four_runs(sandbox, 'netns_address', namespace='a', interface='d0', addresses=['10.0.1.1/16'], state='absent')
    assert '10.0.1.1/16' not in sandbox.addrs('a', 'd0')


def test_address_link_brought_up(sandbox):
    sandbox.sh('ip link add d0 type bridge')
    res = assert_ok(sandbox.module('netns_address', interface='d0', addresses=['100.100.100.100/24']))
    assert res['operations'] == ['add address 100.100.100.100/24 to d0', 'set up d0']
    assert 'UP' in sandbox.links(None)['d0']['flags']


@pytest.mark.parametrize('args, fragment', [
    (dict(interface='lo', addresses=['10.0.0.1']), 'CIDR form'),
    (dict(interface='lo', addresses=['10.0.0.1/33']), 'not a valid IPv4 or IPv6 CIDR'),
    (dict(interface='lo', addresses=['10.0.0.300/24']), 'not a valid'),
    (dict(interface='lo', addresses=['2001:db8::1/129']), 'not a valid'),
    (dict(interface='lo', addresses=['10.0.0.1/24', '10.0.0.1/16']), 'listed twice'),
    (dict(interface='lo', addresses=[]), 'at least one address'),
    (dict(interface='nope0', addresses=['10.0.0.1/24']), 'interface nope0 does not exist in the host namespace'),
    (dict(interface='lo', namespace='ghost', addresses=['10.0.0.1/24']), "'ghost' does not exist"),
    (dict(interface='way-too-long-name', addresses=['10.0.0.1/24']), 'longer than 15 bytes'),
])
def test_address_bad_input(sandbox, args, fragment):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns_address', **args), fragment)
    assert sandbox.snapshot() == before


def test_each_modules_teardown_leaves_nothing(sandbox):
    """For each module: the snapshot after create + absent equals the one before create."""
    empty = sandbox.snapshot()
    assert_ok(sandbox.module('netns', items=[{'name': 'a'}, {'name': 'b'}]))
    assert_ok(sandbox.module('netns', items=[{'name': 'a'}, {'name': 'b'}], state='absent'))
    assert sandbox.snapshot() == empty

    assert_ok(sandbox.module('netns', items=[{'name': 'a'}, {'name': 'b'}]))
    with_ns = sandbox.snapshot()
    pair = dict(name='x', namespace='a', peer='y', peer_namespace='b', mtu=1400)
    assert_ok(sandbox.module('veth', **pair))
    assert_ok(sandbox.module('veth', state='absent', **pair))
    assert sandbox.snapshot() == with_ns

    assert_ok(sandbox.module('linux_bridge', name='br0', namespace='a', stp=True, mtu=1400))
    assert_ok(sandbox.module('linux_bridge', name='br0', namespace='a', state='absent'))
    assert sandbox.snapshot() == with_ns

    addrs = dict(interface='lo', namespace='a', addresses=['10.9.0.1/24', '2001:db8::9/64'])
    assert_ok(sandbox.module('netns_address', **addrs))
    assert_ok(sandbox.module('netns_address', state='absent', **addrs))
    assert sandbox.snapshot() == with_ns
