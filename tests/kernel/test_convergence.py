# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every input converges or is refused before anything changes: odd but legal-looking inputs
on the real kernel. A first run either fails and leaves the kernel exactly as it was, or a
second identical run reports no change (and a check-mode run after it predicts none)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import Sandbox, assert_failed, assert_ok, four_runs


def converges(sandbox, module, **args):
    """The first run succeeds; a second run and a check-mode run after it change nothing."""
    first = assert_ok(sandbox.module(module, **args))
    again = assert_ok(sandbox.module(module, **args))
    assert not again['changed'], ('not converged', first['operations'], again['operations'])
    check = assert_ok(sandbox.module(module, check=True, **args))
    assert not check['changed'], check['operations']
    return first


def refused(sandbox, module, *fragments, **args):
    """The run fails with a clear message and nothing changed (check mode refuses it too)."""
    before = sandbox.snapshot()
    assert_failed(sandbox.module(module, check=True, **args), *fragments)
    res = assert_failed(sandbox.module(module, **args), *fragments)
    assert res.get('operations', []) == [] or not res['changed'], res
    assert sandbox.snapshot() == before, 'a refused run changed the kernel'
    return res


def forward_delay(sandbox, bridge, namespace=None):
    info = sandbox.links(namespace)[bridge]['linkinfo']['info_data']
    return info['forward_delay'], info['stp_state']


# -- 1. STP timers the kernel rounds or clamps ---------------------------------------------

def test_forward_delay_the_kernel_rounds_does_not_flap(sandbox):
    # the kernel keeps the delay in clock ticks: 401 cs comes back as 400 (HZ=250 here)
    converges(sandbox, 'linux_bridge', name='br0', forward_delay=401)
    assert forward_delay(sandbox, 'br0') == (400, 0)
    res = converges(sandbox, 'linux_bridge', name='br0', stp=True, forward_delay=403)
    assert res['operations'] == ['set stp_state=1 on bridge br0', 'set forward_delay=403 on bridge br0']
    assert forward_delay(sandbox, 'br0') == (402, 1)
    # the result reports what the kernel keeps
    assert assert_ok(sandbox.module('linux_bridge', name='br0', forward_delay=403))['bridges'][0]['forward_delay'] == 402
    # a real difference is still repaired
    sandbox.sh('ip link set br0 type bridge forward_delay 1500')
    assert assert_ok(sandbox.module('linux_bridge', name='br0', forward_delay=403))['changed']


def test_forward_delay_outside_the_stp_range_is_refused(sandbox):
    # with STP on, the kernel clamps (on creation) or refuses (ERANGE, later) 2-30 s
    refused(sandbox, 'linux_bridge', 'forward_delay 100', '200-3000', 'stp', name='br0', stp=True, forward_delay=100)
    refused(sandbox, 'linux_bridge', 'forward_delay 3002', '200-3000', name='br0', stp=True, forward_delay=3002)
    # stp not managed here, but on in the kernel: the same limit, known when planning
    sandbox.sh('ip link add br1 type bridge stp_state 1')
    refused(sandbox, 'linux_bridge', 'forward_delay 100', 'STP is on', name='br1', forward_delay=100, adopt=True)
    # without STP any delay is kept as given
    converges(sandbox, 'linux_bridge', name='br0', stp=False, forward_delay=100)
    assert forward_delay(sandbox, 'br0') == (100, 0)


def test_stp_off_and_a_long_delay_at_once(sandbox):
    # the kernel applies the delay before the STP state: turning STP off must come first
    sandbox.sh('ip link add br0 type bridge stp_state 1')
    res = converges(sandbox, 'linux_bridge', name='br0', stp=False, forward_delay=5000, adopt=True)
    assert res['operations'] == ['set stp_state=0 on bridge br0', 'set forward_delay=5000 on bridge br0', 'set up br0']
    assert forward_delay(sandbox, 'br0') == (5000, 0)
    # and back on, with a delay STP accepts
    converges(sandbox, 'linux_bridge', name='br0', stp=True, forward_delay=400, adopt=True)
    assert forward_delay(sandbox, 'br0') == (400, 1)


# -- 2. items of one task that collide -----------------------------------------------------

