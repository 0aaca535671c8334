# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks of the project, run with ansible-playbook inside a sandbox."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess
import sys

from conftest import COLLECTIONS, REPO

PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def playbook(sandbox, name, *extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1')
    res = subprocess.run(sandbox.enter() + ['--wd=' + REPO, PLAYBOOK, os.path.join(REPO, 'playbooks', name)] + list(extra),
                         capture_output=True, text=True, env=env, cwd=REPO, check=False)
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
    assert playbook(sandbox, 'site.yml', '--check') == 2  # the port and the address, predicted
    assert sandbox.snapshot() == drifted
    assert playbook(sandbox, 'site.yml') == 2 and sandbox.snapshot() == built
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
