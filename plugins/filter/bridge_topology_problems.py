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
    STATE_CHOICES, LabnetError, parse_interface_address, validate_ifname, validate_mtu, validate_netns_name)

NAMESPACE_KEYS = ('name', 'address', 'interface', 'host_interface')
BOOLEAN_VARIABLES = ('bridge_topology_forward_accept', 'bridge_topology_force_teardown', 'bridge_topology_adopt',
                     'bridge_topology_install_pyroute2', 'bridge_topology_gateway', 'bridge_topology_nat',
                     'bridge_topology_vxlan')
# the variables that need the bridge's address (the namespaces' gateway, the lab's subnet)
NEED_BRIDGE_ADDRESS = {'bridge_topology_gateway': "the namespaces' default route goes via the bridge's address",
                       'bridge_topology_nat': "the lab's subnet, the only one masqueraded, is the bridge address's"}
# what the `bool` filter reads without guessing (other strings, such as 'y', it turns into false)
BOOLEAN_WORDS = ('true', 'false', 'yes', 'no', 'on', 'off', '1', '0')


def _got(value):
    """What a wrong value was, for the messages: "a string 'net0'", 'an integer 5'."""
    for kind, text in ((bool, 'a boolean'), (int, 'an integer'), (float, 'a number'), (str, 'a string'),
                       (dict, 'a mapping'), (list, 'a list')):
        if isinstance(value, kind):
            shown = repr(value)
            return '%s %s' % (text, shown if len(shown) <= 60 else shown[:57] + '...')
    return 'null' if value is None else 'a value of type %s' % type(value).__name__


def _misread(name):
    """Why another tool would read NAME as something else than one name, or None."""
    if name.endswith('+'):
        return "ends with '+', which iptables reads as a wildcard (every interface whose name starts with %r)" % name[:-1]
    if '*' in name:
        return "contains '*', which nftables and shells read as a wildcard"
    if name.startswith('!'):
        return "starts with '!', which iptables and ansible.builtin.iptables read as a negation"
    if name.startswith('-'):
        return "starts with '-', which ip and iptables read as an option"
    quoted = sorted(set(name) & set('"\'\\'))
    if quoted:
        return 'contains %s, which iptables -S and shells print escaped' % ' and '.join(repr(c) for c in quoted)
    return None


class _Problems(list):
    """Every problem found, one 'VARIABLE: what is wrong' line each."""

    def add(self, where, text):
        self.append('%s: %s' % (where, text))

    def name(self, where, value, validate, side):
        """A name checked by the core's VALIDATE, then for other tools' readings. Returns it, or None
        when it is refused. SIDE is where it lives ('the host', 'the namespace'), for 'lo'."""
        if not isinstance(value, str):
            self.add(where, 'must be a string, got %s' % _got(value))
            return None
        try:
            validate(value, '')
        except LabnetError as exc:
            self.add(where, exc.msg.strip())
            return None
        reason = _misread(value)
        if reason is None and value == 'lo' and validate is validate_ifname:
            reason = 'is the loopback interface of %s' % side
        if reason:
            self.add(where, '%r %s' % (value, reason))
            return None
        return value

    def address(self, where, value):
        """An address in CIDR form, or None when refused. IPv4 below /31: not the network or broadcast address."""
        if not isinstance(value, str):
            self.add(where, 'must be a string (an address in CIDR form), got %s' % _got(value))
            return None
        try:
            addr = parse_interface_address(value)
        except LabnetError as exc:
            self.add(where, exc.msg)
            return None
        if addr.version == 4 and addr.network.prefixlen < 31:
            for special, what in ((addr.network.network_address, 'network'), (addr.network.broadcast_address, 'broadcast')):
                if addr.ip == special:
                    self.add(where, '%s is the %s address of %s, not a host address' % (value, what, addr.network))
                    return None
        return addr

    def mtu(self, where, value):
        number = value
        if isinstance(value, str) and re.match(r'^\s*-?[0-9]+\s*$', value):  # from -e, every value is a string
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            self.add(where, 'must be an integer (0 leaves the kernel default), got %s' % _got(value))
        elif number != 0:
            try:
                validate_mtu(number, '')
            except LabnetError as exc:
                self.add(where, '%s; 0 leaves the kernel default' % exc.msg.strip())

    def boolean(self, where, value):
        if not (isinstance(value, bool) or value in (0, 1) and isinstance(value, int)
                or isinstance(value, str) and value.lower() in BOOLEAN_WORDS):
            self.add(where, 'must be true or false (from -e: %s), got %s' % ('/'.join(BOOLEAN_WORDS), _got(value)))


