# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Read-only picture of the host's namespace world: every /run/netns entry classified,
# links / addresses / routes per namespace, veth peers across namespaces, bridges and
# their ports. The host is None, as in every module's results; pictures are drawn on the
# controller (filters topology_dot, topology_mermaid). Never changes anything and never opens
# a namespace in a way that could create it.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import re

from ansible_collections.labnet.netns.plugins.module_utils._common import mark_owner
from ansible_collections.labnet.netns.plugins.module_utils._container import read_marker
from ansible_collections.labnet.netns.plugins.module_utils._entries import netns_path, ns_identity
from ansible_collections.labnet.netns.plugins.module_utils._kinds import kind_of, mode_name
from ansible_collections.labnet.netns.plugins.module_utils._links import UNKNOWN, LinkCache, PeerFinder

_FOREIGN = [(re.compile(r'^netns-[0-9a-f-]{36}$'), 'podman'), (re.compile(r'^cni-[0-9a-f-]{36}$'), 'cni')]


def classify(kernel, name):
    """What /run/netns/NAME is: kind (namespace | container_link | stale), owner, and why stale."""
    path = netns_path(name)
    entry = kernel.entry_kind(name)
    marker = read_marker(kernel, name, entry)
    info = {'path': path, 'entry': entry, 'kind': 'namespace', 'stale': None,
            'owner': mark_owner(kernel.netns_mark(name)) if entry == 'namespace' else None}
    for pattern, owner in _FOREIGN:
        if pattern.match(name):
            info['owner'] = owner
    if marker:
        info['owner'] = 'container_netns_link'
        info['container'] = {'name': marker.get('container'), 'runtime': marker.get('runtime'),
                             'pid': marker.get('pid'), 'mode': marker.get('mode')}
    if entry == 'file':
        info.update(kind='stale', stale='leftover plain file (not a namespace)')
    elif entry == 'dangling':
        info.update(kind='stale', stale='dangling symlink to %s' % os.readlink(path))
    elif entry == 'other':
        info.update(kind='stale', stale='not a file, symlink or namespace')
    elif entry == 'symlink':
        target = os.readlink(path)
        info.update(kind='container_link', target=target)
        pid = re.match(r'^/proc/(\d+)/ns/net$', target)
        if pid and 'container' not in info:
            info['container'] = {'name': None, 'runtime': None, 'pid': int(pid.group(1)), 'mode': 'symlink'}
        if marker and marker.get('netns_id') and marker['netns_id'] != '%d:%d' % ns_identity(path):
            info.update(kind='stale', stale='the PID was reused: the symlink points at another namespace')
    elif entry == 'namespace' and marker:
        info['kind'] = 'container_link'
        pid = marker.get('pid')
        if pid and ns_identity('/proc/%d/ns/net' % pid) != ns_identity(path):
            info.update(kind='stale', stale='bind mount of the namespace of a process that is gone (pid %s)' % pid)
    return info


def _route_text(route, names):
    dst = 'default' if route['dst'] is None and route['dst_len'] == 0 else '%s/%d' % (route['dst'], route['dst_len'])
    text = dst
    if route['gateway']:
        text += ' via %s' % route['gateway']
    if route['oif'] in names:
        text += ' dev %s' % names[route['oif']]
    return text


def gather(kernel, names=None, include_routes=True):
    """The whole picture. NAMES limits the namespaces looked at (None = all)."""
    entries = kernel.list_entries()
    wanted = entries if names is None else [n for n in names if n in entries]
    links = LinkCache(kernel)
    finder = PeerFinder(kernel, links)
    namespaces = {}
    readable = [None]
    for name in wanted:
        info = classify(kernel, name)
        namespaces[name] = info
        if info['entry'] in ('namespace', 'symlink'):
            readable.append(name)
    result = {}
    for ns in readable:
        current = links(ns)
        by_index = dict((l['index'], l['ifname']) for l in current.values())
        addresses = {}
        for addr in kernel.addresses(ns):
            iface = ipaddress.ip_interface('%s/%d' % (addr['address'], addr['prefixlen']))
            addresses.setdefault(addr['index'], []).append(str(iface))
        out_links = []
        for link in sorted(current.values(), key=lambda l: l['index']):
            entry = {'name': link['ifname'], 'kind': kind_of(link), 'up': link['up'],
                     'mtu': link['mtu'], 'mac': link['mac'], 'master': by_index.get(link['master']),
                     'addresses': addresses.get(link['index'], []), 'owner': mark_owner(link['alias'])}
            if link['kind'] == 'veth' and link['link']:
                found = finder.peer_of(ns, link, hints=(None,) if ns is not None else ())
                if found is not None:
                    peer_ns = found[0]
                    entry['peer'] = {'name': found[1]['ifname'],
                                     'namespace': None if peer_ns is UNKNOWN else peer_ns,
                                     'known': peer_ns is not UNKNOWN}
            if link['kind'] in ('macvlan', 'ipvlan'):
                entry['mode'] = mode_name(link['kind'], link.get('mode'))
                found = finder.peer_of(ns, link, hints=(None,) if ns is not None else ()) if link['link'] else None
                if found is not None:
                    entry['parent'] = {'name': found[1]['ifname'],
                                       'namespace': None if found[0] is UNKNOWN else found[0],
                                       'known': found[0] is not UNKNOWN}
            if link['kind'] == 'bridge':
                entry['ports'] = sorted(l['ifname'] for l in current.values() if l['master'] == link['index'])
            out_links.append(entry)
        data = {'links': out_links}
        if include_routes:
            data['routes'] = [_route_text(r, by_index) for r in kernel.routes(ns)
                              if r['type'] == 1]  # unicast
        if ns is None:
            result['host'] = data
        else:
            namespaces[ns].update(data)
    result['namespaces'] = namespaces
    result['bridges'] = dict((l['name'], l['ports']) for l in result['host']['links'] if l['kind'] == 'bridge')
    return result
