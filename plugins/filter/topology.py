# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in bridge_topology_objects.yml beside this file (named after the filter).

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
