# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netns_route on the real kernel, inside a sandbox: IPv4 and IPv6, check mode, drift,
exclusive, absent, and the user's routes (made with `ip route`) never taken or removed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from conftest import assert_failed, assert_ok, four_runs, four_runs_after_drift


def ping(sandbox, ns, address, tries=1):
    """One echo request (or up to TRIES, for a path that must work: neighbour discovery across
    three hops may lose its first solicitation on a loaded machine and wait a second per hop)."""
    return any(sandbox.ok('ip netns exec %s ping -c1 -W2 %s' % (ns, address)) for dummy in range(tries))


def routes(sandbox, ns, family='-4', table='main'):
    """(dst, gateway, dev, metric, protocol) of a namespace's routes that are not the kernel's own."""
    out = json.loads(sandbox.sh('ip -n %s -j %s route show table %s' % (ns, family, table)) or '[]')
    return sorted((r['dst'], r.get('gateway'), r['dev'], r.get('metric', 0), r.get('protocol'))
                  for r in out if r.get('protocol') not in ('kernel', 'ra') and not r['dst'].startswith(('fe80', 'ff00')))


def two_segments(sandbox):
    """left -- host (router, forwarding on) -- right, IPv4 and IPv6, no routes beyond the connected ones."""
    sandbox.sh(
        'ip netns add left && ip netns add right && '
        'ip link add l0 type veth peer name eth0 netns left && ip link add r0 type veth peer name eth0 netns right && '
        'ip link set l0 up && ip link set r0 up && ip -n left link set eth0 up && ip -n right link set eth0 up && '
        'ip -n left link set lo up && ip -n right link set lo up && '
        'ip addr add 10.5.0.1/24 dev l0 && ip addr add 10.6.0.1/24 dev r0 && '
        'ip -n left addr add 10.5.0.2/24 dev eth0 && ip -n right addr add 10.6.0.2/24 dev eth0 && '
        'ip addr add 2001:db8:5::1/64 dev l0 nodad && ip addr add 2001:db8:6::1/64 dev r0 nodad && '
        'ip -n left addr add 2001:db8:5::2/64 dev eth0 nodad && ip -n right addr add 2001:db8:6::2/64 dev eth0 nodad && '
        'sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1')


ROUTES = [
    {'namespace': 'left', 'destination': '10.6.0.0/24', 'gateway': '10.5.0.1'},
    {'namespace': 'left', 'destination': '2001:db8:6::/64', 'gateway': '2001:db8:5::1', 'device': 'eth0'},
    {'namespace': 'right', 'destination': 'default', 'gateway': '10.6.0.1'},
    {'namespace': 'right', 'destination': 'default', 'gateway': 'fe80::1', 'device': 'eth0'},
]


def test_route_v4_v6_create_idempotent_check_and_traffic(sandbox):
    two_segments(sandbox)
    sandbox.sh('ip -n right route add 2001:db8:5::/64 via 2001:db8:6::1')  # the user's own route, left alone
    assert not ping(sandbox, 'left', '10.6.0.2')
    real = four_runs(sandbox, 'netns_route', items=ROUTES)
    assert real['operations'] == [
        'add route left: 10.6.0.0/24 table main metric 0 via 10.5.0.1',
        'add route left: 2001:db8:6::/64 table main metric 1024 via 2001:db8:5::1 dev eth0',
        'add route right: 0.0.0.0/0 table main metric 0 via 10.6.0.1',
        'add route right: ::/0 table main metric 1024 via fe80::1 dev eth0']
    assert real['diff']['before']['left: 10.6.0.0/24 table main metric 0'] == {'present': False}
    assert real['diff']['after']['left: 10.6.0.0/24 table main metric 0'] == {
        'present': True, 'gateway': '10.5.0.1', 'device': 'eth0'}
    assert [r['owner'] for r in real['routes']] == ['netns_route'] * 4
    assert routes(sandbox, 'left') == [('10.6.0.0/24', '10.5.0.1', 'eth0', 0, '76')]
    assert routes(sandbox, 'left', '-6') == [('2001:db8:6::/64', '2001:db8:5::1', 'eth0', 1024, '76')]
    assert routes(sandbox, 'right') == [('default', '10.6.0.1', 'eth0', 0, '76')]
    assert ('default', 'fe80::1', 'eth0', 1024, '76') in routes(sandbox, 'right', '-6')
    # the routes carry the traffic: left reaches right through the host, both families
    assert ping(sandbox, 'left', '10.6.0.2', tries=3) and ping(sandbox, 'left', '2001:db8:6::2', tries=3)


def test_route_table_metric_and_device_route(sandbox):
    two_segments(sandbox)
    args = dict(namespace='left', items=[{'destination': '192.0.2.0/24', 'device': 'eth0', 'table': '100'},
                                         {'destination': '198.51.100.7', 'gateway': '10.5.0.1', 'metric': 50}])
    real = four_runs(sandbox, 'netns_route', **args)
    assert [r['table'] for r in real['routes']] == [100, 254]
    assert routes(sandbox, 'left', table='100') == [('192.0.2.0/24', None, 'eth0', 0, '76')]
    assert routes(sandbox, 'left') == [('198.51.100.7', '10.5.0.1', 'eth0', 50, '76')]
    assert 'scope link' in sandbox.sh('ip -n left route show table 100')  # as `ip route add ... dev` makes it


