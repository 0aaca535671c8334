#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: lab
short_description: Namespaces, veths, VXLAN devices, bridges, addresses and firewall rules in one task
version_added: 0.2.0
description:
  - A whole lab in one task and one process on the target, as the role C(labnet.netns.bridge_topology)
    uses it. Each list takes the entries that the items of its own module take, with the same
    checks, the same ownership marks and the same results.
  - Every entry of every list is checked, and every list planned, before anything changes; a later
    list plans what an earlier one would create, so a refusal (an object that is not ours, a
    port the kernel would refuse) comes before the first change, and check mode predicts the
    whole run.
  - O(state=present) applies the lists in the order namespaces, veths, vxlans, bridges,
    addresses, rules. O(state=absent) removes rules, bridges, namespaces, then what is left of
    veths, vxlans and addresses; a veth pair with an end inside a removed namespace is destroyed by the kernel
    with it (the module waits until it is gone), which is much faster than deleting pairs one
    by one, and addresses inside a removed namespace go with it.
  - Results are those of the modules, one key per list.
options:
  state:
    description:
      - V(present) makes every entry as described; V(absent) removes what is ours (see the
        modules). The entries take no O(state) of their own.
    type: str
    choices: [present, absent]
    default: present
  owner:
    description:
      - The owner named in the marks of every entry, unless the entry names its own. Default,
        per list, the name of the list's module.
    type: str
  adopt:
    description: O(ignore:adopt) of every entry that does not set its own; see the modules.
    type: bool
  force:
    description: O(ignore:force) of every entry that does not set its own; see the modules.
    type: bool
  report:
    description:
      - What the lists of the result (RV(namespaces), RV(veths), ...) hold. V(all), every object;
        V(changed), only the objects that change (or, in check mode, would change).
      - RV(changed), RV(operations) and the diff are the same either way. At 1000 namespaces, a run
        that changes nothing returns empty lists instead of 3000 entries, which ansible-core
        copies and walks on the controller. The role P(labnet.netns.bridge_topology#role), whose
        result nobody reads, uses V(changed).
    type: str
    choices: [all, changed]
    default: all
    version_added: 0.2.0
  namespaces:
    description: Entries as the items of M(labnet.netns.netns) (without O(labnet.netns.netns#module:state)).
    type: list
    elements: dict
    default: []
  veths:
    description: Entries as the items of M(labnet.netns.veth).
    type: list
    elements: dict
    default: []
  vxlans:
    description: Entries as the items of M(labnet.netns.vxlan).
    type: list
    elements: dict
    default: []
  bridges:
    description: Entries as the items of M(labnet.netns.linux_bridge).
    type: list
    elements: dict
    default: []
  addresses:
    description: Entries as the items of M(labnet.netns.netns_address).
    type: list
    elements: dict
    default: []
  rules:
    description: Entries as the items of M(labnet.netns.netns_firewall).
    type: list
    elements: dict
    default: []
  topology:
    description:
      - A bridge topology as the role P(labnet.netns.bridge_topology#role) describes it, for the
        lists it stands for. Per namespace of O(topology.namespaces), an entry of O(namespaces)
        (its name), of O(veths) (the inner end O(topology.interface) in the namespace, the host end
        C(veth-NAME) outside) and of O(addresses) (its address on the inner end); one entry of
        O(bridges) (O(topology.bridge) with the host ends and O(topology.ports) as its ports); and
        the bridge's own address in O(addresses) (with O(topology.bridge_address), or an empty one
        with O(topology.exclusive)).
      - These entries come after each list's own; an object listed in both is refused as listed twice.
        They take O(owner), O(adopt) and O(force) like the lists' own entries.
      - Every problem of the topology (names, duplicates, addresses, keys) is reported in one
        message, each naming its part (for example C(topology.namespaces[2].address)), before
        anything changes.
      - At 1000 namespaces, a task with the topology hands ansible-core 1000 entries instead of 3000
        to 4000, which saves it a few tenths of a second per run.
      - A mapping with the keys below, or the JSON text of one (C({{ topology | to_json }})). ansible-core
        templates, sends, echoes and passes between its processes one string much faster than 1000
        entries (at 1000 namespaces 0.1-0.15 s less per run, 0.3 s less CPU); the role passes its topology
        so. The type is C(raw) so that the module itself refuses, with a clear message, a value that is
        neither (a list, a number, text that is not JSON or the JSON text of something else).
    type: raw
    version_added: 0.2.0
    suboptions:
      bridge:
        description: The bridge's name.
        type: str
        required: true
      namespaces:
        description:
          - The namespaces, each with the keys C(name) and C(address) (in CIDR form, on the inner end),
            and optionally C(interface) (the inner end's name, default O(topology.interface)) and
            C(host_interface) (the host end's name, default C(veth-NAME)).
        type: list
        elements: dict
        required: true
      interface:
        description: The inner end's name in every namespace that does not set its own.
        type: str
        default: eth0
      bridge_address:
        description: The bridge's own address, in CIDR form; empty for none.
        type: str
        default: ''
      ports:
        description:
          - More ports of the bridge, after the host ends, for example a VXLAN device of O(vxlans).
          - As O(labnet.netns.linux_bridge#module:ports), they must exist (or be made by an earlier list), and an
            interface the collection did not make that is a port of another bridge is refused (unless O(force)).
            An interface of the user's attached here is detached again when teardown deletes the bridge.
        type: list
        elements: str
        default: []
      mtu:
        description: The MTU of the veths (both ends) and of the bridge; V(0) leaves the kernel's MTU.
        type: int
        default: 0
      exclusive:
        description: O(labnet.netns.netns_address#module:exclusive) of every address entry.
        type: bool
        default: false
      force:
        description:
          - O(labnet.netns.netns#module:force) of every namespace entry. With O(state=absent) it removes a
            namespace that still has processes (its name; the processes keep it alive) and, without
            O(adopt), a namespace of that name that the collection did not make.
          - The role's teardown sets it with O(adopt=true), so that only the first applies.
        type: bool
        default: false
requirements:
  - pyroute2 >= 0.7.2 on the target
  - iptables on the target, when O(rules) is not empty
notes:
  - The diff is keyed by list, then by object.
extends_documentation_fragment:
  - labnet.netns.attributes
author:
  - labnet.netns developers (@labnet)
seealso:
  - module: labnet.netns.netns
  - module: labnet.netns.veth
  - module: labnet.netns.linux_bridge
  - module: labnet.netns.netns_address
  - module: labnet.netns.netns_firewall
  - module: labnet.netns.vxlan
'''

EXAMPLES = r'''
- name: Two namespaces on a bridge, with addresses, and the FORWARD rule
  labnet.netns.lab:
    owner: lab/demo
    namespaces:
      - name: net1
      - name: net2
    veths:
      - {name: eth0, namespace: net1, peer: veth-net1}
      - {name: eth0, namespace: net2, peer: veth-net2}
    bridges:
      - {name: br0, ports: [veth-net1, veth-net2]}
    addresses:
      - {interface: eth0, namespace: net1, addresses: [10.0.1.1/24]}
      - {interface: eth0, namespace: net2, addresses: [10.0.1.2/24]}
    rules:
      - {in_interface: br0, jump: ACCEPT}

- name: The same lab from a topology (the entries above, expanded on the target)
  labnet.netns.lab:
    owner: lab/demo
    topology:
      bridge: br0
      namespaces:
        - {name: net1, address: 10.0.1.1/24}
        - {name: net2, address: 10.0.1.2/24}
    rules:
      - {in_interface: br0, jump: ACCEPT}

- name: The same, the topology handed over as one JSON text (faster with many namespaces)
  labnet.netns.lab:
    owner: lab/demo
    topology: "{{ {'bridge': 'br0', 'namespaces': lab_namespaces} | to_json }}"
    rules:
      - {in_interface: br0, jump: ACCEPT}
  vars:
    lab_namespaces:
      - {name: net1, address: 10.0.1.1/24}
      - {name: net2, address: 10.0.1.2/24}

- name: Tear it down (the same lists; only what is ours goes)
  labnet.netns.lab:
    state: absent
    owner: lab/demo
    namespaces: [{name: net1}, {name: net2}]
    veths:
      - {name: eth0, namespace: net1, peer: veth-net1}
      - {name: eth0, namespace: net2, peer: veth-net2}
    bridges: [{name: br0}]
    rules: [{in_interface: br0, jump: ACCEPT}]
  register: down
'''

RETURN = r'''
changed:
  description: Whether anything changed (or, in check mode, would change).
  returned: always
  type: bool
operations:
  description: What was done (or, in check mode, would be done), in order, across all lists.
  returned: always
  type: list
  elements: str
  sample: ["create namespace net1", "set lo up in namespace net1", "create veth net1/eth0 with peer veth-net1"]
namespaces:
  description: One entry per namespace, as RV(labnet.netns.netns#module:namespaces) of M(labnet.netns.netns).
  returned: always (with O(report=changed), the namespaces that change)
  type: list
  elements: dict
veths:
  description: One entry per pair, as RV(labnet.netns.veth#module:veths) of M(labnet.netns.veth).
  returned: always (with O(report=changed), the pairs that change)
  type: list
  elements: dict
vxlans:
  description: One entry per VXLAN device, as RV(labnet.netns.vxlan#module:vxlans) of M(labnet.netns.vxlan).
  returned: always (with O(report=changed), the devices that change)
  type: list
  elements: dict
bridges:
  description: One entry per bridge, as RV(labnet.netns.linux_bridge#module:bridges) of M(labnet.netns.linux_bridge).
  returned: always (with O(report=changed), the bridges that change)
  type: list
  elements: dict
interfaces:
  description: One entry per entry of O(addresses), as RV(labnet.netns.netns_address#module:interfaces) of M(labnet.netns.netns_address).
  returned: always (with O(report=changed), the interfaces whose addresses change)
  type: list
  elements: dict
rules:
  description: One entry per rule, as RV(labnet.netns.netns_firewall#module:rules) of M(labnet.netns.netns_firewall).
  returned: always (with O(report=changed), the rules that change)
  type: list
  elements: dict
assumed:
  description: In check mode, what was planned as if an earlier task had created it.
  returned: when something was assumed
  type: list
  elements: str
diff:
  description: Per list (V(namespaces), V(veths), ...), the objects that change, before and after.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._lab import lab_argument_spec, run_lab


def main():
    from ansible.module_utils.basic import AnsibleModule
    run_lab(AnsibleModule(argument_spec=lab_argument_spec(), supports_check_mode=True))


if __name__ == '__main__':
    main()
