# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter that turns the role's topology into module items."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.netns.plugins.filter.topology import bridge_topology_objects, bridge_topology_problems


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


# -- the role's variables, checked before anything changes ------------------------------------
DEFAULT = [{'name': 'net0', 'address': '10.0.1.1/24'}, {'name': 'net1', 'address': '10.0.1.2/24'}]


@pytest.mark.parametrize('namespaces, kwargs', [
    (DEFAULT, {}),
    ([{'name': 'réseau', 'address': '2001:db8::1/64'}], {}),
    ([{'name': 'a' * 40, 'address': '10.0.0.1/31', 'host_interface': 'x' * 15}], {}),
    ([{'name': 'n', 'address': '10.0.0.1/24', 'interface': 'e' * 15}], {'bridge_address': '10.0.0.254/24', 'mtu': 9000}),
    (DEFAULT, {'state': 'absent', 'bridge': 'br.0'}),
])
def test_good_variables_have_no_problem(namespaces, kwargs):
    args = dict(dict(bridge='br0'), **kwargs)
    assert bridge_topology_problems(namespaces, **args) == []


@pytest.mark.parametrize('namespaces, kwargs, fragment', [
    ([], {}, 'bridge_topology_namespaces is empty'),
    ('net0', {}, 'must be a list'),
    ([{'name': 'a-very-long-name', 'address': '10.0.1.1/24'}], {}, "the host end 'veth-a-very-long-name'"),
    ([{'name': 'n', 'address': '10.0.1.1'}], {}, 'CIDR'),
    ([{'name': 'n', 'address': '10.0.1.0/24'}], {}, 'network address'),
    ([{'name': 'n', 'address': '10.0.1.1/24'}, {'name': 'n', 'address': '10.0.1.2/24'}], {}, 'listed twice'),
    ([{'name': 'n', 'address': '10.0.1.1/24'}, {'name': 'm', 'address': '10.0.1.1/16'}], {}, 'is also'),
    (DEFAULT, {'bridge_address': '10.0.1.1/24'}, 'is also bridge_topology_bridge_address'),
    ([{'name': 'n', 'address': '10.0.1.1/24', 'host_interface': 'br0'}], {}, "host interface 'br0' is also"),
    (DEFAULT, {'bridge': 'br+'}, 'pattern'),
    (DEFAULT, {'bridge': 'br*0'}, 'pattern'),
    (DEFAULT, {'bridge': '!br'}, 'negation'),
    (DEFAULT, {'bridge': 'br 0'}, 'white space'),
    (DEFAULT, {'mtu': 20}, 'out of range'),
    (DEFAULT, {'state': 'gone'}, 'present or absent'),
    ([{'name': 'n/x', 'address': '10.0.1.1/24', 'host_interface': 'h'}], {}, '"/"'),
    ([{'name': 'n', 'address': '10.0.1.1/24', 'colour': 'red'}], {}, 'unknown key'),
])
def test_each_bad_variable_is_named(namespaces, kwargs, fragment):
    problems = bridge_topology_problems(namespaces, **dict(dict(bridge='br0'), **kwargs))
    assert any(fragment in p for p in problems), problems


def test_every_problem_is_listed_at_once():
    problems = bridge_topology_problems([{'name': 'ok', 'address': 'x'}, {'name': 'n' * 20, 'address': '10.0.1.1/24'}, 7],
                                        'br+', mtu=1)
    assert len(problems) == 5, problems
