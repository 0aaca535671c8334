# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability on the real kernel: concurrent runs, a run killed halfway, and the name
validators checked against what the kernel itself accepts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import COLLECTIONS, REPO, Sandbox, TARGET_VARS, assert_ok

PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def start_playbook(sandbox, tmp, name, variables=None, extra=()):
    args = [PLAYBOOK, os.path.join(REPO, 'playbooks', 'site.yml')] + TARGET_VARS + list(extra)
    if variables is not None:
        path = os.path.join(tmp, name + '.json')
        with open(path, 'w') as handle:
            json.dump(variables, handle)
        args += ['-e', '@' + path]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1')
    log = open(os.path.join(tmp, name + '.log'), 'w')
    return subprocess.Popen(sandbox.enter() + ['--wd=' + REPO] + args, stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True), log.name


def finish(proc, log):
    proc.wait(timeout=600)
    with open(log) as handle:
        text = handle.read()
    assert proc.returncode == 0, text[-4000:]
    return text


def topology(prefix, bridge, subnet, count):
    return {'bridge_topology_bridge': bridge,
            'bridge_topology_namespaces': [{'name': '%s%d' % (prefix, i), 'address': '10.%d.0.%d/24' % (subnet, i + 1)}
                                           for i in range(count)]}


def all_ping(sandbox, prefix, subnet, count):
    return all(sandbox.ok('ip netns exec %s%d ping -c1 -W2 10.%d.0.%d' % (prefix, src, subnet, dst + 1))
               for src in range(count) for dst in range(count) if src != dst)


def changed_of(text):
    return int(text.split('PLAY RECAP')[-1].split('changed=')[1].split()[0])


def test_four_concurrent_runs_of_one_topology(sandbox, tmp_path):
    sandbox.sh('iptables -P FORWARD DROP')
    empty = sandbox.snapshot()
    runs = [start_playbook(sandbox, str(tmp_path), 'run%d' % i, topology('c', 'br0', 1, 6)) for i in range(4)]
    for proc, log in runs:
        finish(proc, log)
    assert all_ping(sandbox, 'c', 1, 6)
    # the firewall module checks and appends under a lock: the four runs add the rule once, in both families
    assert sandbox.sh('iptables -S FORWARD').count('labnet.netns:bridge_topology/br0') == 1
    assert sandbox.sh('ip6tables -S FORWARD').count('labnet.netns:bridge_topology/br0') == 1
    proc, log = start_playbook(sandbox, str(tmp_path), 'again', topology('c', 'br0', 1, 6))
    assert changed_of(finish(proc, log)) == 0
    # ... and the teardown removes every copy: nothing is left
    proc, log = start_playbook(sandbox, str(tmp_path), 'down', topology('c', 'br0', 1, 6),
                               ['-e', 'bridge_topology_state=absent'])
    finish(proc, log)
    assert sandbox.snapshot() == empty


def test_two_different_topologies_at_once(sandbox, tmp_path):
    sandbox.sh('iptables -P FORWARD DROP')
    one = start_playbook(sandbox, str(tmp_path), 'one', topology('a', 'br-a', 2, 4))
    two = start_playbook(sandbox, str(tmp_path), 'two', topology('b', 'br-b', 3, 4))
    finish(*one)
    finish(*two)
    assert all_ping(sandbox, 'a', 2, 4) and all_ping(sandbox, 'b', 3, 4)
    assert not sandbox.ok('ip netns exec a0 ping -c1 -W1 10.3.0.1')  # separate bridges, separate labs
    links = sandbox.links(None)
    assert all(links['veth-a%d' % i]['master'] == 'br-a' and links['veth-b%d' % i]['master'] == 'br-b' for i in range(4))


def test_run_killed_halfway_then_converges_with_no_orphans(sandbox, tmp_path):
    sandbox.sh('iptables -P FORWARD DROP')
    empty = sandbox.snapshot()
    lab = topology('k', 'br0', 4, 40)
    proc, log = start_playbook(sandbox, str(tmp_path), 'killed', lab)
    # kill the whole run (controller and module) once the namespaces exist and the veths are being made
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if sandbox.ok('ip link show veth-k0 >/dev/null 2>&1'):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = sandbox.sh('ip -o link | grep -c veth-k || true').strip()
    proc, log = start_playbook(sandbox, str(tmp_path), 'rerun', lab)
    finish(proc, log)
    assert all_ping(sandbox, 'k', 4, 3) and sandbox.ok('ip netns exec k39 ping -c1 -W2 10.4.0.1')
    proc, log = start_playbook(sandbox, str(tmp_path), 'down', lab, ['-e', 'bridge_topology_state=absent'])
    finish(proc, log)
    assert sandbox.snapshot() == empty, 'orphans left after a killed run (%s veths made before the kill)' % partial


# -- the validators against the kernel's own rules ----------------------------------------

@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x2FF), min_size=1, max_size=18))
def test_ifname_validator_agrees_with_the_kernel(name):
    """Whatever the kernel refuses, the module refuses too (with a clear message instead of a
    netlink error), and whatever the module accepts, the kernel creates under that exact name.
    '%' is the one deliberate difference: the kernel takes it as a template (rz%d -> rz0)."""
    box = Sandbox()
    try:
        kernel_ok = box.ok("ip link add name '%s' type bridge" % name.replace("'", "'\\''")) if '\0' not in name else False
        made = kernel_ok and name in box.links(None)
        res = box.module('linux_bridge', name=name, adopt=True)  # made by ip just before, when the kernel took it
        if res.get('failed'):
            assert 'name' in res['msg'] and ('%' in name or not made), (name, res['msg'])
        else:
            assert made or kernel_ok, (name, 'accepted by the module, refused by the kernel')
    finally:
        box.close()


def test_module_accepted_names_exist_exactly(sandbox):
    for name in ('a.b', 'x' * 15, 'é1', 'br-0_1', '...'):
        assert_ok(sandbox.module('linux_bridge', name=name))
        assert name in sandbox.links(None)
