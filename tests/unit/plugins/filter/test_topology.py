# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter that turns the role's topology into module items."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.netns.plugins.filter.topology import bridge_topology_objects


def test_seed001_topology():
    out = bridge_topology_objects([{'name': 'net%d' % i, 'address': '10.0.1.%d/24' % (i + 1)} for i in range(3)], 'br0')
    assert out['netns'] == [{'name': 'net0'}, {'name': 'net1'}, {'name': 'net2'}]
    assert out['veths'][1] == {'namespace': 'net1', 'name': 'eth0', 'peer': 'veth-net1'}
    assert out['addresses'][2] == {'namespace': 'net2', 'interface': 'eth0', 'addresses': ['10.0.1.3/24']}
    assert out['ports'] == ['veth-net0', 'veth-net1', 'veth-net2']


def test_custom_names_and_bridge_address():
    out = bridge_topology_objects([{'name': 'r1', 'address': '100.100.100.10/24', 'interface': 'e1', 'host_interface': 'h1'}],
                                  'br0', 'eth9', '100.100.100.100/24')
    assert out['veths'] == [{'namespace': 'r1', 'name': 'e1', 'peer': 'h1'}]
    assert out['addresses'][-1] == {'interface': 'br0', 'addresses': ['100.100.100.100/24']}


@pytest.mark.parametrize('bad', ['net0', [{'name': 'x'}], [{'address': '10.0.0.1/24'}], ['x']])
def test_bad_topology(bad):
    with pytest.raises(AnsibleFilterError):
        bridge_topology_objects(bad, 'br0')
