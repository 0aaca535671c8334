#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: veth
short_description: Manage veth pairs across network namespaces
version_added: 0.1.0
description:
  - Creates, corrects and removes a veth pair whose end O(name) lives in O(namespace) and whose
    other end O(peer) lives in O(peer_namespace).
  - Creation is atomic; the peer is created directly in its namespace with its final name, so a
    failure (a name clash, a missing namespace) leaves nothing behind and no temporary name is used.
  - An existing pair is verified end to end. O(name) must be a veth whose peer really is O(peer) in
    O(peer_namespace). An end found in another namespace is moved back. Moving drops its addresses and
    its up state, so it is brought up again. A wrong MTU, a wrong MAC, or an end that is down is corrected.
  - A same-named interface that is not this pair is an error, never silently accepted.
options:
  name:
    description:
      - Name of the end that lives in O(namespace). 1-15 bytes; no V(/), V(:), V(%) or white space.
      - Required unless O(items) is given.
    type: str
  peer:
    description: Name of the other end, which lives in O(peer_namespace). Same rules as O(name).
    type: str
  peer_namespace:
    description: Namespace of O(peer); omitted means the namespace of the module's process (the host).
    type: str
  state:
    description:
      - V(present) creates or corrects the pair.
      - V(absent) removes the pair wherever its other end is. Deleting either end deletes both.
    type: str
    choices: [present, absent]
    default: present
  mtu:
    description: MTU of both ends. Not managed when omitted.
    type: int
  mac:
    description: MAC address of O(name). Not managed when omitted.
    type: str
  peer_mac:
    description: MAC address of O(peer). Not managed when omitted.
    type: str
  up:
    description: Whether both ends are up.
    type: bool
    default: true
  items:
    description:
      - Many pairs in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
      - An interface (a name in a namespace) may be an end of one entry's pair only, whether as O(name) or O(peer).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.veth
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Join namespaces ns1 and ns2 with a cable
  labnet.netns.veth:
    name: veth-ns1
    namespace: ns1
    peer: veth-ns2
    peer_namespace: ns2
  register: cable

- name: Show the state of the ns1 end
  ansible.builtin.debug:
    msg: "{{ cable.veths[0].name }} is {{ 'up' if cable.veths[0].up else 'down' }}"

- name: One eth0 per namespace, host ends named after the namespace
  labnet.netns.veth:
    items:
      - {namespace: net0, name: eth0, peer: veth-net0}
      - {namespace: net1, name: eth0, peer: veth-net1}
    mtu: 1500

- name: Remove the cable (deleting one end deletes both)
  labnet.netns.veth:
    name: veth-ns1
    namespace: ns1
    peer: veth-ns2
    peer_namespace: ns2
    state: absent
'''

RETURN = r'''
veths:
  description:
    - One entry per pair asked for, in the order asked, with its state after the run.
    - The state is the plan's outcome (what was read before the run, with the planned changes applied), not read back
      from the kernel afterwards, and so the same in check mode as in the real run. M(labnet.netns.netns_info) reads the kernel.
  returned: success
  type: list
  elements: dict
  contains:
    owner:
      description:
        - Who made the object, from its ownership mark (the O(owner) of the run that created it);
          null when the collection did not make it (an adopted object, or an object that is absent).
      type: str
      returned: success
      sample: bridge_topology/br0
    kept:
      description: With O(state=absent) and O(adopt=true), the object is not ours and was left in place.
      type: bool
      returned: when an object that is not ours was kept
      sample: true
    name:
      description: The end in RV(veths[].namespace).
      type: str
      sample: eth0
    namespace:
      description: Namespace of RV(veths[].name); null for the host.
      type: str
      sample: net0
    peer:
      description: The other end.
      type: str
      sample: veth-net0
    peer_namespace:
      description: Namespace of RV(veths[].peer); null for the host.
      type: str
      sample: null
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    up:
      description: Whether RV(veths[].name) is up.
      returned: when the object is present
      type: bool
      sample: true
    peer_up:
      description: Whether RV(veths[].peer) is up.
      returned: when the object is present
      type: bool
      sample: true
    mtu:
      description: MTU of RV(veths[].name).
      returned: when the option mtu is given
      type: int
      sample: 1500
    peer_mtu:
      description: MTU of RV(veths[].peer).
      returned: when the option mtu is given
      type: int
      sample: 1500
    mac:
      description: MAC of RV(veths[].name).
      returned: when the option mac is given
      type: str
      sample: "02:00:00:00:00:01"
    peer_mac:
      description: MAC of RV(veths[].peer).
      returned: when the option peer_mac is given
      type: str
      sample: "02:00:00:00:00:02"
assumed:
  description:
    - Check mode only. What the plan assumed an earlier task of the play would have created
      (a missing namespace planned as empty, a missing interface planned as new); each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["namespace net0 does not exist: planned as an empty namespace (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["create veth net0/eth0 with peer veth-net0", "set up net0/eth0", "set up veth-net0"]
diff:
  description: Per pair that changes, its state before and after, keyed by V(NAMESPACE/NAME) (V(NAME) on the host).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._veth import VethResource


def main():
    resource = VethResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
