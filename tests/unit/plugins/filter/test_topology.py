# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters of the role: the check of its variables, and the module items of a topology."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.netns.plugins.filter.bridge_topology_problems import bridge_topology_problems
from ansible_collections.labnet.netns.plugins.filter.topology import bridge_topology_objects

DEFAULTS_FILE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'bridge_topology', 'defaults', 'main.yml')
with open(DEFAULTS_FILE) as _handle:
    DEFAULTS = yaml.safe_load(_handle)
NS = 'bridge_topology_namespaces'


def role_vars(**changes):
    """The role's defaults with CHANGES (keys without the bridge_topology_ prefix)."""
    out = dict(DEFAULTS)
    out.update(('bridge_topology_' + k, v) for k, v in changes.items())
    return out


def entries(*extra, **changes):
    """The default namespaces, the first one changed by CHANGES (None removes a key), plus EXTRA."""
    first = dict(DEFAULTS[NS][0], **changes)
    return [dict((k, v) for k, v in first.items() if v is not None)] + DEFAULTS[NS][1:] + list(extra)


# -- the check: nothing to say about the defaults and odd but legal values ----------------

def test_the_defaults_have_no_problem():
    assert DEFAULTS['bridge_topology_namespaces']  # the file was read
    assert bridge_topology_problems(DEFAULTS) == []


@pytest.mark.parametrize('changes', [
    dict(namespaces=[{'name': 'lab-ü', 'address': '10.0.1.1/24'}, {'name': '网络', 'address': '10.0.1.2/24'}]),
    dict(namespaces=[{'name': 'v6', 'address': '2001:db8::1/64'}, {'name': 'v6b', 'address': 'fd00::2/64'}],
         bridge_address='2001:db8::ff/64'),
    dict(namespaces=[{'name': 'n' * 10, 'address': '10.0.1.1/24'}]),  # veth-nnnnnnnnnn: exactly 15 bytes
    dict(namespaces=[{'name': 'x' * 255, 'address': '10.0.1.1/24', 'host_interface': 'h' * 15, 'interface': 'i' * 15}]),
    dict(bridge='b' * 15, interface='e' * 15),
    dict(bridge='br.0(x[', namespaces=[{'name': 'a.b(c)[d]', 'address': '10.0.1.1/24'}]),  # regex characters
    dict(bridge='all-br', namespaces=[{'name': 'all', 'address': '10.0.1.1/24'}]),  # 'all' is a fine namespace name
    dict(namespaces=[{'name': 'a', 'address': '10.0.1.1/24'}, {'name': 'b', 'address': '10.0.2.1/24'},
                     {'name': 'c', 'address': '10.0.1.2/16'}]),  # other subnets, same bridge
    dict(namespaces=[{'name': 'a', 'address': '10.0.0.0/31'}, {'name': 'b', 'address': '10.0.0.1/31'},
                     {'name': 'c', 'address': '10.9.9.9/32'}]),  # /31 and /32 have no network or broadcast address
    dict(namespaces=[{'name': 'a', 'address': '10.0.1.1/24', 'interface': None, 'host_interface': None}]),
    dict(namespaces=[{'name': 'a', 'address': '10.0.1.1/24', 'interface': 'eth0', 'host_interface': 'veth-a'}]),
    dict(mtu=1500), dict(mtu='9000'), dict(mtu='0'), dict(mtu=68), dict(mtu=65535),
    dict(forward_accept='yes'), dict(forward_accept='False'), dict(force_teardown='0'), dict(install_pyroute2=1),
    dict(forward_accept='ON'), dict(state='absent'), dict(bridge_address='100.100.100.100/24'),
])
def test_odd_but_legal_values_have_no_problem(changes):
    assert bridge_topology_problems(role_vars(**changes)) == []


# -- the check: each bad variable gets its own message, naming it ---------------------------

