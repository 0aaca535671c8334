# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# A container's network namespace exposed as /run/netns/NAME, kept true across restarts:
# read / plan / apply. The link is right when the identity (st_dev, st_ino) of what
# /run/netns/NAME resolves to equals that of /proc/PID/ns/net of the container's current PID.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    STATE_CHOICES, LabnetError, Op, Plan, Resource, validate_netns_name)
from ansible_collections.labnet.netns.plugins.module_utils._entries import cookie_of, netns_path, ns_identity, write_json

RUNTIMES = ['docker', 'podman']
MARKER_DIR = '/run/labnet-netns/links'


def marker_path(name):
    return os.path.join(MARKER_DIR, name + '.json')


def read_marker(kernel, name, entry=None):
    """The record of link NAME, when it still describes what /run/netns/NAME is: a record
    outlives its entry when someone else removes the entry, and must then mean nothing (the
    name may since belong to a namespace of the user's)."""
    try:
        with open(marker_path(name)) as handle:
            marker = json.load(handle)
    except (OSError, ValueError):
        return None
    entry = entry or kernel.entry_kind(name)
    path = netns_path(name)
    if marker.get('mode') == 'bind':
        if entry != 'namespace' or marker.get('netns_id') != _identity_text(ns_identity(path)):
            return None
        if marker.get('cookie') is not None and marker['cookie'] != kernel.ns_cookie(name):
            return None  # same inode number, another namespace: the inode was reused
    elif entry not in ('symlink', 'dangling') or os.readlink(path) != '/proc/%s/ns/net' % marker.get('pid'):
        return None
    return marker


def _identity_text(ident):
    return None if ident is None else '%d:%d' % ident


class ContainerLinkResource(Resource):
    KEY = 'name'
    RESULT_KEY = 'links'
    OPTIONS = dict(
        name=dict(type='str'),
        container=dict(type='str'),
        runtime=dict(type='str', default='auto', choices=['auto'] + RUNTIMES),
        pid=dict(type='int'),
        mode=dict(type='str', default='symlink', choices=['symlink', 'bind']),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        force=dict(type='bool', default=False),
    )

    def validate(self, want):
        if want.get('name') is None:
            raise LabnetError('name is required')
        validate_netns_name(want['name'])
        if want['state'] == 'present':
            if (want['container'] is None) == (want['pid'] is None):
                raise LabnetError('give exactly one of container or pid')
            if want['pid'] is not None and want['pid'] <= 0:
                raise LabnetError('pid %d is not a process ID' % want['pid'])
            if want['container'] is not None and not want['container'].strip():
                raise LabnetError('container must not be empty')

    # -- read ---------------------------------------------------------------------------
    def read(self, kernel, wants):
        # the host: this process's namespace, and PID 1's where it can be read
        host = set(i for i in (ns_identity('/proc/1/ns/net'), kernel.home_identity) if i is not None)
        haves = []
        for want in wants:
            name = want['name']
            path = netns_path(name)
            entry = kernel.entry_kind(name)
            have = {'entry': entry, 'identity': ns_identity(path) if entry != 'missing' else None,
                    'symlink': None, 'marker': read_marker(kernel, name, entry), 'target': None}
            if entry in ('symlink', 'dangling'):
                have['symlink'] = os.readlink(path)
            if want['state'] == 'present':
                have['target'] = self._resolve(want, host)
            haves.append(have)
        return haves

    def _resolve(self, want, host):
        """The container's current PID and namespace identity; refusals as LabnetError."""
        runtime = None
        if want['pid'] is not None:
            pid = want['pid']
            what = 'process %d' % pid
        else:
            runtime, pid, network = self._inspect(want['container'], want['runtime'])
            what = '%s container %s' % (runtime, want['container'])
            if network == 'host':
                raise LabnetError('%s shares the host\'s network namespace (--network host); '
                                  'there is nothing to link' % what)
        path = '/proc/%d/ns/net' % pid
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise LabnetError('%s does not exist (no %s)' % (what, path))
            raise LabnetError('cannot read the network namespace of %s: %s' % (what, exc))
        ident = (st.st_dev, st.st_ino)
        if ident in host:
            raise LabnetError('%s shares the host\'s network namespace; there is nothing to link' % what)
        return {'pid': pid, 'runtime': runtime, 'identity': ident, 'path': path, 'cookie': cookie_of(path)}

    def _inspect(self, container, runtime):
        candidates = RUNTIMES if runtime == 'auto' else [runtime]
        installed = [(r, self.module.get_bin_path(r)) for r in candidates]
        installed = [(r, b) for r, b in installed if b]
        if not installed:
            raise LabnetError('%s not installed on the target (not found in PATH)' % (
                'no container runtime (docker or podman) is' if runtime == 'auto' else 'runtime %s is' % runtime))
        errors = []
        for name, binary in installed:
            rc, out, err = self.module.run_command(
                [binary, 'inspect', '--type', 'container', '--format',
                 '{{.State.Pid}} {{.State.Running}} {{.HostConfig.NetworkMode}}', container])
            if rc != 0:
                errors.append('%s: %s' % (name, (err or out).strip().splitlines()[-1] if (err or out).strip() else 'rc %d' % rc))
                continue
            fields = out.split()
            if len(fields) != 3 or not fields[0].isdigit():
                raise LabnetError('unexpected answer from %s inspect %s: %r' % (name, container, out))
            if fields[1] != 'true' or fields[0] == '0':
                raise LabnetError('%s container %s is not running; start it first' % (name, container))
            return name, int(fields[0]), fields[2]
        raise LabnetError('container %s not found (%s)' % (container, '; '.join(errors)))

    # -- plan / apply ---------------------------------------------------------------------
    def plan(self, want, have):
        return plan_link(want, have)

    @staticmethod
    def do_link(kernel, name, target, bind, marker):
        kernel.link_entry(name, target, bind)
        _write_marker(name, marker)

    @staticmethod
    def do_unlink(kernel, name):
        kernel.remove_netns(name)
        try:
            os.unlink(marker_path(name))
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise LabnetError('cannot remove %s: %s' % (marker_path(name), exc))


