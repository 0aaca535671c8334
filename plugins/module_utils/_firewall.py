# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# iptables / ip6tables rules tagged with the collection's mark: read / plan / apply.
#
# Design:
# - A rule is the token list iptables -S prints after "-A CHAIN", always ending in
#   "-m comment --comment labnet.netns:OWNER -j TARGET". Reading dumps each table once per
#   (namespace, family, backend) with "-t TABLE -S" and compares normalised token lists
#   (networks through ipaddress, conntrack states in iptables' order): no "-C" per rule.
# - Only rules carrying the mark are ever added or removed; -D is given the full rule, mark
#   included, so an identical rule of the user's without the mark is never touched.
# - iptables takes its own xtables lock per command only, so check (-C) + append (-A), and
#   check + delete, run under a lock of ours held across both: flock on LOCK_PATH. All runs of
#   the module on a host share it (it is not per namespace: rare, short, and simple).
# - The backend (nft or legacy) is where the active rules of the chain live (see
#   choose_backend). Legacy tables are looked for in /proc/thread-self/net/ip*_tables_names
#   and iptables-legacy is run only on a table that already exists there: running it on a
#   missing table creates one, which cannot be removed again.
# - Commands run inside a namespace through Kernel.run_in (setns of this thread), never
#   through "ip netns exec".

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import ipaddress
import os
import re
import shlex

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    STATE_CHOICES, LabnetError, Op, Plan, Resource, argument_spec,
    is_ours, owner_mark, validate_ifname, validate_owner)
from ansible_collections.labnet.netns.plugins.module_utils._links import (
    check_namespace, namespace_option)

FAMILIES = ('ipv4', 'ipv6')
BACKENDS = ('nft', 'legacy')
TABLES = ['filter', 'nat']
JUMPS = ['ACCEPT', 'DROP', 'RETURN', 'MASQUERADE']
# the order in which iptables prints --ctstate (libxt_conntrack)
CTSTATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT']
BUILTIN_CHAINS = {'filter': ('INPUT', 'FORWARD', 'OUTPUT'),
                  'nat': ('PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING')}
NO_IN_INTERFACE = ('OUTPUT', 'POSTROUTING')
NO_OUT_INTERFACE = ('INPUT', 'PREROUTING')
DEFAULT_OWNER = 'netns_firewall'
DEFAULT_COMMAND = {'ipv4': 'iptables', 'ipv6': 'ip6tables'}
LEGACY_TABLES = {'ipv4': '/proc/thread-self/net/ip_tables_names',
                 'ipv6': '/proc/thread-self/net/ip6_tables_names'}
BRIDGE_NF_CALL = {'ipv4': '/proc/sys/net/bridge/bridge-nf-call-iptables',
                  'ipv6': '/proc/sys/net/bridge/bridge-nf-call-ip6tables'}
LOCK_DIR = '/run/labnet-netns'
LOCK_PATH = os.path.join(LOCK_DIR, 'firewall.lock')
PACKAGE_HINT = 'install the package that provides it (Debian and Ubuntu: apt-get install iptables)'
_CHAIN_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,27}$')


def command(family, backend):
    """The binary of FAMILY and BACKEND: iptables-nft, ip6tables-legacy, ..."""
    return '%s-%s' % (DEFAULT_COMMAND[family], backend)


# -- validation (pure) ---------------------------------------------------------------

def check_exact_ifname(name, what):
    """An interface name that iptables and nft match exactly, not as a pattern."""
    validate_ifname(name, what)
    if name.endswith('+'):
        raise LabnetError('%s %r ends in "+", which iptables reads as a wildcard (every interface starting with %r); '
                          'give an exact interface name' % (what, name, name[:-1]))
    if '*' in name:
        raise LabnetError('%s %r contains "*", which nft reads as a wildcard; give an exact interface name' % (what, name))
    if name.startswith('!'):
        raise LabnetError('%s %r starts with "!", which iptables reads as a negation; use %s_not to match every '
                          'interface but one' % (what, name, what))
    bad = sorted(set(name) & set('"\'\\'))
    if bad:
        raise LabnetError('%s %r contains %s, which iptables does not quote when it prints rules'
                          % (what, name, ', '.join(repr(c) for c in bad)))
    return name


