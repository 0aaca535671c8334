# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role bridge_topology with a gateway and NAT, on the real kernel inside a sandbox: under
FORWARD policy DROP and forwarding off, a namespace reaches an "outside" namespace that has no
route back to the lab (only NAT can make that work); teardown puts everything back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from test_ownership import run_role

LAB = {'bridge_topology_bridge_address': '10.0.1.254/24', 'bridge_topology_gateway': True, 'bridge_topology_nat': True}


def outside(sandbox):
    """A namespace beyond the host, with no route to the lab's subnet; FORWARD DROP, forwarding off."""
    sandbox.sh('ip netns add outside && ip link add up0 type veth peer name eth0 netns outside && '
               'ip addr add 192.0.2.1/24 dev up0 && ip link set up0 up && '
               'ip -n outside addr add 192.0.2.2/24 dev eth0 && ip -n outside link set eth0 up && '
               'ip -n outside link set lo up && '
               'iptables -P FORWARD DROP && ip6tables -P FORWARD DROP && sysctl -qw net.ipv4.ip_forward=0 && '
               'iptables -t nat -A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE')  # the user's own nat rule


def forwarding(sandbox):
    return sandbox.sh('sysctl -n net.ipv4.ip_forward').strip()


def reaches_outside(sandbox, ns='net0'):
    return sandbox.ok('ip netns exec %s ping -c1 -W2 192.0.2.2' % ns)


def test_gateway_and_nat_reach_a_network_without_a_route_back(sandbox, tmp_path):
    outside(sandbox)
    before = sandbox.snapshot()
    assert 'via' not in sandbox.sh('ip -n outside route')
    # check mode on a fresh host predicts the build and changes nothing
    assert run_role(sandbox, tmp_path, LAB, '--check', '--diff')[0] > 0
    assert sandbox.snapshot() == before and forwarding(sandbox) == '0'
    # gateway only: the namespaces have a default route, but forwarding is off and nothing is masqueraded
    changed, dummy = run_role(sandbox, tmp_path, dict(LAB, bridge_topology_nat=False))
    assert changed > 0 and 'default via 10.0.1.254 dev eth0 proto 76' in sandbox.sh('ip -n net1 route')
    assert sandbox.ok('ip netns exec net0 ping -c1 -W2 192.0.2.1')  # the host itself, via the gateway
    assert not reaches_outside(sandbox) and forwarding(sandbox) == '0'
    # NAT: forwarding on, MASQUERADE for the lab only, replies let back in
    changed, dummy = run_role(sandbox, tmp_path, LAB)
    assert changed == 2  # forwarding, rules
    assert forwarding(sandbox) == '1'
    nat = sandbox.sh('iptables -t nat -S POSTROUTING')
    assert '-A POSTROUTING -s 10.0.1.0/24 ! -o br0 -m comment --comment "labnet.netns:bridge_topology/br0" -j MASQUERADE' in nat
    assert ('-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment '
            '"labnet.netns:bridge_topology/br0" -j ACCEPT') in sandbox.sh('iptables -S FORWARD')
    for ns in ('net0', 'net1', 'net2'):
        assert reaches_outside(sandbox, ns)
    assert run_role(sandbox, tmp_path, LAB)[0] == 0
    # check mode of a re-run predicts no change
    assert run_role(sandbox, tmp_path, LAB, '--check')[0] == 0
    # NAT switched off: rules gone, forwarding back to what it was
    assert run_role(sandbox, tmp_path, dict(LAB, bridge_topology_nat=False))[0] == 2
    assert forwarding(sandbox) == '0' and not reaches_outside(sandbox)
    assert 'bridge_topology' not in sandbox.sh('iptables -t nat -S')
    run_role(sandbox, tmp_path, LAB)
    assert reaches_outside(sandbox)
    # teardown: firewall, routes, links and forwarding exactly as before
    assert run_role(sandbox, tmp_path, dict(LAB, bridge_topology_state='absent'))[0] > 0
    assert sandbox.snapshot() == before and forwarding(sandbox) == '0'
    assert run_role(sandbox, tmp_path, dict(LAB, bridge_topology_state='absent'))[0] == 0


def test_nat_keeps_forwarding_that_was_already_on(sandbox, tmp_path):
    outside(sandbox)
    sandbox.sh('sysctl -qw net.ipv4.ip_forward=1')
    before = sandbox.snapshot()
    run_role(sandbox, tmp_path, LAB)
    assert reaches_outside(sandbox)
    run_role(sandbox, tmp_path, dict(LAB, bridge_topology_state='absent'))
    assert sandbox.snapshot() == before and forwarding(sandbox) == '1'


def test_gateway_and_nat_need_the_bridge_address_checked_first(sandbox, tmp_path):
    before = sandbox.snapshot()
    out = run_role(sandbox, tmp_path, {'bridge_topology_gateway': True, 'bridge_topology_nat': 'yes'}, expect_ok=False)[1]
    assert 'bridge_topology_gateway: is true, so bridge_topology_bridge_address is required' in out
    assert 'bridge_topology_nat: is true, so bridge_topology_bridge_address is required' in out
    out = run_role(sandbox, tmp_path, dict(LAB, bridge_topology_bridge_address='10.0.2.254/24'), expect_ok=False)[1]
    assert 'bridge_topology_namespaces[0].address: 10.0.1.1/24 is not in 10.0.2.0/24' in out
    assert sandbox.snapshot() == before
