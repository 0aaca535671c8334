# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ownership on the real kernel: the user's own objects survive every run of ours, build and
teardown included; what the collection makes carries its mark; nothing is taken over silently."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys

from conftest import COLLECTIONS, REPO, STATS, TARGET_VARS, assert_failed, assert_ok

PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
STATS.setdefault("objects of the user's checked unchanged after our runs", 0)


def user_objects(sandbox, veth=True):
    """What a user keeps on a shared lab host, with the names the role would use: a bridge br0
    with an address and a port, a namespace net1 with a bridge inside, a host veth pair
    veth-net0/mine0, and their own FORWARD and nat rules."""
    sandbox.sh('ip link add br0 type bridge && ip addr add 192.168.77.1/24 dev br0 && ip link set br0 up && '
               'ip link add uport0 type veth peer name uport1 && ip link set uport0 master br0 && '
               'ip netns add net1 && ip -n net1 link add inner type bridge && '
               'ip -n net1 addr add 172.30.0.1/24 dev inner && '
               'iptables -P FORWARD DROP && iptables -A FORWARD -i br0 -j ACCEPT && '
               'iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE')
    if veth:
        sandbox.sh('ip link add veth-net0 type veth peer name mine0')
    return sandbox.snapshot()


def run_role(sandbox, tmp, variables, *extra, expect_ok=True):
    path = os.path.join(str(tmp), 'vars-%d.json' % len(os.listdir(str(tmp))))
    with open(path, 'w') as handle:
        json.dump(variables, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1')
    argv = [PLAYBOOK, os.path.join(REPO, 'playbooks', 'site.yml'), '-e', '@' + path] + TARGET_VARS + list(extra)
    res = subprocess.run(sandbox.enter() + ['--wd=' + REPO] + argv,
                         capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert (res.returncode == 0) == expect_ok, res.stdout[-4000:] + res.stderr[-2000:]
    recap = re.search(r'localhost\s+: ok=(\d+)\s+changed=(\d+)', res.stdout)
    return int(recap.group(2)) if recap else None, res.stdout


def unchanged(sandbox, fixture):
    assert sandbox.snapshot() == fixture
    STATS["objects of the user's checked unchanged after our runs"] += 7


def test_role_refuses_the_users_objects_and_teardown_leaves_them(sandbox, tmp_path):
    fixture = user_objects(sandbox)
    # default variables: net1 is the user's namespace; the first task refuses, nothing changes
    out = run_role(sandbox, tmp_path, {}, expect_ok=False)[1]
    assert 'namespace net1 already exists and was not made by owner bridge_topology/br0' in out
    assert 'bridge_topology_adopt' in out or 'adopt=true' in out
    unchanged(sandbox, fixture)
    for check in ([], ['--check']):
        run_role(sandbox, tmp_path, {'bridge_topology_state': 'absent'}, *check)
        unchanged(sandbox, fixture)
    # colliding variables: a host end named like the user's veth, the user's bridge
    lab = {'bridge_topology_namespaces': [{'name': 'lab0', 'address': '10.0.1.1/24', 'host_interface': 'veth-net0'},
                                          {'name': 'lab1', 'address': '10.0.1.2/24'}]}
    out = run_role(sandbox, tmp_path, lab, expect_ok=False)[1]
    assert 'veth-net0 exists but is paired with mine0' in out
    run_role(sandbox, tmp_path, dict(lab, bridge_topology_state='absent'))
    unchanged(sandbox, fixture)
    # only the bridge collides: refused at the bridge; teardown removes what was made before it
    lab = {'bridge_topology_namespaces': [{'name': 'lab0', 'address': '10.0.1.1/24'}]}
    out = run_role(sandbox, tmp_path, lab, expect_ok=False)[1]
    assert 'bridge br0 already exists and was not made by owner bridge_topology/br0' in out
    run_role(sandbox, tmp_path, dict(lab, bridge_topology_state='absent'))
    unchanged(sandbox, fixture)


def test_role_adopts_when_asked_and_teardown_takes_back_only_its_additions(sandbox, tmp_path):
    fixture = user_objects(sandbox, veth=False)
    lab = {'bridge_topology_adopt': True, 'bridge_topology_bridge_address': '10.0.1.254/24'}
    changed = run_role(sandbox, tmp_path, lab)[0]
    assert changed > 0
    for src, dst in (('net0', '10.0.1.2'), ('net1', '10.0.1.3'), ('net2', '10.0.1.254')):
        assert sandbox.ok('ip netns exec %s ping -c1 -W2 %s' % (src, dst))
    assert run_role(sandbox, tmp_path, lab)[0] == 0
    # what the role made carries its mark; the adopted objects do not
    links = sandbox.links(None)
    assert links['veth-net0'].get('ifalias') == 'labnet.netns:bridge_topology/br0'
    assert 'ifalias' not in links['br0']
    info = assert_ok(sandbox.module('netns_info'))
    assert info['namespaces']['net0']['owner'] == 'bridge_topology/br0'
    assert info['namespaces']['net1']['owner'] is None
    # an address changed in the variables replaces the old one, on the adopted bridge too
    lab2 = dict(lab, bridge_topology_bridge_address='10.0.1.253/24',
                bridge_topology_namespaces=[{'name': 'net0', 'address': '10.0.1.11/24'},
                                            {'name': 'net1', 'address': '10.0.1.2/24'},
                                            {'name': 'net2', 'address': '10.0.1.3/24'}])
    assert run_role(sandbox, tmp_path, lab2)[0] > 0
    assert [a for a in sandbox.addrs('net0', 'eth0') if not a.startswith('fe80')] == ['10.0.1.11/24']
    bridge_addrs = sandbox.addrs(None, 'br0')
    assert '10.0.1.253/24' in bridge_addrs and '10.0.1.254/24' not in bridge_addrs and '192.168.77.1/24' in bridge_addrs
    assert run_role(sandbox, tmp_path, lab2)[0] == 0
    run_role(sandbox, tmp_path, dict(lab2, bridge_topology_state='absent'))
    unchanged(sandbox, fixture)
    assert run_role(sandbox, tmp_path, dict(lab2, bridge_topology_state='absent'))[0] == 0


def test_modules_absent_never_remove_the_users_objects(sandbox):
    fixture = user_objects(sandbox)
    assert_ok(sandbox.module('netns', name='net0'))
    fixture = sandbox.snapshot()
    for check in (True, False):
        assert_failed(sandbox.module('netns', name='net1', state='absent', check=check),
                      'namespace net1 was not made by labnet.netns', 'force=true')
        assert_failed(sandbox.module('linux_bridge', name='br0', state='absent', check=check),
                      'bridge br0 was not made by labnet.netns', 'refusing to remove')
        # the veth's peer is not the one described: refused (present refuses the same mismatch)
        assert_failed(sandbox.module('veth', name='veth-net0', peer='eth0', peer_namespace='net0', state='absent',
                                     check=check), 'veth veth-net0', 'paired with mine0', 'refusing to remove')
        assert_failed(sandbox.module('veth', name='veth-net0', peer='eth0', peer_namespace='net0', check=check),
                      'veth-net0')
        # exclusive on an interface that is not ours removes only what we added: nothing here
        res = assert_ok(sandbox.module('netns_address', interface='br0', addresses=['10.0.1.9/24'], exclusive=True,
                                       state='absent', check=check))
        assert not res['changed']
    unchanged(sandbox, fixture)
    res = assert_ok(sandbox.module('netns_address', interface='br0', addresses=['10.0.1.9/24'], exclusive=True))
    assert res['operations'] == ['add address 10.0.1.9/24 to br0']  # the user's 192.168.77.1/24 stays
    res = assert_ok(sandbox.module('netns_address', interface='br0', addresses=['10.0.1.9/24'], state='absent', adopt=True))
    assert res['operations'] == ['remove address 10.0.1.9/24 from br0']  # what we added, taken back off
    # adopt=true on absent keeps what is not ours, and says so
    for module, args in (('netns', dict(name='net1')), ('linux_bridge', dict(name='br0')),
                         ('veth', dict(name='veth-net0', peer='mine0'))):
        res = assert_ok(sandbox.module(module, state='absent', adopt=True, **args))
        assert not res['changed'] and list(res.values())[0] is not None
    unchanged(sandbox, fixture)
    # the exact pair the task describes may go even though it is not ours (as asked)
    res = assert_ok(sandbox.module('veth', name='veth-net0', peer='mine0', state='absent'))
    assert res['operations'] == ['delete veth veth-net0 (and its peer)']
    # force removes what is not ours
    res = assert_ok(sandbox.module('linux_bridge', name='br0', state='absent', force=True))
    assert res['changed'] and 'br0' not in sandbox.links(None)


def test_ports_attached_to_an_adopted_bridge_are_taken_back(sandbox):
    sandbox.sh('ip link add ubr up type bridge && ip link add up0 type veth peer name up1 && '
               'ip link add keep0 type veth peer name keep1 && ip link set keep0 master ubr')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('linux_bridge', name='ubr', ports=['up0'], owner='lab/x'), 'refusing to take it over')
    assert sandbox.snapshot() == before
    res = assert_ok(sandbox.module('linux_bridge', name='ubr', ports=['up0', 'keep0'], owner='lab/x', adopt=True))
    assert 'attach up0 to bridge ubr' in res['operations'] and res['bridges'][0]['owner'] is None
    res = assert_ok(sandbox.module('linux_bridge', name='ubr', ports=['up0', 'keep0'], owner='lab/x', adopt=True,
                                   state='absent', check=True))
    assert res['operations'] == ['detach up0 from bridge ubr (attached by labnet.netns:lab/x)']
    res = assert_ok(sandbox.module('linux_bridge', name='ubr', ports=['up0', 'keep0'], owner='lab/x', adopt=True,
                                   state='absent'))
    assert res['bridges'][0]['kept'] and sandbox.links(None)['keep0'].get('master') == 'ubr'
    assert sandbox.snapshot() == before


def test_owner_marks_and_other_owners(sandbox):
    assert_ok(sandbox.module('netns', name='a', owner='team/one'))
    assert_ok(sandbox.module('veth', name='v0', peer='v1', peer_namespace='a', owner='team/one'))
    assert sandbox.links(None)['v0']['ifalias'] == 'labnet.netns:team/one'
    assert sandbox.links('a')['v1']['ifalias'] == 'labnet.netns:team/one'
    # another owner neither takes it over nor removes it; no owner given: any mark of ours counts
    assert_failed(sandbox.module('netns', name='a', owner='team/two'), 'marked as made by team/one')
    assert_failed(sandbox.module('veth', name='v0', peer='x', peer_namespace='a', owner='team/two', state='absent'),
                  'refusing to remove')
    res = assert_ok(sandbox.module('veth', name='v0', peer='v1', peer_namespace='a', owner='team/two', state='absent',
                                   adopt=True))
    assert not res['changed'] and res['veths'][0]['kept'] and res['veths'][0]['owner'] == 'team/one'
    assert_ok(sandbox.module('veth', name='v0', peer='v1', peer_namespace='a'))
    for bad in ('', 'a b', 'x' * 101, 'quote"', 'back\\slash', 'tab\t'):
        assert_failed(sandbox.module('netns', name='b', owner=bad), 'owner')
    assert not sandbox.ok('test -e /run/netns/b')
    # a record outlives nothing: the user re-creates the name, and it is not ours
    sandbox.sh('ip netns del a && ip netns add a')
    assert_failed(sandbox.module('netns', name='a', state='absent'), 'was not made by labnet.netns')


def test_stale_container_link_record_does_not_remove_the_users_namespace(sandbox):
    child = sandbox.spawn(['unshare', '--net', 'sleep', '600'])
    pid = None
    for _attempt in range(100):
        out = sandbox.sh("pgrep -f 'sleep 600' | head -n 1 || true").strip()
        if out and sandbox.ok('test "$(readlink /proc/%s/ns/net)" != "$(readlink /proc/self/ns/net)"' % out):
            pid = int(out)
            break
        subprocess.call(['sleep', '0.05'])
    assert pid and child
    assert_ok(sandbox.module('container_netns_link', name='clink', pid=pid, mode='bind'))
    # the user removes the entry with ip and makes a namespace of that name: the record is stale
    sandbox.sh('ip netns del clink && ip netns add clink && ip -n clink link add mine type bridge')
    before = sandbox.snapshot()
    assert_failed(sandbox.module('container_netns_link', name='clink', state='absent'), 'did not make')
    assert sandbox.snapshot() == before and 'mine' in sandbox.links('clink')


def test_bad_role_variables_change_nothing_and_list_every_problem(sandbox, tmp_path):
    fixture = user_objects(sandbox)
    bad = {'bridge_topology_bridge': 'br+',
           'bridge_topology_namespaces': [{'name': 'a-long-namespace', 'address': '10.0.1.1/24'},
                                          {'name': 'b', 'address': '10.0.1.1/24'},
                                          {'name': 'c', 'address': '10.0.1.0/24'}]}
    for extra in ([], ['--check'], ['-e', 'bridge_topology_state=absent']):
        out = run_role(sandbox, tmp_path, bad, *extra, expect_ok=False)[1]
        assert '4 problem(s) in the variables, nothing was changed' in out, out[-3000:]
        for fragment in ('bridge_topology_bridge', "veth-a-long-namespace", 'is also', 'network address'):
            assert fragment in out
        unchanged(sandbox, fixture)
