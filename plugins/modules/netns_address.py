#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_address
short_description: Manage IPv4 and IPv6 addresses of an interface, on the host or in a namespace
version_added: 0.1.0
description:
  - Adds and removes addresses of an interface and brings the interface up.
  - Addresses are compared as normalised networks (V(2001:DB8::1/64) and V(2001:db8:0::1/64) are one address), never as strings.
  - An address present with another prefix length is replaced.
  - Addresses the kernel would not keep as written are refused before anything changes, V(0.0.0.0) (which the kernel
    ignores), V(::), IPv6 multicast, an IPv6 zone (V(fe80::1%eth0)), V(::1) on other than a loopback device,
    and IPv6 on an interface whose MTU is below 1280.
  - What the kernel removes by itself is added back in the same run, the other IPv4 addresses of a subnet
    whose first (primary) address is removed, and the IPv6 addresses of an interface set down (O(up=false)).
options:
  interface:
    description:
      - Name of the interface; it must exist.
      - Required unless O(items) is given.
    type: str
  addresses:
    description:
      - Addresses in CIDR form, IPv4 or IPv6, for example V(10.0.1.1/24) or V(2001:db8::1/64).
      - At least one, unless O(exclusive=true) and O(state=present), where an empty list removes every address.
    type: list
    elements: str
  state:
    description: V(present) adds the listed addresses; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), remove every other address of the interface, so that the listed ones are the only ones.
        IPv6 link-local addresses (V(fe80::/10)) are kept.
    type: bool
    default: false
  up:
    description: With O(state=present), whether the interface is up (V(false) sets it down).
    type: bool
    default: true
  items:
    description:
      - Many interfaces in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(interface).
      - Two entries may not give one address to two interfaces of one namespace.
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns_address
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Address eth0 of three namespaces
  labnet.netns.netns_address:
    items:
      - {namespace: net0, interface: eth0, addresses: [10.0.1.1/24]}
      - {namespace: net1, interface: eth0, addresses: [10.0.1.2/24]}
      - {namespace: net2, interface: eth0, addresses: [10.0.1.3/24]}

- name: Give the bridge its own address, and only that one
  labnet.netns.netns_address:
    interface: br0
    addresses: [100.100.100.100/24]
    exclusive: true
  register: bridge_address

- name: The bridge has exactly that one address
  ansible.builtin.assert:
    that: bridge_address.interfaces[0].addresses | length == 1

- name: Take the address off the bridge again
  labnet.netns.netns_address:
    interface: br0
    addresses: [100.100.100.100/24]
    state: absent
'''

RETURN = r'''
interfaces:
  description:
    - One entry per interface asked for, in the order asked, with its state after the run.
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
    interface:
      description: Name of the interface.
      type: str
      sample: eth0
    namespace:
      description: Its namespace; null for the host.
      type: str
      sample: net0
    addresses:
      description:
        - All its addresses in CIDR form, IPv4 first, sorted.
        - IPv6 link-local addresses, which the kernel adds by itself, are left out unless listed in O(addresses).
      type: list
      elements: str
      sample: ["10.0.1.1/24"]
    up:
      description: Whether the interface is up.
      type: bool
      sample: true
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
  sample: ["add address 10.0.1.1/24 to net0/eth0", "set up net0/eth0"]
diff:
  description: Per interface that changes, its addresses and up state before and after, keyed by V(NAMESPACE/INTERFACE).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._address import AddressResource


def main():
    resource = AddressResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
