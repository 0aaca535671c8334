# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of "every input converges or is refused": kernel rounding, what the kernel
removes by itself, collisions between items, and the undo each operation carries. The
real-kernel tests in tests/kernel/test_convergence.py cover the same behaviour end to end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError, Op, claim_once
from ansible_collections.labnet.netns.plugins.module_utils._address import AddressResource, plan_address
from ansible_collections.labnet.netns.plugins.module_utils._bridge import BridgeResource, plan_bridge
from ansible_collections.labnet.netns.plugins.module_utils._veth import VethResource


def texts(ops):
    return [op.text for op in ops]


def link(ifname, kind='veth', index=5, up=True, mtu=1500, master=None, **kw):
    return dict(dict(ifname=ifname, kind=kind, index=index, up=up, mtu=mtu, mac='02:00:00:00:00:01', master=master,
                     link=None, link_netnsid=None, type=1, loopback=False, alias='labnet.netns:test'), **kw)


def validated(resource, items):
    wants = []
    for item in items:
        want = dict((k, None) for k in resource.OPTIONS)
        want.update(state='present', up=True, exclusive_ports=False, exclusive=False, adopt=False, force=False,
                    mark='labnet.netns:test')
        want.update(item)
        resource.validate(want)
        wants.append(want)
    resource.validate_batch(wants)
    return wants


def test_claim_once_names_both_items():
    claims = {}
    claim_once(claims, 'a', 0, 'x')
    claim_once(claims, 'a', 0, 'x')  # the same item may name a thing twice (checked elsewhere)
    with pytest.raises(LabnetError, match=r'items\[0\] and items\[2\] both use a'):
        claim_once(claims, 'a', 2, 'use a')


# -- bridge --------------------------------------------------------------------------------

def br_want(**kw):
    return dict(dict(name='br0', namespace=None, state='present', stp=None, forward_delay=None, mtu=None,
                     up=True, ports=None, exclusive_ports=False, owner=None, adopt=False, force=False,
                     mark='labnet.netns:linux_bridge'), **kw)


def br_have(bridge=None, ports=None, attached=(), taken=()):
    return {'bridge': bridge, 'ports': ports or {}, 'attached': list(attached), 'taken': set(taken)}


def bridge(stp=False, forward_delay=1500, **kw):
    return dict(link('br0', kind='bridge', index=9, **kw), stp=stp, forward_delay=forward_delay)


@pytest.mark.parametrize('kernel, want, expected', [
    (400, 401, []),     # HZ=250: an odd delay comes back 1 lower
    (1499, 1500, []),   # HZ=300: every delay comes back 1 lower
    (1500, 1500, []),
    (1498, 1500, ['set forward_delay=1500 on bridge br0']),
    (1501, 1500, ['set forward_delay=1500 on bridge br0']),
])
def test_forward_delay_rounded_by_the_kernel_is_reached(kernel, want, expected):
    plan = plan_bridge(br_want(forward_delay=want), br_have(bridge(forward_delay=kernel)))
    assert texts(plan.ops) == expected
    assert plan.after['forward_delay'] == (want if expected else kernel)


def test_stp_first_then_delay_each_with_its_undo():
    plan = plan_bridge(br_want(stp=False, forward_delay=5000), br_have(bridge(stp=True, forward_delay=1500)))
    assert texts(plan.ops) == ['set stp_state=0 on bridge br0', 'set forward_delay=5000 on bridge br0']
    assert texts(op.undo for op in plan.ops) == ['set stp_state=1 on bridge br0', 'set forward_delay=1500 on bridge br0']


@pytest.mark.parametrize('want, have, fragment', [
    (br_want(stp=True, forward_delay=199), None, 'stp=true'),
    (br_want(stp=True, forward_delay=3001), None, '200-3000'),
    (br_want(forward_delay=100), br_have(bridge(stp=True)), 'STP is on in the kernel'),
])
def test_delay_outside_the_stp_range_is_refused(want, have, fragment):
    with pytest.raises(LabnetError, match=fragment):
        if have is None:
            BridgeResource().validate(want)
        else:
            plan_bridge(want, have)