def test_route_drift_deleted_and_changed_by_hand_repaired(sandbox):
    two_segments(sandbox)
    sandbox.sh('ip -n left addr add 10.5.0.3/24 dev eth0')
    assert_ok(sandbox.module('netns_route', items=ROUTES))
    sandbox.sh('ip -n left route del 10.6.0.0/24 && ip -n right -6 route del default')
    real = four_runs_after_drift(sandbox, 'netns_route', items=ROUTES)
    assert real['operations'] == ['add route left: 10.6.0.0/24 table main metric 0 via 10.5.0.1',
                                  'add route right: ::/0 table main metric 1024 via fe80::1 dev eth0']
    # changed by hand (`ip route replace` also sets proto boot): still ours, put back
    sandbox.sh('ip -n left route replace 10.6.0.0/24 via 10.5.0.3 && ip -n right route replace default dev eth0')
    real = four_runs_after_drift(sandbox, 'netns_route', items=ROUTES)
    assert real['diff']['before']['left: 10.6.0.0/24 table main metric 0'] == {
        'present': True, 'gateway': '10.5.0.3', 'device': 'eth0'}
    assert real['operations'][0] == 'change route left: 10.6.0.0/24 table main metric 0 via 10.5.0.1'
    assert routes(sandbox, 'left') == [('10.6.0.0/24', '10.5.0.1', 'eth0', 0, '76')]
    assert routes(sandbox, 'right') == [('default', '10.6.0.1', 'eth0', 0, '76')]


def test_route_exclusive_removes_only_unlisted_routes_of_ours(sandbox):
    two_segments(sandbox)
    assert_ok(sandbox.module('netns_route', namespace='left', items=[
        {'destination': '10.6.0.0/24', 'gateway': '10.5.0.1'}, {'destination': '10.7.0.0/24', 'gateway': '10.5.0.1'},
        {'destination': '2001:db8:7::/64', 'gateway': '2001:db8:5::1'},
        {'destination': '10.8.0.0/24', 'gateway': '10.5.0.1', 'table': '100'}]))
    sandbox.sh('ip -n left route add 10.9.0.0/24 via 10.5.0.1')  # the user's
    args = dict(namespace='left', exclusive=True, items=[{'destination': '10.6.0.0/24', 'gateway': '10.5.0.1'}])
    real = four_runs(sandbox, 'netns_route', **args)
    assert real['operations'] == [
        'remove route left: 10.7.0.0/24 table main metric 0 (not listed, exclusive)',
        'remove route left: 2001:db8:7::/64 table main metric 1024 (not listed, exclusive)']
    assert real['routes'][-1] == {'namespace': 'left', 'table': 254, 'exclusive': True, 'routes': [],
                                  'kept': ['left: 10.9.0.0/24 table main metric 0']}
    assert routes(sandbox, 'left') == [('10.6.0.0/24', '10.5.0.1', 'eth0', 0, '76'),
                                       ('10.9.0.0/24', '10.5.0.1', 'eth0', 0, None)]
    assert routes(sandbox, 'left', '-6') == []
    assert len(routes(sandbox, 'left', table='100')) == 1  # another table: not described
    # connected and link-local routes are the kernel's: still there
    assert '10.5.0.0/24 dev eth0 proto kernel' in sandbox.sh('ip -n left route')
    assert 'fe80::/64 dev eth0' in sandbox.sh('ip -n left -6 route')
    # force: the user's unlisted route goes too
    real = assert_ok(sandbox.module('netns_route', force=True, **args))
    assert real['operations'] == ['remove route left: 10.9.0.0/24 table main metric 0 (not listed, exclusive)']
    assert routes(sandbox, 'left') == [('10.6.0.0/24', '10.5.0.1', 'eth0', 0, '76')]


def test_route_absent(sandbox):
    two_segments(sandbox)
    assert_ok(sandbox.module('netns_route', items=ROUTES))
    gone = [dict(r, state='absent') for r in ROUTES]
    real = four_runs(sandbox, 'netns_route', items=gone)
    assert len(real['operations']) == 4 and real['diff']['after']['left: 10.6.0.0/24 table main metric 0'] == {'present': False}
    assert routes(sandbox, 'left') == [] and routes(sandbox, 'right') == []
    assert routes(sandbox, 'left', '-6') == [] and routes(sandbox, 'right', '-6') == []
    assert sandbox.sh('ls /run/labnet-netns/routes') == ''  # the records went with the routes
    # a namespace that is gone has no routes to remove
    assert not assert_ok(sandbox.module('netns_route', namespace='nowhere', destination='default', state='absent'))['changed']


