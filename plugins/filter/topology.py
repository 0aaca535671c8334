# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in bridge_topology_objects.yml beside this file (named after the filter).

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
    return out


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_objects': bridge_topology_objects}
