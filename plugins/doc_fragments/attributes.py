# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The attributes of every module, written once. A module that changes things uses
    #   extends_documentation_fragment: [labnet.netns.attributes]
    # a module that only reads (an *_info module):
    #   extends_documentation_fragment: [labnet.netns.attributes.info_module]
    # Both declare the platform and the membership in the action group `labnet.netns.netns`
    # (meta/runtime.yml lists every module; validate-modules checks that the two agree).

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the changes it would make without making them.
    support: full
    details:
      - Check mode reads the kernel, plans, and returns the same RV(ignore:changed), RV(ignore:diff) and
        RV(ignore:operations) as a real run, without changing anything. Namespaces are never created by being looked at.
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: full
    details:
      - The diff shows, per object that changes, its state before and after.
  idempotent:
    description: When run twice in a row with the same arguments, the second run changes nothing.
    support: full
    details:
      - Existing objects are compared with what was asked and corrected, not only created.
  platform:
    description: The target operating systems the module can work on.
    support: full
    platforms: linux
  action_group:
    description: Use C(group/labnet.netns.netns) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - labnet.netns.netns
'''

    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the changes it would make without making them.
    support: full
    details:
      - This module only reads; it runs the same way in check mode.
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: N/A
    details:
      - This module only reads; it changes nothing.
  idempotent:
    description: When run twice in a row with the same arguments, the second run changes nothing.
    support: N/A
    details:
      - This module only reads; it changes nothing.
  platform:
    description: The target operating systems the module can work on.
    support: full
    platforms: linux
  action_group:
    description: Use C(group/labnet.netns.netns) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - labnet.netns.netns
'''
