# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# Routes: read / plan / apply. A route is known by (namespace, table, destination, metric),
# as the kernel knows it; gateway and device are its attributes, reconciled in place.
#
# Ownership: a route has no alias, so what the collection adds is recorded (with its
# mark) under /run/labnet-netns/routes, keyed by the namespace's boot-unique cookie, before
# it is added; it carries protocol RTPROT_LABNET so that `ip route` shows it too. A route at
# a recorded key is ours (also when changed or deleted by hand: it is repaired); any other
# route is the user's, never replaced or removed without adopt/force.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, is_ours, mark_owner, release,
    validate_ifname)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, check_namespace, namespace_option, where)

RTPROT_KERNEL = 2
RTPROT_RA = 9
RTPROT_LABNET = 76  # the protocol number of the routes we add (`proto 76` in `ip route`)
RTN_UNICAST = 1
TABLES = {'main': 254, 'default': 253}
TABLE_NAMES = dict((v, k) for k, v in TABLES.items())
DEFAULT_METRIC = {4: 0, 6: 1024}  # what the kernel uses when none is given
FAMILY = {4: 2, 6: 10}


def parse_table(value):
    """'main', 'default' or a number 1-4294967295 (not 255, the kernel's local table)."""
    if value is None:
        return 254
    text = str(value).strip()
    if text in TABLES:
        return TABLES[text]
    if text == 'local' or text == '255':
        raise LabnetError('table local (255) holds the kernel\'s own local and broadcast routes; '
                          'use main, default or another number')
    if not text.isdigit() or not 1 <= int(text) <= 0xffffffff:
        raise LabnetError('table %r must be main, default or a number from 1 to 4294967295' % (value,))
    return int(text)


def table_name(table):
    return TABLE_NAMES.get(table, str(table))


def parse_destination(text, gateway):
    """A network (host bits refused), or `default` (its family taken from GATEWAY, else IPv4)."""
    if not isinstance(text, str) or not text.strip():
        raise LabnetError('destination is required (a CIDR such as 10.0.2.0/24, or default)')
    text = text.strip()
    if text == 'default':
        return ipaddress.ip_network('::/0' if gateway is not None and gateway.version == 6 else '0.0.0.0/0')
    try:
        return ipaddress.ip_network(text)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise LabnetError('destination %r is not a valid IPv4 or IPv6 CIDR (or default): %s' % (text, exc))
        raise LabnetError('destination %s has host bits set: the network is %s' % (text, loose))


def route_key(ns, table, dst, metric):
    """How a route is named in diffs and messages."""
    return '%s%s table %s metric %d' % ('' if ns is None else '%s: ' % ns, dst, table_name(table), metric)


def sweep_key(ns, table):
    return '%stable %s (exclusive)' % ('' if ns is None else '%s: ' % ns, table_name(table))


def _record_key(table, dst, metric):
    return '%d %s %d' % (table, dst, metric)


def _managed(route):
    """Routes that exclusive=true may remove: unicast, not the kernel's own (connected routes,
    router advertisements), not IPv6 link-local or multicast."""
    dst = route['dst']
    if route['type'] != RTN_UNICAST or route['proto'] in (RTPROT_KERNEL, RTPROT_RA):
        return False
    return not (dst.is_link_local or dst.is_multicast)