@pytest.mark.parametrize('port, fragment', [
    (link('lo', kind=None, loopback=True, type=772), 'loopback device'),
    (link('t0', kind='tun', type=65534), r'not an Ethernet device \(link type 65534\)'),
    (link('p0', held_by=['macvlan m0']), 'carries macvlan m0'),
])
def test_port_the_kernel_refuses_is_refused_when_planning(port, fragment):
    with pytest.raises(LabnetError, match=fragment):
        plan_bridge(br_want(ports=[port['ifname']]), br_have(ports={port['ifname']: port}))


def test_port_on_the_bridge_itself_is_refused():
    m0 = link('m0', kind='macvlan', link=9)
    with pytest.raises(LabnetError, match='sits on the bridge itself'):
        plan_bridge(br_want(ports=['m0']), br_have(bridge(), ports={'m0': m0}))


def test_new_bridge_and_its_ports_carry_their_undo():
    ports = {'p1': link('p1', index=3), 'p2': dict(link('p2', index=4, master=7), master_name='br1')}
    plan = plan_bridge(br_want(ports=['p1', 'p2'], mtu=1400), br_have(ports=ports))
    assert [(op.text, op.undo and op.undo.text) for op in plan.ops] == [
        ('create bridge br0', 'delete bridge br0'),
        ('attach p1 to bridge br0', 'detach p1 from bridge br0'),
        ('attach p2 to bridge br0 (was on br1)', 'attach p2 to bridge br1'),
        ('set mtu 1400 on br0', None),  # the bridge goes with the create's undo
        ('set up br0', 'set down br0')]


def test_exclusive_leaves_a_port_another_item_takes():
    plan = plan_bridge(br_want(ports=[], exclusive_ports=True),
                       br_have(bridge(), attached=['p1', 'p2'], taken=['p1']))
    assert texts(plan.ops) == ['detach p2 from bridge br0']
    assert plan.after['ports'] == []


def test_two_bridges_with_one_port_are_refused():
    with pytest.raises(LabnetError, match=r'items\[0\] and items\[2\] both list a/p1 as a port'):
        validated(BridgeResource(), [{'name': 'br0', 'namespace': 'a', 'ports': ['p1']}, {'name': 'br1', 'ports': ['p1']},
                                     {'name': 'br2', 'namespace': 'a', 'ports': ['p1']}])
    # a bridge to be removed claims nothing
    validated(BridgeResource(), [{'name': 'br0', 'ports': ['p1']}, {'name': 'br1', 'ports': ['p1'], 'state': 'absent'}])


# -- veth ----------------------------------------------------------------------------------

@pytest.mark.parametrize('items, fragment', [
    ([{'name': 'x', 'peer': 'y'}, {'name': 'y', 'peer': 'z'}], 'name y as an end'),
    ([{'name': 'x', 'peer': 'y', 'peer_namespace': 'a'}, {'name': 'y', 'namespace': 'a', 'peer': 'q'}], 'name a/y'),
    ([{'name': 'x', 'peer': 'y'}, {'name': 'q', 'peer': 'x', 'state': 'absent'}], 'name x'),
])
def test_veth_items_sharing_an_end_are_refused(items, fragment):
    with pytest.raises(LabnetError, match=fragment):
        validated(VethResource(), items)


def test_veth_items_with_equal_names_elsewhere_pass():
    validated(VethResource(), [{'name': 'eth0', 'namespace': 'a', 'peer': 'v-a'},
                               {'name': 'eth0', 'namespace': 'b', 'peer': 'v-b'},
                               {'name': 'v-a', 'namespace': 'b', 'peer': 'v-a', 'peer_namespace': 'c'}])


def test_zero_mac_is_refused():
    with pytest.raises(LabnetError, match='all zeros'):
        validated(VethResource(), [{'name': 'x', 'peer': 'y', 'peer_mac': '00-00-00-00-00-00'}])


# -- address -------------------------------------------------------------------------------

def addr_want(addresses, **kw):
    return validated(AddressResource(), [dict(dict(interface='eth0', namespace='n', addresses=addresses), **kw)])[0]


def addr_have(*addresses, **kw):
    parsed = [ipaddress.ip_interface(a) for a in addresses]
    return {'link': link('eth0', up=kw.get('up', True), mtu=kw.get('mtu', 1500), loopback=kw.get('loopback', False)),
            'addresses': parsed,
            'secondary': [ipaddress.ip_interface(a) for a in kw.get('secondary', ())], 'ours': True, 'additions': {}}


