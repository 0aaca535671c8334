#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_info
short_description: Facts about every network namespace, its links, peers and bridges
version_added: 0.1.0
description:
  - Reports every entry of C(/run/netns), and for each readable namespace (and the host) its links
    (name, kind, up, MTU, MAC, master bridge, veth peer with the peer's namespace, parent and mode of a
    macvlan or ipvlan link), addresses and routes.
  - Classifies entries as plain namespaces, container links (and for which container and PID), or stale
    entries (a dangling symlink, a symlink whose PID was reused, a bind mount of a gone process's
    namespace, a leftover plain file). Each entry and link says who made it in C(owner),
    this collection's ownership marks, or another tool such as Podman (C(netns-UUID)).
  - Lists the host's bridges with their ports, so a topology reads end to end. For example, namespace
    eth0 -> veth peer -> bridge port -> bridge.
  - The host is null wherever a namespace is named (as in the results of every module of the collection), and a
    link's administrative state is the boolean RV(host.links[].up), as the option O(labnet.netns.veth#module:up) of the modules.
  - The filters P(labnet.netns.topology_dot#filter) and P(labnet.netns.topology_mermaid#filter) draw the result on the controller.
  - Everything is read from the kernel at the time of the run.
  - Never changes anything, and never creates a namespace by opening it.
options:
  names:
    description: Only these namespaces (entries that do not exist are left out). All when omitted.
    type: list
    elements: str
  routes:
    description: Whether to report routes.
    type: bool
    default: true
extends_documentation_fragment:
  - labnet.netns.attributes.info_module
notes:
  - Talks to the kernel through netlink (pyroute2) on the target; it never runs C(ip).
  - Needs root on the target to enter namespaces.
requirements:
  - pyroute2 >= 0.7.2 on the target
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Read the lab
  labnet.netns.netns_info:
  register: lab

- name: net0's eth0 is cabled to a port of br0
  ansible.builtin.assert:
    that:
      - (lab.namespaces.net0.links | selectattr('name', 'eq', 'eth0') | first).peer.name in lab.bridges.br0

- name: A picture of the topology, drawn on the controller (dot -Tpng /tmp/lab.dot turns it into a PNG)
  ansible.builtin.copy:
    content: "{{ lab | labnet.netns.topology_dot }}"
    dest: /tmp/lab.dot
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
namespaces:
  description: Every /run/netns entry asked for, keyed by name.
  returned: always
  type: dict
  contains:
    path:
      description: Path of the entry.
      type: str
    entry:
      description: What the path is. V(namespace) (an nsfs mount), V(symlink), V(dangling), V(file) or V(other).
      type: str
    kind:
      description: V(namespace), V(container_link), or V(stale).
      type: str
    stale:
      description: Why the entry is stale; null when it is not.
      type: str
    owner:
      description:
        - Who made the namespace. For a namespace this collection made, the owner of its ownership mark
          (for example V(netns) or V(bridge_topology/br0)); V(container_netns_link) for a container link of this
          collection; V(podman) or V(cni) for entries of those tools; null otherwise (for example C(ip netns add)).
      type: str
    container:
      description: For container links, the container, runtime, PID and mode as far as known.
      type: dict
      returned: for container links
    target:
      description: Where a symlink entry points.
      type: str
      returned: for symlinks
    links:
      description: The links of the namespace (as in RV(host.links)). Only for readable namespaces.
      type: list
      elements: dict
      returned: when the namespace can be read
    routes:
      description: Routes of the main table, as C(ip route) prints them (C(DST [via GW] [dev IF])).
      type: list
      elements: str
      returned: when the namespace can be read and O(routes=true)
host:
  description: The namespace the module runs in (normally the host's).
  returned: always
  type: dict
  contains:
    links:
      description: Its links.
      type: list
      elements: dict
      contains:
        name:
          description: Interface name.
          type: str
        kind:
          description:
            - Link kind (V(veth), V(bridge), V(macvlan), ...); null for plain devices such as C(lo).
            - Persistent tun/tap devices (the kernel's kind C(tun)) are reported as V(tun) or V(tap).
          type: str
        up:
          description: Whether the link is up (its administrative state, C(IFF_UP)).
          type: bool
        mtu:
          description: MTU.
          type: int
        mac:
          description: MAC address.
          type: str
        master:
          description: The bridge this link is a port of; null when none.
          type: str
        owner:
          description: The owner named in the link's ownership mark (its interface alias); null when the collection did not make it.
          type: str
        addresses:
          description: Addresses in CIDR form.
          type: list
          elements: str
        peer:
          description: For a veth, the other end.
          type: dict
          returned: for veths
          contains:
            name:
              description: Name of the other end.
              type: str
            namespace:
              description: Its namespace; null for the host, and null when it has no name under /run/netns (then RV(host.links[].peer.known=false)).
              type: str
            known:
              description: False when the other end is in a namespace without a name under /run/netns.
              type: bool
        mode:
          description: For a macvlan or ipvlan link, its mode by name (V(bridge), V(l2), ...).
          type: str
          returned: for macvlan and ipvlan links
        parent:
          description: For a macvlan or ipvlan link, its parent (lower) device.
          type: dict
          returned: for macvlan and ipvlan links
          contains:
            name:
              description: Name of the parent device.
              type: str
            namespace:
              description: Its namespace; null for the host, and null when it has no name under /run/netns (then RV(host.links[].parent.known=false)).
              type: str
            known:
              description: False when the parent is in a namespace without a name under /run/netns.
              type: bool
        ports:
          description: For a bridge, its ports.
          type: list
          elements: str
          returned: for bridges
    routes:
      description: Routes of the main table.
      type: list
      elements: str
      returned: when O(routes=true)
bridges:
  description: The host's bridges and their ports.
  returned: always
  type: dict
  sample: {"br0": ["veth-net0", "veth-net1", "veth-net2"]}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.labnet.netns.plugins.module_utils._common import (
    LabnetError, run_reader, validate_netns_name)
from ansible_collections.labnet.netns.plugins.module_utils._info import gather


def main():
    module = AnsibleModule(argument_spec=dict(names=dict(type='list', elements='str'),
                                              routes=dict(type='bool', default=True)),
                           supports_check_mode=True)
    names = module.params['names']
    try:
        for name in names or []:
            validate_netns_name(name)
    except LabnetError as exc:
        module.fail_json(msg=exc.msg)
    run_reader(module, lambda kernel: gather(kernel, names, module.params['routes']))


if __name__ == '__main__':
    main()
