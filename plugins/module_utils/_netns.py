# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Named network namespaces (/run/netns/NAME): read / plan / apply.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, Resource, claim, is_ours, mark_owner,
    release, validate_netns_name)
from ansible_collections.labnet.netns.plugins.module_utils._links import LinkCache


def destroys(plan):
    """True when PLAN removes a namespace for good (no process keeps it alive): the kernel then
    destroys its interfaces, and the veth pairs with an end inside."""
    return any(op.action == 'remove' and op.text.startswith('remove namespace ') for op in plan.ops)


class NetnsResource(Resource):
    KEY = 'name'
    RESULT_KEY = 'namespaces'
    DEFAULT_OWNER = 'netns'
    OPTIONS = dict(
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        lo_up=dict(type='bool', default=True),
        **OWNERSHIP_OPTIONS
    )

    def validate(self, want):
        if want.get('name') is None:
            raise LabnetError('name is required')
        validate_netns_name(want['name'])

    def reads(self, want):
        return ([want['name']] if want['state'] == 'present' else []), ()

    def read(self, kernel, wants):
        links = LinkCache(kernel, shared=self.shared)
        haves = []
        for want in wants:
            name = want['name']
            have = {'entry': kernel.entry_kind(name), 'lo_up': None, 'pids': [], 'mark': None, 'additions': {}}
            if have['entry'] in ('namespace', 'symlink'):
                have['mark'] = kernel.netns_mark(name)
                ours = is_ours(have['mark'], want['owner'])
                # a namespace of ours that goes: the state of its lo is only the diff's "before"
                # (a teardown of 1000 namespaces saves a link dump in each)
                if want['state'] == 'present' or not ours or self.module is None or self.module._diff:
                    lo = links(name).get('lo')  # the dump, shared with the later steps of a lab
                    have['lo_up'] = bool(lo and lo['up'])
                    if lo and not ours:
                        have['additions'] = kernel.additions(name, lo)  # lo set up by us in a namespace not ours
                if want['state'] == 'absent' and have['entry'] == 'namespace':
                    have['pids'] = kernel.pids_in(kernel.ns_identity(name))
            haves.append(have)
        return haves

    def plan(self, want, have):
        return plan_netns(want, have)

    def register(self, want, plan, planned):
        if want['state'] == 'present':
            planned['namespaces'].add(want['name'])
            planned['links'].setdefault((want['name'], 'lo'), {}).update(up=want['lo_up'], loopback=True, type=772)
        elif destroys(plan):
            planned.setdefault('removed', set()).add(want['name'])

    # -- apply -------------------------------------------------------------------
    @staticmethod
    def do_create(kernel, name, mark):
        if not kernel.create_netns(name, mark) and kernel.netns_mark(name) != mark:
            raise LabnetError('namespace %s appeared meanwhile, made by someone else; not taking it over' % name)

    @staticmethod
    def do_set_lo(kernel, name, up, record=None):
        lo = kernel.link(name, 'lo')
        had_v4 = any(a['index'] == lo['index'] and a['address'] == '127.0.0.1' for a in kernel.addresses(name)) \
            if record is not None else True
        kernel.link_set(name, 'lo', 'cannot set lo %s' % ('up' if up else 'down'), index=lo['index'],
                        state='up' if up else 'down')
        if record is None:
            return
        if up:  # the kernel adds 127.0.0.1/8 when lo comes up, and keeps it when lo goes down
            kernel.record_addition(name, lo['index'], 'lo', _LO_UP, record)
            if not had_v4:
                kernel.record_addition(name, lo['index'], 'lo', _LO_ADDR, record)
            return
        if kernel.additions(name, lo).get(_LO_ADDR) == kernel.additions(name, lo).get(_LO_UP) and had_v4:
            kernel.addr(name, 'del', 'lo', '127.0.0.1', 8, 'cannot remove 127.0.0.1/8 from lo in namespace %s' % name)
        kernel.record_addition(name, lo['index'], 'lo', _LO_UP, None)
        kernel.record_addition(name, lo['index'], 'lo', _LO_ADDR, None)

    @staticmethod
    def do_remove(kernel, name):
        kernel.remove_netns(name)

    TOGETHER = ('remove',)  # a teardown unmounts its namespaces side by side (Kernel.remove_netns_many)

    @staticmethod
    def apply_together(kernel, ops):
        failed = kernel.remove_netns_many([op.args['name'] for op in ops])
        return dict((op, failed[op.args['name']]) for op in ops if op.args['name'] in failed)


