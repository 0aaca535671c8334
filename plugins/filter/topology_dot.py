# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: topology_dot
short_description: Draw the topology read by netns_info as Graphviz DOT
version_added: 0.2.0
description:
  - Renders, on the controller, the namespaces, veth cables and bridge ports of a result of
    M(labnet.netns.netns_info) as a Graphviz C(graph). Each namespace (and the host, labelled V((host)))
    is a cluster; each link a box (bridges an ellipse) labelled with its name, its addresses (not the
    IPv6 link-local ones) and V((down)) when it is down. A veth cable is a line, a bridge port a dashed line.
  - Names are quoted and escaped, so any name (quotes, backslashes, C(-) and C(_)) gives valid DOT.
options:
  _input:
    description: The registered result of M(labnet.netns.netns_info).
    type: dict
    required: true
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Read the lab
  labnet.netns.netns_info:
    routes: false
  register: lab

- name: Write the picture's source on the controller
  ansible.builtin.copy:
    content: "{{ lab | labnet.netns.topology_dot }}"
    dest: "{{ playbook_dir }}/topology.dot"
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
_value:
  description: The DOT text; C(dot -Tpng) turns it into a picture.
  type: str
'''

from ansible_collections.labnet.netns.plugins.plugin_utils._topology import graph, shown_addresses


def _quoted(text):
    return '"%s"' % str(text).replace('\\', '\\\\').replace('"', '\\"').replace('\n', ' ')


def topology_dot(info):
    """The topology of a netns_info result as Graphviz DOT."""
    clusters, edges = graph(info)
    lines = ['graph netns {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];']
    for index, (label, members) in enumerate(clusters):
        lines.append('  subgraph "cluster_%d" {' % index)
        lines.append('    label=%s;' % _quoted(label))
        for node, link in members:
            parts = [link['name']] + shown_addresses(link) + ([] if link.get('up', True) else ['(down)'])
            text = '\\n'.join(_quoted(p)[1:-1] for p in parts)
            shape = ', shape=ellipse' if link.get('kind') == 'bridge' else ''
            lines.append('    %s [label="%s"%s];' % (node, text, shape))
        lines.append('  }')
    for left, right, kind in edges:
        lines.append('  %s -- %s%s;' % (left, right, ' [style=dashed]' if kind == 'port' else ''))
    lines.append('}')
    return '\n'.join(lines) + '\n'


class FilterModule(object):
    def filters(self):
        return {'topology_dot': topology_dot}
