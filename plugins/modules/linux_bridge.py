#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: linux_bridge
short_description: Manage Linux bridges and their ports, on the host or inside a namespace
version_added: 0.1.0
description:
  - Creates, corrects and removes a Linux bridge and attaches ports to it.
  - Only the options that are set are compared, and only attributes that differ are sent to the kernel.
  - "Drift is corrected: a listed port that was detached or attached to another bridge is attached
    again, and a changed MTU, STP setting, forward delay or a bridge that is down is set back."
  - Removing a bridge leaves its former ports in place, detached.
options:
  name:
    description:
      - Name of the bridge. 1-15 bytes; no V(/), V(:), V(%) or white space.
      - Required unless O(items) is given.
    type: str
  state:
    description: V(present) creates or corrects the bridge; V(absent) deletes it (ports stay, detached).
    type: str
    choices: [present, absent]
    default: present
  stp:
    description: Whether the spanning tree protocol is on. Not managed when omitted.
    type: bool
  forward_delay:
    description:
      - Forward delay in centiseconds (V(1500) is 15 s), as C(ip link ... type bridge forward_delay) takes it.
        Not managed when omitted.
      - The kernel keeps it in clock ticks and may report it up to 1 lower than given (V(401) is kept as V(400)
        with C(CONFIG_HZ=250), every value 1 lower with C(CONFIG_HZ=300)); such a value counts as reached, and
        RV(bridges[].forward_delay) shows what the kernel keeps.
      - While STP is on (O(stp=true), or O(stp) omitted and STP on in the kernel) it must be 200-3000 (2-30 s),
        as the kernel clamps or refuses other values then.
    type: int
  mtu:
    description:
      - MTU of the bridge. Not managed when omitted.
      - The kernel re-adjusts a bridge's MTU when a port is added; this module sets it after attaching
        ports, which pins it.
    type: int
  up:
    description: Whether the bridge is up.
    type: bool
    default: true
  ports:
    description:
      - Interfaces (in the bridge's namespace) that must be ports of this bridge. They must exist.
      - Ports not listed are left alone unless O(exclusive_ports=true).
      - A listed interface that is a port of another bridge is moved to this one when the collection made it
        (drift repaired), and so is one whose bridge is another entry of the same task. One it did not make,
        on a bridge of the user's that the task does not describe, is refused before anything changes (nothing
        would put it back), unless O(force=true).
      - The up state of ports is not managed here (M(labnet.netns.veth) does that for veth ends).
      - A port the kernel cannot take (a loopback device, a device that is not Ethernet, a device a macvlan, ipvlan
        or macsec link sits on) is refused before anything changes. If the kernel refuses a port all the same,
        what this run did to the bridge is undone (a bridge it created is removed).
    type: list
    elements: str
  exclusive_ports:
    description: Detach every port that is not listed in O(ports).
    type: bool
    default: false
  items:
    description:
      - Many bridges in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
      - Two entries may not list the same port (in one namespace). A port that one entry attaches is not
        detached by another entry's O(exclusive_ports).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.linux_bridge
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Bridge br0 with the host ends of three veths as ports
  labnet.netns.linux_bridge:
    name: br0
    ports: [veth-net0, veth-net1, veth-net2]
  register: bridge

- name: List what changed
  ansible.builtin.debug:
    var: bridge.operations

- name: A bridge inside a namespace, with STP
  labnet.netns.linux_bridge:
    name: br-core
    namespace: router
    stp: true
    forward_delay: 400

- name: Remove the bridge br0 (its ports stay, detached)
  labnet.netns.linux_bridge:
    name: br0
    state: absent
'''

RETURN = r'''
bridges:
  description:
    - One entry per bridge asked for, in the order asked, with its state after the run.
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
      description: Name of the bridge.
      type: str
      sample: br0
    namespace:
      description: Its namespace; null for the host.
      type: str
      sample: null
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    up:
      description: Whether the bridge is up.
      returned: when the object is present
      type: bool
      sample: true
    ports:
      description: Names of its ports.
      returned: when the object is present
      type: list
      elements: str
      sample: [veth-net0, veth-net1]
    stp:
      description: STP on or off.
      returned: when the option stp is given
      type: bool
      sample: false
    forward_delay:
      description: Forward delay in centiseconds.
      returned: when the option forward_delay is given
      type: int
      sample: 1500
    mtu:
      description: MTU.
      returned: when the option mtu is given
      type: int
      sample: 1500
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
  sample: ["create bridge br0", "attach veth-net0 to bridge br0", "set up br0"]
diff:
  description: Per bridge that changes, its state before and after, keyed by V(NAMESPACE/NAME) (V(NAME) on the host).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._bridge import BridgeResource


def main():
    resource = BridgeResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