def check_chain(chain):
    if not isinstance(chain, str) or not _CHAIN_RE.match(chain):
        raise LabnetError('chain %r must be 1-28 characters of letters, digits and _ . : + -, not starting with "-"'
                          % (chain,))
    if chain in JUMPS:
        raise LabnetError('chain %r is a target, not a chain' % chain)
    return chain


def parse_network(text, what):
    """'10.0.1.0/24', '10.0.1.5' or '2001:db8::/64' -> ip_network; host bits are cleared,
    as iptables does."""
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        raise LabnetError('%s %r is not a valid IPv4 or IPv6 address or network in CIDR form '
                          '(for example 10.0.1.0/24 or 2001:db8::/64)' % (what, text))


def families_of(ip_version, source, destination):
    """The families a rule applies to: ip_version, narrowed by the family of its addresses."""
    wanted = list(FAMILIES) if ip_version == 'both' else [ip_version]
    given = [(what, net) for what, net in (('source', source), ('destination', destination)) if net is not None]
    versions = set('ipv%d' % net.version for dummy, net in given)
    if len(versions) > 1:
        raise LabnetError('source %s and destination %s are of different IP versions' % (source, destination))
    if versions:
        family = versions.pop()
        if family not in wanted:
            what, net = given[0]
            raise LabnetError('%s %s is an %s network but ip_version is %s' % (what, net, family.replace('ip', 'IP'), ip_version))
        wanted = [family]
    return wanted


def rule_args(want):
    """The rule as iptables -S prints it after '-A CHAIN' (family-independent), as tokens."""
    args = []
    for option, key in (('-s', 'source'), ('-d', 'destination')):
        if want[key] is not None:
            args += [option, str(want[key])]
    for option, key in (('-i', 'in_interface'), ('-o', 'out_interface')):
        if want[key] is not None:
            args += [option, want[key]]
        elif want[key + '_not'] is not None:
            args += ['!', option, want[key + '_not']]
    if want['ctstate']:
        args += ['-m', 'conntrack', '--ctstate', ','.join(want['ctstate'])]
    args += ['-m', 'comment', '--comment', owner_mark(want['owner']), '-j', want['jump']]
    return args


def rule_text(chain, args):
    """'-A CHAIN ARGS' with the comment quoted, exactly as iptables -S prints it."""
    out = ['-A', chain]
    for index, token in enumerate(args):
        out.append('"%s"' % token if index and args[index - 1] == '--comment' else token)
    return ' '.join(out)


def normalize_args(tokens):
    """Tokens of a rule with networks and conntrack states in canonical form; None when
    they cannot be read (such a rule is never one of ours)."""
    out = list(tokens)
    for index, token in enumerate(out[:-1]):
        value = out[index + 1]
        if token in ('-s', '-d'):
            try:
                out[index + 1] = str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                return None
        elif token == '--ctstate':
            states = value.split(',')
            if not set(states) <= set(CTSTATES):
                return None
            out[index + 1] = ','.join(s for s in CTSTATES if s in states)
    return out


def parse_dump(text):
    """iptables -t TABLE -S output -> {'policies': {chain: policy or None (user chain)},
    'rules': {chain: [normalised token lists]}}. Lines it cannot read are skipped."""
    policies, rules = {}, {}
    for line in text.splitlines():
        try:
            tokens = shlex.split(line)
        except ValueError:
            continue
        if len(tokens) == 3 and tokens[0] == '-P':
            policies[tokens[1]] = tokens[2]
        elif len(tokens) == 2 and tokens[0] == '-N':
            policies[tokens[1]] = None
        elif len(tokens) > 2 and tokens[0] == '-A':
            args = normalize_args(tokens[2:])
            if args is not None:
                rules.setdefault(tokens[1], []).append(args)
    return {'policies': policies, 'rules': rules}


