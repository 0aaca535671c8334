# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Attributes of every changing module of the collection.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: Check mode reads the kernel, plans, and returns the same RV(ignore:changed),
      RV(ignore:diff) and RV(ignore:operations) as a real run, without changing anything.
      Namespaces are never created by being looked at.
  diff_mode:
    support: full
    description: The diff shows, per object that changes, its state before and after.
  idempotent:
    support: full
    description: Existing objects are compared with what was asked and corrected, not only created.
notes:
  - Talks to the kernel through netlink (pyroute2) on the target; it never runs C(ip).
  - Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) on the target.
  - "B(Many objects in one task): every option of a single object can also be given per entry
    of O(items), a list of objects. Top-level options are then the defaults for each entry.
    All entries are validated before anything changes, read once, and applied in order; this is much
    faster than a loop, which costs one module run per entry."
  - "B(Nothing half-made): when the kernel refuses a step, what the run had done to that object is undone
    (for example a bridge it created is removed) and the error says so."
requirements:
  - pyroute2 >= 0.7.2 on the target (Debian 12 C(python3-pyroute2) and PyPI 0.9.x are both tested)
'''

    # The namespace an object lives in; shared by veth, linux_bridge and netns_address.
    NAMESPACE = r'''
options:
  namespace:
    description:
      - Name of the network namespace (under C(/run/netns)) the object lives in.
      - Omitted means the namespace of the process that runs the module, normally the host's.
      - The namespace must exist; it is never created implicitly.
    type: str
'''
