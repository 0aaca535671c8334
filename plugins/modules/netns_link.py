#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_link
short_description: Manage macvlan, ipvlan, tap, tun and ipip links, on the host or inside a namespace
version_added: 0.2.0
description:
  - Creates, corrects and removes one link of a simple kind (O(kind)) with that kind's options.
  - Only the options that are set are compared, and only what differs is sent to the kernel.
  - "Drift is corrected: a changed mode, tunnel end, tap/tun owner, MTU or MAC, or a link left down, is set back."
  - "What the kernel cannot change in place is refused, never silently replaced: a link of that name of another
    kind (tun versus tap included), a macvlan or ipvlan on another parent, another O(multi_queue), and a switch
    of a macvlan into or out of V(passthru)."
  - A kind that the target's kernel lacks is an error naming the kind (the kernel answers C(Operation not supported),
    which C(ip) reports as C(Unknown device type)). Kernels built without them lack ipvlan or ipip, for example.
options:
  name:
    description:
      - Name of the link. 1-15 bytes; no V(/), V(:), V(%) or white space.
      - Required unless O(items) is given.
    type: str
  kind:
    description:
      - The kind of link. V(tap) and V(tun) are persistent tun/tap devices (the kernel calls both C(tun)).
      - "Required, also with O(state=absent): a link of that name of another kind is refused, not removed."
    type: str
    choices: [macvlan, ipvlan, tap, tun, ipip]
  state:
    description: V(present) creates or corrects the link; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  link:
    description:
      - The parent (lower) device of a V(macvlan) or V(ipvlan) link; required for those kinds with O(state=present).
      - It is looked up in O(link_namespace) (the host when omitted). When that is not the link's O(namespace),
        the link is created in its namespace directly, in the same request (the parent stays where it is).
      - Not an option of the other kinds.
    type: str
  link_namespace:
    description:
      - The namespace of the parent device O(link). Omitted means the host (the namespace of the process that runs
        the module), also when O(namespace) is set.
    type: str
  mode:
    description:
      - V(macvlan) modes V(private), V(vepa), V(bridge), V(passthru), V(source) (the kernel's default is V(vepa));
        V(ipvlan) modes V(l2), V(l3), V(l3s) (default V(l3)). Not managed when omitted.
      - A macvlan cannot be switched into or out of V(passthru) in place (refused). V(source) mode is created
        without a source MAC list (this module does not manage that list).
    type: str
  user:
    description:
      - V(tap) and V(tun) only. The user (name or uid) allowed to attach to the device without CAP_NET_ADMIN.
        Not managed when omitted.
      - Changing it on an existing device attaches to it for a moment, which fails while a program has it open.
    type: str
  group:
    description: V(tap) and V(tun) only. The group (name or gid) allowed to attach to the device. Not managed when omitted.
    type: str
  multi_queue:
    description: V(tap) and V(tun) only. Whether the device has several queues. Fixed at creation; a difference is refused.
    type: bool
  local:
    description: V(ipip) only. The local IPv4 address of the tunnel. Not managed when omitted.
    type: str
  remote:
    description: V(ipip) only. The remote IPv4 address of the tunnel. Not managed when omitted.
    type: str
  ttl:
    description: V(ipip) only. TTL of the outer packets, 0-255 (V(0) inherits the inner TTL). Not managed when omitted.
    type: int
  mtu:
    description: MTU of the link. Not managed when omitted.
    type: int
  mac:
    description: MAC address of a V(macvlan) or V(tap) link. Not managed when omitted; not an option of the other kinds.
    type: str
  up:
    description: Whether the link is up.
    type: bool
    default: true
  items:
    description:
      - Many links in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
      - The O(link) of a macvlan or ipvlan may be a link that an earlier entry creates (a tap, another macvlan).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns_link
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: A macvlan on the host's eth0, born inside namespace net0
  labnet.netns.netns_link:
    name: mv0
    kind: macvlan
    namespace: net0
    link: eth0            # looked up on the host (link_namespace omitted)
    mode: bridge

- name: A persistent tap device that user qemu may open
  labnet.netns.netns_link:
    name: tap0
    kind: tap
    user: qemu
    mtu: 9000

- name: Several links in one task
  labnet.netns.netns_link:
    items:
      - {name: tun0, kind: tun, multi_queue: true}
      - {name: mv1, kind: macvlan, namespace: router, link: eth1, link_namespace: router, mode: private}
      - {name: ipip0, kind: ipip, local: 192.0.2.1, remote: 198.51.100.1, ttl: 64}

- name: Remove a tap made by this collection
  labnet.netns.netns_link:
    name: tap0
    kind: tap
    state: absent
'''

RETURN = r'''
links:
  description: One entry per link asked for, with its state after the run (in check mode, the predicted state).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the link.
      type: str
      returned: success
      sample: mv0
    namespace:
      description: Its namespace; null for the host.
      type: str
      returned: success
      sample: net0
    kind:
      description: Its kind (O(kind)).
      type: str
      returned: success
      sample: macvlan
    owner:
      description:
        - Who made the link, from its ownership mark (the O(owner) of the run that created it);
          null when the collection did not make it (an adopted link, or a link that is absent).
      type: str
      returned: success
      sample: netns_link
    kept:
      description: With O(state=absent) and O(adopt=true), the link is not ours and was left in place.
      type: bool
      returned: when a link that is not ours was kept
      sample: true
    state:
      description: V(present) or V(absent).
      type: str
      returned: success
      sample: present
    up:
      description: Whether the link is up.
      type: bool
      returned: when present
      sample: true
    mode:
      description: Its mode by name; only when O(mode) was given.
      type: str
      returned: when O(mode) was given and the link is present
      sample: bridge
    link:
      description: Its parent device; only when O(link) was given.
      type: str
      returned: when O(link) was given and the link is present
      sample: eth0
    link_namespace:
      description: The namespace of its parent; only when O(link_namespace) was given.
      type: str
      returned: when O(link_namespace) was given and the link is present
      sample: router
    user:
      description: The uid allowed to attach to the tap/tun device; only when O(user) was given.
      type: int
      returned: when O(user) was given and the link is present
      sample: 1000
    group:
      description: The gid allowed to attach to the tap/tun device; only when O(group) was given.
      type: int
      returned: when O(group) was given and the link is present
      sample: 1000
    multi_queue:
      description: Whether the tap/tun device has several queues; only when O(multi_queue) was given.
      type: bool
      returned: when O(multi_queue) was given and the link is present
      sample: false
    local:
      description: Local address of the ipip tunnel; only when O(local) was given.
      type: str
      returned: when O(local) was given and the link is present
      sample: 192.0.2.1
    remote:
      description: Remote address of the ipip tunnel; only when O(remote) was given.
      type: str
      returned: when O(remote) was given and the link is present
      sample: 198.51.100.1
    ttl:
      description: TTL of the ipip tunnel; only when O(ttl) was given.
      type: int
      returned: when O(ttl) was given and the link is present
      sample: 64
    mtu:
      description: MTU; only when O(mtu) was given.
      type: int
      returned: when O(mtu) was given and the link is present
      sample: 1500
    mac:
      description: MAC address; only when O(mac) was given.
      type: str
      returned: when O(mac) was given and the link is present
      sample: 02:00:00:00:00:01
assumed:
  description:
    - Check mode only. What the plan assumed an earlier task of the play would have created
      (a missing namespace planned as empty, a missing parent planned as new); each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["namespace net0 does not exist: planned as an empty namespace (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["create macvlan net0/mv0 on eth0", "set up net0/mv0"]
diff:
  description: Per link that changes, its state before and after, keyed by V(NAMESPACE/NAME) (V(NAME) on the host).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._kinds import KindResource


def main():
    resource = KindResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
