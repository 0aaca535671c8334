#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns
short_description: Manage named Linux network namespaces
version_added: 0.1.0
description:
  - Creates and removes named network namespaces under C(/run/netns), as C(ip netns add) and
    C(ip netns delete) do, and keeps their loopback interface up.
  - A namespace exists only when C(/run/netns/NAME) is a real namespace (an nsfs mount or a
    symlink to one). A leftover plain file of that name, as a crash between creating the file and
    mounting it leaves behind, is not taken for a namespace; it is replaced.
  - Takes the same lock on C(/run/netns) that iproute2 takes.
options:
  name:
    description:
      - Name of the namespace. Non-empty, at most 255 bytes, not V(.) or V(..), no V(/).
      - Required unless O(items) is given.
    type: str
  state:
    description:
      - V(present) creates the namespace if needed and corrects the state of C(lo).
      - V(absent) removes the name of a namespace that is ours. It refuses when processes still run in the
        namespace, unless O(force=true); the namespace and its interfaces then live on, unnamed, until the
        last process exits, and the returned operation says so.
    type: str
    choices: [present, absent]
    default: present
  lo_up:
    description:
      - Whether the loopback interface C(lo) of the namespace is up. A new namespace has it down;
        by default it is brought up, and an existing namespace whose C(lo) is down is corrected.
      - V(false) sets it down.
    type: bool
    default: true
  items:
    description:
      - Many namespaces in one task. Each entry takes the options above; top-level options are
        the defaults for every entry. Mutually exclusive with O(name).
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns
  - labnet.netns.common.ownership
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Create namespace ns1 with lo up
  labnet.netns.netns:
    name: ns1

- name: Create the three namespaces of a bridge lab in one task
  labnet.netns.netns:
    items:
      - name: net0
      - name: net1
      - name: net2

- name: Remove a namespace even if a process still runs in it
  labnet.netns.netns:
    name: ns1
    state: absent
    force: true
'''

RETURN = r'''
namespaces:
  description:
    - One entry per namespace asked for, in the order asked, with its state after the run.
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
      description: Name of the namespace.
      type: str
      sample: net0
    path:
      description: Path of the namespace entry.
      type: str
      sample: /run/netns/net0
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    lo_up:
      description: Whether C(lo) is up.
      returned: when the object is present
      type: bool
      sample: true
    pids:
      description: Processes found in the namespace when it was to be removed.
      type: list
      elements: int
      returned: when processes run in a namespace with O(state=absent)
      sample: [4242]
assumed:
  description:
    - Check mode only. What the plan assumed an earlier task of the play would have created
      (a missing namespace planned as empty, a missing interface planned as new); each is also a warning.
  returned: in check mode, when something was assumed
  type: list
  elements: str
  sample: ["namespace net0 does not exist: planned as an empty namespace (an earlier task would create it)"]
operations:
  description: The changes made (in check mode, the changes that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["create namespace net0", "set lo up in namespace net0"]
diff:
  description: Per namespace that changes, its state before and after.
  returned: when diff mode is on
  type: dict
  sample: {"before": {"net0": {"state": "absent"}}, "after": {"net0": {"state": "present", "lo_up": true}}}
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._netns import NetnsResource


def main():
    resource = NetnsResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