def _write_marker(name, marker):
    write_json(marker_path(name), marker)


def _before(have):
    entry = have['entry']
    if entry == 'missing':
        return {'state': 'absent'}
    state = {'state': 'present', 'netns_id': _identity_text(have['identity'])}
    if entry in ('symlink', 'dangling'):
        state.update(mode='symlink', target=have['symlink'])
    elif entry == 'namespace':
        state['mode'] = 'bind' if have['marker'] else 'namespace'
    else:
        state['mode'] = 'leftover file' if entry == 'file' else entry
    if have['marker'] and have['marker'].get('pid'):
        state['pid'] = have['marker']['pid']
    return state


def plan_link(want, have):
    """Pure planning for one container link."""
    name = want['name']
    path = netns_path(name)
    entry = have['entry']
    ours = have['marker'] is not None
    before = _before(have)
    info = {'name': name, 'path': path}

    if want['state'] == 'absent':
        if entry == 'other':
            raise LabnetError('%s is neither a link nor a namespace; refusing to remove it' % path)
        if entry == 'namespace' and not ours and not want['force']:
            raise LabnetError('%s is a namespace this module did not make (e.g. from ip netns add); '
                              'remove it with labnet.netns.netns, or set force=true' % path)
        ops = [] if entry == 'missing' else [Op('unlink', 'remove %s' % path, name=name)]
        return Plan(name, before, {'state': 'absent'}, ops, info)

    target = have['target']
    bind = want['mode'] == 'bind'
    info.update(pid=target['pid'], runtime=target['runtime'], container=want['container'],
                mode=want['mode'], identity={'dev': target['identity'][0], 'ino': target['identity'][1]})
    after = {'state': 'present', 'mode': want['mode'], 'netns_id': _identity_text(target['identity']),
             'pid': target['pid']}
    if not bind:
        after['target'] = target['path']

    if entry == 'other':
        raise LabnetError('%s exists and is neither a link nor a namespace; refusing to replace it' % path)
    if entry == 'namespace' and not ours and not want['force']:
        raise LabnetError('%s is a namespace this module did not make (e.g. from ip netns add); '
                          'set force=true to replace it with the link' % path)
    same = have['identity'] == target['identity']
    if bind:
        correct = entry == 'namespace' and ours and same
    else:
        correct = entry == 'symlink' and have['symlink'] == target['path'] and same
    if correct:
        return Plan(name, after, after, [], info)
    if entry == 'missing':
        text = 'link %s to %s (%s)' % (path, target['path'], want['mode'])
    else:
        if not same:
            before['stale'] = True
        text = 're-point %s (%s) to %s (%s)' % (path, before.get('mode'), target['path'], want['mode'])
    marker = {'name': name, 'mode': want['mode'], 'pid': target['pid'], 'runtime': target['runtime'],
              'container': want['container'], 'netns_id': _identity_text(target['identity']),
              'cookie': target['cookie']}
    return Plan(name, before, after, [Op('link', text, name=name, target=target['path'], bind=bind, marker=marker)], info)