def test_two_bridges_listing_one_port_are_refused(sandbox):
    sandbox.sh('ip link add p0 type veth peer name p1')
    refused(sandbox, 'linux_bridge', 'items[0]', 'items[1]', 'p0', items=[
        {'name': 'br0', 'ports': ['p0']}, {'name': 'br1', 'ports': ['p1', 'p0']}])
    # the same port name in two namespaces is no collision
    sandbox.sh('ip netns add a && ip -n a link add p0 type veth peer name p1')
    converges(sandbox, 'linux_bridge', items=[{'name': 'br0', 'ports': ['p0']},
                                              {'name': 'br0', 'namespace': 'a', 'ports': ['p0']}])


def test_exclusive_bridge_does_not_take_back_a_port_another_item_moves(sandbox):
    sandbox.sh('ip link add p0 type veth peer name p1 && ip link add br0 type bridge && ip link set p0 master br0')
    converges(sandbox, 'linux_bridge', items=[{'name': 'br1', 'ports': ['p0']},
                                              {'name': 'br0', 'ports': [], 'exclusive_ports': True, 'adopt': True}])
    assert sandbox.links(None)['p0']['master'] == 'br1'


@pytest.mark.parametrize('items, fragment', [
    ([{'name': 'x', 'peer': 'y'}, {'name': 'y', 'peer': 'z'}], 'y'),
    ([{'name': 'x', 'peer': 'y'}, {'name': 'z', 'peer': 'y'}], 'y'),
    ([{'name': 'x', 'peer': 'y'}, {'name': 'y', 'peer': 'x'}], 'name y'),
    ([{'name': 'x', 'peer': 'y', 'peer_namespace': 'a'}, {'name': 'y', 'namespace': 'a', 'peer': 'q'}], 'a/y'),
    ([{'name': 'x', 'peer': 'y'}, {'name': 'x', 'namespace': 'a', 'peer': 'y', 'state': 'absent'}], 'y'),
])
def test_veth_items_sharing_an_end_are_refused(sandbox, items, fragment):
    sandbox.sh('ip netns add a')
    refused(sandbox, 'veth', 'items[0]', 'items[1]', fragment, items=items)


def test_veth_items_with_equal_names_in_other_namespaces_converge(sandbox):
    sandbox.sh('ip netns add a && ip netns add b')
    converges(sandbox, 'veth', items=[{'name': 'eth0', 'namespace': 'a', 'peer': 'v-a'},
                                      {'name': 'eth0', 'namespace': 'b', 'peer': 'v-b'},
                                      {'name': 'x', 'namespace': 'a', 'peer': 'x', 'peer_namespace': 'b'}])


def test_one_address_on_two_interfaces_of_a_namespace_is_refused(sandbox):
    sandbox.sh('ip link add p0 type veth peer name p1')
    refused(sandbox, 'netns_address', 'items[0]', 'items[1]', '10.0.0.1', items=[
        {'interface': 'p0', 'addresses': ['10.0.0.1/24']}, {'interface': 'p1', 'addresses': ['10.0.0.1/32']}])


# -- 3. address forms re-added on every run --------------------------------------------------

@pytest.mark.parametrize('address, fragment', [
    ('0.0.0.0/8', 'unspecified'),         # the kernel answers success and adds nothing
    ('fe80::1%p0/64', 'zone'),            # the zone is not part of what the kernel keeps
    ('::/64', 'unspecified'),             # EADDRNOTAVAIL, after the IPv4 address was added
    ('::1/128', 'loopback'),
    ('ff02::1/64', 'multicast'),
])
def test_address_forms_the_kernel_does_not_keep_are_refused(sandbox, address, fragment):
    sandbox.sh('ip link add p0 type veth peer name p1')
    refused(sandbox, 'netns_address', fragment, interface='p0', addresses=['10.0.0.1/24', address])


def test_ipv6_on_a_link_below_1280_is_refused(sandbox):
    sandbox.sh('ip link add p0 mtu 1200 type veth peer name p1')
    refused(sandbox, 'netns_address', 'MTU 1200', '1280', interface='p0', addresses=['10.0.0.1/24', '2001:db8::1/64'])


def test_ipv6_on_a_link_where_it_is_disabled_is_refused(sandbox):
    sandbox.sh('ip link add p0 type veth peer name p1 && sysctl -qw net.ipv6.conf.p1.disable_ipv6=1')
    refused(sandbox, 'netns_address', 'IPv6 is disabled on p1', items=[
        {'interface': 'p0', 'addresses': ['10.0.0.1/24']}, {'interface': 'p1', 'addresses': ['2001:db8::1/64']}])


def test_loopback_ipv6_on_lo_converges(sandbox):
    converges(sandbox, 'netns_address', interface='lo', addresses=['::1/128', '127.0.0.1/8'])


