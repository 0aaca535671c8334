# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in bridge_topology_objects.yml beside this file (named after the filter).

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.labnet.netns.plugins.filter.bridge_topology_problems import bridge_topology_problems


def bridge_topology_objects(namespaces, bridge, interface='eth0', bridge_address='', mtu=0, exclusive=False, force=False,
                            check=True):
    """The items of each module for a bridge topology. MTU (when > 0), EXCLUSIVE and FORCE (when
    true) are set in every veth, address and namespace item: done here, a role at 1000
    namespaces saves a Jinja filter call per item (issue 14). CHECK: first fail with every problem
    (bridge_topology_problems); the role, which checks its variables in its first task, skips it."""
    exclusive, force, check = (_flag(name, value) for name, value in (('exclusive', exclusive), ('force', force), ('check', check)))
    if check:
        problems = bridge_topology_problems({
            'bridge_topology_namespaces': namespaces, 'bridge_topology_bridge': bridge,
            'bridge_topology_interface': interface, 'bridge_topology_bridge_address': bridge_address})
        if problems:
            raise AnsibleFilterError('bridge_topology_objects: %s' % '; '.join(problems))
    try:
        return _objects(namespaces, bridge, interface, bridge_address, mtu, exclusive, force)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # unchecked input (check=false)
        raise AnsibleFilterError('bridge_topology_objects: the topology is not valid (%s: %s); '
                                 'the filter bridge_topology_problems lists every problem' % (type(exc).__name__, exc))


def _flag(name, value):
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleFilterError('bridge_topology_objects: %s must be true or false, got %r' % (name, value))


def _objects(namespaces, bridge, interface, bridge_address, mtu, exclusive, force):
    out = {'netns': [], 'veths': [], 'addresses': [], 'ports': []}
    try:
        if isinstance(mtu, bool) or not isinstance(mtu, (int, str, type(None))):
            raise ValueError(mtu)
        mtu = int(mtu or 0)
        if mtu < 0:
            raise ValueError(mtu)
    except (OverflowError, TypeError, ValueError):
        raise AnsibleFilterError('bridge_topology_objects: mtu must be a whole number, 0 for none, got %r' % (mtu,))
    netns = {'force': True} if force else {}
    veth = {'mtu': mtu} if mtu > 0 else {}
    address = {'exclusive': True} if exclusive else {}
    for ns in namespaces:
        name = ns['name']
        inner = ns.get('interface') or interface
        outer = ns.get('host_interface') or 'veth-%s' % name
        out['netns'].append(dict(netns, name=name))
        out['veths'].append(dict(veth, namespace=name, name=inner, peer=outer))
        out['addresses'].append(dict(address, namespace=name, interface=inner, addresses=[ns['address']]))
        out['ports'].append(outer)
    # with exclusive always listed, so that an address removed from the variables goes away too
    if bridge_address or exclusive:
        out['addresses'].append(dict(address, interface=bridge, addresses=[bridge_address] if bridge_address else []))
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
