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
    STATE_CHOICES, LabnetError, Op, Plan, Resource, validate_netns_name)


class NetnsResource(Resource):
    KEY = 'name'
    RESULT_KEY = 'namespaces'
    OPTIONS = dict(
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        lo_up=dict(type='bool', default=True),
        force=dict(type='bool', default=False),
    )

    def validate(self, want):
        if want.get('name') is None:
            raise LabnetError('name is required')
        validate_netns_name(want['name'])

    def read(self, kernel, wants):
        haves = []
        for want in wants:
            name = want['name']
            have = {'entry': kernel.entry_kind(name), 'lo_up': None, 'pids': []}
            if have['entry'] in ('namespace', 'symlink'):
                lo = kernel.link(name, 'lo')
                have['lo_up'] = bool(lo and lo['up'])
                if want['state'] == 'absent' and have['entry'] == 'namespace':
                    have['pids'] = kernel.pids_in(kernel.ns_identity(name))
            haves.append(have)
        return haves

    def plan(self, want, have):
        return plan_netns(want, have)

    # -- apply -------------------------------------------------------------------
    @staticmethod
    def do_create(kernel, name):
        kernel.create_netns(name)

    @staticmethod
    def do_set_lo(kernel, name, up):
        kernel.link_set(name, 'lo', 'cannot set lo %s' % ('up' if up else 'down'), state='up' if up else 'down')

    @staticmethod
    def do_remove(kernel, name):
        kernel.remove_netns(name)


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
                ops.append(Op('create', 'replace leftover plain file %s with namespace %s' % (path, name), name=name))
            else:
                ops.append(Op('create', 'create namespace %s' % name, name=name,
                              undo=Op('remove', 'remove namespace %s' % name, name=name)))
            lo_now = False
        else:
            lo_now = have['lo_up']
        if lo_now != want['lo_up']:
            ops.append(Op('set_lo', 'set lo %s in namespace %s' % ('up' if want['lo_up'] else 'down', name),
                          name=name, up=want['lo_up']))
        after = _state(True, want['lo_up'])
    else:
        if entry == 'other':
            raise LabnetError('%s is not a file or a namespace; refusing to remove it' % path)
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
        after = _state(False)

    info = {'name': name, 'path': path}
    if have['pids']:
        info['pids'] = have['pids']
    return Plan(name, before, after, ops, info)