def test_secondary_addresses_survive_removing_their_primary(sandbox):
    # the kernel removes an IPv4 primary's secondaries with it (promote_secondaries=0);
    # the addresses were made by hand, so force=true lets the module replace and remove them
    sandbox.sh('ip link add p0 type veth peer name p1 && ip addr add 10.0.0.1/24 dev p0 && ip addr add 10.0.0.2/24 dev p0')
    converges(sandbox, 'netns_address', interface='p0', addresses=['10.0.0.2/24'], exclusive=True, force=True)
    assert sandbox.addrs(None, 'p0') == ['10.0.0.2/24']
    sandbox.sh('ip addr add 10.0.0.3/24 dev p0 && ip addr add 10.0.0.4/24 dev p0')
    converges(sandbox, 'netns_address', interface='p0', addresses=['10.0.0.2/16', '10.0.0.4/24'], force=True)
    assert sandbox.addrs(None, 'p0') == ['10.0.0.2/16', '10.0.0.3/24', '10.0.0.4/24']
    # removing one address keeps the others, whatever their rank
    converges(sandbox, 'netns_address', interface='p0', addresses=['10.0.0.3/24'], state='absent', force=True)
    assert sandbox.addrs(None, 'p0') == ['10.0.0.2/16', '10.0.0.4/24']


def test_ipv6_addresses_on_a_link_set_down_converge(sandbox):
    # setting a link down drops its IPv6 addresses (keep_addr_on_down=0)
    sandbox.sh('ip link add p0 type veth peer name p1 && ip link set p0 up && ip addr add 2001:db8::9/64 dev p0')
    res = converges(sandbox, 'netns_address', interface='p0', addresses=['2001:db8::1/64', '10.0.0.1/24'], up=False)
    # an address not asked for stays too
    assert sandbox.addrs(None, 'p0') == ['10.0.0.1/24', '2001:db8::1/64', '2001:db8::9/64']
    assert res['operations'][0] == 'set down p0'
    converges(sandbox, 'netns_address', interface='lo', addresses=['::1/128'], up=False)


# -- 4. a port that cannot be enslaved leaves no new bridge behind ------------------------------

@pytest.mark.parametrize('setup, port, fragment', [
    ('true', 'lo', 'loopback'),
    ('ip tuntap add t0 mode tun', 't0', 'not an Ethernet'),
    ('ip link add p0 type veth peer name p1 && ip link add m0 link p0 type macvlan', 'p0', 'macvlan m0'),
    ('ip link add br0 type bridge && ip link add m0 link br0 type macvlan', 'm0', 'sits on the bridge itself'),
])
def test_port_the_kernel_cannot_enslave_is_refused_when_planning(sandbox, setup, port, fragment):
    sandbox.sh('ip link add q0 type veth peer name q1 && ' + setup)
    refused(sandbox, 'linux_bridge', port, fragment, name='br0', ports=['q0', port])


def test_port_refused_by_the_kernel_only_rolls_back_the_new_bridge(sandbox):
    # a macvlan moved to another namespace still holds its lower device: only the kernel knows
    sandbox.sh('ip netns add a && ip link add q0 type veth peer name q1 && ip link add p0 type veth peer name p1 && '
               'ip link add m0 link p0 type macvlan && ip link set m0 netns a')
    before = sandbox.snapshot()
    res = assert_failed(sandbox.module('linux_bridge', name='br0', ports=['q0', 'p0'], mtu=1400),
                        'cannot change p0', 'rolled back')
    assert res['operations'] == []
    assert sandbox.snapshot() == before
    # an existing bridge keeps what it had: only this run's changes to it are undone
    sandbox.sh('ip link add br1 type bridge && ip link set q1 master br1')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('linux_bridge', name='br1', ports=['q0', 'p0'], exclusive_ports=True, adopt=True),
                  'rolled back')
    assert sandbox.snapshot() == before


# -- 5. the whole class: generated inputs on the real kernel -------------------------------------
#
# Each example is a short story in a fresh sandbox: a few things done by hand (drift, odd links),
# then module calls with inputs drawn from small alphabets, so that names, ports, ends and
# addresses collide often. Every module call must either fail and leave the kernel exactly as
# it was, or converge: a second identical run and a check-mode run after it change nothing. A
# check-mode run before it predicts it (same operations, or the same refusal).

