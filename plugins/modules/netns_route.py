#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_route
short_description: Manage IPv4 and IPv6 routes of the host or of a namespace
version_added: 0.2.0
description:
  - Adds, corrects and removes unicast routes. A route is known, as the kernel knows it, by its namespace,
    O(table), O(destination) and O(metric); its O(gateway) and O(device) are corrected in place when they differ
    (a route changed or deleted by hand is repaired by the next run).
  - Refused before anything changes, a destination with host bits set (V(10.0.1.5/24)), a gateway of the other
    address family, a route with neither gateway nor device, a device that does not exist, and a gateway on no
    connected subnet of the namespace (of O(device) when given), which the kernel would refuse as unreachable.
  - "B(Ownership): routes have no alias. Each route the module adds is recorded with its mark under
    C(/run/labnet-netns/routes), keyed by the namespace's boot-unique cookie, before it is added, and carries the
    routing protocol number 76 (C(proto 76) in C(ip route)). A route at a recorded table, destination and metric is
    ours, also after it was changed or deleted by hand. Any other route is the user's: O(state=present) refuses it
    unless O(adopt=true), and O(state=absent) and O(exclusive) never remove it unless O(force=true)."
options:
  destination:
    description:
      - The destination network in CIDR form, IPv4 or IPv6 (V(10.0.2.0/24), V(2001:db8:2::/64)); an address without
        prefix length is a host route. Host bits must be zero.
      - V(default) is the default route, IPv6 (V(::/0)) when O(gateway) is an IPv6 address, else IPv4 (V(0.0.0.0/0)).
      - Required unless O(items) is given.
    type: str
  gateway:
    description:
      - The next hop. It must lie in a connected subnet of the namespace (of O(device) when given);
        an IPv6 link-local gateway (V(fe80::1)) needs O(device).
      - Omitted, the route goes directly out of O(device) (IPv4 scope link).
    type: str
  device:
    description:
      - The interface the route goes out of; it must exist. Omitted with a gateway, the kernel takes the interface
        of the gateway's subnet, and any interface is accepted.
    type: str
  metric:
    description: The route's metric (priority). Default as the kernel's, V(0) for IPv4, V(1024) for IPv6.
    type: int
  table:
    description:
      - The routing table, V(main), V(default) or a number from 1 to 4294967295. The kernel's local table (255)
        is refused.
    type: str
    default: main
  state:
    description: V(present) adds or corrects the route; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove the routes of the namespace and table that no entry of the task lists
        (by destination and metric), both address families.
      - Never removed, the kernel's own routes (connected subnets, router advertisements, protocol C(kernel) or C(ra)),
        non-unicast routes, and IPv6 link-local and multicast destinations. The user's routes are kept unless
        O(force=true); the kept ones are listed in the result.
    type: bool
    default: false
  items:
    description:
      - Many routes in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(destination).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns_route
  - labnet.netns.common.ownership
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Default route of a namespace via the bridge address
  labnet.netns.netns_route:
    namespace: net0
    destination: default
    gateway: 10.0.1.254

- name: Both segments of a routed lab, and nothing else in the main table of left0
  labnet.netns.netns_route:
    namespace: left0
    exclusive: true
    items:
      - {destination: 10.0.2.0/24, gateway: 10.0.1.1}
      - {destination: "2001:db8:2::/64", gateway: "2001:db8:1::1"}

- name: A device route in table 100
  labnet.netns.netns_route:
    destination: 192.0.2.0/24
    device: br0
    table: "100"

- name: Remove it
  labnet.netns.netns_route:
    destination: 192.0.2.0/24
    table: "100"
    state: absent
'''

RETURN = r'''
routes:
  description:
    - One entry per route asked for, with its state after the run (in check mode, the predicted one);
      then, with O(exclusive=true), one entry per namespace and table swept.
  returned: success
  type: list
  elements: dict
  contains:
    namespace:
      description: The route's namespace; null for the host.
      type: str
      sample: net0
    destination:
      description: The destination network in CIDR form.
      type: str
      returned: for a route
      sample: 0.0.0.0/0
    table:
      description: The routing table number.
      type: int
      sample: 254
    metric:
      description: The route's metric.
      type: int
      returned: for a route
      sample: 0
    present:
      description: Whether the route exists.
      type: bool
      returned: for a route
      sample: true
    gateway:
      description: Its gateway; null for a device route.
      type: str
      returned: for a route that is present
      sample: 10.0.1.254
    device:
      description: The interface it goes out of.
      type: str
      returned: for a route that is present
      sample: eth0
    owner:
      description:
        - Who made the route, from its ownership record (the O(owner) of the run that added it);
          null for a route the collection did not make, or that is absent.
      type: str
      returned: for a route
      sample: netns_route
    exclusive:
      description: Marks the entry of a table swept by O(exclusive=true).
      type: bool
      returned: for a swept table
      sample: true
    routes:
      description: For a swept table, the routes left that no entry lists and that were not ours (always empty for others).
      type: list
      elements: str
      returned: for a swept table
      sample: []
    kept:
      description:
        - For a route, V(true) when O(state=absent) and O(adopt=true) left a route that is not ours in place.
        - For a swept table, the unlisted routes that are not ours and were kept (without O(force=true)).
      type: raw
      returned: for a route that is not ours and was kept, and for a swept table
      sample: ["10.9.0.0/24 table main metric 0"]
assumed:
  description:
    - Check mode only. What the plan assumed an earlier task of the play would have created
      (a missing namespace, a missing device, an address in the gateway's subnet); each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["namespace net0 does not exist: planned as an empty namespace (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["add route net0: 0.0.0.0/0 table main metric 0 via 10.0.1.254"]
diff:
  description:
    - Per route that changes, whether it is present and its gateway and device, before and after, keyed by
      C(NAMESPACE:) followed by C(DESTINATION table TABLE metric METRIC) (without the namespace on the host).
    - Per swept table, the routes it removes.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._route import RouteResource


def main():
    resource = RouteResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
