#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vxlan
short_description: Manage VXLAN devices and their remote peers, on the host or inside a namespace
version_added: 0.2.0
description:
  - Creates, corrects and removes a VXLAN device, with its VNI, local address, underlay device, UDP port,
    MAC learning and MTU.
  - The remote peers are kept as the device's all-zeros forwarding entries (head-end replication, so broadcast,
    unknown and multicast frames go to every peer). The list is converged, so a peer that left
    O(remotes) is removed, not only new ones added.
  - "Drift is corrected: a changed MTU or learning setting, a device that is down, a peer entry that was added
    or removed by hand are set back."
  - The kernel cannot change the VNI, port, local address or underlay of an existing device. A device
    of ours that differs in one of them is replaced (deleted and created again, rejoining the bridge it was a port
    of); a device that is not ours (O(adopt=true)) is refused instead.
options:
  name:
    description:
      - Name of the VXLAN device. 1-15 bytes; no V(/), V(:), V(%) or white space.
      - Required unless O(items) is given.
    type: str
  state:
    description: V(present) creates or corrects the device; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  vni:
    description: The VXLAN network identifier, 0-16777215 (24 bits). Required with O(state=present).
    type: int
  local:
    description:
      - The source address of the encapsulated packets (IPv4 or IPv6), normally the address of O(underlay).
      - Not managed when omitted (the kernel then picks the source address by route).
    type: str
  underlay:
    description:
      - The device (in the same namespace) that carries the encapsulated packets. It must exist.
      - It bounds the MTU, see O(mtu). Not managed when omitted.
    type: str
  port:
    description: The UDP destination port. V(4789) is the IANA port (the kernel's own default, V(8472), is not used).
    type: int
    default: 4789
  learning:
    description: Whether the device learns the MACs behind remote peers from the packets it receives.
    type: bool
    default: true
  remotes:
    description:
      - The remote peers, unicast addresses of the same family as O(local). Exactly these all-zeros forwarding
        entries are kept; others are removed. V([]) removes every peer.
      - Not managed when omitted.
    type: list
    elements: str
  mtu:
    description:
      - MTU of the device. Omitted, the kernel sets the MTU of O(underlay) minus the encapsulation
        overhead (50 bytes over IPv4, 70 over IPv6) when the device is created, and it is not managed afterwards.
      - An MTU larger than O(underlay) can carry with the overhead is refused before anything changes (the kernel
        would refuse it, or packets would be lost). Lower O(mtu) or raise the underlay's MTU.
      - "Whatever joins the same bridge must not send larger frames: a veth at 1500 on a bridge with a VXLAN port at
        1450 has its full-size packets dropped silently. Lower the inner MTU, or raise the underlay's."
    type: int
  up:
    description: Whether the device is up.
    type: bool
    default: true
  items:
    description:
      - Many VXLAN devices in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
      - Two entries may not use the same VNI on the same port in one namespace.
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.vxlan
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
notes:
  - The encapsulated traffic is UDP to O(port) on every peer; a firewall on the underlay must let it through.
seealso:
  - module: labnet.netns.linux_bridge
    description: Add the VXLAN device as a port of a bridge to stretch the bridge across hosts.
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: VXLAN 100 over eth0 with two peers, 1450 bytes inside
  labnet.netns.vxlan:
    name: vx100
    vni: 100
    local: 172.31.0.11
    underlay: eth0
    remotes: [172.31.0.12, 172.31.0.13]
    mtu: 1450

- name: Its bridge takes it as a port
  labnet.netns.linux_bridge:
    name: br0
    ports: [vx100]
    mtu: 1450

- name: Remove it
  labnet.netns.vxlan:
    name: vx100
    state: absent
'''

RETURN = r'''
vxlans:
  description: One entry per device asked for, with its state after the run (in check mode, the predicted state).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the device.
      type: str
      sample: vx100
    namespace:
      description: Its namespace; null for the host.
      type: str
      sample: null
    owner:
      description:
        - Who made the object, from its ownership mark (the O(owner) of the run that created it);
          null when the collection did not make it (an adopted object, or an object that is absent).
      type: str
      sample: vxlan
    kept:
      description: With O(state=absent) and O(adopt=true), the object is not ours and was left in place.
      type: bool
      returned: when an object that is not ours was kept
      sample: true
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    vni:
      description: Its VNI. When present.
      type: int
      sample: 100
    local:
      description: Its local address; null when it has none. When present.
      type: str
      sample: 172.31.0.11
    underlay:
      description: Its underlay device; null when it has none. When present.
      type: str
      sample: eth0
    port:
      description: Its UDP port. When present.
      type: int
      sample: 4789
    learning:
      description: Whether it learns remote MACs. When present.
      type: bool
      sample: true
    mtu:
      description: Its MTU (in check mode, null when it depends on an underlay that an earlier task would create). When present.
      type: int
      sample: 1450
    up:
      description: Whether it is up. When present.
      type: bool
      sample: true
    remotes:
      description: Its remote peers (all-zeros forwarding entries), sorted. When present.
      type: list
      elements: str
      sample: [172.31.0.12, 172.31.0.13]
assumed:
  description:
    - Check mode only. What the plan assumed an earlier task of the play would have created
      (a missing namespace planned as empty, a missing underlay planned as new); each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["interface eth1 does not exist: planned as a new interface, down, without addresses (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["create vxlan vx100 (vni 100, port 4789)", "add remote 172.31.0.12 to vxlan vx100", "set up vx100"]
diff:
  description: Per device that changes, its state before and after, keyed by V(NAMESPACE/NAME) (V(NAME) on the host).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._vxlan import VxlanResource


def main():
    resource = VxlanResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