NAMESPACES = [None, None, None, 'a', 'a', 'n s', 'b']  # b is made by the netns module only
IFNAMES = ['x', 'x', 'y', 'y', 'eth0', 'br0', 'br0', 'lo', 'a.b', '...', 'é', 't0', 'm0']
V4 = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.1.1', '0.0.0.0', '127.0.0.5', '224.0.0.5', '10.0.0.0', '169.254.0.1']
V4_PREFIXES = ['/24', '/24', '/32', '/16', '/0', '/31', '/255.255.255.0', '/0.0.0.255']
V6 = ['2001:db8::1', '2001:DB8:0::1', '2001:0db8:0000::0002', '2001:db8::', 'fe80::1', 'fe80::1%x', '::1', '::',
      'ff02::1', '::ffff:10.0.0.1', '::10.0.0.1', 'fd00::1']
V6_PREFIXES = ['/64', '/64', '/128', '/0', '/127', '/10']
BY_HAND = [
    'ip link add x type veth peer name y',
    'ip link add x type veth peer name y',
    'ip link add a.b type veth peer name ... && ip link set ... netns "n s"',
    'ip link add x type veth peer name eth0 netns a',
    'ip link add br0 type bridge stp_state 1',
    'ip link add br0 type bridge && ip link set x master br0',
    'ip tuntap add t0 mode tun',
    'ip link add m0 link x type macvlan',
    'ip link set x up && ip addr add 10.0.0.1/24 dev x && ip addr add 10.0.0.2/24 dev x',
    'ip link set x up && ip addr add 2001:db8::9/64 dev x',
    'ip link set x mtu 1200',
    'ip link set y netns a',
    'ip link add lo.b type bridge',
    'ip link add br0 type bridge && ip link add m0 link br0 type macvlan',
    'sysctl -qw net.ipv6.conf.x.disable_ipv6=1',
    'sysctl -qw net.ipv6.conf.x.keep_addr_on_down=1',
    'sysctl -qw net.ipv4.conf.x.promote_secondaries=1',
]

ifnames = st.sampled_from(IFNAMES)
namespaces = st.sampled_from(NAMESPACES)
states = st.sampled_from(['present', 'present', 'present', 'absent'])
addresses = st.one_of(
    st.tuples(st.sampled_from(V4), st.sampled_from(V4_PREFIXES)).map(''.join),
    st.tuples(st.sampled_from(V6), st.sampled_from(V6_PREFIXES)).map(''.join),
    st.sampled_from(['10.0.0.1/24', '10.0.0.2/24', '10.0.0.3/24', '2001:db8::1/64', 'fd00::1/64', ' 10.0.0.1/24 ']),
    st.sampled_from(['10.0.0.2/24', '2001:db8::2/64', '010.0.0.1/24']))


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def module_args(objects):
    """One object as top-level options, or a batch of 1-3 as items (top-level values as defaults)."""
    return st.one_of(objects, st.lists(objects, min_size=1, max_size=3).map(lambda items: {'items': items}))


def without_none(strategy):
    return strategy.map(lambda args: dict((k, v) for k, v in args.items() if v is not None))


NETNS = without_none(st.fixed_dictionaries({
    'name': st.sampled_from(['a', 'b', 'n s']), 'state': maybe(states), 'lo_up': maybe(st.booleans()),
    'force': maybe(st.booleans()), 'adopt': maybe(st.booleans())}))
# objects made by hand are not ours: adopt/force/owner decide whether they are managed, kept or refused
OWNERSHIP = {'adopt': maybe(st.booleans()), 'force': maybe(st.booleans()), 'owner': maybe(st.sampled_from(['lab/1', 'lab/2']))}
VETH = without_none(st.fixed_dictionaries({
    'name': ifnames, 'peer': ifnames, 'namespace': namespaces, 'peer_namespace': namespaces, 'state': maybe(states),
    'mtu': maybe(st.sampled_from([68, 1279, 1280, 1500, 9000, 65535])),
    'mac': maybe(st.sampled_from(['02:00:00:00:00:01', '02-00-00-00-00-02', '02:00:00:00:00:01', '00:00:00:00:00:00'])),
    'up': maybe(st.booleans()), **OWNERSHIP}))
BRIDGE = without_none(st.fixed_dictionaries({
    'name': ifnames, 'namespace': namespaces, 'state': maybe(states), 'stp': maybe(st.booleans()),
    'forward_delay': maybe(st.sampled_from([0, 1, 199, 200, 401, 1500, 3000, 3001, 100000])),
    'mtu': maybe(st.sampled_from([68, 1280, 1500, 9000])), 'up': maybe(st.booleans()),
    'ports': maybe(st.lists(ifnames, max_size=3, unique=True)), 'exclusive_ports': maybe(st.booleans()), **OWNERSHIP}))