class RouteResource(LinkResource):
    KEY = 'destination'
    RESULT_KEY = 'routes'
    DEFAULT_OWNER = 'netns_route'
    OPTIONS = dict(
        destination=dict(type='str'),
        namespace=namespace_option(),
        gateway=dict(type='str'),
        device=dict(type='str'),
        metric=dict(type='int'),
        table=dict(type='str', default='main'),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        exclusive=dict(type='bool', default=False),
        **OWNERSHIP_OPTIONS
    )

    def key(self, want):
        if want.get('sweep'):
            return sweep_key(want['namespace'], want['table'])
        return route_key(want['namespace'], want['table'], want['destination'], want['metric'])

    def validate(self, want):
        check_namespace(want)
        if want['gateway'] is not None:
            try:
                want['gateway'] = ipaddress.ip_address(want['gateway'].strip())
            except ValueError:
                raise LabnetError('gateway %r is not an IPv4 or IPv6 address' % want['gateway'])
        want['destination'] = dst = parse_destination(want['destination'], want['gateway'])
        gateway = want['gateway']
        if gateway is not None and gateway.version != dst.version:
            raise LabnetError('gateway %s is IPv%d but destination %s is IPv%d' % (gateway, gateway.version, dst, dst.version))
        if want['device'] is not None:
            validate_ifname(want['device'], what='device')
        if want['state'] == 'present':
            if gateway is None and want['device'] is None:
                raise LabnetError('route to %s needs a gateway or a device' % dst)
            if gateway is not None and gateway.version == 6 and gateway.is_link_local and want['device'] is None:
                raise LabnetError('gateway %s is IPv6 link-local: it needs a device (the link it is on)' % gateway)
        if want['metric'] is None:
            want['metric'] = DEFAULT_METRIC[dst.version]
        elif not 0 <= want['metric'] <= 0xffffffff:
            raise LabnetError('metric %d is out of range (0-4294967295)' % want['metric'])
        want['table'] = parse_table(want['table'])

    def validate_batch(self, wants):
        """Each (namespace, table) of an exclusive item gets one more object: the sweep of the
        routes that no item lists."""
        sweeps = {}
        for want in wants:
            if want['exclusive'] and want['state'] == 'present':
                sweeps.setdefault((want['namespace'], want['table']), dict(want, sweep=True))
        for (ns, table), sweep in sweeps.items():
            sweep['listed'] = set((w['destination'], w['metric']) for w in wants
                                  if w['namespace'] == ns and w['table'] == table)
        wants.extend(sweeps.values())

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        routes, marks = {}, {}
        haves = []
        for want in wants:
            ns = want['namespace']
            absent = want['state'] == 'absent'
            current = links(ns, missing_ok=absent)
            if ns not in routes:
                if kernel.exists(ns):
                    by_index = dict((l['index'], name) for name, l in current.items())
                    routes[ns] = [_route_dict(r, by_index) for r in kernel.route_dump(ns)]
                    marks[ns] = kernel.records('routes', ns)
                else:  # absent, or assumed empty in check mode (links() said so)
                    routes[ns], marks[ns] = [], {}
            have = {'routes': [r for r in routes[ns] if r['table'] == want['table']],
                    'marks': marks[ns], 'links': current}
            if not want.get('sweep'):
                have['device'] = None if want['device'] is None or absent else links.referred(ns, want['device'])
                have['connected'] = [r for r in routes[ns] if r['gateway'] is None and r['type'] == RTN_UNICAST
                                     and r['table'] in (254, want['table'])]
                have['assume'] = links.assume
            haves.append(have)
        return haves

    def plan(self, want, have):
        if want.get('sweep'):
            return plan_sweep(want, have)
        plan, note = plan_route(want, have)
        if note and note not in self.assumed:
            self.assumed.append(note)
        return plan

    @staticmethod
    def do_route(kernel, ns, change, route, record=None):
        """ROUTE: dict(family, dst, table, metric, gateway, device); RECORD a mark to record
        (before adding), or False to forget (after deleting)."""
        dst = route['dst']
        key = _record_key(route['table'], dst, route['metric'])
        if record:
            kernel.record('routes', ns, key, record)
        try:
            kernel.route(ns, change, 'cannot %s route %s' % (
                {'add': 'add', 'replace': 'change', 'del': 'remove'}[change], route_key(ns, route['table'], dst, route['metric'])),
                FAMILY[dst.version], str(dst.network_address), dst.prefixlen, route['table'], route['metric'],
                gateway=None if route.get('gateway') is None else str(route['gateway']),
                device=route.get('device'), proto=RTPROT_LABNET)
        except LabnetError:
            if record:  # not added: not ours
                kernel.record('routes', ns, key, None)
            raise
        if record is False:
            kernel.record('routes', ns, key, None)


def _route_dict(raw, by_index):
    """A route from _netlink as planning sees it: networks and addresses as ipaddress objects."""
    version = 4 if raw['family'] == 2 else 6
    dst = ipaddress.ip_network('%s/%d' % (raw['dst'] or ('0.0.0.0' if version == 4 else '::'), raw['dst_len']))
    return {'dst': dst, 'gateway': None if raw['gateway'] is None else ipaddress.ip_address(raw['gateway']),
            'device': by_index.get(raw['oif']), 'metric': raw['metric'], 'table': raw['table'],
            'proto': raw['proto'], 'type': raw['type']}


def _view(route):
    if route is None:
        return {'present': False}
    return {'present': True, 'gateway': None if route['gateway'] is None else str(route['gateway']),
            'device': route['device']}


def _find(routes, dst, metric):
    for route in routes:
        if route['dst'] == dst and route['metric'] == metric and route['type'] == RTN_UNICAST:
            return route
    return None


