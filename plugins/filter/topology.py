# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: bridge_topology_objects
short_description: Turn a bridge topology description into the items of each module
version_added: 0.1.0
description:
  - Used by the role M(labnet.netns.bridge_topology) so that each kind of object is handled by one task.
  - Given the list of namespaces (V(name), V(address), optional V(interface) and V(host_interface)),
    returns the O(ignore:items) lists for M(labnet.netns.netns), M(labnet.netns.veth) and
    M(labnet.netns.netns_address), and the bridge ports.
  - Fails, listing every problem, when the topology has any that P(labnet.netns.bridge_topology_problems#filter) finds.
positional: bridge, interface, bridge_address
options:
  _input:
    description: The namespaces, as in the role variable C(bridge_topology_namespaces).
    type: list
    elements: dict
    required: true
  bridge:
    description: Name of the bridge.
    type: str
    required: true
  interface:
    description: Default name of the namespace end of each veth.
    type: str
    default: eth0
  bridge_address:
    description: Address of the bridge in CIDR form; empty for none.
    type: str
    default: ""
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Items for each module
  ansible.builtin.debug:
    msg: "{{ [{'name': 'net0', 'address': '10.0.1.1/24'}] | labnet.netns.bridge_topology_objects('br0') }}"
'''

RETURN = r'''
_value:
  description: The items per module.
  type: dict
  contains:
    netns:
      description: Items for M(labnet.netns.netns).
      type: list
      elements: dict
    veths:
      description: Items for M(labnet.netns.veth).
      type: list
      elements: dict
    addresses:
      description: Items for M(labnet.netns.netns_address), the bridge's own address last.
      type: list
      elements: dict
    ports:
      description: Host ends of the veths, the ports of the bridge.
      type: list
      elements: str
    routes:
      description:
        - Items for M(labnet.netns.netns_route), a default route via the bridge's address for each namespace.
        - Empty without a bridge address.
      type: list
      elements: dict
    nat:
      description:
        - The lab's subnet (the bridge address's network), its family (V(ipv4) or V(ipv6)), the forwarding
          sysctl of that family for M(labnet.netns.netns_sysctl), and C(rules), the items for
          M(labnet.netns.netns_firewall) (MASQUERADE of the subnet out of any interface but the bridge, and the
          FORWARD rule for the replies).
        - Null without a bridge address.
      type: dict
'''

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible_collections.labnet.netns.plugins.filter.bridge_topology_problems import bridge_topology_problems


def bridge_topology_objects(namespaces, bridge, interface='eth0', bridge_address=''):
    """The items of each module for a bridge topology."""
    problems = bridge_topology_problems({
        'bridge_topology_namespaces': namespaces, 'bridge_topology_bridge': bridge,
        'bridge_topology_interface': interface, 'bridge_topology_bridge_address': bridge_address})
    if problems:
        raise AnsibleFilterError('bridge_topology_objects: %s' % '; '.join(problems))
    out = {'netns': [], 'veths': [], 'addresses': [], 'ports': []}
    for ns in namespaces:
        name = ns['name']
        inner = ns.get('interface') or interface
        outer = ns.get('host_interface') or 'veth-%s' % name
        out['netns'].append({'name': name})
        out['veths'].append({'namespace': name, 'name': inner, 'peer': outer})
        out['addresses'].append({'namespace': name, 'interface': inner, 'addresses': [ns['address']]})
        out['ports'].append(outer)
    # always listed: with exclusive, an address removed from the variables goes away too
    out['addresses'].append({'interface': bridge, 'addresses': [bridge_address] if bridge_address else []})
    out['routes'], out['nat'] = [], None
    if bridge_address:
        addr = ipaddress.ip_interface(bridge_address.strip())
        out['routes'] = [{'namespace': v['namespace'], 'device': v['name'], 'destination': 'default', 'gateway': str(addr.ip)}
                         for v in out['veths']]
        family = 'ipv%d' % addr.version
        out['nat'] = {'subnet': str(addr.network), 'family': family,
                      'forwarding': 'net.ipv4.ip_forward' if addr.version == 4 else 'net.ipv6.conf.all.forwarding',
                      'rules': [{'table': 'nat', 'chain': 'POSTROUTING', 'source': str(addr.network),
                                 'out_interface_not': bridge, 'jump': 'MASQUERADE'},
                                {'out_interface': bridge, 'ctstate': ['RELATED', 'ESTABLISHED'], 'jump': 'ACCEPT',
                                 'ip_version': family}]}
    return out


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_objects': bridge_topology_objects}
