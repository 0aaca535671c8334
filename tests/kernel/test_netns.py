# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""labnet.netns.netns on the real kernel, inside a sandbox."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from conftest import COLLECTIONS, TARGET_PYTHON, assert_failed, assert_ok, four_runs, wait_for


def test_create_four_runs(sandbox):
    real = four_runs(sandbox, 'netns', name='ns1')
    assert real['diff'] == {'before': {'ns1': {'state': 'absent'}},
                            'after': {'ns1': {'state': 'present', 'lo_up': True}}}
    assert real['namespaces'] == [{'name': 'ns1', 'path': '/run/netns/ns1', 'owner': 'netns', 'state': 'present', 'lo_up': True}]
    # a real namespace mount, lo up, usable by iproute2
    assert 'ns1' in sandbox.sh('ip netns list')
    assert 'UP' in sandbox.links('ns1')['lo']['flags']
    assert sandbox.ok('ip netns exec ns1 ping -c1 -W1 127.0.0.1')


def test_lo_down_option_and_correction(sandbox):
    assert_ok(sandbox.module('netns', name='ns1', lo_up=False))
    assert 'UP' not in sandbox.links('ns1')['lo']['flags']
    # an existing namespace with lo down is corrected by a default run
    res = assert_ok(sandbox.module('netns', name='ns1'))
    assert res['changed'] and res['operations'] == ['set lo up in namespace ns1']
    assert 'UP' in sandbox.links('ns1')['lo']['flags']
    # drift by hand, then repaired
    sandbox.sh('ip -n ns1 link set lo down')
    res = assert_ok(sandbox.module('netns', name='ns1'))
    assert res['changed'] and 'UP' in sandbox.links('ns1')['lo']['flags']


def test_existing_namespace_made_by_iproute2_is_refused_unless_adopted(sandbox):
    sandbox.sh('ip netns add byip')
    before = sandbox.snapshot()
    for check in (True, False):
        assert_failed(sandbox.module('netns', name='byip', check=check), 'namespace byip already exists',
                      'not made by labnet.netns', 'adopt=true')
    assert sandbox.snapshot() == before
    res = assert_ok(sandbox.module('netns', name='byip', adopt=True))
    assert res['changed'] and res['namespaces'][0]['owner'] is None  # managed, not marked: still the user's
    assert sandbox.ok('ip -n byip link show lo | grep -q UP')
    for check in (True, False):
        assert_failed(sandbox.module('netns', name='byip', state='absent', check=check), 'refusing to remove')
    # kept, and what we changed in it taken back: lo, which it brought up
    res = assert_ok(sandbox.module('netns', name='byip', state='absent', adopt=True))
    assert res['operations'] == ['set lo down in namespace byip (set up by labnet.netns:netns)']
    assert res['namespaces'][0]['kept'] and sandbox.snapshot() == before
    assert not assert_ok(sandbox.module('netns', name='byip', state='absent', adopt=True))['changed']
    res = assert_ok(sandbox.module('netns', name='byip', state='absent', force=True))
    assert res['changed'] and not sandbox.ok('test -e /run/netns/byip')


def test_absent_four_runs_and_no_substring_match(sandbox):
    assert_ok(sandbox.module('netns', items=[{'name': 'ns10'}, {'name': 'ns1'}]))
    real = four_runs(sandbox, 'netns', name='ns1', state='absent')
    assert real['operations'] == ['remove namespace ns1']
    names = sandbox.sh('ip netns list')
    assert 'ns10' in names and 'ns1 ' not in names + ' ' and 'ns1\n' not in names
    # ns10 still exists, ns1 does not: no substring confusion either way
    res = assert_ok(sandbox.module('netns', name='ns1', check=True))
    assert res['changed']
    res = assert_ok(sandbox.module('netns', name='ns', state='absent'))
    assert not res['changed']


def test_many_in_one_call(sandbox):
    items = [{'name': 'n%d' % i} for i in range(20)] + [{'name': 'down', 'lo_up': False}]
    res = assert_ok(sandbox.module('netns', items=items))
    assert len(res['namespaces']) == 21
    assert len(sandbox.sh('ip netns list').split('\n')) >= 21
    assert 'UP' not in sandbox.links('down')['lo']['flags']
    assert not assert_ok(sandbox.module('netns', items=items))['changed']
    res = assert_ok(sandbox.module('netns', items=items, state='absent'))
    assert len(res['operations']) == 21
    assert sandbox.sh('ip netns list').strip() == ''


REMOVER = r'''
import json, sys
from ansible_collections.labnet.netns.plugins.module_utils._netlink import Kernel
with Kernel() as kernel:
    failed = kernel.remove_netns_many(sys.argv[1:])
print(json.dumps(dict((name, exc.msg) for name, exc in failed.items())))
'''


