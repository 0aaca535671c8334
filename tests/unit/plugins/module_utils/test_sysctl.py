# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sysctl planning is pure: (want, have) -> Plan. tests/kernel/test_sysctl.py covers the same end to end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._sysctl import (
    SysctlResource, normalize_value, parse_key, plan_sysctl)

MARK = 'labnet.netns:netns_sysctl'


def want(**kw):
    w = dict(name='net.ipv4.ip_forward', value='1', namespace='r', state='present', owner=None)
    w.update(kw)
    SysctlResource().validate(w)
    w['mark'] = 'labnet.netns:%s' % (w['owner'] or 'netns_sysctl')
    return w


def texts(plan):
    return [op.text for op in plan.ops]


def test_set_records_the_previous_value_once():
    plan = plan_sysctl(want(), {'value': '0', 'record': None})
    assert texts(plan) == ['set net.ipv4.ip_forward to 1 in namespace r (was 0)']
    assert plan.ops[0].args['record'] == {'previous': '0', 'mark': MARK}
    assert plan.ops[0].undo.args['value'] == '0'
    again = plan_sysctl(want(), {'value': '0', 'record': {'previous': '0', 'mark': MARK}})
    assert again.ops[0].args['record'] is None  # the first previous value is kept
    assert texts(plan_sysctl(want(), {'value': '1', 'record': None})) == []


def test_absent_restores_only_its_own_record():
    rec = {'previous': '0', 'mark': MARK}
    assert texts(plan_sysctl(want(state='absent'), {'value': '1', 'record': rec})) == ['restore net.ipv4.ip_forward to 0 in namespace r']
    assert texts(plan_sysctl(want(state='absent'), {'value': '1', 'record': None})) == []
    other = plan_sysctl(want(state='absent', owner='b'), {'value': '1', 'record': dict(rec, mark='labnet.netns:a')})
    assert texts(other) == [] and other.info['kept'] is True
    assert texts(plan_sysctl(want(state='absent'), {'value': '0', 'record': rec}))[0].startswith('forget')


def test_missing_key_is_an_error():
    with pytest.raises(LabnetError, match='does not exist in namespace r'):
        plan_sysctl(want(name='net.ipv4.conf.x.rp_filter'), {'value': None, 'record': None})


@pytest.mark.parametrize('name, ns, expected', [
    ('net.ipv4.ip_forward', None, ('net.ipv4.ip_forward', 'net/ipv4/ip_forward')),
    ('net/ipv4/conf/eth0.10/rp_filter', 'r', ('net.ipv4.conf.eth0.10.rp_filter', 'net/ipv4/conf/eth0.10/rp_filter')),
])
def test_keys(name, ns, expected):
    assert parse_key(name, ns) == expected


@pytest.mark.parametrize('name, ns, message', [
    ('kernel.hostname', 'r', 'is not per network namespace'), ('vm.swappiness', None, 'is not a net.* key'),
    ('net..x', None, 'is not valid'), ('net/../kernel', 'r', 'is not valid'), ('net', None, 'not a net.* key'),
])
def test_keys_refused(name, ns, message):
    with pytest.raises(LabnetError, match=message):
        parse_key(name, ns)


@pytest.mark.parametrize('value, expected', [(True, '1'), ('False', '0'), ('4096\t87380  6291456', '4096 87380 6291456'), (1, '1')])
def test_values(value, expected):
    assert normalize_value(value) == expected
