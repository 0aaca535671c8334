# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Simple kinds of link (macvlan, ipvlan, tap, tun, ipip): read / plan / apply. A link is
# created with its kind's options, marked as ours, and corrected (mode, tunnel ends, tap
# owner, MTU, MAC, up); what cannot change in place (its kind, its parent, multi_queue,
# passthru) is refused, never silently replaced.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import ipaddress
import pwd

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, mark_owner, normalize_mac,
    release, validate_mtu)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, PeerFinder, attr_ops, check_ifname, check_namespace, link_key,
    mark_ops, namespace_option, where)

# the kernel's numbers for each kind's modes (linux/if_link.h)
MODES = {
    'macvlan': {'private': 1, 'vepa': 2, 'bridge': 4, 'passthru': 8, 'source': 16},
    'ipvlan': {'l2': 0, 'l3': 1, 'l3s': 2},
}
KINDS = ('macvlan', 'ipvlan', 'tap', 'tun', 'ipip')
# which options each kind takes (besides name, namespace, state, mtu, up and ownership)
_KIND_OPTIONS = {
    'macvlan': ('mode', 'link', 'link_namespace', 'mac'),
    'ipvlan': ('mode', 'link', 'link_namespace'),
    'tap': ('user', 'group', 'multi_queue', 'mac'),
    'tun': ('user', 'group', 'multi_queue'),
    'ipip': ('local', 'remote', 'ttl'),
}
_WHY_NOT = {
    'mac': {'ipvlan': 'an ipvlan link shares the MAC address of its parent',
            'tun': 'a tun device carries IP packets and has no MAC address',
            'ipip': 'an ipip tunnel has no MAC address'},
}
_KIND_SPECIFIC = ('mode', 'link', 'link_namespace', 'user', 'group', 'multi_queue', 'local', 'remote', 'ttl', 'mac')


def kind_of(link):
    """The kind as this module names it: tun devices are 'tun' or 'tap' (IFLA_TUN_TYPE)."""
    if link['kind'] == 'tun':
        return link.get('tun_type') or 'tun'
    return link['kind']


def mode_name(kind, number):
    for name, value in MODES.get(kind, {}).items():
        if value == number:
            return name
    return number


def _uid(value, what, lookup):
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        return lookup(text)
    except KeyError:
        raise LabnetError('%s %r is neither a number nor a known name on the target' % (what, value))


def _ipv4(value, what):
    if value is None:
        return None
    try:
        return str(ipaddress.IPv4Address(str(value).strip()))
    except ValueError:
        raise LabnetError('%s %r is not an IPv4 address (an ipip tunnel carries IPv4 between IPv4 ends)' % (what, value))


