# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks of the project, run with ansible-playbook inside a sandbox."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import COLLECTIONS, REPO, TARGET_VARS

PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def run_playbook(sandbox, name, *extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1')
    return subprocess.run(sandbox.enter() + ['--wd=' + REPO, PLAYBOOK, os.path.join(REPO, 'playbooks', name)] + TARGET_VARS + list(extra),
                          capture_output=True, text=True, env=env, cwd=REPO, check=False)


def playbook(sandbox, name, *extra):
    res = run_playbook(sandbox, name, *extra)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    recap = re.search(r'localhost\s+: ok=(\d+)\s+changed=(\d+)', res.stdout)
    assert recap, res.stdout[-3000:]
    return int(recap.group(2))


def test_site_build_idempotent_ping_teardown(sandbox):
    before = sandbox.snapshot()
    sandbox.sh('iptables -P FORWARD DROP')
    dropped = sandbox.snapshot()
    assert playbook(sandbox, 'site.yml') > 0
    assert playbook(sandbox, 'site.yml') == 0
    for ns, dst in (('net0', '10.0.1.2'), ('net1', '10.0.1.3'), ('net2', '10.0.1.1')):
        assert sandbox.ok('ip netns exec %s ping -c1 -W2 %s' % (ns, dst))
    assert playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=absent') > 0
    assert sandbox.snapshot() == dropped != before
    assert playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=absent') == 0


def test_seed000(sandbox):
    assert playbook(sandbox, 'seed000_veth_pair.yml') > 0
    assert playbook(sandbox, 'seed000_veth_pair.yml') == 0
    assert sandbox.ok('ip netns exec ns1 ping -c1 -W2 192.168.1.2')
    playbook(sandbox, 'seed000_veth_pair.yml', '-e', 'state=absent')
    assert sandbox.sh('ip netns list').strip() == ''


def test_seed003(sandbox):
    before = sandbox.snapshot()
    assert playbook(sandbox, 'seed003_host_link.yml') > 0
    assert playbook(sandbox, 'seed003_host_link.yml') == 0
    assert sandbox.ok('ping -c1 -W2 10.1.1.1') and sandbox.ok('ip netns exec netns1 ping -c1 -W2 10.1.1.2')
    playbook(sandbox, 'seed003_host_link.yml', '-e', 'state=absent')
    assert sandbox.snapshot() == before


def test_seed002(sandbox):
    before = sandbox.snapshot()
    assert playbook(sandbox, 'seed002_bridge_address.yml') > 0
    assert playbook(sandbox, 'seed002_bridge_address.yml') == 0
    assert sandbox.ok('ip netns exec r1 ping -c1 -W2 100.100.100.20')
    assert sandbox.ok('ping -c1 -W2 100.100.100.10')  # the host, through the bridge's own address
    playbook(sandbox, 'seed002_bridge_address.yml', '-e', 'bridge_topology_state=absent')
    assert sandbox.snapshot() == before


def test_site_check_mode_changes_nothing_and_predicts(sandbox):
    empty = sandbox.snapshot()
    assert playbook(sandbox, 'site.yml', '--check', '--diff') > 0  # fresh host: would change, does not fail
    assert sandbox.snapshot() == empty
    assert playbook(sandbox, 'site.yml') > 0
    built = sandbox.snapshot()
    assert playbook(sandbox, 'site.yml', '--check') == 0  # built: nothing to do
    sandbox.sh('ip link set veth-net1 nomaster && ip -n net2 addr flush dev eth0')
    drifted = sandbox.snapshot()
    assert playbook(sandbox, 'site.yml', '--check') == 1  # the lab task: the port and the address, predicted
    assert sandbox.snapshot() == drifted
    assert playbook(sandbox, 'site.yml') == 1 and sandbox.snapshot() == built
    assert playbook(sandbox, 'site.yml', '--check', '-e', 'bridge_topology_state=absent') > 0
    assert sandbox.snapshot() == built


def test_site_restores_what_was_removed_by_hand(sandbox):
    assert playbook(sandbox, 'site.yml') > 0
    built = sandbox.snapshot(macs=False)
    sandbox.sh('ip link del veth-net1 && ip link set veth-net2 nomaster && ip -n net0 link set eth0 down')
    assert not sandbox.ok('ip netns exec net1 ping -c1 -W1 10.0.1.1')
    assert playbook(sandbox, 'site.yml') > 0
    assert sandbox.snapshot(macs=False) == built
    assert sandbox.ok('ip netns exec net1 ping -c1 -W2 10.0.1.1') and sandbox.ok('ip netns exec net2 ping -c1 -W2 10.0.1.1')


def test_teardown_removes_every_copy_of_its_rule_and_no_other(sandbox):
    assert playbook(sandbox, 'site.yml') > 0
    tagged = '-A FORWARD -i br0 -m comment --comment "labnet.netns:bridge_topology/br0" -j ACCEPT'
    sandbox.sh("iptables %s && iptables -A FORWARD -i br0 -j ACCEPT" % tagged.replace('"', "'"))
    assert sandbox.sh('iptables -S FORWARD').count(tagged) == 2
    check = sandbox.sh('iptables -S FORWARD')
    assert playbook(sandbox, 'site.yml', '--check', '-e', 'bridge_topology_state=absent') > 0
    assert sandbox.sh('iptables -S FORWARD') == check
    assert playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=absent') > 0
    rules = sandbox.sh('iptables -S FORWARD')
    assert tagged not in rules and '-A FORWARD -i br0 -j ACCEPT' in rules  # the user's own rule stays


def vars_file(sandbox, variables):
    """-e @FILE arguments for VARIABLES (JSON keeps their types, as a vars file would)."""
    path = os.path.join(sandbox.tmp, 'vars.json')
    with open(path, 'w') as handle:
        json.dump(variables, handle)
    return ['-e', '@' + path]


def failed_task(res):
    """(name of the task that failed, its message) from ansible-playbook's output."""
    assert res.returncode != 0, res.stdout[-3000:]
    lines = res.stdout.splitlines()
    fatal = [i for i, line in enumerate(lines) if line.startswith('fatal: [localhost]: FAILED! => ')]
    assert len(fatal) == 1, res.stdout[-3000:]
    task = [line for line in lines[:fatal[0]] if line.startswith('TASK [')][-1]
    return task.split('TASK [', 1)[1].split(']', 1)[0], json.loads(lines[fatal[0]].split(' => ', 1)[1])['msg']


# Problems that Ansible's own check of meta/argument_specs.yml lets through (types it can convert):
# the role's first task finds them all.
BAD = {
    'bridge_topology_bridge': 'br+',
    'bridge_topology_bridge_address': '10.0.1.2/24',
    'bridge_topology_mtu': 70000,
    'bridge_topology_namespaces': [
        {'name': 'net0', 'address': '10.0.1.1/24'},
        {'name': 'net0', 'address': '10.0.1.2/24'},
        {'name': 'a-very-long-name', 'address': '10.0.1.0/24'},
        {'name': 5, 'address': '10.0.1.4', 'host_interface': 'veth-a-very-long-name'},
    ],
}
BAD_PROBLEMS = [
    "bridge_topology_bridge: 'br+' ends with '+', which iptables reads as a wildcard",
    'bridge_topology_mtu: 70000 is out of range (68-65535)',
    "bridge_topology_namespaces[1].name: 'net0' is also the name of bridge_topology_namespaces[0]",
    'bridge_topology_namespaces[1].address: 10.0.1.2 is also the address of bridge_topology_bridge_address',
    'bridge_topology_namespaces[2].address: 10.0.1.0/24 is the network address of 10.0.1.0/24',
    "bridge_topology_namespaces[2].host_interface: not set, and its default veth-NAME 'veth-a-very-long-name' is longer than 15 bytes",
    'bridge_topology_namespaces[3].name: must be a string, got an integer 5',
    "bridge_topology_namespaces[3].address: address '10.0.1.4' must be in CIDR form",
    "bridge_topology_namespaces[3].host_interface: 'veth-a-very-long-name' is longer than 15 bytes",
]


@pytest.mark.parametrize('state, extra', [('present', []), ('present', ['--check']), ('absent', [])])
def test_bad_variables_fail_the_first_task_with_every_problem_and_change_nothing(sandbox, state, extra):
    if state == 'absent':
        assert playbook(sandbox, 'site.yml') > 0  # something that a teardown would remove
    before = sandbox.snapshot()
    res = run_playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=' + state, *(vars_file(sandbox, BAD) + extra))
    task, msg = failed_task(res)
    assert task == 'labnet.netns.bridge_topology : Check every variable of the role'
    lines = msg.splitlines()
    assert lines[0] == 'labnet.netns.bridge_topology: %d problem(s) in the variables, nothing was changed:' % len(BAD_PROBLEMS)
    assert len(lines) == 1 + len(BAD_PROBLEMS)
    for line, problem in zip(lines[1:], BAD_PROBLEMS):
        assert line.startswith('  - ' + problem), (line, problem)
    assert re.search(r'localhost\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=1', res.stdout)  # only Ansible's own check ran before
    assert sandbox.snapshot() == before


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_wrong_types_stop_at_ansibles_own_check_and_change_nothing(sandbox, state):
    before = sandbox.snapshot()
    res = run_playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=' + state, '-e', 'bridge_topology_mtu=big',
                       '-e', 'bridge_topology_namespaces=net0')
    task, msg = failed_task(res)
    assert task.startswith("labnet.netns.bridge_topology : Validating arguments against arg spec 'main'")
    assert "'bridge_topology_mtu' is of type str and we were unable to convert to int" in msg
    assert "option 'bridge_topology_namespaces' is of type str" in msg
    assert sandbox.snapshot() == before


