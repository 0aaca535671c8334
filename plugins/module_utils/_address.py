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
    OWNERSHIP_OPTIONS, STATE_CHOICES, LabnetError, Op, Plan, claim_once, interface_address, is_ours,
    mark_owner, parse_interface_address)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    LinkResource, attr_ops, check_ifname, check_namespace,
    link_key, namespace_option, where)


IFA_F_SECONDARY = 0x01
IPV6_MIN_MTU = 1280


def _check_form(addr):
    """Refuse what the kernel would not keep as asked: it refuses some, and silently ignores 0.0.0.0."""
    if getattr(addr, 'scope_id', None):
        raise LabnetError('address %s has a zone (%%%s): the kernel keeps no zone with an address; '
                          'write it without' % (addr, addr.scope_id))
    if addr.ip.is_unspecified:
        raise LabnetError('address %s is the unspecified address: the kernel %s' % (
            addr, 'ignores it (and reports success)' if addr.version == 4 else 'refuses it'))
    if addr.version == 6 and addr.ip.is_multicast:
        raise LabnetError('address %s is an IPv6 multicast address: the kernel refuses it as an interface address' % addr)


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

    def validate(self, want):
        check_ifname(want, 'interface')
        check_namespace(want)
        if want['addresses'] is None:
            want['addresses'] = []
        parsed = [parse_interface_address(a) for a in want['addresses']]
        seen = {}
        for addr in parsed:
            _check_form(addr)
            if addr.ip in seen:
                raise LabnetError('address %s is listed twice (as %s and %s)' % (addr.ip, seen[addr.ip], addr))
            seen[addr.ip] = addr
        if not parsed and not (want['exclusive'] and want['state'] == 'present'):
            raise LabnetError('addresses must list at least one address '
                              '(or use exclusive=true with an empty list to remove every address)')
        want['addresses'] = parsed

    def validate_batch(self, wants):
        claims = {}
        for index, want in enumerate(wants):
            if want['state'] == 'present':
                for addr in want['addresses']:
                    claim_once(claims, (want['namespace'], addr.ip), index,
                               'give address %s to an interface of %s: one address, one interface'
                               % (addr.ip, where(want['namespace'])), self.where)

    def reads(self, want):
        present = [want['namespace']] if want['state'] == 'present' else []
        return present, present

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
                haves.append({'link': link, 'addresses': [], 'secondary': [], 'ours': True, 'additions': {}})
                continue
            if ns not in cache:
                cache[ns] = kernel.addresses(ns)
            mine = [a for a in cache[ns] if a['index'] == link['index']]
            current = [interface_address('%s/%d' % (a['address'], a['prefixlen'])) for a in mine]
            secondary = [addr for addr, a in zip(current, mine) if a.get('flags', 0) & IFA_F_SECONDARY]
            ours = is_ours(link['alias'], want['owner'])
            haves.append({'link': link, 'addresses': current, 'secondary': secondary, 'ours': ours,
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


LOOPBACK_ADDRESSES = (ipaddress.ip_interface(u'127.0.0.1/8'), ipaddress.ip_interface(u'::1/128'))


def _managed(addr):
    """Addresses exclusive=true may remove: all but IPv6 link-local."""
    return not (addr.version == 6 and addr.ip.is_link_local)


def _addr_op(ns, ifname, change, addr, why='', undo=True, record=None):
    """RECORD: None (the interface is ours), a mark (an addition of ours recorded), False (forgotten)."""
    verb = 'add' if change == 'add' else 'remove'
    inverse = None if record is None else (False if record else None)
    return Op('addr', '%s address %s %s %s%s' % (verb, addr, 'to' if verb == 'add' else 'from', link_key(ns, ifname), why),
              ns=ns, ifname=ifname, change=change, address=addr, record=record,
              undo=_addr_op(ns, ifname, 'del' if change == 'add' else 'add', addr, undo=False, record=inverse) if undo else None)


def _sorted(addrs, wanted):
    """The addresses shown in results and diffs: all but the IPv6 link-local ones the kernel adds
    by itself (asynchronously, after a link comes up), unless they were asked for."""
    shown = [a for a in addrs if _managed(a) or a in wanted]
    return [str(a) for a in sorted(shown, key=lambda a: (a.version, int(a.ip), a.network.prefixlen))]


def _check_fits(addr, link, key):
    """Refuse, when planning, an IPv6 address the kernel would refuse on LINK."""
    if addr.version != 6:
        return
    if link.get('mtu') is not None and link['mtu'] < IPV6_MIN_MTU:
        raise LabnetError('%s has MTU %d, below the %d that IPv6 needs: the kernel refuses IPv6 address %s on it'
                          % (key, link['mtu'], IPV6_MIN_MTU, addr))
    if link.get('ipv6_disabled'):
        raise LabnetError('IPv6 is disabled on %s (sysctl net.ipv6.conf.%s.disable_ipv6): the kernel refuses IPv6 address %s'
                          % (key, link['ifname'], addr))
    if addr.ip.is_loopback and not link.get('loopback', True) and link.get('kind') != 'vrf':
        raise LabnetError('address %s is the IPv6 loopback address: the kernel allows it on a loopback device only, '
                          'not on %s' % (addr, key))


def _lost(dels, current, secondary, going_down):
    """Addresses the kernel removes by itself, with why: an IPv4 primary takes the secondary
    addresses of its subnet with it (unless promote_secondaries is set), and setting a link down
    drops its IPv6 addresses (unless keep_addr_on_down is set)."""
    lost = []
    for gone in dels:
        if gone.version == 4 and gone not in secondary:
            lost += [(a, 'removing %s removes it' % gone) for a in secondary
                     if a.network == gone.network and a not in dels]
    if going_down:
        lost += [(a, 'setting the link down removes IPv6 addresses') for a in current if a.version == 6]
    return lost


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
    link = have['link']
    dels, adds = [], []

    def mine(addr):
        """Ours to remove: on an interface of ours, or an addition recorded as ours."""
        return have['ours'] or have['additions'].get(str(addr)) == want['mark']

    if want['state'] == 'present':
        for addr in want['addresses']:
            _check_fits(addr, link, key)
            old = by_ip.get(addr.ip)
            if old == addr:
                continue
            if old is not None:  # same address, other prefix length: replace it
                if not (mine(old) or want['force']):
                    raise LabnetError('address %s on %s was not added by %s; refusing to replace it with %s '
                                      '(set force=true to replace it)' % (old, key, want['mark'], addr))
                dels.append(old)
            adds.append(addr)
        if want['exclusive']:
            # what is not ours stays unless force=true
            dels += [a for a in current if _managed(a) and a not in want['addresses'] and a not in dels
                     and (mine(a) or want['force'])]
        up_after = want['up']
    else:
        # the listed addresses (exactly what the task describes); with adopt=true only ours
        dels = [a for a in want['addresses'] if by_ip.get(a.ip) == a and (mine(a) or not want['adopt'])]
        up_after = link['up']
    added = None if have['ours'] else want['mark']  # additions to an interface not ours are recorded
    forget = None if have['ours'] else False
    ops = []
    if link['up'] and not up_after:
        ops += attr_ops(ns, ifname, link, up=False)
    ops += [_addr_op(ns, ifname, 'del', a, record=forget) for a in dels]
    # what the kernel removes by itself goes back, unless it is to go
    lost = _lost(dels, current, have.get('secondary', ()), going_down=link['up'] and not up_after)
    back = []
    for addr, why in lost:
        if addr not in dels and addr not in back and (_managed(addr) or addr in want['addresses']):
            back.append(addr)
            ops.append(_addr_op(ns, ifname, 'add', addr, ' again (%s)' % why))
    ops += [_addr_op(ns, ifname, 'add', a, record=added) for a in adds]
    came = []
    if up_after and not link['up']:
        ops += attr_ops(ns, ifname, link, up=True)
        if link.get('loopback'):  # the kernel gives a loopback device coming up 127.0.0.1/8 and ::1/128
            came = [a for a in LOOPBACK_ADDRESSES if a not in adds and a not in current
                    and (a.version == 4 or not link.get('ipv6_disabled'))]
            if want['state'] == 'present' and want['exclusive'] and (have['ours'] or want['force']):
                # exclusive: they go again, in the same run (a second run would remove them)
                ops += [_addr_op(ns, ifname, 'del', a, ' (the kernel adds it when a loopback comes up)', record=forget)
                        for a in came if a not in want['addresses']]
                came = [a for a in came if a in want['addresses']]
    gone = set(dels) | set(a for a, dummy in lost)
    final = [a for a in current if a not in gone] + back + adds + came
    before = {'addresses': _sorted(current, want['addresses']), 'up': have['link']['up']}
    after = {'addresses': _sorted(final, want['addresses']), 'up': up_after}
    return Plan(key, before, after, ops, info)
