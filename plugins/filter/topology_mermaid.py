# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: topology_mermaid
short_description: Draw the topology read by netns_info as a Mermaid flowchart
version_added: 0.2.0
description:
  - Renders, on the controller, the namespaces, veth cables and bridge ports of a result of
    M(labnet.netns.netns_info) as a Mermaid C(flowchart), for Markdown pages that show Mermaid.
    Each namespace (and the host, labelled V((host))) is a subgraph; each link a node (bridges
    rounded) labelled with its name and addresses. A veth cable is a line, a bridge port a dotted line.
  - Node ids are numbered, so names that differ only in C(-) and C(_) never collide; quotes and
    angle brackets in names are written as Mermaid entities.
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

- name: Show it in the log
  ansible.builtin.debug:
    msg: "{{ lab | labnet.netns.topology_mermaid }}"
'''

RETURN = r'''
_value:
  description: The Mermaid text.
  type: str
'''

from ansible_collections.labnet.netns.plugins.plugin_utils._topology import graph, shown_addresses

ENTITIES = (('&', '#amp;'), ('"', '#quot;'), ('<', '#lt;'), ('>', '#gt;'))


def _text(text):
    text = str(text)
    for char, entity in ENTITIES:
        text = text.replace(char, entity)
    return text


def topology_mermaid(info):
    """The topology of a netns_info result as a Mermaid flowchart."""
    clusters, edges = graph(info)
    lines = ['flowchart LR']
    for index, (label, members) in enumerate(clusters):
        lines.append('  subgraph ns%d["%s"]' % (index, _text(label)))
        for node, link in members:
            parts = [link['name']] + shown_addresses(link) + ([] if link.get('up', True) else ['(down)'])
            text = '<br/>'.join(_text(p) for p in parts)
            lines.append('    %s%s' % (node, '(["%s"])' % text if link.get('kind') == 'bridge' else '["%s"]' % text))
        lines.append('  end')
    for left, right, kind in edges:
        lines.append('  %s %s %s' % (left, '-.-' if kind == 'port' else '---', right))
    return '\n'.join(lines) + '\n'


class FilterModule(object):
    def filters(self):
        return {'topology_mermaid': topology_mermaid}
