# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# A bridge topology (namespaces on one bridge, as the role bridge_topology describes it): every
# problem in its description, and the module entries it stands for. Used by the role's filters
# (bridge_topology_problems, bridge_topology_objects) on the controller and by the option
# `topology` of the module labnet.netns.lab on the target.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    LabnetError, parse_interface_address, validate_ifname, validate_mtu, validate_netns_name)

NAMESPACE_KEYS = ('name', 'address', 'interface', 'host_interface')
# what the `bool` filter reads without guessing (other strings, such as 'y', it turns into false)
BOOLEAN_WORDS = ('true', 'false', 'yes', 'no', 'on', 'off', '1', '0')


def got(value):
    """What a wrong value was, for the messages: "a string 'net0'", 'an integer 5'."""
    for kind, text in ((bool, 'a boolean'), (int, 'an integer'), (float, 'a number'), (str, 'a string'),
                       (dict, 'a mapping'), (list, 'a list')):
        if isinstance(value, kind):
            shown = repr(value)
            return '%s %s' % (text, shown if len(shown) <= 60 else shown[:57] + '...')
    return 'null' if value is None else 'a value of type %s' % type(value).__name__


def misread(name):
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


class Problems(list):
    """Every problem found, one 'VARIABLE: what is wrong' line each."""

    def add(self, where, text):
        self.append('%s: %s' % (where, text))

    def name(self, where, value, validate, side):
        """A name checked by the core's VALIDATE, then for other tools' readings. Returns it, or None
        when it is refused. SIDE is where it lives ('the host', 'the namespace'), for 'lo'."""
        if not isinstance(value, str):
            self.add(where, 'must be a string, got %s' % got(value))
            return None
        try:
            validate(value, '')
        except LabnetError as exc:
            self.add(where, exc.msg.strip())
            return None
        reason = misread(value)
        if reason is None and value == 'lo' and validate is validate_ifname:
            reason = 'is the loopback interface of %s' % side
        if reason:
            self.add(where, '%r %s' % (value, reason))
            return None
        return value

    def address(self, where, value):
        """An address in CIDR form, or None when refused. IPv4 below /31: not the network or broadcast address."""
        if not isinstance(value, str):
            self.add(where, 'must be a string (an address in CIDR form), got %s' % got(value))
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
            self.add(where, 'must be an integer (0 leaves the kernel default), got %s' % got(value))
        elif number != 0:
            try:
                validate_mtu(number, '')
            except LabnetError as exc:
                self.add(where, '%s; 0 leaves the kernel default' % exc.msg.strip())

    def boolean(self, where, value):
        if not (isinstance(value, bool) or value in (0, 1) and isinstance(value, int)
                or isinstance(value, str) and value.lower() in BOOLEAN_WORDS):
            self.add(where, 'must be true or false (from -e: %s), got %s' % ('/'.join(BOOLEAN_WORDS), got(value)))


def check_namespaces(problems, namespaces, hosts, addresses, var):
    """The namespace list, VAR in the messages. HOSTS (host-side interface names) and ADDRESSES
    (IPs) map what is already taken to the variable that took it."""
    if not isinstance(namespaces, list):
        hint = ''
        if isinstance(namespaces, str) and var.startswith('bridge_topology_'):
            hint = ' (with -e, give a JSON document: -e \'{"%s": [...]}\', or -e @vars.yml)' % var
        problems.add(var, 'must be a list of namespaces, each {name, address}, got %s%s' % (got(namespaces), hint))
        return
    if not namespaces:
        problems.add(var, 'is empty: list at least one namespace, each {name, address}')
    names = {}
    for index, ns in enumerate(namespaces):
        where = '%s[%d]' % (var, index)
        if not isinstance(ns, dict):
            problems.add(where, 'must be a mapping with a name and an address, got %s' % got(ns))
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


def check_topology(problems, values, name):
    """The parts of a topology given in VALUES (any of bridge, bridge_address, interface, mtu,
    namespaces; one not given is not checked), NAME(part) naming each in the messages. Returns
    the host-side names taken (name -> what took it) and the bridge's address (or None)."""
    hosts, addresses = {}, {}
    if 'bridge' in values:
        bridge = problems.name(name('bridge'), values['bridge'], validate_ifname, 'the host')
        if bridge is not None:
            hosts[bridge] = name('bridge')
    bridge_addr = None
    if values.get('bridge_address', '') != '':
        bridge_addr = problems.address(name('bridge_address'), values['bridge_address'])
        if bridge_addr is not None:
            addresses[bridge_addr.ip] = name('bridge_address')
    if 'interface' in values:
        problems.name(name('interface'), values['interface'], validate_ifname, 'the namespace')
    if 'mtu' in values:
        problems.mtu(name('mtu'), values['mtu'])
    if 'namespaces' in values:
        check_namespaces(problems, values['namespaces'], hosts, addresses, name('namespaces'))
    return hosts, bridge_addr