@pytest.mark.parametrize('changes, expected', [
    (dict(state='absnt'), ["bridge_topology_state: must be present or absent, got a string 'absnt'"]),
    (dict(state=None), ['bridge_topology_state: must be present or absent, got null']),
    (dict(bridge='br-' + 'x' * 13), ["bridge_topology_bridge: 'br-xxxxxxxxxxxxx' is longer than 15 bytes (the kernel limit)"]),
    (dict(bridge='br:0'), ["bridge_topology_bridge: 'br:0' contains forbidden character(s) ':'"]),
    (dict(bridge=''), ['bridge_topology_bridge: must be a non-empty string']),
    (dict(bridge=0), ['bridge_topology_bridge: must be a string, got an integer 0']),
    (dict(bridge='all'), ["bridge_topology_bridge: 'all' is reserved: the kernel refuses it"]),
    (dict(bridge='lo'), ["bridge_topology_bridge: 'lo' is the loopback interface of the host"]),
    (dict(bridge='br+'), ["bridge_topology_bridge: 'br+' ends with '+', which iptables reads as a wildcard"]),
    (dict(bridge='br*'), ["bridge_topology_bridge: 'br*' contains '*'"]),
    (dict(bridge='!br'), ["bridge_topology_bridge: '!br' starts with '!', which iptables and ansible.builtin.iptables read as a negation"]),
    (dict(bridge='-br'), ["bridge_topology_bridge: '-br' starts with '-', which ip and iptables read as an option"]),
    (dict(bridge='br"0'), ["bridge_topology_bridge: 'br\"0' contains '\"', which iptables -S and shells print escaped"]),
    (dict(bridge='veth-net1'), ["bridge_topology_namespaces[1].host_interface: not set, and its default veth-NAME 'veth-net1' "
                                'is also the name of bridge_topology_bridge']),
    (dict(bridge_address='10.0.1.5'), ["bridge_topology_bridge_address: address '10.0.1.5' must be in CIDR form"]),
    (dict(bridge_address='10.0.1.300/24'), ['bridge_topology_bridge_address: address '
                                            "'10.0.1.300/24' is not a valid IPv4 or IPv6 CIDR"]),
    (dict(bridge_address=None), ['bridge_topology_bridge_address: must be a string (an address in CIDR form), got null']),
    (dict(bridge_address='10.0.1.2/24'), ['bridge_topology_namespaces[1].address: 10.0.1.2 is also the address '
                                          'of bridge_topology_bridge_address']),
    (dict(bridge_address='10.0.1.0/24'), ['bridge_topology_bridge_address: 10.0.1.0/24 is the network address of 10.0.1.0/24']),
    (dict(interface='lo'), ["bridge_topology_interface: 'lo' is the loopback interface of the namespace"]),
    (dict(interface='eth0+'), ["bridge_topology_interface: 'eth0+' ends with '+'"]),
    (dict(mtu=67), ['bridge_topology_mtu: 67 is out of range (68-65535); 0 leaves the kernel default']),
    (dict(mtu='70000'), ['bridge_topology_mtu: 70000 is out of range (68-65535)']),
    (dict(mtu=-1), ['bridge_topology_mtu: -1 is out of range']),
    (dict(mtu='big'), ["bridge_topology_mtu: must be an integer (0 leaves the kernel default), got a string 'big'"]),
    (dict(mtu=1500.5), ['bridge_topology_mtu: must be an integer (0 leaves the kernel default), got a number 1500.5']),
    (dict(mtu=True), ['bridge_topology_mtu: must be an integer (0 leaves the kernel default), got a boolean True']),
    (dict(forward_accept='maybe'), ["bridge_topology_forward_accept: must be true or false (from -e: true/false/yes/no/on/off/1/0), "
                                    "got a string 'maybe'"]),
    (dict(force_teardown='y'), ["bridge_topology_force_teardown: must be true or false"]),  # `| bool` reads 'y' as false
    (dict(install_pyroute2=2), ['bridge_topology_install_pyroute2: must be true or false (from -e: true/false/yes/no/on/off/1/0), '
                                'got an integer 2']),
    (dict(install_pyroute2=None), ['bridge_topology_install_pyroute2: must be true or false']),
    (dict(namespaces=[]), ['bridge_topology_namespaces: is empty: list at least one namespace']),
    (dict(namespaces='net0'), ["bridge_topology_namespaces: must be a list of namespaces, each {name, address}, got a string 'net0' "
                               "(with -e, give a JSON document"]),
    (dict(namespaces={'name': 'net0', 'address': '10.0.1.1/24'}), ['bridge_topology_namespaces: must be a list of namespaces, '
                                                                   "each {name, address}, got a mapping {'name': 'net0'"]),
    (dict(namespaces=None), ['bridge_topology_namespaces: must be a list of namespaces, each {name, address}, got null']),
    (dict(namespaces=entries('net3')), ["bridge_topology_namespaces[3]: must be a mapping with a name and an address, got a string 'net3'"]),
    (dict(namespaces=entries(name=5)), ['bridge_topology_namespaces[0].name: must be a string, got an integer 5']),
    (dict(namespaces=entries(name=None)), ['bridge_topology_namespaces[0]: name is missing (each namespace needs a name and an address)']),
    (dict(namespaces=entries(address=None)), ['bridge_topology_namespaces[0]: address is missing']),
    (dict(namespaces=entries(address=None, adress='10.0.1.1/24')), [
        "bridge_topology_namespaces[0]: unknown key 'adress' (the keys are name, address, interface, host_interface)",
        'bridge_topology_namespaces[0]: address is missing']),
    (dict(namespaces=entries(name='../etc')), ["bridge_topology_namespaces[0].name: '../etc' must not contain \"/\""]),
    (dict(namespaces=entries(name='x' * 256)), ['bridge_topology_namespaces[0].name: is longer than 255 bytes']),
    (dict(namespaces=entries(name='net*')), ["bridge_topology_namespaces[0].name: 'net*' contains '*'"]),
    (dict(namespaces=entries(name='net1')), ["bridge_topology_namespaces[1].name: 'net1' is also the name of bridge_topology_namespaces[0]"]),
    (dict(namespaces=entries(name='a-long-name')), [
        "bridge_topology_namespaces[0].host_interface: not set, and its default veth-NAME 'veth-a-long-name' is longer than "
        '15 bytes (the kernel limit); set host_interface (at most 15 bytes)']),
    (dict(namespaces=entries(name='ü' * 6)), ["bridge_topology_namespaces[0].host_interface: not set, and its default veth-NAME "
                                              "'veth-üüüüüü' is longer than 15 bytes"]),
    (dict(namespaces=entries(name='a:b')), ["bridge_topology_namespaces[0].host_interface: not set, and its default veth-NAME "
                                            "'veth-a:b' contains forbidden character(s) ':'"]),
    (dict(namespaces=entries(host_interface='veth-a-very-long-name')), [
        "bridge_topology_namespaces[0].host_interface: 'veth-a-very-long-name' is longer than 15 bytes (the kernel limit)"]),
    (dict(namespaces=entries(host_interface='veth-net1')), [
        "bridge_topology_namespaces[1].host_interface: not set, and its default veth-NAME 'veth-net1' is also the name of "
        'bridge_topology_namespaces[0].host_interface (on the host, each veth end and the bridge need a name of their own)']),
    (dict(namespaces=entries(host_interface='br0')), [
        "bridge_topology_namespaces[0].host_interface: 'br0' is also the name of bridge_topology_bridge"]),
    (dict(namespaces=entries(host_interface='lo')), ["bridge_topology_namespaces[0].host_interface: 'lo' is the loopback interface of the host"]),
    (dict(namespaces=entries(host_interface='')), ['bridge_topology_namespaces[0].host_interface: must be a non-empty string']),
    (dict(namespaces=entries(interface='lo')), ["bridge_topology_namespaces[0].interface: 'lo' is the loopback interface of the namespace"]),
    (dict(namespaces=entries(interface=['eth0'])), ["bridge_topology_namespaces[0].interface: must be a string, got a list ['eth0']"]),
    (dict(namespaces=entries(interface='default')), ["bridge_topology_namespaces[0].interface: 'default' is reserved"]),
    (dict(namespaces=entries(address='10.0.1.2/24')), [
        'bridge_topology_namespaces[1].address: 10.0.1.2 is also the address of bridge_topology_namespaces[0].address']),
    (dict(namespaces=entries(address='10.0.1.2/16')), [  # the same IP in another subnet is still the same IP
        'bridge_topology_namespaces[1].address: 10.0.1.2 is also the address of bridge_topology_namespaces[0].address']),
    (dict(namespaces=entries(address='10.0.1.255/24')), [
        'bridge_topology_namespaces[0].address: 10.0.1.255/24 is the broadcast address of 10.0.1.0/24, not a host address']),
    (dict(namespaces=entries(address='10.0.1.0/24')), ['bridge_topology_namespaces[0].address: 10.0.1.0/24 is the network address']),
    (dict(namespaces=entries(address='2001:db8::1')), ["bridge_topology_namespaces[0].address: address '2001:db8::1' must be in CIDR form"]),
    (dict(namespaces=entries(address='2001:db8::1/129')), ["bridge_topology_namespaces[0].address: address '2001:db8::1/129' is not a valid"]),
    (dict(namespaces=entries(address=['10.0.1.1/24'])), ['bridge_topology_namespaces[0].address: must be a string (an address in CIDR form), '
                                                         "got a list ['10.0.1.1/24']"]),
])
def test_each_bad_variable_is_named_in_its_own_message(changes, expected):
    problems = bridge_topology_problems(role_vars(**changes))
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected):
        assert problem.startswith(fragment), (problem, fragment)