def test_route_of_the_user_is_refused_adopted_and_survives_absent(sandbox):
    two_segments(sandbox)
    sandbox.sh('ip -n left route add 10.6.0.0/24 via 10.5.0.1 && ip -n left route add default via 10.5.0.1')
    before = sandbox.snapshot()
    want = dict(namespace='left', destination='10.6.0.0/24', gateway='10.5.0.1')
    assert_failed(sandbox.module('netns_route', **want),
                  'route left: 10.6.0.0/24 table main metric 0 in namespace left already exists and was not made by labnet.netns',
                  'adopt=true')
    assert_failed(sandbox.module('netns_route', **dict(want, gateway='10.5.0.9', force=True)), 'not made by')
    for check in (True, False):
        assert_failed(sandbox.module('netns_route', check=check, state='absent', **want),
                      'was not made by labnet.netns', 'refusing to remove it', 'force=true')
    assert sandbox.snapshot() == before
    # adopt: used as it is (nothing to do), and kept by state=absent
    res = assert_ok(sandbox.module('netns_route', adopt=True, **want))
    assert not res['changed'] and res['routes'][0]['owner'] is None
    res = assert_ok(sandbox.module('netns_route', adopt=True, state='absent', **want))
    assert not res['changed'] and res['routes'][0]['kept'] is True
    assert sandbox.snapshot() == before
    # another owner's route is not ours either
    assert_ok(sandbox.module('netns_route', namespace='left', destination='10.7.0.0/24', gateway='10.5.0.1', owner='lab/a'))
    assert_failed(sandbox.module('netns_route', namespace='left', destination='10.7.0.0/24', state='absent', owner='lab/b'),
                  'not made by owner lab/b', 'it is marked as made by lab/a')
    # force removes the user's route
    res = assert_ok(sandbox.module('netns_route', force=True, state='absent', **want))
    assert res['changed'] and routes(sandbox, 'left') == [('10.7.0.0/24', '10.5.0.1', 'eth0', 0, '76'),
                                                          ('default', '10.5.0.1', 'eth0', 0, None)]


@pytest.mark.parametrize('args, fragment', [
    (dict(destination='10.6.0.1/24', gateway='10.5.0.1'), 'destination 10.6.0.1/24 has host bits set: the network is 10.6.0.0/24'),
    (dict(destination='10.6.0.0/24', gateway='10.9.0.1'),
     'gateway 10.9.0.1 is not reachable from namespace left: it is on no connected subnet'),
    (dict(destination='10.6.0.0/24', gateway='10.6.0.1', device='eth0'), 'on no connected subnet of eth0'),
    (dict(destination='2001:db8:6::/64', gateway='2001:db8:9::1'), 'gateway 2001:db8:9::1 is not reachable'),
    (dict(destination='10.6.0.0/24', device='nope0'), 'device nope0 does not exist in namespace left'),
    (dict(destination='10.6.0.0/24', gateway='2001:db8:5::1'), 'gateway 2001:db8:5::1 is IPv6 but destination 10.6.0.0/24 is IPv4'),
    (dict(destination='10.6.0.0/24'), 'needs a gateway or a device'),
    (dict(destination='default', gateway='fe80::1'), 'link-local: it needs a device'),
    (dict(destination='10.6.0.0/33', device='eth0'), 'not a valid IPv4 or IPv6 CIDR'),
    (dict(destination='10.6.0.0/24', device='eth0', table='local'), 'table local (255)'),
    (dict(destination='10.6.0.0/24', device='eth0', table='x'), 'must be main, default or a number'),
    (dict(destination='10.6.0.0/24', gateway='banana'), "gateway 'banana' is not an IPv4 or IPv6 address"),
    (dict(destination='10.6.0.0/24', device='eth0', metric=-1), 'metric -1 is out of range'),
])
def test_route_bad_input(sandbox, args, fragment):
    two_segments(sandbox)
    before = sandbox.snapshot()
    check = sandbox.module('netns_route', check=True, namespace='left', **args)
    if 'not reachable' in fragment or 'connected subnet' in fragment or 'does not exist' in fragment:
        # check mode plans what an earlier task of the play would make (an address, an interface), and says so
        assert check['changed'] and check['assumed'], check
    else:
        assert_failed(check, fragment)
    assert_failed(sandbox.module('netns_route', namespace='left', **args), fragment)
    assert sandbox.snapshot() == before


def test_route_check_mode_plans_for_a_namespace_an_earlier_task_makes(sandbox):
    res = assert_ok(sandbox.module('netns_route', check=True, namespace='later', destination='default', gateway='10.0.1.254'))
    assert res['changed'] and res['operations'] == ['add route later: 0.0.0.0/0 table main metric 0 via 10.0.1.254']
    assert any('namespace later does not exist' in a for a in res['assumed'])
    assert any('gateway 10.0.1.254 is on no connected subnet' in a for a in res['assumed'])
    assert_failed(sandbox.module('netns_route', namespace='later', destination='default', gateway='10.0.1.254'),
                  "network namespace 'later' does not exist")