ADDRESS = without_none(st.fixed_dictionaries({
    'interface': ifnames, 'namespace': namespaces, 'state': maybe(states),
    'addresses': st.lists(addresses, min_size=1, max_size=2), 'exclusive': maybe(st.booleans()),
    'up': maybe(st.booleans()), **OWNERSHIP}))
CALLS = st.one_of(
    st.tuples(st.just('netns'), module_args(NETNS)),
    st.tuples(st.just('veth'), module_args(VETH)),
    st.tuples(st.just('linux_bridge'), module_args(BRIDGE)),
    st.tuples(st.just('linux_bridge'), module_args(BRIDGE)),
    st.tuples(st.just('netns_address'), module_args(ADDRESS)),
    st.tuples(st.just('netns_address'), module_args(ADDRESS)))
STORIES = st.tuples(st.lists(st.sampled_from(BY_HAND), min_size=1, max_size=4), st.lists(CALLS, min_size=1, max_size=4))
EXAMPLES = int(os.environ.get('LABNET_PROPERTY_EXAMPLES', '25'))
# the same stories on every run of the test command (a CI run must not fail on a story no run
# drew before); LABNET_PROPERTY_RANDOM=1 draws new ones, to look for more
RANDOM = bool(os.environ.get('LABNET_PROPERTY_RANDOM'))


def converges_or_changes_nothing(box, module, args):
    before = box.snapshot()
    predicted = box.module(module, check=True, **args)
    assert box.snapshot() == before, 'check mode changed the kernel'
    first = box.module(module, **args)
    event('%s %s' % (module, 'refused: ' + first['msg'][:40] if first.get('failed') else
                     'changed' if first['changed'] else 'unchanged'))
    if first.get('failed'):
        assert not first['msg'].startswith('unexpected error'), first['msg']
        assert box.snapshot() == before, 'failed and changed the kernel: %s (%s)' % (first['msg'], first.get('operations'))
        # check mode plans a missing namespace or interface as made by an earlier task, so where
        # the real run stops at a missing object, check mode may stop at the next problem
        if predicted.get('failed') and 'does not exist' not in first['msg']:
            assert predicted['msg'] == first['msg']
        return
    assert not predicted.get('failed'), 'check mode refused what the real run did: %s' % predicted['msg']
    assert predicted['operations'] == first['operations'], 'check mode predicted other operations'
    again = box.module(module, **args)
    assert not again.get('failed') and not again['changed'], (
        'not converged', first['operations'], again.get('operations'), again.get('msg'))
    check = box.module(module, check=True, **args)
    assert not check.get('failed') and not check['changed'], ('check after convergence', check.get('operations'))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=not RANDOM)
@given(STORIES)
def test_every_input_converges_or_changes_nothing(story):
    by_hand, calls = story
    box = Sandbox()
    try:
        box.sh('ip netns add a && ip netns add "n s"')
        for command in by_hand:
            box.ok(command)
        for module, args in calls:
            converges_or_changes_nothing(box, module, args)
    finally:
        box.close()


@pytest.mark.parametrize('exclusive', [True, False])
def test_addresses_on_a_loopback_that_comes_up_converge_in_one_run(sandbox, exclusive):
    """Found by the property test: setting a loopback up makes the kernel add 127.0.0.1/8 and
    ::1/128; with exclusive they go again in the same run, without it they stay (and the diff says so)."""
    assert_ok(sandbox.module('netns', name='a', lo_up=False))
    real = four_runs(sandbox, 'netns_address', namespace='a', interface='lo', addresses=['10.0.0.1/24'],
                     exclusive=exclusive, force=True)
    shown = sandbox.sh('ip -n a -o addr show dev lo')
    kernel = sorted(line.split()[3] for line in shown.splitlines())
    if exclusive:
        assert real['operations'] == ['add address 10.0.0.1/24 to a/lo', 'set up a/lo',
                                      'remove address 127.0.0.1/8 from a/lo (the kernel adds it when a loopback comes up)',
                                      'remove address ::1/128 from a/lo (the kernel adds it when a loopback comes up)']
        assert kernel == ['10.0.0.1/24']
    else:
        assert real['operations'] == ['add address 10.0.0.1/24 to a/lo', 'set up a/lo']
        assert kernel == ['10.0.0.1/24', '127.0.0.1/8', '::1/128']
    assert sorted(real['diff']['after']['a/lo']['addresses']) == kernel
