# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters that draw a netns_info result: topology_dot and topology_mermaid."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import shutil
import subprocess

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.netns.plugins.filter.topology_dot import topology_dot
from ansible_collections.labnet.netns.plugins.filter.topology_mermaid import topology_mermaid


def link(name, kind='veth', up=True, master=None, addresses=(), peer=None, **extra):
    out = {'name': name, 'kind': kind, 'up': up, 'mtu': 1500, 'mac': '02:00:00:00:00:01', 'master': master,
           'owner': None, 'addresses': list(addresses)}
    if peer is not None:
        out['peer'] = {'name': peer[1], 'namespace': peer[0], 'known': True}
    out.update(extra)
    return out


def info(host, namespaces):
    return {'host': {'links': [link('lo', kind=None)] + host},
            'namespaces': dict((n, {'kind': 'namespace', 'links': links}) for n, links in namespaces.items()),
            'bridges': {}}


LAB = info([link('veth-net0', master='br0', peer=('net0', 'eth0')), link('br0', kind='bridge', ports=['veth-net0'])],
           {'net0': [link('eth0', addresses=['10.0.1.1/24', 'fe80::1/64'], peer=(None, 'veth-net0'))]})


def dot_ids(dot):
    """{label's first line: node id} of a DOT text."""
    return dict((m.group(2).split('\\n')[0], m.group(1)) for m in re.finditer(r'^\s+(n\d+) \[label="(.*?)"', dot, re.M))


def test_dot_draws_cable_and_port():
    dot = topology_dot(LAB)
    ids = dot_ids(dot)
    assert '  %s -- %s;' % tuple(sorted([ids['veth-net0'], ids['eth0']], key=lambda n: int(n[1:]))) in dot
    assert '  %s -- %s [style=dashed];' % (ids['veth-net0'], ids['br0']) in dot
    assert 'label="(host)";' in dot and 'label="net0";' in dot
    assert '10.0.1.1/24' in dot and 'fe80::1' not in dot and '"lo' not in dot


def test_down_link_is_marked():
    lab = info([link('veth-x', up=False)], {})
    assert 'veth-x\\n(down)' in topology_dot(lab) and 'veth-x<br/>(down)' in topology_mermaid(lab)


NASTY = info([link('a-b', peer=('ns"1', 'a_b')), link('a_b', kind='bridge')],
             {'ns"1': [link('a_b', peer=(None, 'a-b')), link('x\\y', kind=None)]})


def test_dot_quotes_and_escapes_every_name():
    dot = topology_dot(NASTY)
    assert 'label="ns\\"1";' in dot and 'label="x\\\\y"' in dot
    # four distinct nodes, although two names differ only in - and _ and one namespace has a quote
    assert len(set(dot_ids(dot).values())) == 3 and len(re.findall(r'^\s+n\d+ \[', dot, re.M)) == 4


@pytest.mark.skipif(not shutil.which('dot'), reason='graphviz is not installed')
def test_dot_with_nasty_names_is_valid_for_graphviz():
    res = subprocess.run(['dot', '-Tsvg'], input=topology_dot(NASTY).encode(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    assert res.returncode == 0, res.stderr


def test_mermaid_ids_do_not_collide_and_quotes_are_entities():
    mermaid = topology_mermaid(NASTY)
    nodes = re.findall(r'^    (n\d+)[\[(]', mermaid, re.M)
    assert len(nodes) == len(set(nodes)) == 4
    assert 'subgraph ns1["ns#quot;1"]' in mermaid and '"' not in mermaid.replace('["', '').replace('"]', '').replace('(["', '').replace('"])', '')
    # the cable between a-b on the host and a_b in ns"1 joins two different nodes
    edges = re.findall(r'^  (n\d+) --- (n\d+)$', mermaid, re.M)
    assert len(edges) == 1 and edges[0][0] != edges[0][1]


@pytest.mark.parametrize('bad', [None, 'text', {'host': {}}, {'namespaces': {}}])
def test_refuses_what_is_not_a_netns_info_result(bad):
    for render in (topology_dot, topology_mermaid):
        with pytest.raises(AnsibleFilterError, match='netns_info'):
            render(bad)
