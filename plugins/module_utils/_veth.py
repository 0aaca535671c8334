# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# veth pairs: read / plan / apply. A pair is created atomically (the peer is born in its
# namespace with its final name); an existing pair is verified end to end (kind, peer
# identity across namespaces) and corrected (namespace, MTU, MAC, up).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim, claim_once, is_ours, mark_owner,
    normalize_mac, release, validate_mtu)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    UNKNOWN, LinkCache, LinkResource, PeerFinder, attr_ops, check_ifname,
    check_namespace, link_key, mark_ops, namespace_option, where)


class VethResource(LinkResource):
    KEY = 'name'
    RESULT_KEY = 'veths'
    DEFAULT_OWNER = 'veth'
    OPTIONS = dict(
        name=dict(type='str'),
        peer=dict(type='str'),
        namespace=namespace_option(),
        peer_namespace=dict(type='str'),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        mtu=dict(type='int'),
        mac=dict(type='str'),
        peer_mac=dict(type='str'),
        up=dict(type='bool', default=True),
        **OWNERSHIP_OPTIONS
    )

    def validate(self, want):
        check_ifname(want, 'name')
        check_ifname(want, 'peer')
        check_namespace(want, 'namespace')
        check_namespace(want, 'peer_namespace')
        if want['name'] == want['peer'] and want['namespace'] == want['peer_namespace']:
            raise LabnetError('name and peer are the same interface %s' % link_key(want['namespace'], want['name']))
        validate_mtu(want['mtu'])
        want['mac'] = normalize_mac(want['mac'], 'mac')
        want['peer_mac'] = normalize_mac(want['peer_mac'], 'peer_mac')

    def validate_batch(self, wants):
        ends = {}
        for index, want in enumerate(wants):
            for ns, ifname in ((want['namespace'], want['name']), (want['peer_namespace'], want['peer'])):
                claim_once(ends, (ns, ifname), index,
                           'name %s as an end of their veth pair: an interface is an end of one pair' % link_key(ns, ifname), self.where)

    def reads(self, want):
        return ([want['namespace'], want['peer_namespace']] if want['state'] == 'present' else []), ()

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        finder = PeerFinder(kernel, links)
        haves = []
        for want in wants:
            have = self._read_one(kernel, want, links, finder)
            if (have['end'] is not None or have['peer'] is not None) and not have['paired']:
                # one end without its peer, or not a pair: maybe a concurrent run made it after
                # the dumps above were taken; read this pair again from fresh dumps
                fresh = LinkCache(kernel, assume=links.assume)
                have = self._read_one(kernel, want, fresh, PeerFinder(kernel, fresh))
            haves.append(have)
        return haves

    @staticmethod
    def _read_one(kernel, want, links, finder):
        ns, pns = want['namespace'], want['peer_namespace']
        absent = want['state'] == 'absent'
        end = links.get(ns, want['name'], missing_ok=absent)
        peer = links.get(pns, want['peer'], missing_ok=absent)
        have = {'end': end, 'peer': peer, 'end_peer': None, 'peer_peer': None, 'paired': False}
        if end is not None and end['kind'] == 'veth':
            have['end_peer'] = finder.peer_of(ns, end, hints=(pns, ns))
        found = have['end_peer']
        if end is not None and peer is not None and found is not None:
            have['paired'] = (found[0] is not UNKNOWN and found[1]['index'] == peer['index']
                              and kernel.same_namespace(found[0], pns))
        if peer is not None and peer['kind'] == 'veth' and not have['paired']:
            # only needed to find (and move back) an end that is not where it should be
            have['peer_peer'] = finder.peer_of(pns, peer, hints=(ns, pns))
        return have

    def register(self, want, plan, planned):
        for ns, ifname in ((want['namespace'], want['name']), (want['peer_namespace'], want['peer'])):
            if want['state'] == 'present':
                self.plan_link(planned, ns, ifname, kind='veth', up=want['up'], mtu=want['mtu'], type=1)
            elif any(op.action == 'delete' for op in plan.ops):
                self.plan_link(planned, ns, ifname, gone=True)

    def plan(self, want, have):
        return plan_veth(want, have)

    def do_create(self, kernel, ns, name, peer, peer_ns, mark, mtu, mac, peer_mac, up=False):
        kernel.veth_add(ns, name, peer, peer_ns, 'cannot create veth %s' % link_key(ns, name), mark,
                        mtu=mtu, mac=mac, peer_mac=peer_mac, up=up)


def _state(want, end, peer, end_ns, peer_ns):
    if end is None and peer is None:
        return {'state': 'absent'}
    state = {'state': 'present', 'namespace': end_ns, 'peer_namespace': peer_ns,
             'up': bool(end and end['up']), 'peer_up': bool(peer and peer['up'])}
    if want['mtu'] is not None:
        state['mtu'] = end and end['mtu']
        state['peer_mtu'] = peer and peer['mtu']
    if want['mac'] is not None:
        state['mac'] = end and end['mac']
    if want['peer_mac'] is not None:
        state['peer_mac'] = peer and peer['mac']
    return state


def _paired_with(have, is_end):
    found = have['end_peer'] if is_end else have['peer_peer']
    if found is None:
        return 'its peer is not found'
    return 'paired with %s' % link_key(found[0], found[1]['ifname'])