_LO_UP = 'set up'
_LO_ADDR = '127.0.0.1/8'


def _state(present, lo_up=None):
    if not present:
        return {'state': 'absent'}
    return {'state': 'present', 'lo_up': lo_up}


def plan_netns(want, have):
    """Pure planning for one namespace. WANT: validated options; HAVE: from read()."""
    name = want['name']
    entry = have['entry']
    path = '/run/netns/%s' % name
    exists = entry in ('namespace', 'symlink')
    before = _state(exists, have['lo_up'])
    ops = []

    if want['state'] == 'present':
        if entry in ('dangling', 'other'):
            raise LabnetError('%s exists but is %s, not a network namespace; remove it first '
                              '(labnet.netns.container_netns_link manages container links)'
                              % (path, 'a dangling symlink' if entry == 'dangling' else 'not a file'))
        if not exists:
            if entry == 'file':
                before['leftover_file'] = True
                ops.append(Op('create', 'replace leftover plain file %s with namespace %s' % (path, name), name=name, mark=want['mark']))
            else:
                ops.append(Op('create', 'create namespace %s' % name, name=name, mark=want['mark'],
                              undo=Op('remove', 'remove namespace %s' % name, name=name)))
            lo_now = False
            mark = want['mark']
        else:
            mark = have['mark']
            ours = claim('namespace %s' % name if entry == 'namespace' else '%s (a link to a namespace)' % path, mark, want)
            lo_now = have['lo_up']
        if lo_now != want['lo_up']:
            # in a namespace that is not ours, lo brought up by us is recorded, and set down again on teardown
            record = None if not exists or ours else (want['mark'] if want['lo_up'] else False)
            ops.append(Op('set_lo', 'set lo %s in namespace %s' % ('up' if want['lo_up'] else 'down', name),
                          name=name, up=want['lo_up'], record=record))
        after = _state(True, want['lo_up'])
    else:
        mark = None
        if entry == 'other':
            raise LabnetError('%s is not a file or a namespace; refusing to remove it' % path)
        if entry in ('namespace', 'symlink') and not release(
                'namespace %s' % name if entry == 'namespace' else '%s (a link to a namespace)' % path, have['mark'], want):
            entry = 'kept'
            mark = have['mark']
            if have['lo_up'] and have['additions'].get(_LO_UP) == want['mark']:
                ops.append(Op('set_lo', 'set lo down in namespace %s (set up by %s)' % (name, want['mark']),
                              name=name, up=False, record=False))
        if entry == 'namespace' and have['pids']:
            pids = ', '.join(str(p) for p in have['pids'])
            if not want['force']:
                raise LabnetError(
                    'namespace %s still has processes (PIDs %s); removing its name would not remove it: '
                    'the namespace and its interfaces would live on unnamed. Stop them first, or set '
                    'force=true to remove the name anyway' % (name, pids))
            ops.append(Op('remove', 'remove name of namespace %s; processes %s keep the namespace itself alive'
                          % (name, pids), name=name))
        elif entry == 'namespace':
            ops.append(Op('remove', 'remove namespace %s' % name, name=name))
        elif entry in ('symlink', 'dangling'):
            ops.append(Op('remove', 'remove symlink %s' % path, name=name))
        elif entry == 'file':
            before['leftover_file'] = True
            ops.append(Op('remove', 'remove leftover plain file %s' % path, name=name))
        after = _state(True, False if ops else have['lo_up']) if entry == 'kept' else _state(False)

    info = {'name': name, 'path': path, 'owner': mark_owner(mark)}
    if entry == 'kept':
        info['kept'] = True
    if have['pids']:
        info['pids'] = have['pids']
    return Plan(name, before, after, ops, info)
