# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology in a netns_info result as a graph, for the filters topology_dot and
topology_mermaid. Runs on the controller. Private to this collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

HOST_LABEL = '(host)'


def _groups(info):
    """(namespace, links) for the host (namespace None) and then every namespace, by name."""
    if not isinstance(info, dict) or not isinstance(info.get('host'), dict) or not isinstance(info.get('namespaces'), dict):
        raise AnsibleFilterError('expects the registered result of labnet.netns.netns_info '
                                 '(a mapping with host and namespaces)')
    groups = [(None, info['host'].get('links') or [])]
    for name in sorted(info['namespaces']):
        groups.append((name, info['namespaces'][name].get('links') or []))
    return groups


def graph(info):
    """(clusters, edges). CLUSTERS: [(label, [(node id, link)])], the host first; EDGES:
    sorted [(node id, node id, 'veth' or 'port')]. Node ids are n0, n1, ... in order, so that
    names that differ only in characters an id cannot hold (- and _, quotes) never collide."""
    ids = {}
    clusters = []
    groups = _groups(info)
    for namespace, links in groups:
        members = []
        for link in links:
            if link.get('kind') is None and link.get('name') == 'lo':
                continue
            node = 'n%d' % len(ids)
            ids[(namespace, link['name'])] = node
            members.append((node, link))
        if members:
            clusters.append((HOST_LABEL if namespace is None else namespace, members))
    edges = set()
    for namespace, links in groups:
        for link in links:
            here = ids.get((namespace, link['name']))
            if here is None:
                continue
            master = ids.get((namespace, link.get('master')))
            if master is not None:
                edges.add((here, master, 'port'))
            parent = link.get('parent')  # the lower device of a macvlan or ipvlan
            if parent and parent.get('known') and (parent.get('namespace'), parent.get('name')) in ids:
                edges.add((here, ids[(parent.get('namespace'), parent.get('name'))], 'port'))
            peer = link.get('peer')
            if peer and peer.get('known') and (peer.get('namespace'), peer.get('name')) in ids:
                pair = sorted([here, ids[(peer.get('namespace'), peer.get('name'))]], key=lambda n: int(n[1:]))
                edges.add((pair[0], pair[1], 'veth'))
    return clusters, sorted(edges, key=lambda e: (int(e[0][1:]), int(e[1][1:]), e[2]))


def shown_addresses(link):
    """Addresses worth showing in a picture: not the kernel's IPv6 link-local ones."""
    return [a for a in link.get('addresses') or [] if not a.lower().startswith('fe80:')][:3]