def _ours(args):
    """Whether a rule carries a mark of this collection (any owner)."""
    return any(is_ours(value) for option, value in zip(args, args[1:]) if option == '--comment')


def chain_summary(dump, chain):
    """What a backend holds in CHAIN: None when the chain (or the table) does not exist there,
    else {'policy': POLICY or None (a user chain), 'rules': count of the rules that are not this
    collection's}. Our own rules do not count: a rule left in one backend must not keep the
    choice there once another tool's active rules (and policy) are in the other one."""
    if dump is None or chain not in dump['policies']:
        return None
    return {'policy': dump['policies'][chain],
            'rules': sum(1 for args in dump['rules'].get(chain, []) if not _ours(args))}


def _in_use(summary):
    return summary is not None and (summary['rules'] > 0 or summary['policy'] != 'ACCEPT')


def _describe(summary):
    if summary is None:
        return 'no such table or chain'
    rules = '%d rule%s not of this collection' % (summary['rules'], '' if summary['rules'] == 1 else 's')
    if summary['policy'] is None:
        return 'a user chain with %s' % rules
    return 'policy %s and %s' % (summary['policy'], rules)


def choose_backend(forced, default, table, chain, mine, other):
    """Pure: (backend, reason) for one (namespace, family, table, chain). DEFAULT is the
    backend of the plain iptables command (iptables -V); MINE and OTHER summarise the chain in
    the default and in the other backend (chain_summary; OTHER None when that backend has no
    such table). The rule goes where the active rules live: the default, unless its chain is
    unused (no rules, policy ACCEPT) while the other backend's is in use, as with Docker on
    legacy iptables under an nft default."""
    where = '%s %s' % (table, chain)
    if forced != 'auto':
        return forced, 'forced by backend=%s' % forced
    alt = BACKENDS[1] if default == BACKENDS[0] else BACKENDS[0]
    if _in_use(mine):
        return default, 'the default iptables (%s) holds the active rules: %s has %s' % (default, where, _describe(mine))
    if _in_use(other):
        return alt, ('the default iptables (%s) has %s in %s, but the %s tables hold the active rules there (%s), '
                     'as Docker does on %s iptables' % (default, _describe(mine), where, alt, _describe(other), alt))
    return default, 'the default iptables (%s); the %s backend holds no active rules in %s either (%s)' % (
        default, alt, where, _describe(other))


# -- the resource ----------------------------------------------------------------------

class FirewallResource(Resource):
    RESULT_KEY = 'rules'
    OPTIONS = dict(
        table=dict(type='str', default='filter', choices=TABLES),
        chain=dict(type='str', default='FORWARD'),
        in_interface=dict(type='str'),
        in_interface_not=dict(type='str'),
        out_interface=dict(type='str'),
        out_interface_not=dict(type='str'),
        source=dict(type='str'),
        destination=dict(type='str'),
        ctstate=dict(type='list', elements='str', choices=CTSTATES),
        jump=dict(type='str', choices=JUMPS),
        ip_version=dict(type='str', default='both', choices=['ipv4', 'ipv6', 'both']),
        namespace=namespace_option(),
        owner=dict(type='str', default=DEFAULT_OWNER),
        backend=dict(type='str', default='auto', choices=['auto'] + list(BACKENDS)),
        state=dict(type='str', default='present', choices=STATE_CHOICES),
    )

    def __init__(self):
        self._ipt = None

    def build_module(self):
        from ansible.module_utils.basic import AnsibleModule
        return AnsibleModule(argument_spec=argument_spec(self.OPTIONS), supports_check_mode=True,
                             mutually_exclusive=[['in_interface', 'in_interface_not'],
                                                 ['out_interface', 'out_interface_not']])

    def validate(self, want):
        validate_want(want)

    def key(self, want):
        return rule_key(want)

    def read(self, kernel, wants):
        self._ipt = Iptables(self.module, kernel)
        return [self._ipt.read(want) for want in wants]

    def plan(self, want, have):
        return plan_rule(want, have)

    def do_add(self, kernel, ns, family, backend, table, chain, args):
        self._ipt.add(ns, family, backend, table, chain, args)

    def do_remove(self, kernel, ns, family, backend, table, chain, args):
        self._ipt.remove(ns, family, backend, table, chain, args)


