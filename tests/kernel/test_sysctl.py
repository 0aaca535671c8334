# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netns_sysctl on the real kernel, inside a sandbox: a namespace's own /proc/sys/net, the
previous value recorded and put back, non-net keys refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from conftest import assert_failed, assert_ok, four_runs, four_runs_after_drift


def value(sandbox, ns, key):
    return sandbox.sh('%ssysctl -n %s' % ('ip netns exec %s ' % ns if ns else '', key)).strip()


def test_sysctl_set_in_namespace_and_restore(sandbox):
    sandbox.sh('ip netns add r && ip link add a0 type veth peer name a1 netns r && '
               'sysctl -qw net.ipv4.ip_forward=0 && ip netns exec r sysctl -qw net.ipv4.ip_forward=0 '
               'net.ipv4.conf.a1.rp_filter=2')
    items = [{'namespace': 'r', 'name': 'net.ipv4.ip_forward', 'value': '1'},
             {'namespace': 'r', 'name': 'net/ipv4/conf/a1/rp_filter', 'value': 0},
             {'namespace': 'r', 'name': 'net.ipv6.conf.all.forwarding', 'value': True},
             {'namespace': 'r', 'name': 'net.ipv4.tcp_rmem', 'value': '4096  131072 6291456'}]
    old_rmem = value(sandbox, 'r', 'net.ipv4.tcp_rmem')
    real = four_runs(sandbox, 'netns_sysctl', items=items)
    assert real['operations'][:3] == ['set net.ipv4.ip_forward to 1 in namespace r (was 0)',
                                      'set net.ipv4.conf.a1.rp_filter to 0 in namespace r (was 2)',
                                      'set net.ipv6.conf.all.forwarding to 1 in namespace r (was 0)']
    assert real['diff']['before']['r: net.ipv4.ip_forward'] == {'value': '0'}
    assert real['sysctls'][0] == {'namespace': 'r', 'name': 'net.ipv4.ip_forward', 'value': '1',
                                  'previous': '0', 'owner': 'netns_sysctl'}
    assert value(sandbox, 'r', 'net.ipv4.ip_forward') == '1' and value(sandbox, 'r', 'net.ipv4.conf.a1.rp_filter') == '0'
    assert value(sandbox, None, 'net.ipv4.ip_forward') == '0'  # the host's own is not touched
    # drift: changed by hand, set again; the recorded previous value stays the first one
    sandbox.sh('ip netns exec r sysctl -qw net.ipv4.ip_forward=0')
    real = four_runs_after_drift(sandbox, 'netns_sysctl', items=items)
    assert real['operations'] == ['set net.ipv4.ip_forward to 1 in namespace r (was 0)']
    # absent: every value back as it was before the first change
    real = four_runs(sandbox, 'netns_sysctl', items=[dict(i, state='absent') for i in items])
    assert real['operations'][0] == 'restore net.ipv4.ip_forward to 0 in namespace r'
    assert value(sandbox, 'r', 'net.ipv4.ip_forward') == '0' and value(sandbox, 'r', 'net.ipv4.conf.a1.rp_filter') == '2'
    assert value(sandbox, 'r', 'net.ipv6.conf.all.forwarding') == '0'
    assert value(sandbox, 'r', 'net.ipv4.tcp_rmem') == old_rmem
    assert sandbox.sh('ls /run/labnet-netns/sysctl') == ''


def test_sysctl_host_and_owners(sandbox):
    sandbox.sh('sysctl -qw net.ipv4.ip_forward=0')
    assert_ok(sandbox.module('netns_sysctl', name='net.ipv4.ip_forward', value='1', owner='lab/a'))
    assert_ok(sandbox.module('netns_sysctl', name='net.ipv4.ip_forward', value='1', owner='lab/b'))
    res = assert_ok(sandbox.module('netns_sysctl', name='net.ipv4.ip_forward', state='absent', owner='lab/b'))
    assert not res['changed'] and res['sysctls'][0]['kept'] is True  # lab/a recorded it: theirs to restore
    assert value(sandbox, None, 'net.ipv4.ip_forward') == '1'
    res = assert_ok(sandbox.module('netns_sysctl', name='net.ipv4.ip_forward', state='absent', owner='lab/a'))
    assert res['changed'] and value(sandbox, None, 'net.ipv4.ip_forward') == '0'
    # a key this collection never changed is left as it is
    res = assert_ok(sandbox.module('netns_sysctl', name='net.ipv4.ip_forward', state='absent'))
    assert not res['changed']
    # a namespace that is gone has nothing to restore
    assert not assert_ok(sandbox.module('netns_sysctl', namespace='gone', name='net.ipv4.ip_forward', state='absent'))['changed']


@pytest.mark.parametrize('args, fragment', [
    (dict(namespace='r', name='kernel.hostname', value='x'),
     'sysctl kernel.hostname is not per network namespace: only net.* keys are; setting it in namespace r would change the whole host'),
    (dict(name='vm.swappiness', value='1'), 'sysctl vm.swappiness is not a net.* key'),
    (dict(namespace='r', name='net.ipv4.conf.nope0.rp_filter', value='1'), 'sysctl net.ipv4.conf.nope0.rp_filter does not exist in namespace r'),
    (dict(namespace='r', name='net.ipv4.ip_forward'), 'value is required'),
    (dict(namespace='r', name='net.ipv4.ip_forward', value='banana'), 'cannot set sysctl net.ipv4.ip_forward'),
    (dict(namespace='r', name='net/../../kernel/x', value='1'), 'is not valid'),
    (dict(namespace='nope', name='net.ipv4.ip_forward', value='1'), "network namespace 'nope' does not exist"),
])
def test_sysctl_bad_input(sandbox, args, fragment):
    sandbox.sh('ip netns add r')
    before = sandbox.sh('ip netns exec r sysctl net 2>/dev/null | sort')
    assert_failed(sandbox.module('netns_sysctl', **args), fragment)
    assert sandbox.sh('ip netns exec r sysctl net 2>/dev/null | sort') == before
    assert sandbox.sh('ls /run/labnet-netns/sysctl 2>/dev/null || true') == ''