def test_every_problem_is_listed_at_once():
    bad = role_vars(state='build', bridge='br+', bridge_address='10.0.1.2/24', mtu=10, forward_accept='maybe', namespaces=[
        {'name': 'net0', 'address': '10.0.1.1/24'},
        {'name': 'net0', 'address': '10.0.1.1'},
        {'name': 'a-very-long-name', 'address': '10.0.1.2/24'},
        'net3',
        {'name': 'net4', 'address': '10.0.1.4/24', 'host_interface': 'veth-net0', 'mtu': 1400},
    ])
    problems = bridge_topology_problems(bad)
    assert [p.split(':')[0] for p in problems] == [
        'bridge_topology_state', 'bridge_topology_bridge', 'bridge_topology_mtu',
        'bridge_topology_namespaces[1].name', 'bridge_topology_namespaces[1].address',
        'bridge_topology_namespaces[2].address', 'bridge_topology_namespaces[2].host_interface',
        'bridge_topology_namespaces[3]',
        'bridge_topology_namespaces[4]', 'bridge_topology_namespaces[4].host_interface',
        'bridge_topology_forward_accept',
    ], problems
    assert "unknown key 'mtu'" in problems[8]


def test_variables_not_given_are_not_checked():
    assert bridge_topology_problems({}) == []
    assert bridge_topology_problems({'bridge_topology_mtu': 'x'}) == [
        "bridge_topology_mtu: must be an integer (0 leaves the kernel default), got a string 'x'"]
    with pytest.raises(AnsibleFilterError, match='expects a mapping'):
        bridge_topology_problems(['bridge_topology_mtu'])


