# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning is a pure function of (want, have): tested here without a kernel. The real-kernel
tests in tests/kernel cover the same behaviour end to end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._netns import plan_netns
from ansible_collections.labnet.netns.plugins.module_utils._veth import plan_veth
from ansible_collections.labnet.netns.plugins.module_utils._bridge import plan_bridge
from ansible_collections.labnet.netns.plugins.module_utils._address import AddressResource, plan_address


def texts(plan):
    return [op.text for op in plan.ops]


# -- netns ----------------------------------------------------------------------------

def ns_want(**kw):
    return dict(dict(name='n', state='present', lo_up=True, owner=None, adopt=False, force=False,
                     mark='labnet.netns:netns'), **kw)


def ns_have(entry='missing', lo_up=None, pids=(), mark='labnet.netns:netns'):
    return {'entry': entry, 'lo_up': lo_up, 'pids': list(pids), 'mark': mark, 'additions': {}}


@pytest.mark.parametrize('want, have, expected', [
    (ns_want(), ns_have(), ['create namespace n', 'set lo up in namespace n']),
    (ns_want(lo_up=False), ns_have(), ['create namespace n']),
    (ns_want(), ns_have('namespace', True), []),
    (ns_want(), ns_have('namespace', False), ['set lo up in namespace n']),
    (ns_want(lo_up=False), ns_have('namespace', True), ['set lo down in namespace n']),
    (ns_want(), ns_have('file'), ['replace leftover plain file /run/netns/n with namespace n', 'set lo up in namespace n']),
    (ns_want(state='absent'), ns_have(), []),
    (ns_want(state='absent'), ns_have('namespace', True), ['remove namespace n']),
    (ns_want(state='absent'), ns_have('file'), ['remove leftover plain file /run/netns/n']),
    (ns_want(state='absent'), ns_have('dangling'), ['remove symlink /run/netns/n']),
])
def test_plan_netns(want, have, expected):
    assert texts(plan_netns(want, have)) == expected


def test_plan_netns_refuses_processes_unless_forced():
    with pytest.raises(LabnetError, match='still has processes'):
        plan_netns(ns_want(state='absent'), ns_have('namespace', True, [42]))
    plan = plan_netns(ns_want(state='absent', force=True), ns_have('namespace', True, [42]))
    assert 'processes 42 keep the namespace itself alive' in texts(plan)[0]
    assert plan.result()['pids'] == [42]


@pytest.mark.parametrize('entry', ['dangling', 'other'])
def test_plan_netns_refuses_non_namespaces(entry):
    with pytest.raises(LabnetError, match='not'):
        plan_netns(ns_want(), ns_have(entry))


def test_plan_netns_diff():
    plan = plan_netns(ns_want(), ns_have())
    assert plan.before == {'state': 'absent'} and plan.after == {'state': 'present', 'lo_up': True}


# -- veth -------------------------------------------------------------------------------

def veth_want(**kw):
    return dict(dict(name='a', peer='b', namespace='x', peer_namespace='y', state='present',
                     mtu=None, mac=None, peer_mac=None, up=True, owner=None, adopt=False, force=False,
                     mark='labnet.netns:veth'), **kw)


def link(ifname, kind='veth', index=5, up=True, mtu=1500, mac='02:00:00:00:00:01', master=None,
         alias='labnet.netns:veth'):
    return dict(ifname=ifname, kind=kind, index=index, up=up, mtu=mtu, mac=mac, master=master,
                link=None, link_netnsid=None, alias=alias)


def veth_have(end=None, peer=None, paired=False, end_peer=None, peer_peer=None):
    return dict(end=end, peer=peer, paired=paired, end_peer=end_peer, peer_peer=peer_peer)


def test_plan_veth_create_atomically_then_up():
    plan = plan_veth(veth_want(mtu=1400), veth_have())
    assert texts(plan) == ['create veth x/a with peer y/b', 'set up x/a', 'set up y/b']
    assert plan.ops[0].args['mtu'] == 1400 and plan.ops[0].args['peer_ns'] == 'y'


def test_plan_veth_correct_pair_is_quiet():
    assert texts(plan_veth(veth_want(), veth_have(link('a'), link('b'), paired=True))) == []


def test_plan_veth_attribute_drift():
    plan = plan_veth(veth_want(mtu=1400, mac='02:00:00:00:00:09'),
                     veth_have(link('a', up=False), link('b', mtu=1400), paired=True))
    assert texts(plan) == ['set mtu 1400 on x/a', 'set mac 02:00:00:00:00:09 on x/a', 'set up x/a']