class KindResource(LinkResource):
    KEY = 'name'
    RESULT_KEY = 'links'
    DEFAULT_OWNER = 'netns_link'
    OPTIONS = dict(
        name=dict(type='str'),
        kind=dict(type='str', choices=list(KINDS)),
        namespace=namespace_option(),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        link=dict(type='str'),
        link_namespace=dict(type='str'),
        mode=dict(type='str'),
        user=dict(type='str'),
        group=dict(type='str'),
        multi_queue=dict(type='bool'),
        local=dict(type='str'),
        remote=dict(type='str'),
        ttl=dict(type='int'),
        mtu=dict(type='int'),
        mac=dict(type='str'),
        up=dict(type='bool', default=True),
        **OWNERSHIP_OPTIONS
    )

    def validate(self, want):
        check_ifname(want, 'name')
        check_namespace(want)
        kind = want['kind']
        if kind is None:
            raise LabnetError('kind is required (one of %s)' % ', '.join(KINDS))
        for opt in _KIND_SPECIFIC:
            if want[opt] is not None and opt not in _KIND_OPTIONS[kind]:
                why = _WHY_NOT.get(opt, {}).get(kind)
                raise LabnetError('%s is not an option of kind %s%s (it is for kind %s)' % (
                    opt, kind, ': ' + why if why else '',
                    ', '.join(k for k in KINDS if opt in _KIND_OPTIONS[k])))
        if want['mode'] is not None and want['mode'] not in MODES[kind]:
            raise LabnetError('mode %r is not a mode of kind %s (choose from %s)' % (
                want['mode'], kind, ', '.join(MODES[kind])))
        if 'link' in _KIND_OPTIONS[kind]:
            if want['link'] is None and want['state'] == 'present':
                raise LabnetError('link (the parent device) is required for kind %s' % kind)
            if want['link'] is not None:
                check_ifname(want, 'link')
            check_namespace(want, 'link_namespace')
            if want['link'] == want['name'] and want['link_namespace'] == want['namespace']:
                raise LabnetError('%s cannot be its own parent' % link_key(want['namespace'], want['name']))
        if want['link_namespace'] is not None and want['link'] is None:
            raise LabnetError('link_namespace needs link (the parent device that lives there)')
        validate_mtu(want['mtu'])
        want['mac'] = normalize_mac(want['mac'], 'mac')
        want['user'] = _uid(want['user'], 'user', lambda n: pwd.getpwnam(n).pw_uid)
        want['group'] = _uid(want['group'], 'group', lambda n: grp.getgrnam(n).gr_gid)
        want['local'] = _ipv4(want['local'], 'local')
        want['remote'] = _ipv4(want['remote'], 'remote')
        if want['ttl'] is not None and not 0 <= want['ttl'] <= 255:
            raise LabnetError('ttl %d is out of range (0-255; 0 inherits the inner packet\'s TTL)' % want['ttl'])

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        finder = PeerFinder(kernel, links)
        haves = []
        made = set()  # links that earlier items of this run create: a later item may stand on them
        for want in wants:
            ns = want['namespace']
            absent = want['state'] == 'absent'
            link = links.get(ns, want['name'], missing_ok=absent)
            have = {'link': link, 'parent': None, 'parent_ok': True, 'found_parent': None}
            if not absent:
                made.add((ns, want['name']))
            if want['link'] is not None and not absent:
                pns = want['link_namespace']
                have['parent'] = links.get(pns, want['link'])
                if have['parent'] is None and (pns, want['link']) in made:
                    have['parent'] = {'index': None, 'ifname': want['link'], 'planned': True}
                elif have['parent'] is None:
                    have['parent'] = links.referred(pns, want['link'])
                if link is not None and link['kind'] in ('macvlan', 'ipvlan') and link['link']:
                    parent = have['parent']
                    if parent is None or parent.get('assumed') or parent['index'] != link['link']:
                        have['parent_ok'] = False
                    elif link['link_netnsid'] is None:
                        have['parent_ok'] = kernel.same_namespace(ns, pns)
                    else:
                        have['parent_ok'] = finder.nsid(ns, pns) == link['link_netnsid']
                    if not have['parent_ok']:
                        found = finder.peer_of(ns, link, hints=(pns, None, ns))
                        have['found_parent'] = found and link_key(found[0], found[1]['ifname'])
            haves.append(have)
        return haves

    def plan(self, want, have):
        return plan_kind(want, have)

    @staticmethod
    def do_create(kernel, ns, name, mark, kind, parent_ns, parent, attrs):
        what = 'cannot create %s %s' % (kind, link_key(ns, name))
        if kind in ('tap', 'tun'):
            kernel.tuntap_add(ns, name, what, mark, kind == 'tap', **attrs)
        else:
            kernel.kind_add(ns, name, what, mark, kind, parent_ns, parent, **attrs)

    @staticmethod
    def do_tuntap(kernel, ns, ifname, user, group):
        kernel.tuntap_set(ns, ifname, 'cannot change the owner of %s' % link_key(ns, ifname), user=user, group=group)


def _create_attrs(want):
    kind = want['kind']
    if kind in ('tap', 'tun'):
        return dict(multi_queue=bool(want['multi_queue']), user=want['user'], group=want['group'])
    attrs = {}
    if want['mode'] is not None:
        attrs['%s_mode' % kind] = MODES[kind][want['mode']]
    for opt in ('local', 'remote', 'ttl'):
        if want[opt] is not None:
            attrs['ipip_' + opt] = want[opt]
    return attrs


def _state(want, link):
    """The link as the diff shows it: kind and up, plus every option the user set."""
    if link is None:
        return {'state': 'absent'}
    state = {'state': 'present', 'kind': want['kind'], 'up': link['up']}
    for opt in ('mode', 'link', 'link_namespace', 'user', 'group', 'multi_queue', 'local', 'remote', 'ttl',
                'mtu', 'mac'):
        if want[opt] is not None:
            state[opt] = link.get(opt)
    return state


def _current(want, link):
    """LINK's values in the terms of the options (mode by name, parent as asked when it is that one)."""
    out = dict(link)
    if 'mode' in link:
        out['mode'] = mode_name(want['kind'], link['mode'])
    if 'multi_queue' in link:
        out['multi_queue'] = bool(link['multi_queue'])
    out['link'], out['link_namespace'] = want['link'], want['link_namespace']
    return out


