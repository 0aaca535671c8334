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
'''

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible_collections.labnet.netns.plugins.module_utils._common import (
    LabnetError, parse_interface_address, validate_ifname, validate_netns_name)

_NS_KEYS = ('name', 'address', 'interface', 'host_interface')


def _ifname_problem(name, what):
    """Why NAME cannot be an interface of the role, or None. Beyond the kernel's rules, names
    that iptables or nft read as a pattern or a negation are refused."""
    if not isinstance(name, str):
        return '%s must be a string, got %s %r' % (what, type(name).__name__, name)
    try:
        validate_ifname(name, what)
    except LabnetError as exc:
        return exc.msg
    if name.endswith('+') or '*' in name or name.startswith('!'):
        return ('%s %r would be read by iptables/nft as a pattern or a negation (a trailing "+", "*", '
                'a leading "!"): choose a plain name' % (what, name))
    if set(name) & set('"\'\\'):
        return '%s %r contains a quote or a backslash, which iptables rules and ownership marks cannot hold' % (what, name)
    return None


def _address_problem(text, what):
    if not isinstance(text, str):
        return '%s must be a string in CIDR form, got %r' % (what, text)
    try:
        addr = parse_interface_address(text)
    except LabnetError as exc:
        return '%s: %s' % (what, exc.msg)
    net = addr.network
    if addr.version == 4 and net.prefixlen < 31 and addr.ip in (net.network_address, net.broadcast_address):
        return '%s %s is the %s address of its subnet, not a host address' % (
            what, text, 'network' if addr.ip == net.network_address else 'broadcast')
    return None


def bridge_topology_problems(namespaces, bridge, interface='eth0', bridge_address='', mtu=0, state='present'):
    """Every problem in the role's variables (an empty list when there is none), each naming
    the variable. Pure: it looks at nothing but its arguments."""
    problems = []

    def add(problem):
        if problem:
            problems.append(problem)

    add(None if state in ('present', 'absent') else
        'bridge_topology_state must be present or absent, got %r' % (state,))
    add(_ifname_problem(bridge, 'bridge_topology_bridge'))
    add(_ifname_problem(interface, 'bridge_topology_interface'))
    try:
        mtu = int(mtu)
        add(None if mtu == 0 or 68 <= mtu <= 65535 else
            'bridge_topology_mtu %d is out of range (0 for the kernel default, or 68-65535)' % mtu)
    except (TypeError, ValueError):
        add('bridge_topology_mtu must be a number, got %r' % (mtu,))
    ips = {}
    if bridge_address:
        add(_address_problem(bridge_address, 'bridge_topology_bridge_address'))
        if not problems or 'bridge_topology_bridge_address' not in problems[-1]:
            ips[ipaddress.ip_interface(bridge_address).ip] = 'bridge_topology_bridge_address'
    if not isinstance(namespaces, list):
        add('bridge_topology_namespaces must be a list of {name, address}, got %s' % type(namespaces).__name__)
        return problems
    if not namespaces:
        add('bridge_topology_namespaces is empty: list at least one namespace')
    names, host_ends = {}, {bridge: 'bridge_topology_bridge'} if isinstance(bridge, str) else {}
    for index, ns in enumerate(namespaces):
        where = 'bridge_topology_namespaces[%d]' % index
        if not isinstance(ns, dict):
            add('%s must be a dict with name and address, got %r' % (where, ns))
            continue
        unknown = sorted(str(k) for k in ns if k not in _NS_KEYS)
        add('%s has unknown key(s) %s (known: %s)' % (where, ', '.join(unknown), ', '.join(_NS_KEYS)) if unknown else None)
        name = ns.get('name')
        if not isinstance(name, str) or not name:
            add('%s.name is required (a non-empty string), got %r' % (where, name))
            name = None
        else:
            try:
                validate_netns_name(name, '%s.name' % where)
            except LabnetError as exc:
                add(exc.msg)
            if name in names:
                add('%s.name %r is listed twice (also %s)' % (where, name, names[name]))
            names.setdefault(name, where)
        if ns.get('address') is None:
            add('%s.address is required (CIDR form, e.g. 10.0.1.1/24)' % where)
        else:
            problem = _address_problem(ns['address'], '%s.address' % where)
            add(problem)
            if not problem:
                ip = ipaddress.ip_interface(ns['address']).ip
                if ip in ips:
                    add('%s.address %s is also %s' % (where, ip, ips[ip]))
                ips.setdefault(ip, '%s.address' % where)
        if ns.get('interface') is not None:
            add(_ifname_problem(ns['interface'], '%s.interface' % where))
        outer = ns.get('host_interface')
        if outer is None and name is not None:
            outer = 'veth-%s' % name
            problem = _ifname_problem(outer, 'the host end %r derived for %s' % (outer, where))
            add(problem and problem + ' (set %s.host_interface)' % where)
        elif outer is not None:
            add(_ifname_problem(outer, '%s.host_interface' % where))
        if isinstance(outer, str):
            if outer in host_ends:
                add('%s: host interface %r is also %s' % (where, outer, host_ends[outer]))
            host_ends.setdefault(outer, '%s (host end)' % where)
    return problems


def bridge_topology_objects(namespaces, bridge, interface='eth0', bridge_address=''):
    """The items of each module for a bridge topology."""
    if not isinstance(namespaces, list):
        raise AnsibleFilterError('bridge_topology_objects: the namespaces must be a list, got %s' % type(namespaces).__name__)
    out = {'netns': [], 'veths': [], 'addresses': [], 'ports': []}
    for index, ns in enumerate(namespaces):
        if not isinstance(ns, dict) or not ns.get('name') or not ns.get('address'):
            raise AnsibleFilterError('bridge_topology_objects: namespaces[%d] needs a name and an address, got %r' % (index, ns))
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
        return {'bridge_topology_objects': bridge_topology_objects,
                'bridge_topology_problems': bridge_topology_problems}