# -- the module items ----------------------------------------------------------------------

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


def test_mtu_exclusive_and_force_set_in_every_item():
    namespaces = [{'name': 'net%d' % i, 'address': '10.0.1.%d/24' % (i + 1)} for i in range(3)]
    out = bridge_topology_objects(namespaces, 'br0', 'eth0', '', 1450, True, True)
    assert out['netns'] == [{'name': 'net%d' % i, 'force': True} for i in range(3)]
    assert [v['mtu'] for v in out['veths']] == [1450] * 3
    assert [a['exclusive'] for a in out['addresses']] == [True] * 4  # the bridge's entry too, empty
    assert out['addresses'][-1] == {'interface': 'br0', 'addresses': [], 'exclusive': True}
    assert len(bridge_topology_objects(namespaces, 'br0')['addresses']) == 3  # no entry without an address
    plain = bridge_topology_objects(namespaces, 'br0', mtu='0', exclusive=False)
    assert plain == bridge_topology_objects(namespaces, 'br0')  # the defaults add nothing
    assert 'mtu' not in plain['veths'][0] and 'exclusive' not in plain['addresses'][0] and 'force' not in plain['netns'][0]
    assert bridge_topology_objects(namespaces, 'br0', mtu='1400')['veths'][0]['mtu'] == 1400
    for bad in ('x', True, 1.7, -5, {}, float('inf')):
        with pytest.raises(AnsibleFilterError, match='mtu must be a whole number, 0 for none, got'):
            bridge_topology_objects(namespaces, 'br0', mtu=bad)
    # booleans as Ansible reads them, never a guess: 'no' is false, 'maybe' is refused
    assert 'force' not in bridge_topology_objects(namespaces, 'br0', force='no')['netns'][0]
    assert bridge_topology_objects(namespaces, 'br0', exclusive='yes')['addresses'][0]['exclusive'] is True
    for option in ('exclusive', 'force', 'check'):
        with pytest.raises(AnsibleFilterError, match="%s must be true or false, got 'maybe'" % option):
            bridge_topology_objects(namespaces, 'br0', **{option: 'maybe'})


def test_a_topology_inside_itself_is_a_problem_not_a_recursion_error():
    namespaces = [{'name': 'a', 'address': '10.0.1.1/24'}]
    namespaces.append(namespaces)
    with pytest.raises(AnsibleFilterError, match=r'bridge_topology_namespaces\[1\]: must be a mapping'):
        bridge_topology_objects(namespaces, 'br0')


