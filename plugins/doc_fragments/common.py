# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Notes and requirements of every changing module of the collection (attributes: labnet.netns.attributes).
    DOCUMENTATION = r'''
options: {}
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

    # Ownership: what the collection made carries a mark; what it did not make is never
    # taken over or removed without being asked. Shared by netns, veth, linux_bridge, netns_address.
    OWNERSHIP = r'''
options:
  owner:
    description:
      - Who makes the objects. Every object the module creates carries the mark C(labnet.netns:OWNER),
        kept by the kernel with the object (for links their interface alias, for namespaces a record under
        C(/run/labnet-netns) keyed by the namespace's identity, not its name), and gone with it.
      - Omitted, objects are marked with the module's name, and any object marked by this collection
        counts as ours. Given (as the role does, with C(bridge_topology/BRIDGE)), only objects with
        exactly that mark count as ours.
      - 1-100 printable characters without white space, quotes or backslashes.
    type: str
  adopt:
    description:
      - What to do with an existing object of that name that is not ours (not marked, or marked by another owner).
      - V(false) (default), O(state=present) refuses to touch it, with a message naming it.
      - V(true), O(state=present) manages it as it is, without marking it; O(state=absent) leaves it
        in place (the result says RV(ignore:kept)), and takes back off only what this owner added to it
        (addresses, bridge ports), as recorded when they were added.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), remove an object that is not ours anyway. Without it, an object that is not ours is
        removed only when it is exactly what the task describes (a veth pair with that peer, in those namespaces;
        the listed addresses), and refused otherwise.
      - M(labnet.netns.netns_address) with O(ignore:exclusive=true) removes unlisted addresses only when they are ours
        (the interface is ours, or this owner added them); O(force=true) removes every unlisted address.
      - O(adopt=true) wins over O(force=true) for objects that are not ours.
    type: bool
    default: false
notes:
  - "B(Ownership): a module never deletes or takes over what the collection did not make, unless told so
    with O(adopt) or O(force). A link created by a run that was killed before it could mark it is still
    recognised through an intent record under C(/run/labnet-netns/intents)."
'''