def plan_kind(want, have):
    """Pure planning for one link of a simple kind."""
    ns, name, kind = want['namespace'], want['name'], want['kind']
    key = link_key(ns, name)
    link = have['link']
    info = {'name': name, 'namespace': ns, 'kind': kind, 'owner': None}
    if link is not None and kind_of(link) != kind:
        raise LabnetError('%s exists in %s and is %s, not a %s; a link\'s kind cannot be changed: choose another '
                          'name, or remove it first' % (name, where(ns), 'a ' + kind_of(link) if link['kind']
                                                        else 'a plain device', kind))
    before = _state(want, link and _current(want, link))
    if want['state'] == 'absent':
        if link is None:
            return Plan(key, before, before, [], info)
        if release('%s %s' % (kind, key), link['alias'], want):
            return Plan(key, before, {'state': 'absent'},
                        [Op('delete', 'delete %s %s' % (kind, key), ns=ns, ifname=name)], info)
        info.update(kept=True, owner=mark_owner(link['alias']))
        return Plan(key, before, before, [], info)

    pns, parent = want['link_namespace'], have['parent']
    if want['link'] is not None and parent is None:
        raise LabnetError('link %s (the parent of %s %s) does not exist in %s' % (want['link'], kind, key, where(pns)))
    ops = []
    if link is None:
        ops.append(Op('create', 'create %s %s%s' % (kind, key, '' if parent is None else ' on %s' % link_key(pns, want['link'])),
                      ns=ns, name=name, mark=want['mark'], kind=kind, parent_ns=pns, parent=want['link'],
                      attrs=_create_attrs(want),
                      undo=Op('delete', 'delete %s %s' % (kind, key), ns=ns, ifname=name)))
        current = {'up': False, 'mtu': None, 'mac': None}
        info['owner'] = mark_owner(want['mark'])
    else:
        current = _current(want, link)
        if claim('%s %s' % (kind, key), link['alias'], want):
            ops += mark_ops([(ns, name, link)], want['mark'])
        info['owner'] = mark_owner(link['alias'])
        if not have['parent_ok']:
            raise LabnetError('%s %s exists on parent %s, not on %s; a link\'s parent cannot be changed: remove it '
                              'first' % (kind, key, have['found_parent'] or 'unknown', link_key(pns, want['link'])))
        if want['multi_queue'] is not None and current['multi_queue'] != want['multi_queue']:
            raise LabnetError('%s %s has multi_queue=%s; it cannot be changed in place: remove it first' % (
                kind, key, current['multi_queue']))
        if want['mode'] is not None and current['mode'] != want['mode'] and 'passthru' in (want['mode'], current['mode']):
            raise LabnetError('%s %s is in mode %s; the kernel cannot switch a macvlan into or out of passthru '
                              'in place: remove it first' % (kind, key, current['mode']))
        if want['mode'] is not None and current['mode'] != want['mode']:
            old = current['mode']
            ops.append(_kind_set(ns, name, kind, 'mode', want['mode'], MODES[kind][want['mode']],
                                 old if old in MODES[kind] else None))
        for opt in ('local', 'remote', 'ttl'):
            if want[opt] is not None and current.get(opt) != want[opt]:
                ops.append(_kind_set(ns, name, kind, opt, want[opt], want[opt], current.get(opt)))
        if (want['user'] is not None and current.get('user') != want['user']) or \
                (want['group'] is not None and current.get('group') != want['group']):
            given = ' '.join('%s %d' % (opt, want[opt]) for opt in ('user', 'group') if want[opt] is not None)
            ops.append(Op('tuntap', 'set %s on %s %s' % (given, kind, key),
                          ns=ns, ifname=name, user=want['user'], group=want['group']))
    ops += attr_ops(ns, name, current, up=want['up'], mtu=want['mtu'], mac=want['mac'])
    after = dict(_state(want, dict(current, **dict((opt, want[opt]) for opt in _KIND_SPECIFIC + ('mtu',)
                                                   if want[opt] is not None))), up=want['up'])
    return Plan(key, before, after, ops, info)


def _kind_set(ns, name, kind, opt, text, value, old):
    """Set one kind attribute (a mode, a tunnel end); undone by setting OLD back."""
    attr = '%s_%s' % (kind, opt)
    undo = None if old is None else Op('set', 'set %s %s on %s %s' % (opt, old, kind, link_key(ns, name)),
                                       ns=ns, ifname=name, attrs={'kind': kind, attr: MODES.get(kind, {}).get(old, old)})
    return Op('set', 'set %s %s on %s %s' % (opt, text, kind, link_key(ns, name)), undo=undo,
              ns=ns, ifname=name, attrs={'kind': kind, attr: value})
