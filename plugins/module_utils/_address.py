# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# IP addresses of an interface: read / plan / apply. Addresses are compared as
# ipaddress.ip_interface objects (normalised), never as strings.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, is_ours, mark_owner, parse_interface_address)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, attr_ops, check_ifname, check_namespace,
    link_key, namespace_option, where)


class AddressResource(LinkResource):
    KEY = 'interface'
    RESULT_KEY = 'interfaces'
    DEFAULT_OWNER = 'netns_address'
    OPTIONS = dict(
        interface=dict(type='str'),
        namespace=namespace_option(),
        addresses=dict(type='list', elements='str'),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
        exclusive=dict(type='bool', default=False),
        up=dict(type='bool', default=True),
        **OWNERSHIP_OPTIONS
    )

    def key(self, want):
        return link_key(want['namespace'], want['interface'])

    def validate(self, want):
        check_ifname(want, 'interface')
        check_namespace(want)
        if want['addresses'] is None:
            want['addresses'] = []
        parsed = [parse_interface_address(a) for a in want['addresses']]
        seen = {}
        for addr in parsed:
            if addr.ip in seen:
                raise LabnetError('address %s is listed twice (as %s and %s)' % (addr.ip, seen[addr.ip], addr))
            seen[addr.ip] = addr
        if not parsed and not (want['exclusive'] and want['state'] == 'present'):
            raise LabnetError('addresses must list at least one address '
                              '(or use exclusive=true with an empty list to remove every address)')
        want['addresses'] = parsed

    def read(self, kernel, wants):
        links = self.link_cache(kernel)
        cache = {}
        haves = []
        for want in wants:
            ns = want['namespace']
            if want['state'] == 'absent':
                link = links.get(ns, want['interface'], missing_ok=True)
            else:
                link = links.referred(ns, want['interface'])
            if link is None or link.get('assumed'):
                haves.append({'link': link, 'addresses': [], 'ours': True, 'additions': {}})
                continue
            if ns not in cache:
                cache[ns] = kernel.addresses(ns)
            current = [ipaddress.ip_interface('%s/%d' % (a['address'], a['prefixlen']))
                       for a in cache[ns] if a['index'] == link['index']]
            ours = is_ours(link['alias'], want['owner'])
            haves.append({'link': link, 'addresses': current, 'ours': ours,
                          'additions': {} if ours else kernel.additions(ns, link)})
        return haves

    def plan(self, want, have):
        return plan_address(want, have)

    @staticmethod
    def do_addr(kernel, ns, ifname, change, address, record=None):
        """Add or remove ADDRESS; RECORD (a mark, or False to forget) records it as an addition
        of ours to an interface that is not ours."""
        kernel.addr(ns, change, ifname, str(address.ip), address.network.prefixlen,
                    'cannot %s address %s on %s' % ('add' if change == 'add' else 'remove', address, link_key(ns, ifname)))
        if record is not None:
            kernel.record_addition(ns, kernel.link(ns, ifname)['index'], ifname, str(address), record or None)


def _managed(addr):
    """Addresses exclusive=true may remove: all but IPv6 link-local."""
    return not (addr.version == 6 and addr.ip.is_link_local)


def _addr_op(ns, ifname, change, addr, record=None):
    verb = 'add' if change == 'add' else 'remove'
    return Op('addr', '%s address %s %s %s' % (verb, addr, 'to' if verb == 'add' else 'from', link_key(ns, ifname)),
              ns=ns, ifname=ifname, change=change, address=addr, record=record)


def _sorted(addrs, wanted):
    """The addresses shown in results and diffs: all but the IPv6 link-local ones the kernel adds
    by itself (asynchronously, after a link comes up), unless they were asked for."""
    shown = [a for a in addrs if _managed(a) or a in wanted]
    return [str(a) for a in sorted(shown, key=lambda a: (a.version, int(a.ip), a.network.prefixlen))]


def plan_address(want, have):
    """Pure planning for the addresses of one interface."""
    ns, ifname = want['namespace'], want['interface']
    key = link_key(ns, ifname)
    info = {'interface': ifname, 'namespace': ns,
            'owner': mark_owner(have['link']['alias']) if have['link'] is not None else None}
    if have['link'] is None:
        if want['state'] == 'absent':  # gone with its interface (or namespace): nothing to remove
            return Plan(key, {'addresses': []}, {'addresses': []}, [], info)
        raise LabnetError('interface %s does not exist in %s' % (ifname, where(ns)))
    current = list(have['addresses'])
    by_ip = dict((a.ip, a) for a in current)
    ops = []
    final = list(current)
    added = None if have['ours'] else want['mark']  # recorded: an addition to an interface not ours

    def mine(addr):
        return have['ours'] or have['additions'].get(str(addr)) == want['mark']

    def remove(addr):
        ops.append(_addr_op(ns, ifname, 'del', addr, record=None if have['ours'] else False))
        final.remove(addr)

    if want['state'] == 'present':
        adds = []
        for addr in want['addresses']:
            old = by_ip.get(addr.ip)
            if old == addr:
                continue
            if old is not None:  # same address, other prefix length: replace it
                if not (mine(old) or want['force']):
                    raise LabnetError('address %s on %s was not added by %s; refusing to replace it with %s '
                                      '(set force=true to replace it)' % (old, key, want['mark'], addr))
                remove(old)
            adds.append(addr)
        if want['exclusive']:
            for addr in current:
                if _managed(addr) and addr not in want['addresses'] and addr in final and (mine(addr) or want['force']):
                    remove(addr)
        # removals first: deleting a primary IPv4 address also deletes the secondary ones of its
        # subnet, so an address added before the old one is removed would vanish with it
        for addr in adds:
            ops.append(_addr_op(ns, ifname, 'add', addr, record=added))
            final.append(addr)
        ops += attr_ops(ns, ifname, have['link'], up=want['up'])
        up_after = want['up']
    else:
        for addr in want['addresses']:
            if by_ip.get(addr.ip) == addr and (mine(addr) or not want['adopt']):
                remove(addr)
        up_after = have['link']['up']
    before = {'addresses': _sorted(current, want['addresses']), 'up': have['link']['up']}
    after = {'addresses': _sorted(final, want['addresses']), 'up': up_after}
    return Plan(key, before, after, ops, info)
