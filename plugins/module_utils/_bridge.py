# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Linux bridges and their ports: read / plan / apply. Only the options the user set are
# compared, and only differing attributes are sent (some kernels reject attributes they
# lack, such as vlan_filtering, even when set to their default).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, claim_once, is_ours, mark_owner,
    release, validate_ifname, validate_mtu)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, attr_ops, check_ifname, check_namespace,
    link_key, mark_ops, namespace_option, where)


# What the kernel accepts as forward delay while STP is on (2-30 s, net/bridge/br_stp_if.c):
# it clamps a delay outside this range when STP is turned on, and refuses it (ERANGE) later.
STP_FORWARD_DELAY = (200, 3000)
# kinds of link that hold their lower device (its rx_handler): no bridge can take that device
_HOLDER_KINDS = ('macvlan', 'macvtap', 'ipvlan', 'ipvtap', 'macsec')


def _check_stp_delay(delay, why):
    if delay is not None and not STP_FORWARD_DELAY[0] <= delay <= STP_FORWARD_DELAY[1]:
        raise LabnetError('forward_delay %d is out of the range %d-%d (2-30 s) that the kernel accepts while STP is on '
                          '(%s): it would clamp or refuse it' % ((delay,) + STP_FORWARD_DELAY + (why,)))


def _delay_reached(have, want):
    """The kernel keeps the delay in clock ticks and reports it rounded down: depending on its
    tick rate (CONFIG_HZ) a delay it was given comes back up to 1 cs lower (401 -> 400 with
    HZ=250, every value 1 lower with HZ=300). Such a value is the one asked for."""
    return have is not None and want - 1 <= have <= want


class BridgeResource(LinkResource):
    KEY = 'name'
    RESULT_KEY = 'bridges'
    DEFAULT_OWNER = 'linux_bridge'
    OPTIONS = dict(
        name=dict(type='str'),
        namespace=namespace_option(),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        stp=dict(type='bool'),
        forward_delay=dict(type='int'),
        mtu=dict(type='int'),
        up=dict(type='bool', default=True),
        ports=dict(type='list', elements='str'),
        exclusive_ports=dict(type='bool', default=False),
        **OWNERSHIP_OPTIONS
    )

    def validate(self, want):
        check_ifname(want, 'name')
        check_namespace(want)
        validate_mtu(want['mtu'])
        if want['forward_delay'] is not None and not 0 <= want['forward_delay'] <= 100000:
            raise LabnetError('forward_delay %d is out of range (centiseconds, 0-100000)' % want['forward_delay'])
        if want['stp']:
            _check_stp_delay(want['forward_delay'], 'stp=true')
        ports = want['ports'] or []
        for port in ports:
            validate_ifname(port, 'port')
        if want['name'] in ports:
            raise LabnetError('bridge %s cannot be its own port' % want['name'])
        if len(set(ports)) != len(ports):
            raise LabnetError('ports lists an interface twice: %s' % ', '.join(ports))
        if want['exclusive_ports'] and want['ports'] is None:
            raise LabnetError('exclusive_ports needs ports (use ports: [] to detach every port)')

    def validate_batch(self, wants):
        self.claimed = {}
        for index, want in enumerate(wants):
            if want['state'] == 'present':
                for port in want['ports'] or []:
                    claim_once(self.claimed, (want['namespace'], port), index,
                               'list %s as a port: a port belongs to one bridge' % link_key(want['namespace'], port), self.where)

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        claimed = getattr(self, 'claimed', {})
        listed = set((w['namespace'], w['name']) for w in wants if w['state'] == 'present')
        haves = []
        for index, want in enumerate(wants):
            ns = want['namespace']
            absent = want['state'] == 'absent'
            current = links(ns, missing_ok=absent)
            bridge = current.get(want['name'])
            ports = {}
            for port in want['ports'] or []:
                ports[port] = current.get(port) if absent else links.referred(ns, port)
                if ports[port] is not None and bridge is not None and not ports[port].get('assumed') \
                        and not is_ours(bridge['alias'], want['owner']):
                    # ports attached by us to a bridge that is not ours are recorded
                    ports[port] = dict(ports[port], additions=kernel.additions(ns, ports[port]))
            attached = []
            if bridge is not None:
                attached = sorted(l['ifname'] for l in current.values() if l['master'] == bridge['index'])
            index_names = dict((l['index'], l['ifname']) for l in current.values())
            holders = {}  # index -> the links stacked on it (one pass: a bridge may have 1000 ports)
            for l in current.values():
                if l['kind'] in _HOLDER_KINDS and l['link_netnsid'] is None:
                    holders.setdefault(l['link'], []).append('%s %s' % (l['kind'], l['ifname']))
            for link in ports.values():
                if link is not None:
                    link['master_name'] = index_names.get(link['master'])
                    # its bridge is described by this task too (and does not list it): the task says where it goes
                    link['master_listed'] = (ns, link['master_name']) in listed
                    link['held_by'] = sorted(holders.get(link['index'], []))
            # ports that other items of this task attach elsewhere: exclusive_ports leaves them to those
            taken = set(port for (pns, port), i in claimed.items() if pns == ns and i != index)
            haves.append({'bridge': bridge, 'ports': ports, 'attached': attached, 'taken': taken})
        return haves

    def register(self, want, plan, planned):
        if want['state'] == 'present':
            self.plan_link(planned, want['namespace'], want['name'], kind='bridge', up=want['up'], mtu=want['mtu'], type=1)
        elif any(op.action == 'delete' for op in plan.ops):
            self.plan_link(planned, want['namespace'], want['name'], gone=True)

    def plan(self, want, have):
        return plan_bridge(want, have)

    @staticmethod
    def do_create(kernel, ns, name, mark, attrs):
        kernel.bridge_add(ns, name, 'cannot create bridge %s' % link_key(ns, name), mark, **attrs)


