# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# What the link-based resources (veth, bridge, address) share.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    PLANNED_AS, LabnetError, Op, Resource, validate_ifname, validate_netns_name)
UNKNOWN = object()  # a peer in a namespace that has no name under /run/netns
# the kinds of link the collection makes (an unmarked one may be a link of ours not marked yet)
MADE_KINDS = ('veth', 'bridge', 'macvlan', 'ipvlan', 'tun', 'ipip', 'vxlan')


def namespace_option():
    """The shared `namespace` option (documented once in the labnet.netns.common fragment)."""
    return dict(type='str')


def where(ns):
    return 'the host namespace' if ns is None else 'namespace %s' % ns


def link_key(ns, ifname):
    """How an interface is named in diffs and messages: IFNAME on the host, NS/IFNAME elsewhere."""
    if ns is UNKNOWN:
        return '<unnamed namespace>/%s' % ifname
    return ifname if ns is None else '%s/%s' % (ns, ifname)


def check_namespace(want, option='namespace'):
    if want.get(option) is not None:
        validate_netns_name(want[option], what=option)


def check_ifname(want, option):
    if want.get(option) is None:
        raise LabnetError('%s is required' % option)
    validate_ifname(want[option], what=option)


class LinkCache:
    """Links of each namespace, dumped at most once per module run.

    With ASSUME (check mode), what an earlier task of the play would have created is planned
    instead of refused: a missing namespace as an empty one, a missing interface that an
    object refers to (a port, the interface of an address) as a new one, down, without
    addresses. Each assumption is listed in ASSUMED, which the module returns and warns about."""

    def __init__(self, kernel, assume=False, planned=None, shared=None):
        self.kernel = kernel
        # dumps shared by the steps of one run until one of them changes something (the runner
        # empties it then): a re-run of a lab reads each namespace's links once
        self.shared = shared if shared is not None else {}
        self.assume = assume
        # what earlier steps of the same run plan (module labnet.netns.lab): namespaces, and
        # per (ns, ifname) the attributes a link will have; used only when ASSUME
        self.planned = planned if assume and planned is not None else {'namespaces': set(), 'links': {}}
        self.assumed = []
        self._links = {}
        self._by_index = {}

    def _note(self, missing, planned):
        """MISSING ('interface x does not exist') was PLANNED as made by an earlier task."""
        text = '%s%s%s (an earlier task would create it)' % (missing, PLANNED_AS, planned)
        if text not in self.assumed:
            self.assumed.append(text)

    def __call__(self, ns, missing_ok=False):
        """Links of namespace NS. With MISSING_OK (for state=absent), a namespace that does
        not exist has no links instead of being an error: what is gone need not be removed."""
        if ns not in self._links:
            if (missing_ok or self.assume) and not self.kernel.exists(ns):
                if self.assume and ns in self.planned['namespaces']:
                    self.planned['used'] = True
                elif not missing_ok:
                    self._note('namespace %s does not exist' % ns, 'an empty namespace')
                return {}
            removed = self.planned.get('removed')
            if removed and ns in removed:
                self.planned['used'] = True
                return {}  # an earlier step removes it, with its links
            if ns not in self.shared:
                self.shared[ns] = self.kernel.links(ns)
            self._links[ns] = self.shared[ns]
            if removed:  # ... and the veth pairs with an end inside it (nsids asked once per run)
                dead = self.planned.setdefault('dead', {})
                if ns not in dead:
                    dead[ns] = set(self.kernel.netnsid(ns, other) for other in removed if self.kernel.exists(other))
                dead = dead[ns]
                gone = set(link['index'] for link in self._links[ns].values()
                           if link['kind'] == 'veth' and link['link_netnsid'] in dead - {None})
                if gone:  # the runner waits for them after the namespaces step (see _lab.py)
                    self.planned['used'] = True
                    self.planned.setdefault('vanishing', {}).setdefault(ns, set()).update(gone)
                    self._links[ns] = dict((name, link) for name, link in self._links[ns].items()
                                           if link['index'] not in gone)
            for ifname, link in self._links[ns].items():
                if link['alias'] is None and link['kind'] in MADE_KINDS:
                    self._unmarked(ns, ifname, link)
        return self._links[ns]

    def _unmarked(self, ns, ifname, link):
        """A link without a mark: made by a run of ours that is marking it right now (a
        concurrent run), or that was killed before it could (its intent record says so)?"""
        intent = self.kernel.intent_owner(ns, ifname)
        if intent is not None:
            link.update(alias=intent, unmarked=True)
            return
        # a run marks its link first and drops its intent after: with no intent left, a fresh
        # read shows the mark if a concurrent run set it after the dump above was taken
        fresh = self.kernel.link(ns, ifname)
        if fresh is not None and fresh['index'] == link['index']:
            link['alias'] = fresh['alias']

    def get(self, ns, ifname, missing_ok=False):
        """Link IFNAME of namespace NS, or None (with what an earlier step plans for it)."""
        link = self(ns, missing_ok).get(ifname)
        attrs = self.planned['links'].get((ns, ifname))
        if attrs is None:
            return link
        self.planned['used'] = True
        if attrs.get('gone'):  # an earlier step deletes it
            return None
        if link is None:
            link = {'index': -1, 'ifname': ifname, 'kind': None, 'up': False, 'mtu': None, 'mac': None,
                    'master': None, 'link': None, 'link_netnsid': None, 'alias': None, 'assumed': True}
        return dict(link, **dict((k, v) for k, v in attrs.items() if v is not None))

    def referred(self, ns, ifname):
        """Link IFNAME that an object needs (a port, an address's interface): None when it is
        missing, unless in check mode, where it is assumed to be made by an earlier task."""
        link = self.get(ns, ifname)
        if link is None and self.assume:
            self._note('interface %s does not exist' % link_key(ns, ifname), 'a new interface, down, without addresses')
            link = {'index': -1, 'ifname': ifname, 'kind': None, 'up': False, 'mtu': None, 'mac': None,
                    'master': None, 'link': None, 'link_netnsid': None, 'alias': None, 'assumed': True}
        return link

    def by_index(self, ns, index):
        if ns not in self._by_index:
            self._by_index[ns] = dict((link['index'], link) for link in self(ns).values())
        return self._by_index[ns].get(index)