def validate_want(want):
    """Normalise and check one rule in place (pure)."""
    if want.get('jump') is None:
        raise LabnetError('jump is required (one of %s)' % ', '.join(JUMPS))
    table, chain, jump = want['table'], check_chain(want['chain']), want['jump']
    check_namespace(want)
    want['owner'] = validate_owner(want.get('owner') or DEFAULT_OWNER)
    for side in ('in_interface', 'out_interface'):
        if want.get(side) is not None and want.get(side + '_not') is not None:
            raise LabnetError('%s and %s_not are mutually exclusive' % (side, side))
        for option in (side, side + '_not'):
            if want.get(option) is not None:
                check_exact_ifname(want[option], option)
    builtin = chain in BUILTIN_CHAINS[table]
    if builtin and chain in NO_IN_INTERFACE and (want['in_interface'] or want['in_interface_not']):
        raise LabnetError('chain %s sees no input interface: in_interface cannot be used there' % chain)
    if builtin and chain in NO_OUT_INTERFACE and (want['out_interface'] or want['out_interface_not']):
        raise LabnetError('chain %s sees no output interface: out_interface cannot be used there' % chain)
    if jump == 'MASQUERADE' and (table != 'nat' or (builtin and chain != 'POSTROUTING')):
        raise LabnetError('jump MASQUERADE needs table nat and chain POSTROUTING (or a user chain of table nat)')
    if jump == 'DROP' and table == 'nat':
        raise LabnetError('jump DROP is not allowed in table nat (it is not for filtering); use table filter')
    for option in ('source', 'destination'):
        if want.get(option) is not None:
            want[option] = parse_network(want[option], option)
    want['families'] = families_of(want['ip_version'], want['source'], want['destination'])
    states = want.get('ctstate') or []
    want['ctstate'] = [s for s in CTSTATES if s in states]
    want['args'] = rule_args(want)


def rule_key(want):
    """How a rule is named in diffs and messages: [NAMESPACE/]TABLE/CHAIN: RULE [(FAMILY)]."""
    where = '%s/%s' % (want['table'], want['chain'])
    if want['namespace'] is not None:
        where = '%s/%s' % (want['namespace'], where)
    only = '' if len(want['families']) == len(FAMILIES) else ' (%s only)' % want['families'][0]
    return '%s: %s%s' % (where, rule_text(want['chain'], want['args'])[len('-A %s ' % want['chain']):], only)


# -- planning (pure) ---------------------------------------------------------------------

class RulePlan(Plan):
    def result(self):
        out = dict(self.info['rule'])
        for family in FAMILIES:
            facts = self.info['families'].get(family)
            if facts is not None:
                facts = dict(facts, present=self.after[family]['state'] == 'present',
                             copies=self.after[family]['copies'])
            out[family] = facts
        return out


def _state(copies):
    return {'state': 'present' if copies else 'absent', 'copies': copies}