def test_many_removed_side_by_side_and_a_failure_named(sandbox):
    """A teardown unmounts its namespaces side by side (threads); each name is removed or its
    failure is named, the others are removed all the same, and nothing else is touched."""
    names = ['m%d' % i for i in range(40)]
    assert_ok(sandbox.module('netns', items=[{'name': n} for n in names]))
    # m5 and m25 mounted twice: the unmount takes one, the name stays (busy)
    sandbox.sh('ip netns add theirs && mkdir /run/netns/adir && touch /run/netns/leftover && '
               'for n in m3 m17 m39; do ip -n $n link add d0 type veth peer name d1; done && '
               'for n in m5 m25; do mount --bind /run/netns/$n /run/netns/$n; done')
    path = os.path.join(sandbox.tmp, 'remover.py')
    with open(path, 'w') as handle:
        handle.write(REMOVER)

    def remove(names):
        return json.loads(sandbox.sh('PYTHONPATH=%s %s %s %s' % (COLLECTIONS, TARGET_PYTHON, path, ' '.join(names))))

    failed = remove(names[:20] + ['adir', 'leftover', 'missing'] + names[20:])
    assert sorted(failed) == ['adir', 'm25', 'm5'], failed
    assert "cannot remove network namespace 'adir'" in failed['adir'] and 'busy' in failed['m5'], failed
    assert sorted(sandbox.sh('ls /run/netns').split()) == ['adir', 'm25', 'm5', 'theirs']
    assert sandbox.ok('ip -n theirs link show lo')
    # the ownership records of the removed namespaces are gone with them; those still named keep
    # theirs, so that the next run still knows them as ours and removes them
    assert len(sandbox.sh('ls /run/labnet-netns/netns 2>/dev/null').split()) == 2
    res = assert_ok(sandbox.module('netns', items=[{'name': 'm5'}, {'name': 'm25'}], state='absent'))
    assert res['operations'] == ['remove namespace m5', 'remove namespace m25']
    assert sorted(sandbox.sh('ls /run/netns').split()) == ['adir', 'theirs']
    assert sandbox.sh('ls /run/labnet-netns/netns 2>/dev/null').split() == []


def test_check_mode_never_creates(sandbox):
    before = sandbox.snapshot()
    res = assert_ok(sandbox.module('netns', check=True, items=[{'name': 'a'}, {'name': 'b'}]))
    assert res['changed'] and res['operations'] == [
        'create namespace a', 'set lo up in namespace a', 'create namespace b', 'set lo up in namespace b']
    assert sandbox.snapshot() == before


def test_leftover_plain_file_is_not_a_namespace(sandbox):
    sandbox.sh('touch /run/netns/crashed')
    assert 'crashed' in sandbox.sh('ip netns list')  # iproute2 lists it...
    res = assert_ok(sandbox.module('netns', name='crashed', check=True))
    assert res['changed']  # ...but it is not a namespace
    assert res['diff']['before'] == {'crashed': {'state': 'absent', 'leftover_file': True}}
    res = assert_ok(sandbox.module('netns', name='crashed'))
    assert res['operations'][0].startswith('replace leftover plain file')
    assert sandbox.ok('ip netns exec crashed ip link show lo')
    assert not assert_ok(sandbox.module('netns', name='crashed'))['changed']
    # a leftover file is also removed by state=absent
    sandbox.sh('touch /run/netns/crashed2')
    res = assert_ok(sandbox.module('netns', name='crashed2', state='absent'))
    assert res['changed'] and not sandbox.ok('test -e /run/netns/crashed2')


def test_refuses_to_remove_namespace_with_processes(sandbox):
    assert_ok(sandbox.module('netns', name='busy'))
    sandbox.spawn(['ip', 'netns', 'exec', 'busy', 'sleep', '600'])
    wait_for(lambda: sandbox.sh('ip netns pids busy').strip())
    pid = int(sandbox.sh('ip netns pids busy').split()[0])
    res = assert_failed(sandbox.module('netns', name='busy', state='absent'), 'still has processes', str(pid), 'force')
    assert not res['changed'] and sandbox.ok('test -e /run/netns/busy')
    # the check-mode run refuses the same way
    assert_failed(sandbox.module('netns', name='busy', state='absent', check=True), 'still has processes')
    res = assert_ok(sandbox.module('netns', name='busy', state='absent', force=True))
    assert res['changed'] and 'keep the namespace itself alive' in res['operations'][0]
    assert res['namespaces'][0]['pids'] == [pid]
    assert not sandbox.ok('test -e /run/netns/busy')


@pytest.mark.parametrize('name, fragment', [
    ('', 'non-empty'),
    ('.', 'not allowed'),
    ('..', 'not allowed'),
    ('../../etc/x', 'must not contain "/"'),
    ('a/b', 'must not contain "/"'),
    ('x' * 256, 'longer than 255 bytes'),
])
def test_bad_names_rejected_and_nothing_made(sandbox, name, fragment):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns', name=name), fragment)
    assert sandbox.snapshot() == before
    assert not sandbox.ok('test -e /etc/x')


def test_bad_item_fails_whole_batch_before_any_change(sandbox):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('netns', items=[{'name': 'good'}, {'name': '../x'}]), 'items[1]', 'must not contain')
    assert_failed(sandbox.module('netns', items=[{'name': 'dup'}, {'name': 'dup'}]), 'listed twice')
    assert sandbox.snapshot() == before


def test_name_of_255_bytes_is_accepted(sandbox):
    assert_ok(sandbox.module('netns', name='y' * 255))
    assert sandbox.ok('test -e /run/netns/' + 'y' * 255)


def test_name_and_items_are_exclusive(sandbox):
    assert_failed(sandbox.module('netns', name='a', items=[{'name': 'b'}]), 'mutually exclusive')
    assert_failed(sandbox.module('netns'), 'one of the following is required')