class PeerFinder:
    """Finds where the other end of a veth lives (IFLA_LINK + IFLA_LINK_NETNSID)."""

    def __init__(self, kernel, links):
        self.kernel = kernel
        self.links = links
        self._all = None
        self._nsids = {}
        self._by_nsid = {}  # ns -> {nsid: namespace}, as far as computed
        self._found = {}  # (ns, index) -> (peer ns, peer link): pairs seen from their other end

    def nsid(self, ns, other):
        """The nsid namespace NS uses for namespace OTHER (cached)."""
        if (ns, other) not in self._nsids:
            nsid = self._nsids[(ns, other)] = self.kernel.netnsid(ns, other)
            if nsid is not None:
                self._by_nsid.setdefault(ns, {})[nsid] = other
        return self._nsids[(ns, other)]

    def _candidates(self, hints):
        seen = []
        for ns in hints:
            if ns not in seen:
                seen.append(ns)
                yield ns
        if self._all is None:
            self._all = [None] + [n for n in self.kernel.list_entries()
                                  if self.kernel.entry_kind(n) in ('namespace', 'symlink')]
        for ns in self._all:
            if ns not in seen:
                seen.append(ns)
                yield ns

    def peer_of(self, ns, link, hints):
        if link['link_netnsid'] is None:
            peer = self.links.by_index(ns, link['link'])
            return (ns, peer) if peer is not None else None
        if (ns, link['index']) in self._found:
            return self._found[(ns, link['index'])]
        for cand in self._candidates(hints):
            known = self._by_nsid.get(ns, {}).get(link['link_netnsid'], cand)
            if known == ns or self.nsid(ns, known) != link['link_netnsid']:
                continue
            peer = self.links.by_index(known, link['link'])
            if peer is None:
                return None
            # the other end, looked at later, is known without asking the kernel again: its
            # peer is this link when it points back at it
            if peer.get('kind') == 'veth' and peer.get('link') == link['index']:
                self._found[(known, peer['index'])] = (ns, link)
            return (known, peer)
        return (UNKNOWN, {'ifname': '?', 'index': link['link']})