def plan_rule(want, have):
    """Pure planning for one rule. HAVE: per family {backend, backend_reason, policy,
    chain_exists, copies, elsewhere, bridge_nf_call}: COPIES in BACKEND, ELSEWHERE {backend:
    copies} in the other backend (read for state=absent with backend=auto, so that removal finds
    every copy). A namespace that is missing (state=absent) reads as no chain at all."""
    table, chain, ns, args = want['table'], want['chain'], want['namespace'], want['args']
    text = rule_text(chain, args)
    suffix = '' if ns is None else ' in namespace %s' % ns
    before, after, ops, facts = {}, {}, [], {}
    for family in want['families']:
        current = have[family]
        backend = current['backend']
        where = [(backend, current['copies'])] + sorted(current.get('elsewhere', {}).items())
        copies = sum(n for dummy, n in where)
        detail = '(%s, table %s, %s backend)%s' % (family, table, backend, suffix)
        added, removed = False, 0
        if want['state'] == 'present':
            if not current['chain_exists']:
                raise LabnetError('chain %s does not exist in table %s %s; create it first or use a built-in chain'
                                  % (chain, table, detail))
            if copies == 0:
                ops.append(Op('add', 'add rule %s %s' % (text, detail), ns=ns, family=family, backend=backend,
                              table=table, chain=chain, args=args))
                added = True
        else:
            for place, count in where:
                if count:
                    ops.append(Op('remove', 'remove %srule %s (%s, table %s, %s backend)%s' % (
                        '' if count == 1 else '%d copies of ' % count, text, family, table, place, suffix),
                        ns=ns, family=family, backend=place, table=table, chain=chain, args=args))
            removed = copies
        before[family] = _state(copies)
        after[family] = _state(max(copies, 1) if want['state'] == 'present' else 0)
        facts[family] = {'rule': text, 'added': added, 'removed': removed, 'backend': backend,
                         'backend_reason': current['backend_reason'], 'policy': current['policy'],
                         'bridge_nf_call': current['bridge_nf_call']}
    rule = {'table': table, 'chain': chain, 'namespace': ns, 'owner': want['owner'], 'state': want['state'],
            'rule': text}
    return RulePlan(rule_key(want), before, after, ops, {'rule': rule, 'families': facts})


# -- the iptables commands -------------------------------------------------------------

