# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""labnet.netns.vxlan on the real kernel: creation, the peer list converged both ways, drift,
replacement of what the kernel cannot change in place, ownership, clear errors, and packets
that really cross two 'hosts' (namespaces joined by an underlay veth) through the devices."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import pytest

from conftest import COLLECTIONS, TARGET_PYTHON, assert_failed, assert_ok, four_runs, four_runs_after_drift

ZERO = '00:00:00:00:00:00'
BASE = dict(name='vx0', vni=42, local='172.31.9.1', underlay='und0')


def underlay(sandbox, ns=None, mtu=1500):
    """und0 (172.31.9.1/24, up) with its peer und1 in namespace NS (or on the host)."""
    peer = 'und1' + ('' if ns is None else ' netns %s' % ns)
    if ns is not None:
        sandbox.sh('ip netns add %s' % ns)
    sandbox.sh('ip link add und0 mtu %d type veth peer name %s && ip addr add 172.31.9.1/24 dev und0 && '
               'ip link set und0 up' % (mtu, peer))


def remotes(sandbox, dev='vx0', ns=None):
    out = sandbox.sh('bridge %s -j fdb show dev %s' % ('' if ns is None else '-n %s' % ns, dev))
    return sorted(e['dst'] for e in json.loads(out or '[]') if e.get('mac') == ZERO and 'dst' in e)


def vxinfo(sandbox, dev='vx0', ns=None):
    link = sandbox.links(ns)[dev]
    data = link['linkinfo']['info_data']
    return dict(vni=data['id'], port=data['port'], learning=data['learning'], local=data.get('local'),
                mtu=link['mtu'], up='UP' in link['flags'], alias=link.get('ifalias'), master=link.get('master'))


def test_vxlan_created_with_its_peers_and_marked(sandbox):
    underlay(sandbox)
    fdb_before = remotes(sandbox, 'und0')
    real = four_runs(sandbox, 'vxlan', remotes=['172.31.9.3', '172.31.9.2'], **BASE)
    assert real['operations'] == ['create vxlan vx0 (vni 42, port 4789)', 'add remote 172.31.9.2 to vxlan vx0',
                                  'add remote 172.31.9.3 to vxlan vx0', 'set up vx0']
    assert real['vxlans'][0] == {
        'name': 'vx0', 'namespace': None, 'owner': 'vxlan', 'state': 'present', 'vni': 42, 'local': '172.31.9.1',
        'underlay': 'und0', 'port': 4789, 'learning': True, 'mtu': 1450, 'up': True,
        'remotes': ['172.31.9.2', '172.31.9.3']}
    assert real['diff']['before'] == {'vx0': {'state': 'absent'}}
    assert vxinfo(sandbox) == dict(vni=42, port=4789, learning=True, local='172.31.9.1', mtu=1450, up=True,
                                   alias='labnet.netns:vxlan', master=None)
    assert remotes(sandbox) == ['172.31.9.2', '172.31.9.3']
    assert remotes(sandbox, 'und0') == fdb_before
    # teardown: check mode predicts, nothing is left
    four_runs(sandbox, 'vxlan', name='vx0', state='absent')
    assert 'vx0' not in sandbox.links()


def test_vxlan_peer_list_converged_both_ways(sandbox):
    underlay(sandbox)
    assert_ok(sandbox.module('vxlan', remotes=['172.31.9.2', '172.31.9.3'], **BASE))
    real = four_runs(sandbox, 'vxlan', remotes=['172.31.9.3', '172.31.9.4'], **BASE)
    assert real['operations'] == ['add remote 172.31.9.4 to vxlan vx0', 'remove remote 172.31.9.2 from vxlan vx0']
    assert real['diff']['before']['vx0']['remotes'] == ['172.31.9.2', '172.31.9.3']
    assert real['diff']['after']['vx0']['remotes'] == ['172.31.9.3', '172.31.9.4']
    assert remotes(sandbox) == ['172.31.9.3', '172.31.9.4']
    # remotes omitted: not managed
    assert not assert_ok(sandbox.module('vxlan', **BASE))['changed']
    four_runs(sandbox, 'vxlan', remotes=[], **BASE)
    assert remotes(sandbox) == []


def test_vxlan_drift_repaired(sandbox):
    underlay(sandbox)
    args = dict(BASE, remotes=['172.31.9.2', '172.31.9.3'], mtu=1400, learning=False)
    assert_ok(sandbox.module('vxlan', **args))
    sandbox.sh('bridge fdb del %s dev vx0 dst 172.31.9.2 && bridge fdb append %s dev vx0 dst 172.31.9.7 && '
               'ip link set vx0 mtu 1300 down && ip link set vx0 type vxlan learning' % (ZERO, ZERO))
    real = four_runs_after_drift(sandbox, 'vxlan', **args)
    assert sorted(real['operations']) == sorted([
        'set learning off on vx0', 'add remote 172.31.9.2 to vxlan vx0', 'remove remote 172.31.9.7 from vxlan vx0',
        'set mtu 1400 on vx0', 'set up vx0'])
    assert remotes(sandbox) == ['172.31.9.2', '172.31.9.3']
    info = vxinfo(sandbox)
    assert (info['mtu'], info['learning'], info['up']) == (1400, False, True)


