#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: container_netns_link
short_description: Expose a container's network namespace as /run/netns/NAME, and keep it true
version_added: 0.1.0
description:
  - Makes C(ip netns exec NAME ...) work inside a Docker or Podman container, or any process,
    by linking C(/run/netns/NAME) to its network namespace.
  - The link is correct when what C(/run/netns/NAME) resolves to is the same namespace (device and
    inode) as C(/proc/PID/ns/net) of the container's B(current) PID. A link from an earlier container
    lifetime (a symlink that dangles or, after PID reuse, points at a stranger, or a bind mount that
    pins the old namespace alive) is re-pointed on the next run.
  - Refuses a stopped or missing container, a container that shares the host's network namespace,
    a runtime that is not installed, and an existing C(/run/netns/NAME) that is a namespace this
    module did not make (unless O(force=true)).
  - What it made is recorded under C(/run/labnet-netns/links), outside C(/run/netns).
options:
  name:
    description:
      - Name under C(/run/netns). Non-empty, at most 255 bytes, not V(.) or V(..), no V(/).
      - Required unless O(items) is given.
    type: str
  container:
    description: Name or ID of the container. Exactly one of O(container) and O(pid) with O(state=present).
    type: str
  runtime:
    description: Runtime of O(container). V(auto) asks Docker, then Podman, whichever is installed.
    type: str
    choices: [auto, docker, podman]
    default: auto
  pid:
    description: A process whose network namespace to link, instead of a container.
    type: int
  mode:
    description:
      - V(symlink) makes C(/run/netns/NAME) a symlink to C(/proc/PID/ns/net). It holds nothing alive;
        when the container stops it dangles until the next run.
      - V(bind) bind-mounts the namespace there, as C(ip netns attach) does. It keeps the namespace
        alive, so re-run the module after a container restart (it then re-points the mount).
    type: str
    choices: [symlink, bind]
    default: symlink
  state:
    description:
      - V(present) creates or re-points the link.
      - V(absent) removes the link or unmounts the bind mount. It never removes a namespace this
        module did not make, unless O(force=true).
    type: str
    choices: [present, absent]
    default: present
  force:
    description: Replace or remove C(/run/netns/NAME) even when it is a namespace this module did not make.
    type: bool
    default: false
  items:
    description:
      - Many links in one task. Each entry takes the options above; top-level options are the
        defaults for every entry. Mutually exclusive with O(name).
notes:
  - Runs C(docker inspect) or C(podman inspect) on the target to find the container's PID.
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.container_netns_link
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Make `ip netns exec wordpress ...` work in the wordpress container
  labnet.netns.container_netns_link:
    name: wordpress
    container: wordpress

- name: Link every app container at once, as bind mounts
  labnet.netns.container_netns_link:
    items:
      - {name: app1, container: app1}
      - {name: app2, container: app2, runtime: podman}
    mode: bind

- name: Remove the link
  labnet.netns.container_netns_link:
    name: wordpress
    state: absent
'''

RETURN = r'''
links:
  description:
    - One entry per link asked for, in the order asked, with its state after the run.
    - The state is the plan's outcome (what was read before the run, with the planned changes applied), not read back
      from the kernel afterwards, and so the same in check mode as in the real run. M(labnet.netns.netns_info) reads the kernel.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name under /run/netns.
      type: str
      sample: wordpress
    path:
      description: Path of the link.
      type: str
      sample: /run/netns/wordpress
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    mode:
      description: V(symlink) or V(bind).
      returned: when the object is present
      type: str
      sample: symlink
    pid:
      description: The container's current PID (or the O(pid) given).
      returned: when the object is present
      type: int
      sample: 7721
    container:
      description: The container asked for; null in PID mode.
      returned: when the object is present
      type: str
      sample: wordpress
    runtime:
      description: The runtime that answered for the container; null in PID mode.
      returned: when the object is present
      type: str
      sample: docker
    target:
      description: Where the symlink points. With O(mode=symlink).
      type: str
      sample: /proc/7721/ns/net
    netns_id:
      description: Identity of the linked namespace as V(DEV:INODE), the same as RV(links[].identity).
      returned: when the object is present
      type: str
      sample: "4:4026532285"
    identity:
      description: Identity of the linked namespace.
      returned: when the object is present
      type: dict
      contains:
        dev:
          description: Device number of the namespace (nsfs).
          type: int
        ino:
          description: Inode number of the namespace.
          type: int
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["re-point /run/netns/wordpress (symlink) to /proc/8123/ns/net (symlink)"]
diff:
  description: Per link that changes, its state before and after (V(stale) marks a link that pointed elsewhere).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import build_module, run_module
from ansible_collections.labnet.netns.plugins.module_utils._container import ContainerLinkResource


def main():
    resource = ContainerLinkResource()
    run_module(build_module(resource), resource)


if __name__ == '__main__':
    main()