def test_bridge_named_with_regular_expression_characters_is_built_and_torn_down(sandbox):
    """The teardown once counted its FORWARD rules with the bridge name as a regular expression:
    an unbalanced '(' or '[' (legal in an interface name) stopped it half-way. The mark carries
    the bridge name too."""
    bridge = 'br.0(x['
    variables = vars_file(sandbox, {'bridge_topology_bridge': bridge, 'bridge_topology_namespaces': [
        {'name': 'rx0', 'address': '10.0.7.1/24'}, {'name': 'rx1', 'address': '10.0.7.2/24'}]})
    before = sandbox.snapshot()
    assert playbook(sandbox, 'site.yml', *variables) > 0
    assert sandbox.links(None)['veth-rx0']['master'] == bridge
    assert sandbox.ok('ip netns exec rx0 ping -c1 -W2 10.0.7.2')
    tagged = '-A FORWARD -i %s -m comment --comment "labnet.netns:bridge_topology/%s" -j ACCEPT' % (bridge, bridge)
    sandbox.sh("iptables -A FORWARD -i '%s' -m comment --comment 'labnet.netns:bridge_topology/%s' -j ACCEPT" % (bridge, bridge))
    assert sandbox.sh('iptables -S FORWARD').count(tagged) == 2  # a second copy, as concurrent runs can leave
    assert playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=absent', *variables) > 0
    assert sandbox.snapshot() == before
    assert playbook(sandbox, 'site.yml', '-e', 'bridge_topology_state=absent', *variables) == 0