def test_vxlan_replaced_when_the_kernel_cannot_change_it_and_stays_on_its_bridge(sandbox):
    underlay(sandbox)
    assert_ok(sandbox.module('vxlan', remotes=['172.31.9.2'], **BASE))
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=['vx0']))
    real = four_runs(sandbox, 'vxlan', **dict(BASE, vni=43, port=4790))
    assert real['operations'][:2] == [
        'delete vxlan vx0 to replace it (vni 42 -> 43, port 4789 -> 4790: the kernel cannot change that in place)',
        'create vxlan vx0 (vni 43, port 4790)']
    info = vxinfo(sandbox)
    assert (info['vni'], info['port'], info['master'], info['alias']) == (43, 4790, 'br0', 'labnet.netns:vxlan')
    assert remotes(sandbox) == ['172.31.9.2']  # peers were not managed: the old ones are kept


def test_vxlan_inside_a_namespace_items_and_check_mode_assumptions(sandbox):
    sandbox.sh('ip netns add h1 && ip -n h1 link add eth0 type veth peer name eth1 && ip -n h1 link set eth0 up')
    real = four_runs(sandbox, 'vxlan', namespace='h1', underlay='eth0', items=[
        dict(name='vx1', vni=1, remotes=['10.1.0.2']), dict(name='vx2', vni=2, mtu=1200, learning=False)])
    assert [v['mtu'] for v in real['vxlans']] == [1450, 1200]
    assert remotes(sandbox, 'vx1', 'h1') == ['10.1.0.2'] and remotes(sandbox, 'vx2', 'h1') == []
    # a namespace that an earlier task would create: check mode plans it, and says so
    check = assert_ok(sandbox.module('vxlan', check=True, namespace='later', underlay='eth0', name='vx1', vni=1))
    assert check['changed'] and check['assumed'] and check['vxlans'][0]['mtu'] is None
    assert 'later' not in sandbox.sh('ls /run/netns')


@pytest.mark.parametrize('args,fragment', [
    (dict(BASE, vni=16777216), 'vni 16777216 is out of range (0-16777215'),
    (dict(BASE, vni=-1), 'vni -1 is out of range'),
    (dict(name='vx0'), 'vni is required'),
    (dict(BASE, mtu=1500), 'mtu 1500 of vxlan vx0 is more than its underlay und0 can carry: MTU 1500 minus 50'),
    (dict(BASE, local='fd00::1', mtu=1450), 'minus 70 bytes of VXLAN headers (IPv6) is 1430'),
    (dict(BASE, remotes=['fd00::2']), 'mix IPv4 and IPv6'),
    (dict(BASE, remotes=['172.31.9.2', '172.31.9.02']), 'not an IPv4 or IPv6 address'),
    (dict(BASE, remotes=['172.31.9.2', '172.31.9.2']), 'remotes lists an address twice'),
    (dict(BASE, remotes=['172.31.9.1']), 'remotes lists the local address'),
    (dict(BASE, remotes=['239.1.1.1']), 'is a multicast address'),
    (dict(BASE, port=0), 'port 0 is out of range'),
    (dict(BASE, name='und0'), 'vxlan und0 cannot be its own underlay'),
    (dict(BASE, name='und1'), 'und1 exists in the host namespace and is a veth, not a vxlan'),
    (dict(items=[dict(BASE), dict(BASE, name='vx1')]), 'items[0] and items[1] both use vni 42 on port 4789'),
])
def test_vxlan_bad_input_changes_nothing(sandbox, args, fragment):
    underlay(sandbox)
    before = sandbox.snapshot()
    for check in (True, False):
        assert_failed(sandbox.module('vxlan', check=check, **args), fragment)
    assert sandbox.snapshot() == before


def test_vxlan_underlay_missing(sandbox):
    """The real run refuses it; check mode plans it as made by an earlier task, and says so."""
    underlay(sandbox)
    before = sandbox.snapshot()
    assert_failed(sandbox.module('vxlan', **dict(BASE, underlay='nosuch0')),
                  'underlay device nosuch0 of vxlan vx0 does not exist in the host namespace')
    check = assert_ok(sandbox.module('vxlan', check=True, **dict(BASE, underlay='nosuch0')))
    assert check['assumed'] == ['interface nosuch0 does not exist: planned as a new interface, down, without '
                                'addresses (an earlier task would create it)']
    assert sandbox.snapshot() == before