@pytest.mark.parametrize('address, fragment', [
    ('0.0.0.0/8', 'ignores it'),
    ('::/0', 'unspecified'),
    ('fe80::1%eth0/64', 'zone'),
    ('ff02::1/64', 'multicast'),
])
def test_forms_the_kernel_does_not_keep_are_refused(address, fragment):
    with pytest.raises(LabnetError, match=fragment):
        addr_want(['10.0.0.1/24', address])


@pytest.mark.parametrize('address', ['224.0.0.5/24', '::ffff:10.0.0.1/128', '2001:db8::/64', '10.0.0.1/0', '127.0.0.5/8'])
def test_forms_the_kernel_keeps_pass(address):
    addr_want([address])


def test_ipv6_refused_where_the_kernel_refuses_it():
    with pytest.raises(LabnetError, match='MTU 1200, below the 1280'):
        plan_address(addr_want(['10.0.0.1/24', '2001:db8::1/64']), addr_have(mtu=1200))
    plan_address(addr_want(['10.0.0.1/24']), addr_have(mtu=1200))  # IPv4 is fine
    have = addr_have()
    have['link']['ipv6_disabled'] = True
    with pytest.raises(LabnetError, match='IPv6 is disabled on n/eth0'):
        plan_address(addr_want(['10.0.0.1/24', '2001:db8::1/64']), have)
    with pytest.raises(LabnetError, match='loopback device only'):
        plan_address(addr_want(['::1/128']), addr_have())
    assert texts(plan_address(addr_want(['::1/128']), addr_have('::1/128', loopback=True)).ops) == []


def test_same_address_on_two_interfaces_of_a_namespace_is_refused():
    with pytest.raises(LabnetError, match=r'items\[0\] and items\[1\] both give address 10.0.0.1'):
        validated(AddressResource(), [{'interface': 'a', 'addresses': ['10.0.0.1/24']},
                                      {'interface': 'b', 'addresses': ['10.0.0.1/32']}])
    validated(AddressResource(), [{'interface': 'a', 'addresses': ['10.0.0.1/24']},
                                  {'interface': 'a', 'namespace': 'n', 'addresses': ['10.0.0.1/24']}])


def test_secondaries_removed_with_their_primary_are_added_again():
    have = addr_have('10.0.0.1/24', '10.0.0.2/24', '10.0.0.3/24', '10.1.0.1/24', secondary=['10.0.0.2/24', '10.0.0.3/24'])
    plan = plan_address(addr_want(['10.0.0.2/24', '10.1.0.1/24'], exclusive=True), have)
    assert texts(plan.ops) == ['remove address 10.0.0.1/24 from n/eth0', 'remove address 10.0.0.3/24 from n/eth0',
                               'add address 10.0.0.2/24 to n/eth0 again (removing 10.0.0.1/24 removes it)']
    assert plan.after['addresses'] == ['10.0.0.2/24', '10.1.0.1/24']
    # removing a secondary takes nothing with it
    plan = plan_address(addr_want(['10.0.0.2/24'], state='absent'), have)
    assert texts(plan.ops) == ['remove address 10.0.0.2/24 from n/eth0']


def test_setting_a_link_down_adds_its_ipv6_addresses_again():
    have = addr_have('2001:db8::9/64', 'fe80::1234/64', '10.0.0.1/24')
    plan = plan_address(addr_want(['2001:db8::1/64'], up=False), have)
    assert texts(plan.ops) == [
        'set down n/eth0',
        'add address 2001:db8::9/64 to n/eth0 again (setting the link down removes IPv6 addresses)',
        'add address 2001:db8::1/64 to n/eth0']
    assert plan.after == {'addresses': ['10.0.0.1/24', '2001:db8::1/64', '2001:db8::9/64'], 'up': False}


def test_address_ops_carry_their_undo():
    plan = plan_address(addr_want(['10.0.0.1/16']), addr_have('10.0.0.1/24'))
    assert [(op.text, op.undo.text) for op in plan.ops] == [
        ('remove address 10.0.0.1/24 from n/eth0', 'add address 10.0.0.1/24 to n/eth0'),
        ('add address 10.0.0.1/16 to n/eth0', 'remove address 10.0.0.1/16 from n/eth0')]


def test_op_without_undo():
    assert Op('x', 'text').undo is None
