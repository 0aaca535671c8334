# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# VXLAN devices: read / plan / apply. The remote peers are the device's all-zeros forwarding
# entries (head-end replication): the list is converged, entries are added and removed. The
# kernel cannot change a device's VNI, port, local address or underlay in place: a device of
# ours that differs is replaced (and rejoins its bridge); one that is not ours is refused.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, claim_once, mark_owner,
    release, validate_ifname, validate_mtu)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, attr_ops, check_ifname, check_namespace, link_key, mark_ops, namespace_option, where)

VNI_MAX = 2 ** 24 - 1
DEFAULT_PORT = 4789  # IANA; the kernel's own default (8472) is the pre-standard Linux port
# outer Ethernet (14) + IP (20 or 40) + UDP (8) + VXLAN (8) headers: what the kernel subtracts
OVERHEAD = {4: 50, 6: 70}
IMMUTABLE = ('vni', 'port', 'local', 'underlay')


def _address(text, what):
    try:
        addr = ipaddress.ip_address(str(text).strip())
    except ValueError:
        raise LabnetError('%s %r is not an IPv4 or IPv6 address' % (what, text))
    if addr.is_unspecified or addr.is_multicast:
        raise LabnetError('%s %s is %s: give a unicast address' % (
            what, addr, 'the unspecified address' if addr.is_unspecified else 'a multicast address'))
    return addr


def overhead(want):
    """Bytes the VXLAN encapsulation adds, for the family of its local address or peers."""
    family = want.get('family') or 4
    return OVERHEAD[family]


class VxlanResource(LinkResource):
    KEY = 'name'
    RESULT_KEY = 'vxlans'
    DEFAULT_OWNER = 'vxlan'
    OPTIONS = dict(
        name=dict(type='str'),
        namespace=namespace_option(),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        vni=dict(type='int'),
        local=dict(type='str'),
        underlay=dict(type='str'),
        port=dict(type='int', default=DEFAULT_PORT),
        learning=dict(type='bool', default=True),
        remotes=dict(type='list', elements='str'),
        mtu=dict(type='int'),
        up=dict(type='bool', default=True),
        **OWNERSHIP_OPTIONS
    )

    def validate(self, want):
        check_ifname(want, 'name')
        check_namespace(want)
        if want['state'] == 'absent':
            return
        if want['vni'] is None:
            raise LabnetError('vni is required with state=present')
        if not 0 <= want['vni'] <= VNI_MAX:
            raise LabnetError('vni %d is out of range (0-%d, 24 bits)' % (want['vni'], VNI_MAX))
        if not 1 <= want['port'] <= 65535:
            raise LabnetError('port %d is out of range (1-65535)' % want['port'])
        validate_mtu(want['mtu'])
        if want['underlay'] is not None:
            validate_ifname(want['underlay'], 'underlay')
            if want['underlay'] == want['name']:
                raise LabnetError('vxlan %s cannot be its own underlay' % want['name'])
        families = set()
        if want['local'] is not None:
            local = _address(want['local'], 'local')
            want['local'] = str(local)
            families.add(local.version)
        if want['remotes'] is not None:
            remotes = [_address(r, 'remote') for r in want['remotes']]
            if len(set(remotes)) != len(remotes):
                raise LabnetError('remotes lists an address twice: %s' % ', '.join(str(r) for r in remotes))
            if want['local'] is not None and ipaddress.ip_address(want['local']) in remotes:
                raise LabnetError('remotes lists the local address %s: a host is not its own peer' % want['local'])
            families.update(r.version for r in remotes)
            want['remotes'] = sorted(str(r) for r in remotes)
        if len(families) > 1:
            raise LabnetError('local and remotes mix IPv4 and IPv6: one VXLAN device uses one address family')
        want['family'] = families.pop() if families else None

    def validate_batch(self, wants):
        vnis = {}
        for index, want in enumerate(wants):
            if want['state'] == 'present':
                claim_once(vnis, (want['namespace'], want['vni'], want['port']), index,
                           'use vni %d on port %d in %s: the kernel takes a VNI once per port'
                           % (want['vni'], want['port'], where(want['namespace'])), self.where)

    def register(self, want, plan, planned):
        if want['state'] == 'present':
            self.plan_link(planned, want['namespace'], want['name'], kind='vxlan', up=want['up'], mtu=want['mtu'], type=1)
        elif any(op.action == 'delete' for op in plan.ops):
            self.plan_link(planned, want['namespace'], want['name'], gone=True)

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        haves = []
        for want in wants:
            ns = want['namespace']
            absent = want['state'] == 'absent'
            current = links(ns, missing_ok=absent)
            link = current.get(want['name'])
            names = dict((l['index'], l['ifname']) for l in current.values())
            have = {'link': link, 'underlay': None, 'remotes': [], 'underlay_name': None, 'master_name': None,
                    'others': sorted((l['ifname'], l.get('vni'), l.get('port')) for l in current.values()
                                     if l['kind'] == 'vxlan' and l['ifname'] != want['name'])}
            if not absent and want['underlay'] is not None:
                have['underlay'] = links.referred(ns, want['underlay'])
            if link is not None and link['kind'] == 'vxlan':
                have['remotes'] = kernel.fdb_remotes(ns, link['index'])
                have['underlay_name'] = names.get(link.get('underlay_index'))
                have['master_name'] = names.get(link['master'])
            haves.append(have)
        return haves

    def plan(self, want, have):
        return plan_vxlan(want, have)

    @staticmethod
    def do_create(kernel, ns, name, mark, underlay, master, attrs):
        what = 'cannot create vxlan %s' % link_key(ns, name)
        spec = dict(attrs)
        if underlay is not None:
            link = kernel.link(ns, underlay)
            if link is None:
                raise LabnetError('%s: underlay device %s does not exist in %s' % (what, underlay, where(ns)))
            spec['vxlan_link'] = link['index']
        kernel.link_add(ns, name, 'vxlan', what, mark, master=master, **spec)

    @staticmethod
    def do_fdb(kernel, ns, ifname, verb, dst):
        kernel.fdb(ns, verb, ifname, dst, 'cannot %s remote %s %s vxlan %s' % (
            'add' if verb == 'append' else 'remove', dst, 'to' if verb == 'append' else 'from',
            link_key(ns, ifname)))


