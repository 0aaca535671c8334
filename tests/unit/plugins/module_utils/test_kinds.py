# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning and validation of netns_link (macvlan, ipvlan, tap, tun, ipip) without a kernel.
tests/kernel/test_kinds.py covers the same end to end; ipvlan and ipip are planned here too
because the development kernel lacks them (their kernel tests skip there)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._kinds import KindResource, plan_kind


def want(**kw):
    base = dict((opt, None) for opt in KindResource.OPTIONS)
    base.update(state='present', up=True, adopt=False, force=False, mark='labnet.netns:netns_link')
    base.update(kw)
    return base


def have(link=None, parent=None, parent_ok=True):
    return {'link': link, 'parent': parent, 'parent_ok': parent_ok, 'found_parent': 'p9'}


def link(kind, alias='labnet.netns:netns_link', **kw):
    base = {'index': 7, 'ifname': 'x0', 'kind': kind, 'up': True, 'mtu': 1500, 'mac': '02:00:00:00:00:01',
            'master': None, 'link': 3, 'link_netnsid': None, 'alias': alias}
    base.update(kw)
    return base


PARENT = {'index': 3, 'ifname': 'p0'}


def texts(plan):
    return [op.text for op in plan.ops]


@pytest.mark.parametrize('w, h, expected', [
    (want(name='x0', kind='ipvlan', link='p0', mode='l2'), have(parent=PARENT),
     ['create ipvlan x0 on p0', 'set up x0']),
    (want(name='x0', kind='ipvlan', link='p0', mode='l2'), have(link('ipvlan', mode=1), PARENT),
     ['set mode l2 on ipvlan x0']),
    (want(name='x0', kind='ipvlan', link='p0', mode='l3s'), have(link('ipvlan', mode=2), PARENT), []),
    (want(name='x0', kind='ipip', local='192.0.2.1', ttl=64), have(),
     ['create ipip x0', 'set up x0']),
    (want(name='x0', kind='ipip', local='192.0.2.1', remote='198.51.100.1', ttl=64),
     have(link('ipip', local='192.0.2.1', remote='198.51.100.9', ttl=64, link=0)),
     ['set remote 198.51.100.1 on ipip x0']),
    (want(name='x0', kind='macvlan', link='p0', mode='bridge', mtu=1400, up=False),
     have(link('macvlan', mode=2), PARENT),
     ['set mode bridge on macvlan x0', 'set mtu 1400 on x0', 'set down x0']),
    (want(name='x0', kind='tap', user=5), have(link('tun', tun_type='tap', user=None, group=None, multi_queue=0)),
     ['set user 5 on tap x0']),
    (want(name='x0', kind='tap', state='absent'), have(link('tun', tun_type='tap')), ['delete tap x0']),
    (want(name='x0', kind='tap', state='absent'), have(), []),
    (want(name='x0', kind='macvlan', link='p0'), have(link('macvlan', mode=4, alias=None), PARENT),
     []),  # refused below without adopt; see test_claims
])
def test_plan_kind(w, h, expected):
    if h['link'] is not None and h['link']['alias'] is None:
        w['adopt'] = True
    assert texts(plan_kind(w, h)) == expected


def test_create_attrs_and_undo():
    plan = plan_kind(want(name='x0', kind='ipip', local='192.0.2.1', remote='198.51.100.1', ttl=64), have())
    create = plan.ops[0]
    assert create.args['attrs'] == {'ipip_local': '192.0.2.1', 'ipip_remote': '198.51.100.1', 'ipip_ttl': 64}
    assert create.undo.action == 'delete'
    plan = plan_kind(want(name='x0', kind='ipvlan', link='p0', mode='l3s'), have(parent=PARENT))
    assert plan.ops[0].args['attrs'] == {'ipvlan_mode': 2} and plan.ops[0].args['parent'] == 'p0'
    plan = plan_kind(want(name='x0', kind='macvlan', link='p0', mode='vepa'), have(link('macvlan', mode=4), PARENT))
    assert plan.ops[0].args['attrs'] == {'kind': 'macvlan', 'macvlan_mode': 2}
    assert plan.ops[0].undo.args['attrs'] == {'kind': 'macvlan', 'macvlan_mode': 4}
    assert plan.before == {'state': 'present', 'kind': 'macvlan', 'up': True, 'link': 'p0', 'mode': 'bridge'}
    assert plan.after == dict(plan.before, mode='vepa')


@pytest.mark.parametrize('w, h, message', [
    (want(name='x0', kind='tun'), have(link('tun', tun_type='tap')), 'x0 exists in the host namespace and is a tap, not a tun'),
    (want(name='x0', kind='macvlan', link='p0'), have(link('veth'), PARENT), 'is a veth, not a macvlan'),
    (want(name='x0', kind='macvlan', link='p0', state='absent', force=True), have(link('veth')), 'is a veth, not a macvlan'),
    (want(name='x0', kind='macvlan', link='p0'), have(link('macvlan', mode=4), PARENT, parent_ok=False),
     'exists on parent p9, not on p0'),
    (want(name='x0', kind='macvlan', link='p0', mode='passthru'), have(link('macvlan', mode=4), PARENT),
     'into or out of passthru'),
    (want(name='x0', kind='tun', multi_queue=True), have(link('tun', tun_type='tun', multi_queue=0)),
     'multi_queue=False'),
    (want(name='x0', kind='macvlan', link='p0'), have(parent=None), 'link p0 (the parent of macvlan x0) does not exist'),
    (want(name='x0', kind='macvlan', link='p0'), have(link('macvlan', mode=4, alias=None), PARENT), 'refusing to take it over'),
    (want(name='x0', kind='tap', state='absent'), have(link('tun', tun_type='tap', alias=None)), 'refusing to remove it'),
])
def test_plan_kind_refuses(w, h, message):
    with pytest.raises(LabnetError, match=re.escape(message)):
        plan_kind(w, h)


def test_adopted_link_is_kept_by_absent():
    plan = plan_kind(want(name='x0', kind='tap', state='absent', adopt=True), have(link('tun', tun_type='tap', alias=None)))
    assert plan.ops == [] and plan.result()['kept'] is True


@pytest.mark.parametrize('w, message', [
    (want(name='x0'), 'kind is required'),
    (want(name='x0', kind='tap', mode='l2'), 'mode is not an option of kind tap'),
    (want(name='x0', kind='ipvlan', link='p0', mode='bridge'), "mode 'bridge' is not a mode of kind ipvlan"),
    (want(name='x0', kind='ipvlan', link='p0', mac='02:00:00:00:00:01'), 'shares the MAC address of its parent'),
    (want(name='x0', kind='ipip', local='10.0.0.300'), 'is not an IPv4 address'),
    (want(name='x0', kind='ipip', link='p0'), 'link is not an option of kind ipip'),
    (want(name='x0', kind='tun', link_namespace='n'), 'link_namespace is not an option of kind tun'),
    (want(name='x0', kind='macvlan', link_namespace='n', state='absent'), 'link_namespace needs link'),
    (want(name='x0', kind='tap', group='no-such-group-here'), "group 'no-such-group-here' is neither"),
    (want(name='x0', kind='tap', mtu=20), 'mtu 20 is out of range'),
])
def test_validate_refuses(w, message):
    with pytest.raises(LabnetError, match=re.escape(message)):
        KindResource().validate(w)


def test_validate_normalises():
    w = want(name='x0', kind='tap', user='0', group='root', mac='02-00-00-00-00-AA')
    KindResource().validate(w)
    assert (w['user'], w['group'], w['mac']) == (0, 0, '02:00:00:00:00:aa')