def test_plan_veth_peer_in_wrong_namespace_is_moved():
    plan = plan_veth(veth_want(), veth_have(link('a'), None, end_peer=('z', link('b'))))
    assert texts(plan) == ['move z/b to namespace y', 'set up y/b']
    assert plan.before['peer_namespace'] == 'z' and plan.after['peer_namespace'] == 'y'


def test_plan_veth_end_in_wrong_namespace_is_moved():
    plan = plan_veth(veth_want(), veth_have(None, link('b'), peer_peer=(None, link('a'))))
    assert texts(plan) == ['move a to namespace x', 'set up x/a']


@pytest.mark.parametrize('have, fragment', [
    (veth_have(link('a', kind='bridge')), 'a bridge, not a veth'),
    (veth_have(None, link('b', kind=None)), 'a plain device, not a veth'),
    (veth_have(link('a'), link('b'), paired=False, end_peer=('x', link('c'))), 'its peer is x/c, not y/b'),
    (veth_have(link('a'), None, end_peer=('x', link('c'))), 'paired with x/c'),
    (veth_have(None, link('b'), peer_peer=('y', link('c'))), 'paired with y/c'),
])
def test_plan_veth_refuses_foreign_interfaces(have, fragment):
    with pytest.raises(LabnetError) as err:
        plan_veth(veth_want(), have)
    assert fragment in err.value.msg


def test_plan_veth_absent():
    assert texts(plan_veth(veth_want(state='absent'), veth_have(link('a'), link('b'), paired=True))) == [
        'delete veth x/a (and its peer)']
    assert texts(plan_veth(veth_want(state='absent'), veth_have(None, link('b')))) == ['delete veth y/b (and its peer)']
    assert texts(plan_veth(veth_want(state='absent'), veth_have())) == []


# -- bridge -----------------------------------------------------------------------------

def br_want(**kw):
    return dict(dict(name='br0', namespace=None, state='present', stp=None, forward_delay=None, mtu=None,
                     up=True, ports=None, exclusive_ports=False, owner=None, adopt=False, force=False,
                     mark='labnet.netns:linux_bridge'), **kw)


def test_plan_bridge_create_with_ports_mtu_last():
    have = {'bridge': None, 'attached': [], 'ports': {'p1': link('p1', master=None), 'p2': link('p2', master=None)}}
    plan = plan_bridge(br_want(ports=['p1', 'p2'], mtu=1400, stp=False), have)
    assert texts(plan) == ['create bridge br0', 'attach p1 to bridge br0', 'attach p2 to bridge br0',
                           'set mtu 1400 on br0', 'set up br0']
    assert plan.ops[0].args['attrs'] == {'br_stp_state': 0}


def test_plan_bridge_only_differing_attributes_are_sent():
    bridge = dict(link('br0', kind='bridge', index=9), stp=False, forward_delay=1500)
    have = {'bridge': bridge, 'attached': [], 'ports': {}}
    assert texts(plan_bridge(br_want(stp=False, forward_delay=1500), have)) == []
    plan = plan_bridge(br_want(stp=True, forward_delay=1500), have)
    assert plan.ops[0].args['attrs'] == {'br_stp_state': 1, 'kind': 'bridge'}


def test_plan_bridge_port_on_other_bridge_is_moved_and_extra_detached():
    bridge = dict(link('br0', kind='bridge', index=9), stp=False, forward_delay=1500)
    p1 = dict(link('p1', index=3, master=7), master_name='br1')
    have = {'bridge': bridge, 'attached': ['p9'], 'ports': {'p1': p1}}
    plan = plan_bridge(br_want(ports=['p1'], exclusive_ports=True), have)
    assert texts(plan) == ['attach p1 to bridge br0 (was on br1)', 'detach p9 from bridge br0']
    assert plan.after['ports'] == ['p1']


@pytest.mark.parametrize('have, fragment', [
    ({'bridge': link('br0', kind='veth'), 'attached': [], 'ports': {}}, 'a veth, not a bridge'),
    ({'bridge': None, 'attached': [], 'ports': {'p1': None}}, 'port p1 of bridge br0 does not exist'),
])
def test_plan_bridge_errors(have, fragment):
    with pytest.raises(LabnetError) as err:
        plan_bridge(br_want(ports=list(have['ports'])), have)
    assert fragment in err.value.msg


# -- address ----------------------------------------------------------------------------

def addr_want(addresses, **kw):
    want = dict(dict(interface='eth0', namespace='n', addresses=addresses, state='present', exclusive=False, up=True,
                     owner=None, adopt=False, force=False, mark='labnet.netns:netns_address'), **kw)
    AddressResource().validate(want)
    return want