def test_unchecked_objects_are_the_same_and_bad_input_still_fails_cleanly():
    namespaces = [{'name': 'net%d' % i, 'address': '10.0.1.%d/24' % (i + 1)} for i in range(3)]
    assert bridge_topology_objects(namespaces, 'br0', 'eth0', '10.0.1.254/24', 1400, True, True, False) == \
        bridge_topology_objects(namespaces, 'br0', 'eth0', '10.0.1.254/24', 1400, True, True)
    for bad in ([{'address': '10.0.0.1/24'}], ['x'], None):
        with pytest.raises(AnsibleFilterError, match='the topology is not valid .*bridge_topology_problems lists every problem'):
            bridge_topology_objects(bad, 'br0', check=False)


@pytest.mark.parametrize('bad, fragment', [
    ('net0', 'must be a list'), ([{'name': 'x'}], 'address is missing'), ([{'address': '10.0.0.1/24'}], 'name is missing'),
    (['x'], 'must be a mapping'), ([], 'is empty'), (None, 'got null'), ([{'name': 5, 'address': '10.0.0.1/24'}], 'must be a string'),
    ([{'name': 'x', 'address': {'ip': '10.0.0.1'}}], 'must be a string'), ([{1: 2}], 'unknown key 1'),
])
def test_bad_topology_is_refused_with_every_problem_never_a_traceback(bad, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        bridge_topology_objects(bad, 'br0')
    assert err.value.message.startswith('bridge_topology_objects: bridge_topology_namespaces') and fragment in err.value.message


def test_bad_bridge_is_refused_by_the_objects_filter_too():
    with pytest.raises(AnsibleFilterError, match=r"bridge_topology_bridge: 'br\+' ends with '\+'"):
        bridge_topology_objects(DEFAULTS[NS], 'br+')


# -- gateway and NAT ---------------------------------------------------------------------

@pytest.mark.parametrize('changes, expected', [
    (dict(gateway=True), ['bridge_topology_gateway: is true, so bridge_topology_bridge_address is required']),
    (dict(nat='yes'), ['bridge_topology_nat: is true, so bridge_topology_bridge_address is required']),
    (dict(gateway=True, bridge_address='10.0.2.254/24'),
     ['bridge_topology_namespaces[%d].address: 10.0.1.%d/24 is not in 10.0.2.0/24' % (i, i + 1) for i in range(3)]),
    (dict(gateway=True, bridge_address='2001:db8::1/64'),
     ['bridge_topology_namespaces[0].address: 10.0.1.1/24 is not in 2001:db8::/64']),
    (dict(nat='maybe'), ['bridge_topology_nat: must be true or false']),
])
def test_gateway_and_nat_problems(changes, expected):
    problems = bridge_topology_problems(role_vars(**changes))
    for prefix in expected:
        assert any(p.startswith(prefix) for p in problems), (prefix, problems)


def test_gateway_and_nat_fine():
    assert bridge_topology_problems(role_vars(gateway=True, nat='true',
                                              bridge_address='10.0.1.254/24')) == []
    assert bridge_topology_problems(role_vars(gateway=False, nat='no')) == []


def test_routes_and_nat_objects():
    out = bridge_topology_objects(DEFAULTS[NS], 'br0', 'eth0', '10.0.1.254/24')
    assert out['routes'][0] == {'namespace': 'net0', 'device': 'eth0', 'destination': 'default', 'gateway': '10.0.1.254'}
    assert dict(out['nat'], rules=None) == {'subnet': '10.0.1.0/24', 'family': 'ipv4', 'forwarding': 'net.ipv4.ip_forward',
                                            'rules': None}
    assert out['nat']['rules'] == [
        {'table': 'nat', 'chain': 'POSTROUTING', 'source': '10.0.1.0/24', 'out_interface_not': 'br0', 'jump': 'MASQUERADE'},
        {'out_interface': 'br0', 'ctstate': ['RELATED', 'ESTABLISHED'], 'jump': 'ACCEPT', 'ip_version': 'ipv4'}]
    out = bridge_topology_objects([{'name': 'a', 'address': '2001:db8::2/64'}], 'br0', 'eth0', '2001:db8::1/64')
    assert out['nat']['forwarding'] == 'net.ipv6.conf.all.forwarding' and out['nat']['rules'][1]['ip_version'] == 'ipv6'
    assert bridge_topology_objects(DEFAULTS[NS], 'br0')['routes'] == [] and bridge_topology_objects(DEFAULTS[NS], 'br0')['nat'] is None
