# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in bridge_topology_vxlan.yml and fleet_problems.yml beside this file (named after the filters).


import ipaddress

OVERHEAD = 50  # IPv4 underlay: outer Ethernet, IP, UDP and VXLAN headers


def _get(mapping, key, default=None):
    try:
        value = mapping[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


def _underlay(hostvars, host, underlay='', local=''):
    """(interface, address, mtu, mac) of HOST's underlay; UNDERLAY/LOCAL override (this host's settings)."""
    hv = _get(hostvars, host, {})
    facts = _get(hv, 'ansible_facts', {})
    iface = underlay or _get(hv, 'bridge_topology_vxlan_underlay', '') or _get(_get(facts, 'default_ipv4', {}), 'interface', '')
    data = _get(facts, iface.replace('-', '_'), {}) if iface else {}
    address = local or _get(hv, 'bridge_topology_vxlan_local', '') or _get(_get(data, 'ipv4', {}), 'address', '')
    if not address:
        candidate = str(_get(hv, 'ansible_host', ''))
        try:
            address = str(ipaddress.IPv4Address(candidate))
        except ValueError:
            address = ''
    return iface, address, int(_get(data, 'mtu', 0) or 0), str(_get(data, 'macaddress', '')).lower()


def _macs(hostvars, host):
    facts = _get(_get(hostvars, host, {}), 'ansible_facts', {})
    out = []
    for iface in _get(facts, 'interfaces', []):
        mac = str(_get(_get(facts, iface.replace('-', '_'), {}), 'macaddress', '')).lower()
        if mac and mac != '00:00:00:00:00:00':
            out.append([iface, mac])
    return sorted(out)


def bridge_topology_vxlan(hostvars, hosts, me, settings):
    iface, local, mtu, mac = _underlay(hostvars, me, settings.get('underlay') or '', settings.get('local') or '')
    remotes, unknown = set(), []
    for host in hosts:
        if host == me:
            continue
        address = _underlay(hostvars, host)[1]
        if address:
            remotes.add(address)
        else:
            unknown.append(host)
    remotes.discard(local)
    vni = int(settings['vni'])
    inner = int(settings.get('mtu') or 0) or (mtu - OVERHEAD if mtu else 0)
    return {'name': settings.get('interface') or 'vxlan%d' % vni, 'vni': vni, 'port': int(settings['port']),
            'underlay': iface, 'local': local, 'underlay_mtu': mtu, 'mac': mac, 'mtu': inner,
            'remotes': sorted(remotes, key=ipaddress.ip_address), 'unknown': unknown, 'macs': _macs(hostvars, me)}


def fleet_problems(infos):
    """INFOS: host -> {vxlan (bridge_topology_vxlan's result), bridge, addresses, forward_policy, backend,
    forward_accept, uid, pyroute2}. Returns host -> list of problems (every host is a key)."""
    problems = dict((host, []) for host in infos)
    for host, info in infos.items():
        if info.get('uid') not in (None, 0, '0'):
            problems[host].append('the modules run as uid %s, not root: connect as root, or set ansible_become: true '
                                  '(sudo) for this host' % info['uid'])
        if info.get('pyroute2'):
            problems[host].append('%s cannot import pyroute2 (%s): install python3-pyroute2 (Debian, Ubuntu) or '
                                  '"pip install pyroute2" for it, or set ansible_python_interpreter to a Python that has it'
                                  % (info.get('python'), info['pyroute2']))
    first = {}
    for host in sorted(infos):
        info = infos[host]
        vx = info['vxlan']
        out = problems[host]
        if not vx['local']:
            out.append('no underlay address: give the host a default IPv4 route, or set bridge_topology_vxlan_local')
        if not vx['underlay_mtu']:
            out.append('underlay interface %r not found in the network facts: set bridge_topology_vxlan_underlay'
                       % vx['underlay'])
        elif vx['mtu'] > vx['underlay_mtu'] - OVERHEAD:
            out.append('inner MTU %d does not fit the underlay %s: MTU %d minus %d bytes of VXLAN headers is %d. '
                       'Lower bridge_topology_mtu (0 = %d) or raise the MTU of %s to %d'
                       % (vx['mtu'], vx['underlay'], vx['underlay_mtu'], OVERHEAD, vx['underlay_mtu'] - OVERHEAD,
                          vx['underlay_mtu'] - OVERHEAD, vx['underlay'], vx['mtu'] + OVERHEAD))
        elif vx['mtu'] < 68:
            out.append('underlay %s has MTU %d: too small to carry VXLAN (at least %d)'
                       % (vx['underlay'], vx['underlay_mtu'], 68 + OVERHEAD))
        key = info['bridge']
        seen = first.setdefault(key, (host, vx['vni'], vx['port']))
        if (vx['vni'], vx['port']) != seen[1:]:
            out.append('bridge %s uses VNI %d port %d, but %s uses VNI %d port %d: the hosts of one lab share one VNI and port'
                       % (key, vx['vni'], vx['port'], seen[0], seen[1], seen[2]))
        if info.get('forward_policy') == 'DROP' and not info.get('forward_accept'):
            out.append('the FORWARD policy is DROP (%s backend) and bridge_topology_forward_accept is false: bridged '
                       'traffic would be dropped' % info.get('backend'))
        for other in sorted(infos):
            if other == host:
                continue
            ovx = infos[other]['vxlan']
            if vx['local'] and vx['local'] == ovx['local']:
                out.append('underlay address %s is also the address of %s' % (vx['local'], other))
            theirs = dict((m, i) for i, m in ovx.get('macs', []))
            for iface, mac in vx.get('macs', []):
                if mac in theirs:
                    out.append('MAC address %s of %s is also the MAC of %s on %s (a cloned host?): give one of them '
                               'another MAC' % (mac, iface, theirs[mac], other))
            if infos[other]['bridge'] == key:
                mine = dict((a.split('/')[0], n) for n, a in info['addresses'])
                for name, addr in infos[other]['addresses']:
                    ip = addr.split('/')[0]
                    if ip in mine:
                        out.append('address %s of namespace %s is also the address of namespace %s on %s'
                                   % (ip, mine[ip], name, other))
    return problems


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_vxlan': bridge_topology_vxlan, 'fleet_problems': fleet_problems}
