# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The `items` option of every changing module, documented once: its suboptions are the module's
# top-level options, derived here from the same OPTIONS that argument_spec() in _common.py turns
# into the module's `items` argument spec, so docs and code cannot drift apart (validate-modules
# compares them). A module keeps only its own description of `items`, which wins in the merge:
#   extends_documentation_fragment: [labnet.netns.items.veth]
# A new module adds its (ATTRIBUTE, Resource) pair to the list at the end.

import json

from ansible_collections.labnet.netns.plugins.module_utils._address import AddressResource
from ansible_collections.labnet.netns.plugins.module_utils._bridge import BridgeResource
from ansible_collections.labnet.netns.plugins.module_utils._container import ContainerLinkResource
from ansible_collections.labnet.netns.plugins.module_utils._firewall import FirewallResource
from ansible_collections.labnet.netns.plugins.module_utils._kinds import KindResource
from ansible_collections.labnet.netns.plugins.module_utils._netns import NetnsResource
from ansible_collections.labnet.netns.plugins.module_utils._route import RouteResource
from ansible_collections.labnet.netns.plugins.module_utils._sysctl import SysctlResource
from ansible_collections.labnet.netns.plugins.module_utils._veth import VethResource
from ansible_collections.labnet.netns.plugins.module_utils._vxlan import VxlanResource


def _items(resource):
    suboptions = {}
    for name, spec in resource.OPTIONS.items():
        doc = {'description': 'As the top-level O(%s).' % name, 'type': spec['type']}
        for key in ('choices', 'elements'):
            if key in spec:
                doc[key] = list(spec[key]) if key == 'choices' else spec[key]
        suboptions[name] = doc
    option = {
        'description': ['Many objects in one task. Each entry takes the top-level options; the top-level values are '
                        'the defaults for every entry. Mutually exclusive with O(%s).' % resource.KEY]
        if getattr(resource, 'KEY', None) else
        ['Many objects in one task. Each entry takes the top-level options; the top-level values are '
         'the defaults for every entry.'],
        'type': 'list',
        'elements': 'dict',
        'suboptions': suboptions,
    }
    return json.dumps({'options': {'items': option}}, indent=1, sort_keys=True)


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options: {}
'''


# Set after the class, not in its body: the yamllint sanity test reads the class body as literal
# YAML strings; ansible-doc, validate-modules and antsibull-docs load the class and see these.
for _name, _resource in (('CONTAINER_NETNS_LINK', ContainerLinkResource), ('LINUX_BRIDGE', BridgeResource),
                         ('NETNS', NetnsResource), ('NETNS_ADDRESS', AddressResource),
                         ('NETNS_FIREWALL', FirewallResource), ('VETH', VethResource),
                         ('NETNS_LINK', KindResource), ('NETNS_ROUTE', RouteResource),
                         ('NETNS_SYSCTL', SysctlResource), ('VXLAN', VxlanResource)):
    setattr(ModuleDocFragment, _name, _items(_resource))
