# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# net.* sysctls of the host or of a namespace: read / plan / apply. A namespace's values
# are read and written through its own /proc/sys/net (the file opened by this thread inside
# the namespace). Before a value is first changed, the value it had is recorded under
# /run/labnet-netns/sysctl (keyed by the namespace's cookie, with the owner's mark), so that
# state=absent puts it back.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    STATE_CHOICES, LabnetError, Op, Plan, Resource, is_ours, mark_owner)
from ansible_collections.labnet.netns.plugins.module_utils._links import check_namespace, namespace_option, where

_PART_RE = re.compile(r'^[A-Za-z0-9_.@+-]+$')


def parse_key(name, ns):
    """'net.ipv4.ip_forward' or 'net/ipv4/conf/eth0.10/rp_filter' -> ('net.ipv4...', 'net/ipv4/...').
    Only net.* keys: the others are not per network namespace."""
    if not isinstance(name, str) or not name.strip():
        raise LabnetError('name is required (a sysctl key such as net.ipv4.ip_forward)')
    name = name.strip()
    parts = name.split('/') if '/' in name else name.split('.')
    if any(p in ('', '.', '..') or not _PART_RE.match(p) for p in parts):
        raise LabnetError('sysctl key %r is not valid (dotted, net.ipv4.ip_forward, or with slashes when an interface '
                          'name holds a dot, net/ipv4/conf/eth0.10/rp_filter)' % name)
    if parts[0] != 'net' or len(parts) < 3:
        if ns is not None:
            raise LabnetError('sysctl %s is not per network namespace: only net.* keys are; setting it in namespace %s '
                              'would change the whole host' % (name, ns))
        raise LabnetError('sysctl %s is not a net.* key: this module manages network sysctls only '
                          '(use ansible.posix.sysctl for the others)' % name)
    return '.'.join(parts), '/'.join(parts)


def normalize_value(value):
    if value is None:
        return None
    if isinstance(value, bool) or value in ('True', 'False'):  # a YAML boolean, as the str option converts it
        return '1' if value in (True, 'True') else '0'
    return ' '.join(str(value).split())


class SysctlResource(Resource):
    KEY = 'name'
    RESULT_KEY = 'sysctls'
    DEFAULT_OWNER = 'netns_sysctl'
    OPTIONS = dict(
        name=dict(type='str'),
        value=dict(type='str'),
        namespace=namespace_option(),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        owner=dict(type='str'),
    )

    def key(self, want):
        return want['name'] if want['namespace'] is None else '%s: %s' % (want['namespace'], want['name'])

    def validate(self, want):
        check_namespace(want)
        want['name'], want['path'] = parse_key(want['name'], want['namespace'])
        want['value'] = normalize_value(want['value'])
        if want['state'] == 'present' and not want['value']:
            raise LabnetError('value is required with state=present (sysctl %s)' % want['name'])

    def read(self, kernel, wants):
        haves = []
        assume = self.module is not None and self.module.check_mode
        records = {}
        for want in wants:
            ns = want['namespace']
            if not kernel.exists(ns):
                if want['state'] == 'absent':
                    haves.append({'value': None, 'record': None, 'gone': True})
                    continue
                if not assume:
                    kernel.ns_fd(ns)  # the error that says the namespace does not exist
                note = 'namespace %s does not exist: planned as a new namespace (an earlier task would create it)' % ns
                if note not in self.assumed:
                    self.assumed = list(self.assumed) + [note]
                haves.append({'value': kernel.sysctl_get(None, want['path']), 'record': None, 'assumed': True})
                continue
            if ns not in records:
                records[ns] = kernel.records('sysctl', ns)
            haves.append({'value': kernel.sysctl_get(ns, want['path']), 'record': records[ns].get(want['name'])})
        return haves

    def plan(self, want, have):
        return plan_sysctl(want, have)

    @staticmethod
    def do_sysctl(kernel, ns, name, path, value, record=None):
        """Write VALUE; RECORD: {'previous', 'mark'} to record first, or False to forget after."""
        if record:
            kernel.record('sysctl', ns, name, record)
        try:
            kernel.sysctl_set(ns, path, value, 'cannot set sysctl %s to %r in %s' % (name, value, where(ns)))
        except LabnetError:
            if record:  # nothing changed: nothing to put back
                kernel.record('sysctl', ns, name, None)
            raise
        if record is False:
            kernel.record('sysctl', ns, name, None)

    @staticmethod
    def do_forget(kernel, ns, name):
        kernel.record('sysctl', ns, name, None)


def plan_sysctl(want, have):
    """Pure planning for one sysctl."""
    ns, name = want['namespace'], want['name']
    key = name if ns is None else '%s: %s' % (ns, name)
    record = have['record']
    info = {'namespace': ns, 'name': name,
            'previous': record['previous'] if record else None,
            'owner': mark_owner(record['mark']) if record else None}
    before = {'value': have['value']}
    if have.get('gone'):
        return Plan(key, before, before, [], info)
    if have['value'] is None:
        raise LabnetError('sysctl %s does not exist in %s (%s is missing: the kernel lacks the feature, its module '
                          'is not loaded, or the interface does not exist)' % (name, where(ns), '/proc/sys/' + want['path']))
    if want['state'] == 'present':
        if have['value'] == want['value']:
            return Plan(key, before, before, [], info)
        mark = None
        if record is None:  # the first change: the value it had is recorded, to be put back
            mark = {'previous': have['value'], 'mark': want['mark']}
            info.update(previous=have['value'], owner=mark_owner(want['mark']))
        op = Op('sysctl', 'set %s to %s in %s (was %s)' % (name, want['value'], where(ns), have['value']),
                ns=ns, name=name, path=want['path'], value=want['value'], record=mark,
                undo=Op('sysctl', 'set %s back to %s' % (name, have['value']),
                        ns=ns, name=name, path=want['path'], value=have['value'], record=False if mark else None))
        return Plan(key, before, {'value': want['value']}, [op], info)
    # absent: put back what the value was before this owner first changed it
    if record is None or not is_ours(record['mark'], want['owner']):
        if record is not None:
            info['kept'] = True  # recorded by another owner: theirs to restore
        return Plan(key, before, before, [], info)
    info.update(previous=None, owner=None)
    if have['value'] == record['previous']:
        op = Op('forget', 'forget the recorded value of %s in %s (it is %s again)' % (name, where(ns), record['previous']),
                ns=ns, name=name)
        return Plan(key, before, before, [op], info)
    op = Op('sysctl', 'restore %s to %s in %s' % (name, record['previous'], where(ns)),
            ns=ns, name=name, path=want['path'], value=record['previous'], record=False)
    return Plan(key, before, {'value': record['previous']}, [op], info)
