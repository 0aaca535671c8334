# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/fleet.yml over real SSH on a simulated fleet (fleet.py): build, cross-host pings from
every host, the full-size packet, idempotent re-run, teardown that leaves nothing on any host, and
the pre-flight that stops the run before anything changes on any host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from fleet import Fleet

FLEET = 'playbooks/fleet.yml'


@pytest.fixture
def fleet(sandbox):
    made = Fleet(sandbox, 3)
    try:
        yield made
    finally:
        made.stop()


def addresses(fleet, per_host=2):
    """What the playbook documents: host at position P has net0..net(N-1) at 10.42.P.(I+1)/16."""
    return dict((h.name, ['10.42.%d.%d' % (h.index - 1, i + 1) for i in range(per_host)]) for h in fleet.hosts)


def pings(fleet, name, targets, extra=''):
    return [t for t in targets if not fleet.on(name, 'ip netns exec net0 ping -c1 -W2 %s %s' % (extra, t), check=False).returncode == 0]


def test_fleet_build_ping_full_size_rerun_teardown(fleet):
    before = dict((h.name, fleet.state(h.name)) for h in fleet.hosts)
    rc, out, recap = fleet.playbook(FLEET)
    assert rc == 0, out[-6000:]
    assert sorted(recap) == ['h1', 'h2', 'h3'] and all(r['changed'] for r in recap.values()), recap
    every = addresses(fleet)
    for host in fleet.hosts:
        others = [a for name, addrs in every.items() for a in addrs if a != every[host.name][0]]
        assert pings(fleet, host.name, others) == [], 'unreachable from %s/net0' % host.name
    # the full-size packet: the inner MTU is 1500 - 50; its largest ICMP payload crosses with DF set
    assert fleet.on('h1', 'ip netns exec net0 cat /sys/class/net/eth0/mtu').strip() == '1450'
    assert pings(fleet, 'h1', ['10.42.1.1', '10.42.2.2'], '-M do -s 1422') == []
    assert pings(fleet, 'h1', ['10.42.1.1'], '-M do -s 1423') == ['10.42.1.1']
    vx = fleet.on('h2', 'bridge fdb show dev vxlan4242 | grep 00:00:00:00:00:00 | sort')
    assert '172.31.0.11' in vx and '172.31.0.13' in vx and '172.31.0.12' not in vx
    # a second run changes nothing
    rc, out, recap = fleet.playbook(FLEET)
    assert rc == 0 and all(r['changed'] == 0 for r in recap.values()), (recap, out[-4000:])
    # teardown everywhere: nothing of the lab is left on any host
    rc, out, recap = fleet.playbook(FLEET, '-e', 'bridge_topology_state=absent')
    assert rc == 0, out[-6000:]
    for host in fleet.hosts:
        assert fleet.state(host.name).splitlines() == before[host.name].splitlines(), host.name


def test_fleet_preflight_stops_every_host(fleet):
    """A cloned MAC on h3 (on a second interface: on the underlay itself it would stall SSH) and an
    inner MTU too large for every underlay: all reported, nothing changes anywhere."""
    mac = fleet.on('h1', 'cat /sys/class/net/eth0/address').strip()
    fleet.on('h3', 'ip link add ext0 address %s type veth peer name ext1' % mac)
    before = dict((h.name, fleet.state(h.name)) for h in fleet.hosts)
    rc, out, recap = fleet.playbook(FLEET, '-e', '{"bridge_topology_mtu": 1500}')
    assert rc != 0
    assert 'h3: 2 problem(s)' in out and 'MAC address %s of ext0 is also the MAC of eth0 on h1' % mac in out
    assert 'inner MTU 1500 does not fit the underlay eth0: MTU 1500 minus 50 bytes' in out
    assert all(r['changed'] == 0 for r in recap.values()), recap
    assert dict((h.name, fleet.state(h.name)) for h in fleet.hosts) == before


def test_fleet_sudo_user_and_a_host_down(sandbox):
    """h2 is reached as an unprivileged user with sudo (become); h4 is in the inventory but down: the
    others converge, the run reports h4 unreachable, and teardown leaves nothing on the others."""
    fleet = Fleet(sandbox, 4, special={'h2': {'user': 'labnet'}, 'h4': {'down': True}})
    try:
        up = [h for h in fleet.hosts if h.up]
        before = dict((h.name, fleet.state(h.name)) for h in up)
        rc, out, recap = fleet.playbook(FLEET)
        assert rc != 0 and recap['h4']['unreachable'] >= 1, out[-4000:]
        assert all(recap[h.name]['changed'] and not recap[h.name]['failed'] and not recap[h.name]['unreachable']
                   for h in up), recap
        every = addresses(fleet)
        for host in up:
            others = [a for name, addrs in every.items() if name != 'h4' for a in addrs if a != every[host.name][0]]
            assert pings(fleet, host.name, others) == [], 'unreachable from %s/net0' % host.name
        assert fleet.on('h2', 'ip -d link show vxlan4242 | grep -c "labnet.netns:bridge_topology/br0"').strip() == '1'
        rc, out, recap = fleet.playbook(FLEET, '-e', 'bridge_topology_state=absent')
        assert recap['h4']['unreachable'] >= 1 and all(not recap[h.name]['failed'] for h in up), out[-4000:]
        for host in up:
            assert fleet.state(host.name).splitlines() == before[host.name].splitlines(), host.name
    finally:
        fleet.stop()


def test_fleet_without_pyroute2_or_root_fails_fast_and_changes_nothing(sandbox):
    """h2's Python has no pyroute2 (and the hosts have no route to a mirror); h3 is reached as an
    unprivileged user without become: the pre-flight says what is missing, within seconds, per host."""
    fleet = Fleet(sandbox, 3, special={'h2': {'hidden': ['/usr/lib/python3/dist-packages/pyroute2']}, 'h3': {'user': 'labnet', 'no_become': True}})
    try:
        assert fleet.on('h2', '/usr/bin/python3 -c "import pyroute2"', check=False).returncode != 0
        before = dict((h.name, fleet.state(h.name)) for h in fleet.hosts)
        started = time.monotonic()
        rc, out, recap = fleet.playbook(FLEET)
        assert time.monotonic() - started < 60
        assert rc != 0
        assert 'h2: 1 problem(s)' in out and '/usr/bin/python3 cannot import pyroute2' in out, out[-5000:]
        assert 'install python3-pyroute2' in out
        assert 'h3: 1 problem(s)' in out and 'the modules run as uid 4242, not root' in out
        assert all(r['changed'] == 0 for r in recap.values()), recap
        for host in fleet.hosts:
            assert fleet.state(host.name).splitlines() == before[host.name].splitlines(), host.name
    finally:
        fleet.stop()