def _state(link, remotes, underlay_name):
    if link is None:
        return {'state': 'absent'}
    return {'state': 'present', 'vni': link.get('vni'), 'local': link.get('local'), 'underlay': underlay_name,
            'port': link.get('port'), 'learning': link.get('learning'), 'mtu': link.get('mtu'),
            'up': link.get('up'), 'remotes': list(remotes)}


def _create_attrs(want):
    attrs = {'vxlan_id': want['vni'], 'vxlan_port': want['port'], 'vxlan_learning': int(want['learning'])}
    if want['local'] is not None:
        attrs['vxlan_local6' if want['family'] == 6 else 'vxlan_local'] = want['local']
    if want['mtu'] is not None:
        attrs['mtu'] = want['mtu']
    return attrs


def _fdb_op(ns, name, action, dst):
    add = action == 'append'
    text = '%s remote %s %s vxlan %s' % ('add' if add else 'remove', dst, 'to' if add else 'from', link_key(ns, name))
    undo = Op('fdb', '%s remote %s' % ('remove' if add else 'add', dst), ns=ns, ifname=name,
              verb='del' if add else 'append', dst=dst)
    return Op('fdb', text, undo=undo, ns=ns, ifname=name, verb=action, dst=dst)


def _check_mtu(want, have, key):
    """The MTU the device will have; refuses one that the underlay cannot carry."""
    underlay = have['underlay']
    limit = None
    if underlay is not None and underlay.get('mtu'):
        limit = underlay['mtu'] - overhead(want)
    if want['mtu'] is not None and limit is not None and want['mtu'] > limit:
        raise LabnetError('mtu %d of vxlan %s is more than its underlay %s can carry: MTU %d minus %d bytes of VXLAN '
                          'headers (IPv%d) is %d. Lower mtu, or raise the MTU of %s to at least %d'
                          % (want['mtu'], key, want['underlay'], underlay['mtu'], overhead(want), want['family'] or 4,
                             limit, want['underlay'], want['mtu'] + overhead(want)))
    if want['mtu'] is not None:
        return want['mtu']
    return limit if limit is not None or underlay is not None else 1500


