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
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, is_ours, mark_owner,
    release, validate_ifname, validate_mtu)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, attr_ops, check_ifname, check_namespace,
    link_key, mark_ops, namespace_option, where)


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

    def key(self, want):
        return link_key(want['namespace'], want['name'])

    def validate(self, want):
        check_ifname(want, 'name')
        check_namespace(want)
        validate_mtu(want['mtu'])
        if want['forward_delay'] is not None and not 0 <= want['forward_delay'] <= 100000:
            raise LabnetError('forward_delay %d is out of range (centiseconds, 0-100000)' % want['forward_delay'])
        ports = want['ports'] or []
        for port in ports:
            validate_ifname(port, 'port')
        if want['name'] in ports:
            raise LabnetError('bridge %s cannot be its own port' % want['name'])
        if len(set(ports)) != len(ports):
            raise LabnetError('ports lists an interface twice: %s' % ', '.join(ports))
        if want['exclusive_ports'] and want['ports'] is None:
            raise LabnetError('exclusive_ports needs ports (use ports: [] to detach every port)')

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        haves = []
        for want in wants:
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
            for link in ports.values():
                if link is not None:
                    link['master_name'] = index_names.get(link['master'])
            haves.append({'bridge': bridge, 'ports': ports, 'attached': attached})
        return haves

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

    ops = []
    attrs = _bridge_attrs(want)
    if bridge is None:
        ops.append(Op('create', 'create bridge %s' % key, ns=ns, name=name, mark=want['mark'], attrs=attrs))
        current = {'up': False, 'mtu': None, 'master': None}
        ours = True
        info['owner'] = mark_owner(want['mark'])
    else:
        current = bridge
        ours = claim('bridge %s' % key, bridge['alias'], want)
        ops += mark_ops([(ns, name, bridge)], want['mark'])
        info['owner'] = mark_owner(bridge['alias'])
        changed = dict((k, v) for k, v in attrs.items()
                       if bridge.get({'br_stp_state': 'stp', 'br_forward_delay': 'forward_delay'}[k])
                       != (bool(v) if k == 'br_stp_state' else v))
        if changed:
            changed['kind'] = 'bridge'
            ops.append(Op('set', 'set %s on bridge %s' % (
                ', '.join('%s=%s' % (k[3:], changed[k]) for k in sorted(changed) if k != 'kind'), key),
                ns=ns, ifname=name, attrs=changed))

    wanted_ports = want['ports'] if want['ports'] is not None else []
    for port in wanted_ports:
        link = have['ports'][port]
        if bridge is None or link['master'] != bridge['index']:
            text = 'attach %s to bridge %s' % (link_key(ns, port), name)
            if link['master'] is not None:
                text += ' (was on %s)' % (link.get('master_name') or 'another master')
            # attached to a bridge that is not ours: recorded, so that teardown takes it back off
            ops.append(Op('set', text, ns=ns, ifname=port, attrs={'master': name},
                          record=None if ours else (_port_key(name), want['mark'])))
    final_ports = sorted(set(have['attached']) | set(wanted_ports))
    if want['exclusive_ports']:
        for port in have['attached']:
            if port not in wanted_ports:
                ops.append(Op('set', 'detach %s from bridge %s' % (link_key(ns, port), name),
                              ns=ns, ifname=port, attrs={'master': None}))
        final_ports = sorted(wanted_ports)
    # MTU last: adding a port re-adjusts the bridge MTU; setting it explicitly pins it.
    mtu_changes = want['mtu'] is not None and (current['mtu'] != want['mtu'] or
                                               any(op.args['attrs'].get('master') for op in ops if op.action == 'set'))
    if mtu_changes:
        ops.append(Op('set', 'set mtu %d on %s' % (want['mtu'], key), ns=ns, ifname=name, attrs={'mtu': want['mtu']}))
    ops += attr_ops(ns, name, current, up=want['up'])
    after = dict(before, state='present', up=want['up'], ports=final_ports)
    for opt in ('stp', 'forward_delay', 'mtu'):
        if want[opt] is not None:
            after[opt] = want[opt]
    if before['state'] == 'absent':
        after = _state(want, dict(up=want['up'], stp=want['stp'], forward_delay=want['forward_delay'],
                                  mtu=want['mtu']), final_ports)
    return Plan(key, before, after, ops, info)