def test_vxlan_vni_taken_by_another_device(sandbox):
    underlay(sandbox)
    sandbox.sh('ip link add other0 type vxlan id 42 dstport 4789 dev und0')
    assert_failed(sandbox.module('vxlan', **BASE), 'vni 42 on port 4789 is already used by vxlan other0')
    assert 'vx0' not in sandbox.links()


def test_kernel_without_a_device_kind_says_so(sandbox):
    """This kernel has VXLAN built in but no geneve: the same code path, on the real kernel."""
    script = ('from ansible_collections.labnet.netns.plugins.module_utils._netlink import Kernel\n'
              'from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError\n'
              'with Kernel() as k:\n'
              '    try:\n'
              '        k.link_add(None, "gn0", "geneve", "cannot create gn0", "labnet.netns:test", geneve_id=5)\n'
              '    except LabnetError as exc:\n'
              '        print(exc.msg)\n')
    res = subprocess.run(sandbox.enter() + [TARGET_PYTHON, '-c', script], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=COLLECTIONS), check=False)
    assert 'cannot create gn0: this kernel has no geneve support' in res.stdout, res.stdout + res.stderr
    assert 'gn0' not in sandbox.links()
    # its intent record is withdrawn with the failure
    assert 'gn0' not in sandbox.sh('grep -r gn0 /run/labnet-netns || true')


def test_vxlan_ownership_refused_adopted_kept(sandbox):
    underlay(sandbox)
    sandbox.sh('ip link add vx0 type vxlan id 42 local 172.31.9.1 dstport 4789 dev und0 && '
               'bridge fdb append %s dev vx0 dst 172.31.9.5' % ZERO)
    before = sandbox.snapshot()
    assert_failed(sandbox.module('vxlan', **BASE), 'vxlan vx0 already exists and was not made by labnet.netns')
    assert_failed(sandbox.module('vxlan', name='vx0', state='absent'), 'refusing to remove it')
    assert sandbox.snapshot() == before and remotes(sandbox) == ['172.31.9.5']
    # adopted: managed as it is, never marked; what the kernel cannot change is refused, not replaced
    assert_failed(sandbox.module('vxlan', adopt=True, **dict(BASE, vni=7)),
                  'has vni 42 -> 7: the kernel cannot change that in place and the device is not ours')
    real = four_runs(sandbox, 'vxlan', adopt=True, remotes=['172.31.9.2'], **BASE)
    assert real['vxlans'][0]['owner'] is None
    assert vxinfo(sandbox)['alias'] is None and remotes(sandbox) == ['172.31.9.2']
    kept = assert_ok(sandbox.module('vxlan', name='vx0', state='absent', adopt=True))
    assert not kept['changed'] and kept['vxlans'][0]['kept'] and 'vx0' in sandbox.links()
    gone = assert_ok(sandbox.module('vxlan', name='vx0', state='absent', force=True))
    assert gone['changed'] and 'vx0' not in sandbox.links()


def test_vxlan_carries_packets_between_two_hosts_full_size_with_df(sandbox):
    """Two 'hosts' (namespaces) joined by an underlay veth; a VXLAN device in each with the other
    as its only peer: a ping crosses, and so does the largest packet the overlay MTU allows with DF."""
    sandbox.sh('ip netns add a && ip netns add b && ip -n a link add eth0 type veth peer name eth0 netns b && '
               'ip -n a addr add 172.31.9.1/24 dev eth0 && ip -n b addr add 172.31.9.2/24 dev eth0 && '
               'ip -n a link set eth0 up && ip -n b link set eth0 up')
    for ns, local, peer, inner in (('a', '172.31.9.1', '172.31.9.2', '10.9.0.1/24'),
                                   ('b', '172.31.9.2', '172.31.9.1', '10.9.0.2/24')):
        assert_ok(sandbox.module('vxlan', name='vx0', namespace=ns, vni=42, local=local, underlay='eth0',
                                 remotes=[peer]))
        assert_ok(sandbox.module('netns_address', namespace=ns, interface='vx0', addresses=[inner]))
    assert sandbox.ok('ip netns exec a ping -c1 -W2 10.9.0.2')
    # 1450 - 20 (IP) - 8 (ICMP) = 1422 bytes of payload is the largest that fits, don't-fragment set
    assert sandbox.ok('ip netns exec a ping -c1 -W2 -M do -s 1422 10.9.0.2')
    assert not sandbox.ok('ip netns exec a ping -c1 -W1 -M do -s 1423 10.9.0.2')
    # the peer removed: nothing crosses any more (the all-zeros entry was the only way out)
    assert_ok(sandbox.module('vxlan', name='vx0', namespace='a', vni=42, local='172.31.9.1', underlay='eth0', remotes=[]))
    sandbox.sh('ip -n a neigh flush dev vx0')
    assert not sandbox.ok('ip netns exec a ping -c1 -W1 10.9.0.2')