def addr_have(*addresses, **kw):
    return {'link': link('eth0', up=kw.get('up', True)), 'addresses': [ipaddress.ip_interface(a) for a in addresses],
            'ours': kw.get('ours', True), 'additions': kw.get('additions', {})}


@pytest.mark.parametrize('want, have, expected', [
    (['10.0.1.1/24'], addr_have(), ['add address 10.0.1.1/24 to n/eth0']),
    (['10.0.1.1/24'], addr_have('10.0.1.1/24'), []),
    (['10.0.1.1/255.255.255.0'], addr_have('10.0.1.1/24'), []),
    (['2001:DB8::1/64'], addr_have('2001:db8:0::1/64'), []),
    (['10.0.1.1/16'], addr_have('10.0.1.1/24'), ['remove address 10.0.1.1/24 from n/eth0', 'add address 10.0.1.1/16 to n/eth0']),
    (['10.0.1.1/24'], addr_have(up=False), ['add address 10.0.1.1/24 to n/eth0', 'set up n/eth0']),
])
def test_plan_address(want, have, expected):
    assert texts(plan_address(addr_want(want), have)) == expected


def test_plan_address_exclusive_keeps_link_local():
    plan = plan_address(addr_want(['10.0.1.1/24'], exclusive=True), addr_have('10.0.1.1/24', '10.9.9.9/8', 'fe80::1/64'))
    assert texts(plan) == ['remove address 10.9.9.9/8 from n/eth0']
    assert plan.after['addresses'] == ['10.0.1.1/24']  # the kernel's link-local is kept, not shown
    listed = plan_address(addr_want(['fe80::1/64']), addr_have('fe80::1/64'))
    assert listed.after['addresses'] == ['fe80::1/64']  # unless asked for


def test_plan_address_absent():
    plan = plan_address(addr_want(['10.0.1.1/24', '10.0.2.1/24'], state='absent'), addr_have('10.0.1.1/24'))
    assert texts(plan) == ['remove address 10.0.1.1/24 from n/eth0']
    gone = plan_address(addr_want(['10.0.1.1/24'], state='absent'), {'link': None, 'addresses': [], 'ours': True, 'additions': {}})
    assert texts(gone) == []


def test_plan_address_missing_interface_is_an_error_when_present():
    with pytest.raises(LabnetError, match='interface eth0 does not exist in namespace n'):
        plan_address(addr_want(['10.0.1.1/24']), {'link': None, 'addresses': [], 'ours': True, 'additions': {}})


# -- ownership ----------------------------------------------------------------------------

def test_plan_refuses_to_take_over_or_remove_what_is_not_ours():
    foreign = link('br0', kind='bridge', index=9, alias=None)
    have = {'bridge': dict(foreign, stp=None, forward_delay=None), 'attached': [], 'ports': {}}
    for state, fragment in (('present', 'refusing to take it over'), ('absent', 'refusing to remove it')):
        with pytest.raises(LabnetError) as err:
            plan_bridge(br_want(state=state), have)
        assert fragment in err.value.msg and 'no labnet.netns ownership mark' in err.value.msg
    assert texts(plan_bridge(br_want(state='absent', adopt=True), have)) == []
    assert texts(plan_bridge(br_want(state='absent', force=True), have)) == ['delete bridge br0 (its ports stay, detached)']
    # adopt wins over force: what is not ours stays
    assert texts(plan_bridge(br_want(state='absent', adopt=True, force=True), have)) == []
    with pytest.raises(LabnetError, match='marked as made by team'):
        plan_netns(ns_want(owner='other'), ns_have('namespace', True, mark='labnet.netns:team'))


def test_plan_veth_absent_exact_pair_or_refusal():
    mine = veth_have(link('a', alias=None), link('b', alias=None), paired=True)
    assert texts(plan_veth(veth_want(state='absent'), mine)) == ['delete veth x/a (and its peer)']
    other = veth_have(link('a', alias=None), None, end_peer=('x', link('c')))
    with pytest.raises(LabnetError, match='paired with x/c'):
        plan_veth(veth_want(state='absent'), other)


def test_plan_address_on_interface_not_ours():
    have = addr_have('10.0.1.1/24', '10.0.9.9/24', ours=False, additions={'10.0.9.9/24': 'labnet.netns:netns_address'})
    plan = plan_address(addr_want(['10.0.2.1/24'], exclusive=True), have)
    # only what we added is removed; ours is recorded when added
    assert texts(plan) == ['remove address 10.0.9.9/24 from n/eth0', 'add address 10.0.2.1/24 to n/eth0']
    assert plan.ops[1].args['record'] == 'labnet.netns:netns_address'
    with pytest.raises(LabnetError, match='refusing to replace'):
        plan_address(addr_want(['10.0.1.1/16']), have)