def _port_key(bridge):
    return 'port of %s' % bridge


def _bridge_attrs(want):
    attrs = {}
    if want['stp'] is not None:
        attrs['br_stp_state'] = 1 if want['stp'] else 0
    if want['forward_delay'] is not None:
        attrs['br_forward_delay'] = want['forward_delay']
    return attrs


def _bridge_set(ns, name, attr, value, old=None):
    """Set one bridge attribute (br_ATTR); undone by setting OLD back."""
    undo = None if old is None else _bridge_set(ns, name, attr, old)
    return Op('set', 'set %s=%s on bridge %s' % (attr, value, link_key(ns, name)), undo=undo,
              ns=ns, ifname=name, attrs={'kind': 'bridge', 'br_' + attr: value})


def _port_refusal(port, name, link, bridge):
    """Why the kernel would refuse LINK as a port of bridge NAME (net/bridge/br_if.c), or None."""
    if bridge is not None and link.get('link') == bridge['index'] and link.get('link_netnsid') is None:
        return 'port %s of bridge %s sits on the bridge itself (a %s on %s): the kernel refuses the loop' % (
            port, name, link['kind'] or 'link', name)
    if link.get('loopback'):
        return 'port %s of bridge %s is a loopback device: the kernel lets no bridge take it' % (port, name)
    if link.get('type', 1) != 1:
        return ('port %s of bridge %s is not an Ethernet device (link type %s): the kernel bridges Ethernet '
                'devices only' % (port, name, link['type']))
    if link.get('held_by'):
        return ('port %s of bridge %s carries %s: the kernel lets no bridge take a device that a macvlan, '
                'ipvlan or macsec link sits on' % (port, name, ', '.join(link['held_by'])))
    return None


def _state(want, bridge, ports):
    if bridge is None:
        return {'state': 'absent'}
    state = {'state': 'present', 'up': bridge['up'], 'ports': ports}
    for opt in ('stp', 'forward_delay', 'mtu'):
        if want[opt] is not None:
            state[opt] = bridge.get(opt)
    return state


