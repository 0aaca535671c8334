# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/routed_lab.yml inside a sandbox: each side pings the other through the router."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from test_playbooks import playbook


def pings(sandbox, ns, address):
    return sandbox.ok('ip netns exec %s ping -c1 -W2 %s' % (ns, address))


def test_routed_lab_pings_both_ways_through_the_router(sandbox):
    before = sandbox.snapshot()
    host_forwarding = sandbox.sh('sysctl -n net.ipv4.ip_forward')
    assert playbook(sandbox, 'routed_lab.yml') > 0
    assert playbook(sandbox, 'routed_lab.yml') == 0
    for ns, address in (('left', '10.0.20.2'), ('right', '10.0.10.2'), ('left', '2001:db8:20::2'), ('right', '2001:db8:10::2')):
        assert pings(sandbox, ns, address), (ns, address)
    # the router forwards because of its own sysctl: off, the segments are cut
    sandbox.sh('ip netns exec router sysctl -qw net.ipv4.ip_forward=0')
    assert not pings(sandbox, 'left', '10.0.20.2')
    assert playbook(sandbox, 'routed_lab.yml') == 1 and pings(sandbox, 'left', '10.0.20.2')
    assert sandbox.sh('sysctl -n net.ipv4.ip_forward') == host_forwarding  # the host's own is not touched
    playbook(sandbox, 'routed_lab.yml', '-e', 'state=absent')
    assert sandbox.snapshot() == before