class _Lock:
    """flock on LOCK_PATH: iptables locks each command alone, we need check + change as one."""

    def __enter__(self):
        try:
            os.makedirs(LOCK_DIR, 0o755)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise LabnetError('cannot create %s: %s' % (LOCK_DIR, exc))
        try:
            self.fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise LabnetError('cannot open the lock file %s: %s' % (LOCK_PATH, exc))
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _read_file(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise LabnetError('cannot read %s: %s' % (path, exc))


class Iptables:
    """Runs the iptables binaries for one module run; reads are cached per
    (namespace, family, backend, table)."""

    def __init__(self, module, kernel):
        self.module = module
        self.kernel = kernel
        self._bins = {}
        self._defaults = {}
        self._dumps = {}
        self._ns_facts = {}

    # -- processes ------------------------------------------------------------------
    def binary(self, name):
        if name not in self._bins:
            path = self.module.get_bin_path(name)
            if not path:
                raise LabnetError('%s is not installed on the target (not found in PATH nor in /sbin, /usr/sbin); %s'
                                  % (name, PACKAGE_HINT))
            self._bins[name] = path
        return self._bins[name]

    def run(self, ns, name, args, what):
        argv = [self.binary(name)] + list(args)
        rc, out, err = self.kernel.run_in(ns, lambda: self.module.run_command(argv))
        if rc != 0:
            lines = (err or out).strip().splitlines()
            raise LabnetError('%s failed%s: %s %s (rc %d)%s' % (
                what, '' if ns is None else ' in namespace %s' % ns, name, ' '.join(args), rc,
                ': %s' % lines[-1] if lines else ''))
        return out

    def default_backend(self, family):
        """nft or legacy: what the plain iptables (ip6tables) command is, from its -V."""
        if family not in self._defaults:
            name = DEFAULT_COMMAND[family]
            out = self.run(None, name, ['-V'], 'asking %s for its version' % name)
            if '(nf_tables)' in out:
                self._defaults[family] = 'nft'
            elif '(legacy)' in out:
                self._defaults[family] = 'legacy'
            else:
                raise LabnetError('cannot tell the backend of %s from its version %r; set backend to nft or legacy'
                                  % (name, out.strip()))
        return self._defaults[family]

    # -- reading -------------------------------------------------------------------
    def namespace_facts(self, ns, family):
        """Legacy tables in use and the br_netfilter switch, read inside namespace NS."""
        if (ns, family) not in self._ns_facts:
            def read():
                names = _read_file(LEGACY_TABLES[family])
                value = _read_file(BRIDGE_NF_CALL[family])
                return (set((names or '').split()),
                        int(value) if value is not None and value.strip().isdigit() else None)
            self._ns_facts[(ns, family)] = self.kernel.run_in(ns, read)
        return self._ns_facts[(ns, family)]

    def dump(self, ns, family, backend, table):
        """Parsed '-t TABLE -S' of one backend; None for a legacy table that does not exist
        (iptables-legacy is not run then: it would create the table)."""
        key = (ns, family, backend, table)
        if key not in self._dumps:
            if backend == 'legacy' and table not in self.namespace_facts(ns, family)[0]:
                self._dumps[key] = None
            else:
                name = command(family, backend)
                out = self.run(ns, name, ['-w', '-t', table, '-S'], 'reading table %s' % table)
                self._dumps[key] = parse_dump(out)
        return self._dumps[key]

    def read(self, want):
        ns, table, chain = want['namespace'], want['table'], want['chain']
        missing = ns is not None and self.kernel.entry_kind(ns) not in ('namespace', 'symlink')
        have = {}
        for family in want['families']:
            if missing and want['state'] == 'absent':  # gone with its namespace: nothing to remove
                have[family] = {'backend': None, 'backend_reason': 'namespace %s does not exist' % ns, 'policy': None,
                                'chain_exists': False, 'copies': 0, 'bridge_nf_call': None}
                continue
            backend, reason = self.backend_for(ns, family, table, chain, want['backend'])
            dump = self.dump(ns, family, backend, table)
            summary = chain_summary(dump, chain)
            if summary is None and dump is None and chain in BUILTIN_CHAINS[table]:
                summary = {'policy': 'ACCEPT', 'rules': 0}  # a legacy table not made yet: built-ins are empty
            elsewhere = {}
            if want['state'] == 'absent' and want['backend'] == 'auto':
                other = BACKENDS[1] if backend == BACKENDS[0] else BACKENDS[0]
                elsewhere[other] = count_copies(self.dump(ns, family, other, table), chain, want['args'])
            have[family] = {
                'backend': backend, 'backend_reason': reason,
                'policy': summary['policy'] if summary else None,
                'chain_exists': summary is not None,
                'copies': count_copies(dump, chain, want['args']),
                'elsewhere': elsewhere,
                'bridge_nf_call': self.namespace_facts(ns, family)[1],
            }
        return have

    def backend_for(self, ns, family, table, chain, forced):
        if forced != 'auto':
            return choose_backend(forced, None, table, chain, None, None)
        default = self.default_backend(family)
        other = BACKENDS[1] if default == BACKENDS[0] else BACKENDS[0]
        mine = chain_summary(self.dump(ns, family, default, table), chain)
        theirs = None
        if not _in_use(mine):
            theirs = chain_summary(self.dump(ns, family, other, table), chain)
        return choose_backend(forced, default, table, chain, mine, theirs)

    # -- changing (check and change under the lock) -----------------------------------------
    def exists(self, ns, family, backend, table, chain, args):
        """iptables -C: whether a rule with exactly ARGS (the mark included) is in CHAIN."""
        argv = [self.binary(command(family, backend)), '-w', '-t', table, '-C', chain] + list(args)
        rc, dummy, dummy = self.kernel.run_in(ns, lambda: self.module.run_command(argv))
        return rc == 0

    def add(self, ns, family, backend, table, chain, args):
        with _Lock():
            if self.exists(ns, family, backend, table, chain, args):
                return  # added meanwhile by a concurrent run: as asked
            self.run(ns, command(family, backend), ['-w', '-t', table, '-A', chain] + args,
                     'adding rule %s' % rule_text(chain, args))

    def remove(self, ns, family, backend, table, chain, args):
        with _Lock():
            # -D removes the first copy; the mark is part of the match, so a rule without it stays
            while self.exists(ns, family, backend, table, chain, args):
                self.run(ns, command(family, backend), ['-w', '-t', table, '-D', chain] + args,
                         'removing rule %s' % rule_text(chain, args))


def count_copies(dump, chain, args):
    """How many rules of CHAIN are exactly ARGS (ARGS carry the mark, so only ours count)."""
    if dump is None:
        return 0
    wanted = normalize_args(args)
    return sum(1 for rule in dump['rules'].get(chain, []) if rule == wanted)
