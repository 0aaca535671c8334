# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: bridge_topology_problems
short_description: Every problem in the variables of the role bridge_topology
version_added: 0.1.0
description:
  - Used by the first task of the role P(labnet.netns.bridge_topology#role), so that bad variables fail
    with one message that lists every problem, before anything changes (also in check mode, and for
    V(absent)).
  - Checks names with the collection's own rules (interface names of at most 15 bytes, without
    C(/), C(:), C(%) or white space, not C(all) or C(default); namespace names as in C(ip netns add)),
    including the host ends C(veth-NAME) derived from namespace names.
  - Refuses names another tool reads as something else than one name - a trailing C(+) (an iptables
    wildcard), a C(*), a leading C(!) (a negation) or C(-) (an option), quotes and backslashes (printed
    escaped by C(iptables -S)) - and C(lo) for an interface.
  - Refuses duplicates (namespace names; host-side interface names, the bridge included; the same IP
    address twice, the bridge's own included), addresses that are not in CIDR form or are the network
    or broadcast address of an IPv4 subnet below /31, an empty namespace list, unknown keys, wrong types,
    an MTU other than 0 or 68-65535, and booleans that the C(bool) filter would only guess.
options:
  _input:
    description:
      - The role's variables, as a mapping from variable name to value.
      - A variable that is not given is not checked.
    type: dict
    required: true
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Check the variables
  ansible.builtin.assert:
    that: _problems | length == 0
    fail_msg: "{{ _problems | join('\n') }}"
  vars:
    _problems: >-
      {{ {'bridge_topology_bridge': 'br0',
          'bridge_topology_namespaces': [{'name': 'net0', 'address': '10.0.1.1/24'}]}
         | labnet.netns.bridge_topology_problems }}
'''

RETURN = r'''
_value:
  description:
    - "One line per problem: the variable, a colon and what is wrong with it, for example
      C(bridge_topology_namespaces[2].address: 10.0.1.3 is also the address of bridge_topology_namespaces[0].address)."
    - Empty when every variable is fine.
  type: list
  elements: str
'''

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    STATE_CHOICES, LabnetError, parse_interface_address, validate_ifname)
from ansible_collections.labnet.netns.plugins.module_utils._topology import Problems, check_topology, got, plain

BOOLEAN_VARIABLES = ('bridge_topology_forward_accept', 'bridge_topology_force_teardown', 'bridge_topology_adopt',
                     'bridge_topology_install_pyroute2', 'bridge_topology_gateway', 'bridge_topology_nat',
                     'bridge_topology_vxlan')
PREFIX = 'bridge_topology_'
# the variables that need the bridge's address (the namespaces' gateway, the lab's subnet)
NEED_BRIDGE_ADDRESS = {'bridge_topology_gateway': "the namespaces' default route goes via the bridge's address",
                       'bridge_topology_nat': "the lab's subnet, the only one masqueraded, is the bridge address's"}


def bridge_topology_problems(variables):
    """Every problem in the role's VARIABLES (variable name -> value); a variable not given is not checked."""
    if not isinstance(variables, dict):
        raise AnsibleFilterError('bridge_topology_problems: expects a mapping of variable names to values, got %s' % got(variables))
    variables = plain(variables)
    problems = Problems()
    if 'bridge_topology_state' in variables and variables['bridge_topology_state'] not in STATE_CHOICES:
        problems.add('bridge_topology_state', 'must be %s, got %s'
                     % (' or '.join(STATE_CHOICES), got(variables['bridge_topology_state'])))
    hosts, bridge_addr = check_topology(problems, dict((var[len(PREFIX):], value) for var, value in variables.items()
                                                       if var.startswith(PREFIX)), lambda part: PREFIX + part)
    for var in BOOLEAN_VARIABLES:
        if var in variables:
            problems.boolean(var, variables[var])
    for var, why in sorted(NEED_BRIDGE_ADDRESS.items()):
        if _true(variables.get(var)):
            if variables.get('bridge_topology_bridge_address', '') in ('', None):
                problems.add(var, 'is true, so bridge_topology_bridge_address is required (%s)' % why)
            elif var == 'bridge_topology_gateway' and bridge_addr is not None:
                _check_gateway(problems, variables.get('bridge_topology_namespaces'), bridge_addr)
    _check_vxlan(problems, variables, hosts)
    return list(problems)


def _true(value):
    return value is True or isinstance(value, str) and value.lower() in ('true', 'yes', 'on', '1') \
        or value == 1 and not isinstance(value, bool)


def _check_gateway(problems, namespaces, bridge_addr):
    """With a gateway, every namespace address is in the bridge address's subnet (else unreachable)."""
    for index, ns in enumerate(namespaces if isinstance(namespaces, list) else []):
        if not isinstance(ns, dict) or not isinstance(ns.get('address'), str):
            continue
        try:
            addr = parse_interface_address(ns['address'])
        except LabnetError:
            continue  # reported already
        if addr.version != bridge_addr.version or addr.ip not in bridge_addr.network:
            problems.add('bridge_topology_namespaces[%d].address' % index,
                         '%s is not in %s, the subnet of bridge_topology_bridge_address: with bridge_topology_gateway '
                         'the bridge (%s) is its gateway, which it could not reach' % (ns['address'], bridge_addr.network, bridge_addr.ip))


def _check_vxlan(problems, variables, hosts):
    """The VXLAN variables (only what is given is checked)."""
    for var, low, high in (('bridge_topology_vxlan_vni', 0, 2 ** 24 - 1), ('bridge_topology_vxlan_port', 1, 65535)):
        value = variables.get(var)
        if isinstance(value, str) and re.match(r'^\s*[0-9]+\s*$', value):  # from -e, every value is a string
            value = int(value)
        if var in variables and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            problems.add(var, 'must be an integer %d-%d, got %s' % (low, high, got(value)))
    for var, side in (('bridge_topology_vxlan_interface', 'the host'), ('bridge_topology_vxlan_underlay', 'the host')):
        if variables.get(var, '') != '':
            name = problems.name(var, variables[var], validate_ifname, side)
            if name is not None and var == 'bridge_topology_vxlan_interface':
                if name in hosts:
                    problems.add(var, '%r is also the name of %s (on the host, each link needs a name of its own)'
                                 % (name, hosts[name]))
                hosts.setdefault(name, var)
    for var in ('bridge_topology_vxlan_local', 'bridge_topology_vxlan_group'):
        if var in variables and not isinstance(variables[var], str):
            problems.add(var, 'must be a string, got %s' % got(variables[var]))


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_problems': bridge_topology_problems}