def _check_namespaces(problems, namespaces, hosts, addresses):
    """The namespace list. HOSTS (host-side interface names) and ADDRESSES (IPs) map what is
    already taken to the variable that took it."""
    var = 'bridge_topology_namespaces'
    if not isinstance(namespaces, list):
        hint = ''
        if isinstance(namespaces, str):
            hint = ' (with -e, give a JSON document: -e \'{"%s": [...]}\', or -e @vars.yml)' % var
        problems.add(var, 'must be a list of namespaces, each {name, address}, got %s%s' % (_got(namespaces), hint))
        return
    if not namespaces:
        problems.add(var, 'is empty: list at least one namespace, each {name, address}')
    names = {}
    for index, ns in enumerate(namespaces):
        where = '%s[%d]' % (var, index)
        if not isinstance(ns, dict):
            problems.add(where, 'must be a mapping with a name and an address, got %s' % _got(ns))
            continue
        for key in ns:
            if key not in NAMESPACE_KEYS:
                problems.add(where, 'unknown key %r (the keys are %s)' % (key, ', '.join(NAMESPACE_KEYS)))
        for key in ('name', 'address'):
            if key not in ns:
                problems.add(where, '%s is missing (each namespace needs a name and an address)' % key)
        name = None
        if 'name' in ns:
            name = problems.name(where + '.name', ns['name'], validate_netns_name, 'the namespace')
        if name is not None:
            if name in names:
                problems.add(where + '.name', '%r is also the name of %s[%d]' % (name, var, names[name]))
                name = None  # its default host end is taken too: one message is enough
            else:
                names[name] = index
        if 'address' in ns:
            addr = problems.address(where + '.address', ns['address'])
            if addr is not None:
                if addr.ip in addresses:
                    problems.add(where + '.address', '%s is also the address of %s' % (addr.ip, addresses[addr.ip]))
                addresses.setdefault(addr.ip, where + '.address')
        if ns.get('interface') is not None:
            problems.name(where + '.interface', ns['interface'], validate_ifname, 'the namespace')
        host, default = None, ''
        if ns.get('host_interface') is not None:
            host = problems.name(where + '.host_interface', ns['host_interface'], validate_ifname, 'the host')
        elif name is not None:
            host, default = 'veth-' + name, 'not set, and its default veth-NAME '
            try:
                validate_ifname(host, '')
            except LabnetError as exc:
                problems.add(where + '.host_interface', '%s%s; set host_interface (at most 15 bytes)'
                             % (default, exc.msg.strip()))
                host = None
        if host is not None:
            if host in hosts:
                problems.add(where + '.host_interface', '%s%r is also the name of %s (on the host, each veth end '
                             'and the bridge need a name of their own)' % (default, host, hosts[host]))
            hosts.setdefault(host, where + '.host_interface')


def plain(value, _inside=()):
    """VALUE as plain lists and dicts, each item read once. ansible-core (2.19 and later) hands a
    filter lazy containers, each access to an item templated anew: checking 1000 namespaces
    item by item costs a tenth of a second that way, a few milliseconds after one pass. A
    container inside itself (YAML anchors can make one) is left as it is there."""
    if isinstance(value, (dict, list)):
        if id(value) in _inside:
            return value
        inside = _inside + (id(value),)
        if isinstance(value, dict):
            return dict((key, plain(item, inside)) for key, item in value.items())
        return [plain(item, inside) for item in value]
    return value


def bridge_topology_problems(variables):
    """Every problem in the role's VARIABLES (variable name -> value); a variable not given is not checked."""
    if not isinstance(variables, dict):
        raise AnsibleFilterError('bridge_topology_problems: expects a mapping of variable names to values, got %s' % _got(variables))
    variables = plain(variables)
    problems = _Problems()
    if 'bridge_topology_state' in variables and variables['bridge_topology_state'] not in STATE_CHOICES:
        problems.add('bridge_topology_state', 'must be %s, got %s'
                     % (' or '.join(STATE_CHOICES), _got(variables['bridge_topology_state'])))
    hosts, addresses = {}, {}
    if 'bridge_topology_bridge' in variables:
        bridge = problems.name('bridge_topology_bridge', variables['bridge_topology_bridge'], validate_ifname, 'the host')
        if bridge is not None:
            hosts[bridge] = 'bridge_topology_bridge'
    bridge_addr = None
    if variables.get('bridge_topology_bridge_address', '') != '':
        bridge_addr = problems.address('bridge_topology_bridge_address', variables['bridge_topology_bridge_address'])
        if bridge_addr is not None:
            addresses[bridge_addr.ip] = 'bridge_topology_bridge_address'
    if 'bridge_topology_interface' in variables:
        problems.name('bridge_topology_interface', variables['bridge_topology_interface'], validate_ifname, 'the namespace')
    if 'bridge_topology_mtu' in variables:
        problems.mtu('bridge_topology_mtu', variables['bridge_topology_mtu'])
    for var in BOOLEAN_VARIABLES:
        if var in variables:
            problems.boolean(var, variables[var])
    if 'bridge_topology_namespaces' in variables:
        _check_namespaces(problems, variables['bridge_topology_namespaces'], hosts, addresses)
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
            problems.add(var, 'must be an integer %d-%d, got %s' % (low, high, _got(value)))
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
            problems.add(var, 'must be a string, got %s' % _got(variables[var]))


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_problems': bridge_topology_problems}
