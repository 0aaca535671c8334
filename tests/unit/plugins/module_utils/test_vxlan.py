# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""plan_vxlan and the option checks, without a kernel (tests/kernel/test_vxlan.py covers them end to end)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._vxlan import VxlanResource, plan_vxlan

MARK = 'labnet.netns:vxlan'


def want(**kw):
    w = dict(name='vx0', namespace=None, state='present', vni=42, local='172.31.0.1', underlay='eth0', port=4789,
             learning=True, remotes=['172.31.0.3', '172.31.0.2'], mtu=None, up=True, owner=None, adopt=False,
             force=False, mark=MARK)
    w.update(kw)
    VxlanResource().validate(w)
    return w


def have(link=None, remotes=(), underlay_mtu=1500):
    return {'link': link, 'underlay': {'mtu': underlay_mtu}, 'remotes': list(remotes), 'underlay_name': 'eth0',
            'master_name': None, 'others': []}


def link(**kw):
    l = dict(kind='vxlan', vni=42, local='172.31.0.1', port=4789, learning=True, mtu=1450, up=True, alias=MARK,
             master=None, index=5)
    l.update(kw)
    return l


def texts(plan):
    return [op.text for op in plan.ops]


def test_create_sorted_peers_and_kernel_mtu():
    plan = plan_vxlan(want(), have())
    assert texts(plan) == ['create vxlan vx0 (vni 42, port 4789)', 'add remote 172.31.0.2 to vxlan vx0',
                           'add remote 172.31.0.3 to vxlan vx0', 'set up vx0']
    assert plan.after['mtu'] == 1450 and plan.after['remotes'] == ['172.31.0.2', '172.31.0.3']


def test_converged_peers_only_differences():
    plan = plan_vxlan(want(remotes=['172.31.0.3', '172.31.0.4']), have(link(), ['172.31.0.2', '172.31.0.3']))
    assert texts(plan) == ['add remote 172.31.0.4 to vxlan vx0', 'remove remote 172.31.0.2 from vxlan vx0']
    assert plan_vxlan(want(), have(link(), ['172.31.0.2', '172.31.0.3'])).ops == []


def test_immutable_difference_replaces_ours_refuses_adopted():
    plan = plan_vxlan(want(vni=7), have(link(), ['172.31.0.2', '172.31.0.3']))
    assert texts(plan)[0].startswith('delete vxlan vx0 to replace it (vni 42 -> 7')
    with pytest.raises(LabnetError, match='not ours'):
        plan_vxlan(want(vni=7, adopt=True), have(link(alias=None)))


@pytest.mark.parametrize('kw, fragment', [
    (dict(vni=1 << 24), 'out of range'),
    (dict(mtu=1451), 'minus 50 bytes'),
    (dict(remotes=['::1']), 'mix IPv4 and IPv6'),
    (dict(remotes=['172.31.0.1']), 'local address'),
])
def test_refused(kw, fragment):
    with pytest.raises(LabnetError, match=fragment):
        plan_vxlan(want(**kw), have())
