# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Several kinds of objects in one run (module labnet.netns.lab): namespaces, veths, bridges,
# addresses and firewall rules, each list with the options of its own module. One process,
# one socket per namespace, everything validated and planned before anything changes.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.labnet.netns.plugins.module_utils._address import AddressResource
from ansible_collections.labnet.netns.plugins.module_utils._bridge import BridgeResource
from ansible_collections.labnet.netns.plugins.module_utils._common import (
    REPORT_CHOICES, STATE_CHOICES, LabnetError, Step, gc_paused, run_steps)
from ansible_collections.labnet.netns.plugins.module_utils._firewall import FirewallResource
from ansible_collections.labnet.netns.plugins.module_utils._netns import NetnsResource
from ansible_collections.labnet.netns.plugins.module_utils._topology import LAB_OPTIONS, lab_entries
from ansible_collections.labnet.netns.plugins.module_utils._veth import VethResource
from ansible_collections.labnet.netns.plugins.module_utils._vxlan import VxlanResource

# option -> resource, in the order of a build. A teardown removes the rules and the bridges,
# then the namespaces, then what is left of the veths and addresses: a pair with an end inside
# a removed namespace goes with it, all at once, instead of one deletion (and one kernel
# synchronisation) per pair, and addresses inside it need no removal of their own
KINDS = (('namespaces', NetnsResource), ('veths', VethResource), ('vxlans', VxlanResource),
         ('bridges', BridgeResource), ('addresses', AddressResource), ('rules', FirewallResource))
TEARDOWN = ('rules', 'bridges', 'namespaces', 'veths', 'vxlans', 'addresses')
DEFAULTS = ('owner', 'adopt', 'force')  # top-level options: the default of every entry
SETTLE_SECONDS = 10.0


def lab_argument_spec():
    """Each list's entries are checked against their module's options by lab_wants (their
    documentation is the module's: it is not repeated here)."""
    spec = dict(state=dict(type='str', default='present', choices=STATE_CHOICES),
                owner=dict(type='str'), adopt=dict(type='bool'), force=dict(type='bool'),
                report=dict(type='str', default='all', choices=REPORT_CHOICES))
    for option, dummy in KINDS:
        spec[option] = dict(type='list', elements='dict', default=[])
    # checked by lab_entries: ansible-core 2.19 fails with a traceback on a value that is not a
    # mapping for an option of type dict with suboptions
    spec['topology'] = dict(type='raw', options=LAB_OPTIONS)
    return spec


def lab_wants(params, resource, option, entries=None):
    """The objects of one list (ENTRIES, or the option's): each entry checked against its
    module's options (types converted as the module would), over the module's defaults and the
    lab's owner, adopt and force; the state is the lab's."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    sub = dict((name, dict((k, v) for k, v in opt.items() if k not in ('default', 'required')))
               for name, opt in resource.OPTIONS.items() if name != 'state')
    validator = ArgumentSpecValidator(sub)
    base = dict((name, opt.get('default')) for name, opt in resource.OPTIONS.items())
    base.update((k, params[k]) for k in DEFAULTS if params.get(k) is not None and k in base)
    wants = []
    for index, entry in enumerate(params[option] if entries is None else entries):
        validated = as_is(entry, sub)
        if validated is None:  # something to convert, or to refuse: ansible-core's validator decides
            checked = validator.validate(entry)
            if checked.error_messages:
                raise LabnetError('%s[%d]: %s' % (option, index, '; '.join(checked.error_messages)))
            validated = checked.validated_parameters
        want = dict(base)
        want.update((k, v) for k, v in validated.items() if v is not None)
        want['state'] = params['state']
        wants.append(want)
    return wants


# the option types whose values as_is takes when they are of exactly this Python type
_PLAIN_TYPES = {'str': str, 'bool': bool, 'int': int}
_PLAIN_KEYS = frozenset(('type', 'elements', 'choices'))


def as_is(entry, sub):
    """ENTRY as ansible-core's ArgumentSpecValidator(SUB) would validate it, when that is ENTRY
    unchanged: known options only, each value of exactly its option's type (list elements too)
    and within its choices, or None where there are no choices. Else None: the validator is needed (conversion, an
    error). At 1000 namespaces the validator costs a quarter of a second per run for entries
    that are already right (issue 14); tests/unit compare both on random entries."""
    out = dict.fromkeys(sub)
    for key, value in entry.items():
        opt = sub.get(key)
        if opt is None or not _PLAIN_KEYS.issuperset(opt) or value is None and 'choices' in opt:
            return None
        if value is not None:
            values = value if opt.get('type') == 'list' else [value]
            kind = _PLAIN_TYPES.get(opt.get('elements' if opt.get('type') == 'list' else 'type'))
            if kind is None or type(values) is not list or any(type(v) is not kind for v in values):  # noqa: E721 pylint: disable=unidiomatic-typecheck
                return None
            if 'choices' in opt and any(v not in opt['choices'] for v in values):
                return None
        out[key] = value
    return out


def settle(kernel, step, when):
    """After the namespaces of a teardown are removed, the kernel destroys the veth pairs that
    had an end inside them, asynchronously: wait (at most SETTLE_SECONDS) until the other ends,
    which the veth step planned as gone, are gone, so it plans again on what is really left."""
    if when != 'after' or step.option != 'namespaces' or not step.ops():
        return
    deadline = time.time() + SETTLE_SECONDS
    for ns, indexes in ((step.resource.planned or {}).get('vanishing') or {}).items():
        remaining = set(indexes)
        while remaining and time.time() < deadline:
            # one of them asked by index until it is gone, then a dump for the rest: a dump of a
            # host with 1000 veth ends costs as much as a thousand such questions
            if kernel.link(ns, index=max(remaining)) is None:
                remaining &= set(link['index'] for link in kernel.links(ns).values())
                if not remaining:
                    break
            time.sleep(0.005)


def run_lab(module):
    params = module.params
    with gc_paused():  # from the expansion of the topology on (see gc_paused)
        try:
            steps = build_steps(params)
        except LabnetError as exc:
            module.fail_json(msg=exc.msg, changed=False, operations=[])
        run_steps(module, steps, settle=settle if params['state'] == 'absent' else None, report=params['report'])


def build_steps(params):
    """One step per list, in the order of the state; a list holds its own entries, then those
    of the topology."""
    order = [option for option, dummy in KINDS] if params['state'] == 'present' else list(TEARDOWN)
    resources = dict(KINDS)
    extra = lab_entries(params['topology']) if params['topology'] is not None else {}
    steps = []
    for option in order:
        own, added = params[option], extra.get(option, [])
        names = [where + ': ' for dummy, where in added]
        steps.append(Step(resources[option](), lab_wants(params, resources[option], option, own + [e for e, dummy in added]),
                          lambda index, o=option, n=len(own), w=names: '%s[%d]: ' % (o, index) if index < n else w[index - n],
                          option))
    return steps
