#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_sysctl
short_description: Set net.* sysctls of the host or of a namespace, and put them back
version_added: 0.2.0
description:
  - Sets network sysctls (forwarding, C(rp_filter), C(bridge-nf-call-iptables), ...) of the host or of a network
    namespace, through that namespace's own C(/proc/sys/net) (the module enters the namespace; it never runs
    C(sysctl) or C(ip netns exec)).
  - Before a value is first changed, the value it had is recorded under C(/run/labnet-netns/sysctl), keyed by the
    namespace's boot-unique cookie, with the owner's mark. O(state=absent) puts that value back and drops the record.
  - Only C(net.*) keys; the others are not per network namespace, and are refused (in a namespace, with a message
    that says so). A key that the namespace lacks (a module not loaded, an interface that does not exist) is an error.
  - Values are compared with white space normalised (C(4096 87380 6291456) matches the kernel's tab-separated form).
options:
  name:
    description:
      - The sysctl key, dotted (V(net.ipv4.ip_forward)) or with slashes (V(net/ipv4/conf/eth0.10/rp_filter), needed
        when an interface name holds a dot). Always starts with C(net).
      - Required unless O(items) is given.
    type: str
  value:
    description:
      - The value to set, required with O(state=present). Booleans become V(1) and V(0).
    type: str
  state:
    description:
      - V(present) sets O(value), recording the value it had before (once, at the first change).
      - V(absent) restores the recorded value, when this owner recorded it; a key never changed by this owner is
        left as it is.
    type: str
    choices: [present, absent]
    default: present
  owner:
    description:
      - Who changes the sysctl, recorded with the previous value. O(state=absent) restores only what the same owner
        recorded (omitted, any record of this collection).
      - The first owner to change a key keeps the record; later owners that set it again do not replace the value to
        restore.
      - 1-100 printable characters without white space, quotes or backslashes.
    type: str
  items:
    description:
      - Many sysctls in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns_sysctl
  - labnet.netns.common.namespace
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Make namespace router a router (both families)
  labnet.netns.netns_sysctl:
    namespace: router
    items:
      - {name: net.ipv4.ip_forward, value: "1"}
      - {name: net.ipv6.conf.all.forwarding, value: "1"}

- name: Put the host's forwarding back as it was
  labnet.netns.netns_sysctl:
    name: net.ipv4.ip_forward
    state: absent
'''

RETURN = r'''
sysctls:
  description: One entry per key asked for, with its value after the run (in check mode, the predicted one).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The key, dotted.
      type: str
      sample: net.ipv4.ip_forward
    namespace:
      description: Its namespace; null for the host.
      type: str
      sample: router
    value:
      description: Its value (null for a namespace that is gone).
      type: str
      sample: "1"
    previous:
      description: The recorded value that O(state=absent) puts back; null when none is recorded.
      type: str
      sample: "0"
    owner:
      description: The owner that recorded the previous value; null when none is recorded.
      type: str
      sample: netns_sysctl
    kept:
      description: With O(state=absent), the previous value was recorded by another owner and was not restored.
      type: bool
      returned: when another owner's record was kept
      sample: true
assumed:
  description:
    - Check mode only. A namespace that an earlier task of the play would create, planned with the host's values;
      each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["namespace router does not exist: planned as a new namespace (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["set net.ipv4.ip_forward to 1 in namespace router (was 0)"]
diff:
  description: "Per key that changes, its value before and after, keyed by C(NAMESPACE: KEY) (C(KEY) on the host)."
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._sysctl import SysctlResource


def main():
    resource = SysctlResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