def plan_vxlan(want, have):
    """Pure planning for one VXLAN device and its remote peers."""
    ns, name = want['namespace'], want['name']
    key = link_key(ns, name)
    link = have['link']
    info = {'name': name, 'namespace': ns, 'owner': None}
    if link is not None and link['kind'] != 'vxlan':
        raise LabnetError('%s exists in %s and is %s, not a vxlan' % (
            name, where(ns), 'a ' + link['kind'] if link['kind'] else 'a plain device'))
    before = _state(link, have['remotes'], have['underlay_name'])

    if want['state'] == 'absent':
        if link is None:
            return Plan(key, before, before, [], info)
        if release('vxlan %s' % key, link['alias'], want):
            return Plan(key, before, {'state': 'absent'},
                        [Op('delete', 'delete vxlan %s' % key, ns=ns, ifname=name)], info)
        info.update(kept=True, owner=mark_owner(link['alias']))
        return Plan(key, before, before, [], info)

    underlay = have['underlay']
    if want['underlay'] is not None and underlay is None:
        raise LabnetError('underlay device %s of vxlan %s does not exist in %s' % (want['underlay'], key, where(ns)))
    for other, vni, port in have['others']:
        if vni == want['vni'] and port == want['port']:
            raise LabnetError('vni %d on port %d is already used by vxlan %s in %s: the kernel takes a VNI once per port'
                              % (vni, port, other, where(ns)))
    mtu = _check_mtu(want, have, key)
    remotes = want['remotes'] if want['remotes'] is not None else have['remotes']
    ops = []
    differs = []
    if link is not None:
        ours = claim('vxlan %s' % key, link['alias'], want)
        info['owner'] = mark_owner(link['alias'])
        found = {'vni': link.get('vni'), 'port': link.get('port'), 'local': link.get('local'),
                 'underlay': have['underlay_name']}
        differs = ['%s %s -> %s' % (opt, found[opt], want[opt]) for opt in IMMUTABLE
                   if want[opt] is not None and found[opt] != want[opt]]
        if differs and not ours:
            raise LabnetError('vxlan %s has %s: the kernel cannot change that in place and the device is not ours '
                              '(adopted), so it is not replaced. Remove it, or ask for what it has'
                              % (key, ', '.join(differs)))
        if differs:
            ops.append(Op('delete', 'delete vxlan %s to replace it (%s: the kernel cannot change that in place)'
                          % (key, ', '.join(differs)), ns=ns, ifname=name))
    if link is None or differs:
        master = have['master_name'] if differs else None
        ops.append(Op('create', 'create vxlan %s (vni %d, port %d)' % (key, want['vni'], want['port']),
                      ns=ns, name=name, mark=want['mark'], underlay=want['underlay'], master=master,
                      attrs=_create_attrs(want),
                      undo=None if differs else Op('delete', 'delete vxlan %s' % key, ns=ns, ifname=name)))
        ops += [_fdb_op(ns, name, 'append', dst) for dst in remotes]
        if want['up']:
            ops.append(Op('set', 'set up %s' % key, ns=ns, ifname=name, attrs={'state': 'up'}))
        info['owner'] = mark_owner(want['mark'])
        current = {'vni': want['vni'], 'local': want['local'], 'port': want['port'], 'learning': want['learning'],
                   'mtu': mtu, 'up': want['up']}
        after = _state(current, remotes, want['underlay'])
        return Plan(key, before, after, ops, info)

    if ours:
        ops += mark_ops([(ns, name, link)], want['mark'])
    if link.get('learning') != want['learning']:
        ops.append(Op('set', 'set learning %s on %s' % ('on' if want['learning'] else 'off', key),
                      ns=ns, ifname=name, attrs={'kind': 'vxlan', 'vxlan_learning': int(want['learning'])},
                      undo=Op('set', 'set learning back on %s' % key, ns=ns, ifname=name,
                              attrs={'kind': 'vxlan', 'vxlan_learning': int(bool(link.get('learning')))})))
    ops += [_fdb_op(ns, name, 'append', dst) for dst in remotes if dst not in have['remotes']]
    ops += [_fdb_op(ns, name, 'del', dst) for dst in have['remotes'] if dst not in remotes]
    ops += attr_ops(ns, name, link, up=want['up'], mtu=want['mtu'])
    after = _state(dict(link, learning=want['learning'], mtu=want['mtu'] or link['mtu'], up=want['up']),
                   remotes, have['underlay_name'])
    return Plan(key, before, after, ops, info)
