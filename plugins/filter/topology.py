# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in bridge_topology_objects.yml beside this file (named after the filter).

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.labnet.netns.plugins.filter.bridge_topology_problems import bridge_topology_problems
from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._topology import topology_objects


def bridge_topology_objects(namespaces, bridge, interface='eth0', bridge_address='', mtu=0, exclusive=False, force=False,
                            check=True):
    """The items of each module for a bridge topology. MTU (when > 0), EXCLUSIVE and FORCE (when
    true) are set in every veth, address and namespace item: done here, a role at 1000
    namespaces saves a Jinja filter call per item (issue 14). CHECK: first fail with every problem
    (bridge_topology_problems); the role, which checks its variables in its first task, skips it."""
    exclusive, force, check = (_flag(name, value) for name, value in (('exclusive', exclusive), ('force', force), ('check', check)))
    if check:
        problems = bridge_topology_problems({
            'bridge_topology_namespaces': namespaces, 'bridge_topology_bridge': bridge,
            'bridge_topology_interface': interface, 'bridge_topology_bridge_address': bridge_address})
        if problems:
            raise AnsibleFilterError('bridge_topology_objects: %s' % '; '.join(problems))
    try:
        return topology_objects(namespaces, bridge, interface, bridge_address, mtu, exclusive, force)
    except LabnetError as exc:
        raise AnsibleFilterError('bridge_topology_objects: %s' % exc.msg)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # unchecked input (check=false)
        raise AnsibleFilterError('bridge_topology_objects: the topology is not valid (%s: %s); '
                                 'the filter bridge_topology_problems lists every problem' % (type(exc).__name__, exc))


def _flag(name, value):
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleFilterError('bridge_topology_objects: %s must be true or false, got %r' % (name, value))


class FilterModule(object):
    def filters(self):
        return {'bridge_topology_objects': bridge_topology_objects}