def mark_ops(found, mark):
    """Ownership marks that links of ours lack (a run was killed between creating and
    marking them): FOUND is a list of (ns, ifname, link)."""
    return [Op('mark', 'mark %s as made by %s' % (link_key(ns, ifname), mark), ns=ns, ifname=ifname, mark=mark)
            for ns, ifname, link in found if link is not None and link.get('unmarked')]


def set_op(ns, ifname, text, undo=None, **attrs):
    return Op('set', '%s %s' % (text, link_key(ns, ifname)), undo=undo, ns=ns, ifname=ifname, attrs=attrs)


def up_op(ns, ifname, up):
    """Set the link up or down; undone by the opposite."""
    return set_op(ns, ifname, 'set up' if up else 'set down', state='up' if up else 'down',
                  undo=set_op(ns, ifname, 'set down' if up else 'set up', state='down' if up else 'up'))


def attr_ops(ns, ifname, link, up=None, mtu=None, mac=None, master=None, master_name=None):
    """Operations that bring existing LINK to the attributes asked for (None = not managed)."""
    ops = []
    if master is not None and link.get('master') != master:
        ops.append(Op('set', 'attach %s to bridge %s' % (link_key(ns, ifname), master_name),
                      ns=ns, ifname=ifname, attrs={'master': master_name}))
    if mtu is not None and link.get('mtu') != mtu:
        old = link.get('mtu')
        ops.append(set_op(ns, ifname, 'set mtu %d on' % mtu, mtu=mtu,
                          undo=old and set_op(ns, ifname, 'set mtu %d on' % old, mtu=old)))
    if mac is not None and link.get('mac') != mac:
        old = link.get('mac')
        ops.append(set_op(ns, ifname, 'set mac %s on' % mac, address=mac,
                          undo=old and set_op(ns, ifname, 'set mac %s on' % old, address=old)))
    if up is not None and link.get('up') != up:
        ops.append(up_op(ns, ifname, up))
    return ops


class LinkResource(Resource):
    """Resources made of links: shared apply steps."""

    def key(self, want):
        """A link is named by its namespace and KEY (NS/IFNAME, IFNAME on the host)."""
        return link_key(want['namespace'], want[self.KEY])

    def link_cache(self, kernel):
        """The link cache of this run; in check mode it plans what earlier tasks would create."""
        cache = LinkCache(kernel, assume=self.assume, planned=self.planned, shared=self.shared)
        self.assumed = cache.assumed
        return cache

    @staticmethod
    def plan_link(planned, ns, ifname, **attrs):
        """Record what a link will look like after this step (for the steps after it)."""
        planned['links'].setdefault((ns, ifname), {}).update(attrs)

    @staticmethod
    def do_set(kernel, ns, ifname, attrs, record=None):
        """Change a link; RECORD (key, mark) records (or, mark None, forgets) an addition."""
        kernel.link_set(ns, ifname, 'cannot change %s' % link_key(ns, ifname), **attrs)
        if record is not None:
            kernel.record_addition(ns, kernel.link(ns, ifname)['index'], ifname, record[0], record[1])

    @staticmethod
    def do_delete(kernel, ns, ifname):
        kernel.link_del(ns, ifname, 'cannot delete %s' % link_key(ns, ifname))

    @staticmethod
    def do_mark(kernel, ns, ifname, mark):
        kernel.mark_link(ns, ifname, mark, 'cannot mark %s' % link_key(ns, ifname))

    @staticmethod
    def do_move(kernel, ns, ifname, to):
        kernel.link_set(ns, ifname, 'cannot move %s to %s' % (link_key(ns, ifname), where(to)), net_ns=to)