def _on_link(want, have):
    """The device through which the gateway is reached (a connected subnet holds it), or None."""
    gateway, device = want['gateway'], want['device']
    if gateway.version == 6 and gateway.is_link_local:
        return device
    for route in have['connected']:
        if route['dst'].version == gateway.version and gateway in route['dst'] and \
                route['device'] is not None and (device is None or route['device'] == device):
            return route['device']
    return None


def _op(ns, action, route, text, record=None):
    return Op('route', text, ns=ns, change=action, route=route, record=record)


def plan_route(want, have):
    """Pure planning for one route. Returns (Plan, assumption note or None)."""
    ns, table, dst, metric = want['namespace'], want['table'], want['destination'], want['metric']
    key = route_key(ns, table, dst, metric)
    current = _find(have['routes'], dst, metric)
    recorded = have['marks'].get(_record_key(table, dst, metric))
    info = {'namespace': ns, 'destination': str(dst), 'table': table, 'metric': metric,
            'owner': mark_owner(recorded) if current is not None else None}
    what = 'route %s in %s' % (key, where(ns))
    ours = is_ours(recorded, want['owner'])
    note = None
    if want['state'] == 'absent':
        if current is None:
            return Plan(key, _view(None), _view(None), [], info), None
        if not release(what, recorded, want):
            info['kept'] = True
            return Plan(key, _view(current), _view(current), [], info), None
        return Plan(key, _view(current), _view(None), [_op(ns, 'del', dict(current, dst=dst), 'remove route %s' % key,
                                                           record=False if recorded else None)], info), None
    device = want['device']
    if device is not None and have['device'] is None:
        raise LabnetError('device %s does not exist in %s (route %s)' % (device, where(ns), key))
    if want['gateway'] is not None:
        device = _on_link(want, have)
        if device is None:
            if not have.get('assume'):
                raise LabnetError('gateway %s is not reachable from %s: it is on no connected subnet%s (route %s); '
                                  'give the interface an address in the gateway\'s subnet first' % (
                                      want['gateway'], where(ns), '' if want['device'] is None else ' of %s' % want['device'], key))
            note = 'gateway %s is on no connected subnet of %s: planned as reachable (an earlier task would add an address in its subnet)' % (
                want['gateway'], where(ns))
            device = want['device']
    target = {'dst': dst, 'table': table, 'metric': metric, 'gateway': want['gateway'], 'device': device}
    wanted = {'present': True, 'gateway': None if want['gateway'] is None else str(want['gateway']), 'device': device}
    apply_target = dict(target, device=want['device'])  # the kernel picks the gateway's device itself
    if current is None:
        op = _op(ns, 'add', apply_target, 'add route %s%s' % (key, _via(want)),
                 record=None if ours and recorded == want['mark'] else want['mark'])
        return Plan(key, _view(None), wanted, [op], dict(info, owner=mark_owner(want['mark']))), note
    if not ours:
        claim(what, recorded, want)  # adopt=true: used (and corrected) as it is, never marked
    if _view(current) == wanted:
        return Plan(key, _view(current), _view(current), [], info), note
    op = _op(ns, 'replace', apply_target, 'change route %s%s' % (key, _via(want)))
    return Plan(key, _view(current), wanted, [op], info), note


def _via(want):
    text = ''
    if want['gateway'] is not None:
        text += ' via %s' % want['gateway']
    if want['device'] is not None:
        text += ' dev %s' % want['device']
    return text


def plan_sweep(want, have):
    """exclusive=true: remove the routes of the table that no item lists (ours, or with force=true)."""
    ns, table = want['namespace'], want['table']
    key = sweep_key(ns, table)
    ops, removed, kept = [], [], []
    for route in sorted(have['routes'], key=lambda r: (r['dst'].version, r['dst'], r['metric'])):
        if not _managed(route) or (route['dst'], route['metric']) in want['listed']:
            continue
        text = route_key(ns, table, route['dst'], route['metric'])
        recorded = have['marks'].get(_record_key(table, route['dst'], route['metric']))
        if is_ours(recorded, want['owner']) or (want['force'] and not want['adopt']):
            removed.append(text)
            ops.append(_op(ns, 'del', route, 'remove route %s (not listed, exclusive)' % text,
                           record=False if recorded else None))
        else:
            kept.append(text)
    info = {'namespace': ns, 'table': table, 'exclusive': True, 'kept': kept}
    return Plan(key, {'routes': removed}, {'routes': []}, ops, info)