def plan_bridge(want, have):
    """Pure planning for one bridge and its ports."""
    ns, name = want['namespace'], want['name']
    key = link_key(ns, name)
    bridge = have['bridge']
    info = {'name': name, 'namespace': ns, 'owner': None}
    if bridge is not None and bridge['kind'] != 'bridge':
        raise LabnetError('%s exists in %s and is %s, not a bridge' % (
            name, where(ns), 'a ' + bridge['kind'] if bridge['kind'] else 'a plain device'))
    before = _state(want, bridge, have['attached'])

    if want['state'] == 'absent':
        ops = []
        if bridge is None:
            return Plan(key, before, {'state': 'absent'}, ops, info)
        if release('bridge %s' % key, bridge['alias'], want):
            ops.append(Op('delete', 'delete bridge %s (its ports stay, detached)' % key, ns=ns, ifname=name))
            return Plan(key, before, {'state': 'absent'}, ops, info)
        # kept (adopt=true): take back off only the ports that we attached to it
        info.update(kept=True, owner=mark_owner(bridge['alias']))
        ports = list(have['attached'])
        for port, link in sorted(have['ports'].items()):
            if link is not None and link['master'] == bridge['index'] and \
                    link.get('additions', {}).get(_port_key(name)) == want['mark']:
                ops.append(Op('set', 'detach %s from bridge %s (attached by %s)' % (link_key(ns, port), name, want['mark']),
                              ns=ns, ifname=port, attrs={'master': None}, record=(_port_key(name), None)))
                ports.remove(port)
        return Plan(key, before, dict(before, ports=ports), ops, info)

    for port, link in have['ports'].items():
        if link is None:
            raise LabnetError('port %s of bridge %s does not exist in %s' % (port, name, where(ns)))
        if link['kind'] == 'bridge':
            raise LabnetError('port %s of bridge %s is itself a bridge' % (port, name))
        refusal = _port_refusal(port, name, link, bridge)
        if refusal:
            raise LabnetError(refusal)
        moved = link['master'] is not None and (bridge is None or link['master'] != bridge['index'])
        if moved and not is_ours(link.get('alias')) and not want.get('force') \
                and not link.get('master_listed'):
            # an interface of the user's on another bridge of theirs, which this task does not
            # describe: taking it would change their lab, and nothing would put it back
            raise LabnetError('port %s of bridge %s is a port of %s and was not made by labnet.netns: refusing to take '
                              'it from there (nothing would put it back). Detach it first, or set force=true'
                              % (link_key(ns, port), name, link.get('master_name') or 'another master'))

    ops = []
    attrs = _bridge_attrs(want)
    delay = want['forward_delay']
    if bridge is None:
        ops.append(Op('create', 'create bridge %s' % key, ns=ns, name=name, mark=want['mark'], attrs=attrs,
                      undo=Op('delete', 'delete bridge %s' % key, ns=ns, ifname=name)))
        current = {'up': False, 'mtu': None, 'master': None}
        ours = True
        info['owner'] = mark_owner(want['mark'])
    else:
        current = bridge
        ours = claim('bridge %s' % key, bridge['alias'], want)
        ops += mark_ops([(ns, name, bridge)], want['mark'])
        info['owner'] = mark_owner(bridge['alias'])
        if want['stp'] is None and bridge.get('stp'):
            _check_stp_delay(delay, 'STP is on in the kernel and stp is not set')
        # one attribute at a time, STP first: the kernel applies a delay before the STP state,
        # so a long delay with STP turned off in the same request would be refused
        if want['stp'] is not None and bridge.get('stp') != want['stp']:
            ops.append(_bridge_set(ns, name, 'stp_state', int(want['stp']), int(bool(bridge.get('stp')))))
        if delay is not None and _delay_reached(bridge.get('forward_delay'), delay):
            delay = bridge['forward_delay']
        elif delay is not None:
            ops.append(_bridge_set(ns, name, 'forward_delay', delay, bridge.get('forward_delay')))

    wanted_ports = want['ports'] if want['ports'] is not None else []
    for port in wanted_ports:
        link = have['ports'][port]
        if bridge is None or link['master'] != bridge['index']:
            text = 'attach %s to bridge %s' % (link_key(ns, port), name)
            if link['master'] is not None:
                text += ' (was on %s)' % (link.get('master_name') or 'another master')
            # attached to a bridge that is not ours: recorded, so that teardown takes it back off
            old = link.get('master_name') if link['master'] is not None else None
            ops.append(Op('set', text, ns=ns, ifname=port, attrs={'master': name},
                          record=None if ours else (_port_key(name), want['mark']),
                          undo=Op('set', 'detach %s from bridge %s' % (link_key(ns, port), name) if old is None else
                                  'attach %s to bridge %s' % (link_key(ns, port), old),
                                  ns=ns, ifname=port, attrs={'master': old})))
    final_ports = sorted(set(have['attached']) | set(wanted_ports))
    if want['exclusive_ports']:
        for port in have['attached']:
            if port not in wanted_ports and port not in have.get('taken', ()):
                ops.append(Op('set', 'detach %s from bridge %s' % (link_key(ns, port), name),
                              ns=ns, ifname=port, attrs={'master': None},
                              undo=Op('set', 'attach %s to bridge %s' % (link_key(ns, port), name),
                                      ns=ns, ifname=port, attrs={'master': name})))
        final_ports = sorted(wanted_ports)
    # MTU last: adding a port re-adjusts the bridge MTU; setting it explicitly pins it.
    mtu_changes = want['mtu'] is not None and (current['mtu'] != want['mtu'] or
                                               any(op.args['attrs'].get('master') for op in ops if op.action == 'set'))
    if mtu_changes:
        old = current['mtu']
        ops.append(Op('set', 'set mtu %d on %s' % (want['mtu'], key), ns=ns, ifname=name, attrs={'mtu': want['mtu']},
                      undo=old and Op('set', 'set mtu %d on %s' % (old, key), ns=ns, ifname=name, attrs={'mtu': old})))
    ops += attr_ops(ns, name, current, up=want['up'])
    after = dict(before, state='present', up=want['up'], ports=final_ports)
    for opt in ('stp', 'forward_delay', 'mtu'):
        if want[opt] is not None:
            after[opt] = delay if opt == 'forward_delay' else want[opt]
    if before['state'] == 'absent':
        after = _state(want, dict(up=want['up'], stp=want['stp'], forward_delay=want['forward_delay'],
                                  mtu=want['mtu']), final_ports)
    return Plan(key, before, after, ops, info)
