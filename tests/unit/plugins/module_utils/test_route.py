# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route planning is pure: (want, have) -> Plan. tests/kernel/test_route.py covers the same end to end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._route import (
    RouteResource, parse_destination, parse_table, plan_route, plan_sweep)

MARK = 'labnet.netns:netns_route'
net = ipaddress.ip_network
addr = ipaddress.ip_address


def want(**kw):
    w = dict(destination='10.6.0.0/24', namespace='n', gateway='10.5.0.1', device=None, metric=None, table='main',
             state='present', exclusive=False, owner=None, adopt=False, force=False)
    w.update(kw)
    RouteResource().validate(w)
    w['mark'] = MARK
    return w


def route(dst='10.6.0.0/24', gateway='10.5.0.1', device='eth0', metric=0, table=254, proto=76):
    return {'dst': net(dst), 'gateway': gateway and addr(gateway), 'device': device, 'metric': metric,
            'table': table, 'proto': proto, 'type': 1}


CONNECTED = [route('10.5.0.0/24', None, 'eth0', proto=2), route('2001:db8:5::/64', None, 'eth0', 256, proto=2)]


def have(routes=(), marks=None, device=None, assume=False):
    return {'routes': list(routes), 'marks': marks or {}, 'device': device, 'connected': CONNECTED, 'assume': assume}


def texts(plan):
    return [op.text for op in plan.ops]


def test_add_then_nothing():
    plan, note = plan_route(want(), have())
    assert texts(plan) == ['add route n: 10.6.0.0/24 table main metric 0 via 10.5.0.1'] and note is None
    assert plan.after == {'present': True, 'gateway': '10.5.0.1', 'device': 'eth0'}
    plan = plan_route(want(), have([route()], {'254 10.6.0.0/24 0': MARK}))[0]
    assert texts(plan) == []


def test_changed_by_hand_is_ours_and_repaired():
    plan = plan_route(want(), have([route(gateway='10.5.0.3', proto=3)], {'254 10.6.0.0/24 0': MARK}))[0]
    assert texts(plan) == ['change route n: 10.6.0.0/24 table main metric 0 via 10.5.0.1']


def test_user_route_refused_adopted_force_on_absent():
    users = have([route(proto=3)])
    with pytest.raises(LabnetError, match='already exists and was not made by labnet.netns'):
        plan_route(want(), users)
    assert texts(plan_route(want(adopt=True), users)[0]) == []
    with pytest.raises(LabnetError, match='refusing to remove it'):
        plan_route(want(state='absent'), users)
    assert plan_route(want(state='absent', adopt=True), users)[0].info['kept'] is True
    assert texts(plan_route(want(state='absent', force=True), users)[0]) == ['remove route n: 10.6.0.0/24 table main metric 0']


def test_other_owner_is_not_ours():
    with pytest.raises(LabnetError, match='not made by owner b'):
        plan_route(want(owner='b', state='absent'), have([route()], {'254 10.6.0.0/24 0': 'labnet.netns:a'}))


@pytest.mark.parametrize('kw, message', [
    (dict(gateway='10.9.0.1'), 'gateway 10.9.0.1 is not reachable from namespace n: it is on no connected subnet'),
    (dict(gateway='10.5.0.1', device='eth1'), 'device eth1 does not exist'),
])
def test_unreachable_or_missing(kw, message):
    with pytest.raises(LabnetError, match=message):
        plan_route(want(**kw), have())


def test_unreachable_assumed_in_check_mode():
    plan, note = plan_route(want(gateway='10.9.0.1'), have(assume=True))
    assert texts(plan) and 'planned as reachable' in note


@pytest.mark.parametrize('text, gateway, expected', [
    ('default', None, '0.0.0.0/0'), ('default', addr('fe80::1'), '::/0'), ('10.0.0.1', None, '10.0.0.1/32'),
    ('2001:DB8::/32', None, '2001:db8::/32')])
def test_destination(text, gateway, expected):
    assert str(parse_destination(text, gateway)) == expected


@pytest.mark.parametrize('text, message', [('10.0.0.1/8', 'host bits set: the network is 10.0.0.0/8'),
                                           ('nope', 'not a valid'), ('', 'destination is required')])
def test_destination_refused(text, message):
    with pytest.raises(LabnetError, match=message):
        parse_destination(text, None)


@pytest.mark.parametrize('text, expected', [(None, 254), ('main', 254), ('default', 253), ('100', 100)])
def test_table(text, expected):
    assert parse_table(text) == expected


@pytest.mark.parametrize('text', ['local', '255', '0', 'x', '4294967296'])
def test_table_refused(text):
    with pytest.raises(LabnetError):
        parse_table(text)


def test_v6_default_metric_and_link_local_gateway_needs_device():
    assert want(destination='2001:db8::/64', gateway='2001:db8:5::1')['metric'] == 1024
    with pytest.raises(LabnetError, match='needs a device'):
        want(destination='default', gateway='fe80::1')


def test_sweep_keeps_kernel_link_local_listed_and_users():
    routes = CONNECTED + [route(), route('10.7.0.0/24'), route('10.9.0.0/24', proto=3),
                          route('fe80::/64', None, 'eth0', 256, proto=3), route('2001:db8:7::/64', '2001:db8:5::1', metric=1024)]
    marks = {'254 10.6.0.0/24 0': MARK, '254 10.7.0.0/24 0': MARK, '254 2001:db8:7::/64 1024': MARK}
    sweep = dict(want(exclusive=True), sweep=True, listed={(net('10.6.0.0/24'), 0)})
    plan = plan_sweep(sweep, {'routes': routes, 'marks': marks})
    assert texts(plan) == ['remove route n: 10.7.0.0/24 table main metric 0 (not listed, exclusive)',
                           'remove route n: 2001:db8:7::/64 table main metric 1024 (not listed, exclusive)']
    assert plan.info['kept'] == ['n: 10.9.0.0/24 table main metric 0']
    forced = plan_sweep(dict(sweep, force=True), {'routes': routes, 'marks': marks})
    assert len(forced.ops) == 3


def test_batch_adds_one_sweep_per_namespace_and_table():
    wants = [want(exclusive=True), want(destination='10.7.0.0/24', exclusive=True), want(namespace='m', exclusive=True),
             want(destination='10.8.0.0/24', table='100')]
    RouteResource().validate_batch(wants)
    sweeps = [w for w in wants if w.get('sweep')]
    assert [(w['namespace'], w['table']) for w in sweeps] == [('n', 254), ('m', 254)]
    assert sweeps[0]['listed'] == {(net('10.6.0.0/24'), 0), (net('10.7.0.0/24'), 0)}