def plan_veth(want, have):
    """Pure planning for one veth pair."""
    ns, name, pns, peer_name = want['namespace'], want['name'], want['peer_namespace'], want['peer']
    end, peer = have['end'], have['peer']
    key = link_key(ns, name)
    info = {'name': name, 'namespace': ns, 'peer': peer_name, 'peer_namespace': pns}
    for label, link, lns in (('name', end, ns), ('peer', peer, pns)):
        if link is not None and link['kind'] != 'veth':
            raise LabnetError('%s %s already exists in %s and is %s, not a veth; choose another name or remove it'
                              % (label, link['ifname'], where(lns), 'a ' + link['kind'] if link['kind'] else 'a plain device'))

    if want['state'] == 'absent':
        ops = []
        kept = []
        exact = have['paired']  # exactly the pair the task describes
        for link, lns, lname in ((end, ns, name), (peer, pns, peer_name)):
            if link is None or (link is peer and exact):
                continue
            paired = 'paired with %s' % link_key(pns, peer_name) if exact else _paired_with(have, link is end)
            what = 'veth %s (%s)' % (link_key(lns, lname), paired)
            if release(what, link['alias'], want, exact=exact):
                ops.append(Op('delete', 'delete veth %s (and its peer)' % link_key(lns, lname), ns=lns, ifname=lname))
            else:
                kept.append(link)
        before = _state(want, end, peer, ns if end else None, pns if peer else None)
        after = dict(before) if kept else {'state': 'absent'}
        info['owner'] = mark_owner(kept[0]['alias']) if kept else None
        if kept:
            info['kept'] = True
        return Plan(key, before, after, ops, info)

    ops = []
    end_ns, peer_ns = ns, pns
    if end is None and peer is None:
        before = {'state': 'absent'}
        ops.append(Op('create', 'create veth %s with peer %s' % (key, link_key(pns, peer_name)),
                      ns=ns, name=name, peer=peer_name, peer_ns=pns, mark=want['mark'],
                      mtu=want['mtu'], mac=want['mac'], peer_mac=want['peer_mac'], up=want['up'],
                      undo=Op('delete', 'delete veth %s (and its peer)' % key, ns=ns, ifname=name)))
        if want['up']:  # done with the marks, one request per end (see Kernel.veth_add)
            ops.append(Op('noop', 'set up %s' % key))
            ops.append(Op('noop', 'set up %s' % link_key(pns, peer_name)))
        after = _state(want, {'up': want['up'], 'mtu': want['mtu'], 'mac': want['mac']},
                       {'up': want['up'], 'mtu': want['mtu'], 'mac': want['peer_mac']}, ns, pns)
        info['owner'] = mark_owner(want['mark'])
        return Plan(key, before, after, ops, info)

    if end is not None and peer is not None:
        if not have['paired']:
            other = have['end_peer']
            raise LabnetError('veth %s exists but its peer is %s, not %s; remove it or fix name/peer' % (
                key, 'unknown' if other is None else link_key(other[0], other[1]['ifname']), link_key(pns, peer_name)))
        before = _state(want, end, peer, ns, pns)
    elif end is not None:
        # the peer end is elsewhere: move it home if it carries the right name
        found_ns, found = have['end_peer'] or (None, None)
        if found_ns is UNKNOWN:
            raise LabnetError('the peer of veth %s is in a namespace without a name under /run/netns (a container?); '
                              'it cannot be verified or moved back' % key)
        if found is None or found['ifname'] != peer_name:
            raise LabnetError('veth %s exists but is paired with %s, not with %s' % (
                key, 'nothing found' if found is None else link_key(found_ns, found['ifname']), link_key(pns, peer_name)))
        before = _state(want, end, found, ns, found_ns)
        ops.append(Op('move', 'move %s to %s' % (link_key(found_ns, peer_name), where(pns)),
                      ns=found_ns, ifname=peer_name, to=pns))
        peer = dict(found, up=False, master=None)  # a moved link arrives down, without addresses
    else:
        found_ns, found = have['peer_peer'] or (None, None)
        if found_ns is UNKNOWN:
            raise LabnetError('the peer of veth %s is in a namespace without a name under /run/netns (a container?); '
                              'it cannot be verified or moved back' % link_key(pns, peer_name))
        if found is None or found['ifname'] != name:
            raise LabnetError('veth %s exists but is paired with %s, not with %s' % (
                link_key(pns, peer_name), 'nothing found' if found is None else link_key(found_ns, found['ifname']), key))
        before = _state(want, found, peer, found_ns, pns)
        ops.append(Op('move', 'move %s to %s' % (link_key(found_ns, name), where(ns)),
                      ns=found_ns, ifname=name, to=ns))
        end = dict(found, up=False, master=None)
    found = [(ns, name, end), (pns, peer_name, peer)]
    foreign = [item[2] for item in found if not is_ours(item[2]['alias'], want['owner'])]
    if claim('veth %s (peer %s)' % (key, link_key(pns, peer_name)), (foreign or [end])[0]['alias'], want):
        ops = mark_ops(found, want['mark']) + ops
    info['owner'] = mark_owner((foreign or [end])[0]['alias'])
    ops += attr_ops(ns, name, end, up=want['up'], mtu=want['mtu'], mac=want['mac'])
    ops += attr_ops(pns, peer_name, peer, up=want['up'], mtu=want['mtu'], mac=want['peer_mac'])
    after = _state(want, dict(end, up=want['up'], mtu=want['mtu'] or end['mtu'], mac=want['mac'] or end['mac']),
                   dict(peer, up=want['up'], mtu=want['mtu'] or peer['mtu'], mac=want['peer_mac'] or peer['mac']),
                   end_ns, peer_ns)
    return Plan(key, before, after, ops, info)