def topology_objects(namespaces, bridge, interface='eth0', bridge_address='', mtu=0, exclusive=False, force=False):
    """The entries of each module for a topology that check_topology found right: 'netns',
    'veths', 'addresses' (the bridge's own last, when it has one or with EXCLUSIVE), 'ports' (the
    host ends), 'routes' (the namespaces'
    default routes via the bridge's address) and 'nat' (the lab's subnet, its forwarding sysctl and
    its rules; None without a bridge address). MTU (when > 0), EXCLUSIVE and FORCE (when true) are
    set in every veth, address and namespace entry."""
    if isinstance(mtu, bool) or not isinstance(mtu, (int, str, type(None))):
        raise LabnetError('mtu must be a whole number, 0 for none, got %r' % (mtu,))
    try:
        mtu = int(mtu or 0)
    except (OverflowError, ValueError):
        mtu = -1
    if mtu < 0:
        raise LabnetError('mtu must be a whole number, 0 for none, got %r' % (mtu,))
    out = {'netns': [], 'veths': [], 'addresses': [], 'ports': []}
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


# the option `topology` of the module labnet.netns.lab
LAB_OPTIONS = dict(
    bridge=dict(type='str', required=True),
    namespaces=dict(type='list', elements='dict', required=True),
    interface=dict(type='str', default='eth0'),
    bridge_address=dict(type='str', default=''),
    ports=dict(type='list', elements='str', default=[]),
    mtu=dict(type='int', default=0),
    exclusive=dict(type='bool', default=False),
    force=dict(type='bool', default=False))


def _unique_keys(pairs):
    """A JSON object as a dict; a key given twice is refused (json.loads keeps the last silently)."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError('the key %r is given twice' % key)
        out[key] = value
    return out


def lab_entries(topology):
    """The entries that the option `topology` of the module lab (TOPOLOGY, checked against
    LAB_OPTIONS here; a mapping, or the JSON text of one) adds to its lists: option -> [(entry,
    where)], WHERE naming the part of the topology it comes from in messages. Every problem of the
    topology is raised at once."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    if isinstance(topology, str):
        # one string crosses ansible-core far faster than 1000 entries (see the module's docs)
        try:
            topology = json.loads(topology, object_pairs_hook=_unique_keys)
        except (ValueError, RecursionError) as exc:
            raise LabnetError('topology is text but not JSON (the JSON text of a mapping is taken, as to_json '
                              'writes it): %s' % exc)
        if not isinstance(topology, dict):
            raise LabnetError('topology is the JSON text of %s, not of a mapping (bridge, namespaces, ...)'
                              % got(topology))
    if not isinstance(topology, dict):
        raise LabnetError('topology must be a mapping (bridge, namespaces, ...) or the JSON text of one, got %s'
                          % got(topology))
    try:
        checked = ArgumentSpecValidator(LAB_OPTIONS).validate(topology)
    except (OverflowError, ValueError, TypeError) as exc:  # ansible-core's int() of an infinite number
        raise LabnetError('topology: %s' % exc)
    if checked.error_messages:
        raise LabnetError('topology: %s' % '; '.join(checked.error_messages))
    topology = checked.validated_parameters
    problems = Problems()
    hosts = check_topology(problems, topology, lambda part: 'topology.' + part)[0]
    for index, port in enumerate(topology['ports']):
        where = 'topology.ports[%d]' % index
        if problems.name(where, port, validate_ifname, 'the host') is not None:
            if port in hosts:
                problems.add(where, '%r is also the name of %s' % (port, hosts[port]))
            hosts.setdefault(port, where)
    if problems:
        raise LabnetError('%d problem(s) in the topology: %s' % (len(problems), '; '.join(problems)))
    objects = topology_objects(topology['namespaces'], topology['bridge'], topology['interface'],
                               topology['bridge_address'], topology['mtu'], topology['exclusive'], topology['force'])
    bridge = dict(name=topology['bridge'], ports=objects['ports'] + topology['ports'])
    if topology['mtu'] > 0:
        bridge['mtu'] = topology['mtu']
    named = ['topology.namespaces[%d]' % index for index in range(len(topology['namespaces']))]
    return {'namespaces': list(zip(objects['netns'], named)),
            'veths': list(zip(objects['veths'], named)),
            'bridges': [(bridge, 'topology.bridge')],
            'addresses': list(zip(objects['addresses'], [where + '.address' for where in named] + ['topology.bridge_address']))}
