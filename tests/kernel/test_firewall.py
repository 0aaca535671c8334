# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netns_firewall on the real kernel, inside a sandbox (its own iptables, both backends)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import tempfile

import pytest

from conftest import COLLECTIONS, TARGET_PYTHON, assert_failed, assert_ok, four_runs, four_runs_after_drift

MARK = '-m comment --comment "labnet.netns:netns_firewall"'
BR0_RULE = '-A FORWARD -i br0 %s -j ACCEPT' % MARK
KEY = 'filter/FORWARD: -i br0 %s -j ACCEPT' % MARK


def rules(sandbox, command='iptables', table='filter', namespace=None):
    prefix = 'ip netns exec %s ' % namespace if namespace else ''
    return sandbox.sh('%s%s -t %s -S' % (prefix, command, table)).splitlines()


def firewall(sandbox):
    """Every rule and policy of both families and both tables, on the default (nft) backend."""
    return dict(((cmd, table), rules(sandbox, cmd, table)) for cmd in ('iptables', 'ip6tables') for table in ('filter', 'nat'))


def ping(sandbox, ns, address):
    return sandbox.ok('ip netns exec %s ping -c1 -W2 %s' % (ns, address))


def all_ping(sandbox, count=3):
    return [ping(sandbox, 'net%d' % src, '10.0.1.%d' % (dst + 1)) for src in range(count) for dst in range(count) if src != dst]


def bridge_lab(sandbox, count=3):
    """Seed 001 built with the collection's modules: COUNT namespaces on bridge br0."""
    assert_ok(sandbox.module('netns', items=[{'name': 'net%d' % i} for i in range(count)]))
    assert_ok(sandbox.module('veth', items=[
        {'namespace': 'net%d' % i, 'name': 'eth0', 'peer': 'veth-net%d' % i} for i in range(count)]))
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=['veth-net%d' % i for i in range(count)]))
    assert_ok(sandbox.module('netns_address', items=[
        {'namespace': 'net%d' % i, 'interface': 'eth0', 'addresses': ['10.0.1.%d/24' % (i + 1)]} for i in range(count)]))


def bridged_traffic_filtered(sandbox):
    return sandbox.ok('test "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)" = 1')


# -- create, idempotence, check mode, removal --------------------------------------------

def test_forward_rule_both_families_four_runs(sandbox):
    sandbox.sh('iptables -P FORWARD DROP')
    real = four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT')
    assert real['diff'] == {'before': {KEY: {'ipv4': {'state': 'absent', 'copies': 0}, 'ipv6': {'state': 'absent', 'copies': 0}}},
                            'after': {KEY: {'ipv4': {'state': 'present', 'copies': 1}, 'ipv6': {'state': 'present', 'copies': 1}}}}
    rule = real['rules'][0]
    assert rule['rule'] == BR0_RULE and rule['namespace'] is None and rule['owner'] == 'netns_firewall'
    assert rule['ipv4']['policy'] == 'DROP' and rule['ipv6']['policy'] == 'ACCEPT'
    for family in ('ipv4', 'ipv6'):
        facts = rule[family]
        assert facts['backend'] == 'nft' and facts['added'] and facts['present'] and facts['copies'] == 1
        assert facts['rule'] == BR0_RULE and facts['removed'] == 0
    assert 'policy DROP' in rule['ipv4']['backend_reason']
    # br_netfilter's switch as the kernel has it (null only when the file does not exist)
    for family, name in (('ipv4', 'iptables'), ('ipv6', 'ip6tables')):
        path = '/proc/sys/net/bridge/bridge-nf-call-%s' % name
        expected = int(sandbox.sh('cat %s' % path)) if sandbox.ok('test -e %s' % path) else None
        assert rule[family]['bridge_nf_call'] == expected
    # iptables itself prints exactly the rule the module reports, once per family
    assert rules(sandbox).count(BR0_RULE) == 1 and rules(sandbox, 'ip6tables').count(BR0_RULE) == 1
    # the result after an idempotent run says the same
    again = assert_ok(sandbox.module('netns_firewall', in_interface='br0', jump='ACCEPT'))
    assert not again['rules'][0]['ipv4']['added'] and again['rules'][0]['ipv4']['present']


def test_check_mode_changes_neither_family(sandbox):
    args = dict(items=[{'in_interface': 'br0'}, {'out_interface': 'br0', 'ctstate': ['ESTABLISHED', 'RELATED']},
                       {'table': 'nat', 'chain': 'POSTROUTING', 'source': '10.0.1.0/24', 'out_interface_not': 'br0',
                        'jump': 'MASQUERADE'}],
                jump='ACCEPT')
    before = firewall(sandbox)
    check = assert_ok(sandbox.module('netns_firewall', check=True, **args))
    assert firewall(sandbox) == before
    real = assert_ok(sandbox.module('netns_firewall', **args))
    assert check['changed'] and check['diff'] == real['diff'] and check['operations'] == real['operations']
    assert len(real['operations']) == 5  # two rules in two families, the IPv4 masquerade once
    assert '-A POSTROUTING -s 10.0.1.0/24 ! -o br0 -m comment --comment "labnet.netns:netns_firewall" -j MASQUERADE' \
        in rules(sandbox, table='nat')
    assert ('-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED %s -j ACCEPT' % MARK) in rules(sandbox, 'ip6tables')
    assert real['rules'][2]['ipv6'] is None
    # removal in check mode changes nothing either, and predicts the real removal
    added = firewall(sandbox)
    check = assert_ok(sandbox.module('netns_firewall', check=True, state='absent', **args))
    assert firewall(sandbox) == added
    real = assert_ok(sandbox.module('netns_firewall', state='absent', **args))
    assert check['diff'] == real['diff'] and check['operations'] == real['operations'] and real['changed']
    assert firewall(sandbox) == before
    assert not assert_ok(sandbox.module('netns_firewall', state='absent', **args))['changed']


def test_absent_removes_every_tagged_copy_and_only_those(sandbox):
    user = '-A FORWARD -i br0 -j ACCEPT'
    other = '-A FORWARD -i br0 -m comment --comment "labnet.netns:someone-else" -j ACCEPT'
    # the user's identical rule without the mark first, then two tagged copies (older concurrent
    # runs), a rule of another owner, and the user's rule again at the end
    sandbox.sh('iptables -A FORWARD -i br0 -j ACCEPT')
    for dummy in range(2):
        sandbox.sh("iptables -A FORWARD -i br0 -m comment --comment labnet.netns:netns_firewall -j ACCEPT")
    sandbox.sh("iptables -A FORWARD -i br0 -m comment --comment labnet.netns:someone-else -j ACCEPT")
    sandbox.sh('iptables -A FORWARD -i br0 -j ACCEPT')
    # state=present leaves the copies as they are, and says how many there are
    present = assert_ok(sandbox.module('netns_firewall', in_interface='br0', jump='ACCEPT', ip_version='ipv4'))
    assert not present['changed'] and present['rules'][0]['ipv4']['copies'] == 2
    real = four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT', ip_version='ipv4', state='absent')
    assert real['operations'] == ['remove 2 copies of rule %s (ipv4, table filter, nft backend)' % BR0_RULE]
    assert real['rules'][0]['ipv4']['removed'] == 2 and not real['rules'][0]['ipv4']['present']
    assert real['rules'][0]['ipv6'] is None
    key = KEY + ' (ipv4 only)'
    assert real['diff'] == {'before': {key: {'ipv4': {'state': 'present', 'copies': 2}}},
                            'after': {key: {'ipv4': {'state': 'absent', 'copies': 0}}}}
    assert [r for r in rules(sandbox) if r.startswith('-A')] == [user, other, user]


def test_four_concurrent_runs_add_the_rule_once(sandbox):
    payload = {'ANSIBLE_MODULE_ARGS': {'in_interface': 'br0', 'jump': 'ACCEPT', 'items': [
        {'owner': 'o%d' % i} for i in range(6)] + [{}]}}
    fd, path = tempfile.mkstemp(dir=sandbox.tmp, suffix='.json')
    with os.fdopen(fd, 'w') as handle:
        json.dump(payload, handle)
    argv = sandbox.enter() + [TARGET_PYTHON, '-m', 'ansible_collections.labnet.netns.plugins.modules.netns_firewall', path]
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for dummy in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, out + err
        assert not json.loads(out.decode().splitlines()[-1]).get('failed')
    for command in ('iptables', 'ip6tables'):
        current = rules(sandbox, command)
        assert current.count(BR0_RULE) == 1, current
        for i in range(6):
            assert current.count(BR0_RULE.replace('netns_firewall', 'o%d' % i)) == 1, current


def test_one_read_per_table_and_family(sandbox):
    """Twenty rules in one run cost one 'iptables -S' per table and family, not one -C each:
    the iptables commands are wrapped to log their arguments."""
    bindir = os.path.join(sandbox.tmp, 'bin')
    os.makedirs(bindir)
    log = os.path.join(sandbox.tmp, 'calls.log')
    for name in ('iptables', 'ip6tables', 'iptables-nft', 'ip6tables-nft', 'iptables-legacy', 'ip6tables-legacy'):
        path = os.path.join(bindir, name)
        with open(path, 'w') as handle:
            handle.write('#!/bin/sh\necho "%s $*" >> %s\nexec /usr/sbin/%s "$@"\n' % (name, log, name))
        os.chmod(path, 0o755)
    env = {'PATH': bindir + ':' + os.environ['PATH']}
    items = [{'in_interface': 'lab%d' % i} for i in range(20)]
    assert_ok(sandbox.module('netns_firewall', env=env, items=items, jump='ACCEPT'))
    with open(log) as handle:
        calls = handle.read().splitlines()
    reads = ['ip6tables -V', 'ip6tables-nft -w -t filter -S', 'iptables -V', 'iptables-nft -w -t filter -S']
    assert sorted(c for c in calls if ' -C ' not in c and ' -A ' not in c) == reads, calls
    # and per rule and family, under the lock: a check (a concurrent run may have added it) and the append
    assert len([c for c in calls if ' -C FORWARD ' in c]) == len([c for c in calls if ' -A FORWARD ' in c]) == 40
    os.unlink(log)
    again = assert_ok(sandbox.module('netns_firewall', env=env, items=items, jump='ACCEPT'))
    assert not again['changed']
    with open(log) as handle:
        assert sorted(handle.read().splitlines()) == reads


def test_ipv6_only_rule(sandbox):
    real = four_runs(sandbox, 'netns_firewall', source='2001:db8:1::5/64', destination='2001:db8:2::/64',
                     in_interface='br6', jump='ACCEPT')
    expected = '-A FORWARD -s 2001:db8:1::/64 -d 2001:db8:2::/64 -i br6 %s -j ACCEPT' % MARK
    assert real['rules'][0]['ipv4'] is None and real['rules'][0]['ipv6']['rule'] == expected
    assert expected in rules(sandbox, 'ip6tables')
    assert not [r for r in rules(sandbox) if r.startswith('-A')]
    # the same network written another way is the same rule
    again = assert_ok(sandbox.module('netns_firewall', source='2001:0db8:0001:0000::/64', destination='2001:db8:2::1/64',
                                     in_interface='br6', jump='ACCEPT', ip_version='ipv6'))
    assert not again['changed']


def test_namespace_firewall(sandbox):
    assert_ok(sandbox.module('netns', name='router'))
    sandbox.sh('ip netns exec router iptables -P INPUT DROP')
    args = dict(namespace='router', chain='INPUT', in_interface='eth0', ctstate=['RELATED', 'ESTABLISHED'], jump='ACCEPT')
    host_before = firewall(sandbox)
    real = four_runs(sandbox, 'netns_firewall', **args)
    expected = '-A INPUT -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED %s -j ACCEPT' % MARK
    rule = real['rules'][0]
    assert rule['namespace'] == 'router' and rule['ipv4']['policy'] == 'DROP' and rule['ipv4']['rule'] == expected
    assert list(real['diff']['after']) == ['router/filter/INPUT: -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED %s -j ACCEPT'
                                           % MARK]
    assert expected in rules(sandbox, namespace='router') and expected in rules(sandbox, 'ip6tables', namespace='router')
    assert firewall(sandbox) == host_before  # only inside the namespace
    # br_netfilter's switch is read inside the namespace
    sandbox.sh('ip netns exec router sh -c "echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables"')
    again = assert_ok(sandbox.module('netns_firewall', **args))
    assert again['rules'][0]['ipv4']['bridge_nf_call'] == 0 and again['rules'][0]['ipv6']['bridge_nf_call'] == 1
    four_runs(sandbox, 'netns_firewall', state='absent', **args)
    assert expected not in rules(sandbox, namespace='router')
    # a namespace that does not exist: nothing to remove, nothing created; adding is an error
    gone = assert_ok(sandbox.module('netns_firewall', state='absent', **dict(args, namespace='gone')))
    assert not gone['changed'] and gone['rules'][0]['ipv4']['backend'] is None
    assert_failed(sandbox.module('netns_firewall', **dict(args, namespace='gone')), "'gone' does not exist")
    assert not sandbox.ok('test -e /run/netns/gone')


# -- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize('args, fragment', [
    (dict(in_interface='br+', jump='ACCEPT'), 'wildcard'),
    (dict(out_interface='veth*', jump='ACCEPT'), 'wildcard'),
    (dict(in_interface='!br0', jump='ACCEPT'), 'negation; use in_interface_not'),
    (dict(in_interface='a' * 16, jump='ACCEPT'), 'longer than 15 bytes'),
    (dict(in_interface='br0', in_interface_not='br1', jump='ACCEPT'), 'mutually exclusive'),
    (dict(source='10.0.0.300/24', jump='ACCEPT'), "source '10.0.0.300/24' is not a valid"),
    (dict(destination='10.0.0.0/33', jump='ACCEPT'), 'is not a valid'),
    (dict(source='2001:db8::/64', ip_version='ipv4', jump='ACCEPT'), 'source 2001:db8::/64 is an IPv6 network but ip_version is ipv4'),
    (dict(source='10.0.0.0/8', destination='2001:db8::/64', jump='ACCEPT'), 'different IP versions'),
    (dict(chain='NO-SUCH-CHAIN', jump='ACCEPT'), 'chain NO-SUCH-CHAIN does not exist in table filter'),
    (dict(chain='-F', jump='ACCEPT'), "chain '-F' must be"),
    (dict(in_interface='br0'), 'jump is required'),
    (dict(jump='MASQUERADE'), 'needs table nat'),
    (dict(table='nat', chain='POSTROUTING', in_interface='br0', jump='MASQUERADE'), 'in_interface cannot be used'),
    (dict(table='nat', chain='PREROUTING', jump='DROP'), 'DROP is not allowed in table nat'),
    (dict(owner='two words', jump='ACCEPT'), 'owner'),
    (dict(namespace='../x', jump='ACCEPT'), 'namespace'),
    (dict(items=[{'in_interface': 'br0'}, {'in_interface': 'br1+'}], jump='ACCEPT'), "items[1]: in_interface 'br1+'"),
    (dict(items=[{'in_interface': 'br0'}, {'chain': 'NOPE'}], jump='ACCEPT'), 'chain NOPE does not exist'),
    (dict(items=[{'in_interface': 'br0'}, {'in_interface': 'br0'}], jump='ACCEPT'), 'listed twice'),
])
def test_bad_input_changes_nothing(sandbox, args, fragment):
    before = firewall(sandbox)
    assert_failed(sandbox.module('netns_firewall', **args), fragment)
    assert firewall(sandbox) == before


# -- backends -------------------------------------------------------------------------

def test_legacy_backend_chosen_when_it_holds_the_active_rules(sandbox):
    """Docker on legacy iptables under an nft default: the legacy FORWARD policy drops bridged
    traffic, the nft chain is unused. The rule goes to legacy, and the pings pass."""
    bridge_lab(sandbox)
    sandbox.sh('iptables-legacy -P FORWARD DROP')  # inside the sandbox only
    if bridged_traffic_filtered(sandbox):
        assert not any(all_ping(sandbox))
    nft_before = firewall(sandbox)
    real = four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT')
    ipv4, ipv6 = real['rules'][0]['ipv4'], real['rules'][0]['ipv6']
    assert ipv4['backend'] == 'legacy' and ipv4['policy'] == 'DROP'
    assert 'legacy tables hold the active rules' in ipv4['backend_reason']
    assert ipv6['backend'] == 'nft'  # no legacy IPv6 table in this namespace: the default
    assert BR0_RULE in sandbox.sh('iptables-legacy -S FORWARD').splitlines()
    assert rules(sandbox) == nft_before[('iptables', 'filter')]
    assert all(all_ping(sandbox))
    # forced to nft, the rule goes there even so
    forced = assert_ok(sandbox.module('netns_firewall', in_interface='br0', jump='ACCEPT', ip_version='ipv4', backend='nft'))
    assert forced['changed'] and forced['rules'][0]['ipv4']['backend_reason'] == 'forced by backend=nft'
    assert BR0_RULE in rules(sandbox)
    assert_ok(sandbox.module('netns_firewall', in_interface='br0', jump='ACCEPT', ip_version='ipv4', backend='nft', state='absent'))
    # removal finds it in legacy again, and the pings fail again
    gone = four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT', state='absent')
    assert gone['rules'][0]['ipv4']['removed'] == 1 and gone['rules'][0]['ipv4']['backend'] == 'legacy'
    assert BR0_RULE not in sandbox.sh('iptables-legacy -S FORWARD')
    if bridged_traffic_filtered(sandbox):
        assert not any(all_ping(sandbox))


def test_legacy_ruleset_appearing_later(sandbox):
    """The rule was added while nothing was active (to nft, the default); then Docker starts on
    legacy iptables. Our own rule does not keep the choice on nft: the next run adds the rule to
    legacy, where it is needed, and removal takes the copies out of both backends."""
    bridge_lab(sandbox)
    args = dict(in_interface='br0', jump='ACCEPT', ip_version='ipv4')
    first = assert_ok(sandbox.module('netns_firewall', **args))
    assert first['rules'][0]['ipv4']['backend'] == 'nft' and BR0_RULE in rules(sandbox)
    sandbox.sh('iptables-legacy -P FORWARD DROP')
    if bridged_traffic_filtered(sandbox):
        assert not any(all_ping(sandbox))
    again = four_runs_after_drift(sandbox, 'netns_firewall', **args)
    assert again['rules'][0]['ipv4']['backend'] == 'legacy' and again['rules'][0]['ipv4']['added']
    assert all(all_ping(sandbox))
    gone = four_runs(sandbox, 'netns_firewall', state='absent', **args)
    assert gone['operations'] == ['remove rule %s (ipv4, table filter, legacy backend)' % BR0_RULE,
                                  'remove rule %s (ipv4, table filter, nft backend)' % BR0_RULE]
    assert gone['rules'][0]['ipv4']['removed'] == 2
    assert BR0_RULE not in rules(sandbox) and BR0_RULE not in sandbox.sh('iptables-legacy -S FORWARD')


def test_forced_legacy_check_mode_creates_no_legacy_table(sandbox):
    names = '/proc/net/ip_tables_names'
    assert sandbox.sh('cat %s' % names).strip() == ''
    args = dict(in_interface='br0', jump='ACCEPT', ip_version='ipv4', backend='legacy')
    check = assert_ok(sandbox.module('netns_firewall', check=True, **args))
    assert check['changed'] and sandbox.sh('cat %s' % names).strip() == ''  # looking created nothing
    assert not assert_ok(sandbox.module('netns_firewall', state='absent', **args))['changed']
    assert sandbox.sh('cat %s' % names).strip() == ''
    real = assert_ok(sandbox.module('netns_firewall', **args))
    assert real['operations'] == check['operations'] and BR0_RULE in sandbox.sh('iptables-legacy -S FORWARD')


# -- the seed --------------------------------------------------------------------------

def test_seed001_pings_pass_only_with_the_rule(sandbox):
    bridge_lab(sandbox)
    sandbox.sh('iptables -P FORWARD DROP && ip6tables -P FORWARD DROP')
    if not bridged_traffic_filtered(sandbox):
        pytest.skip('bridged traffic does not traverse iptables here (br_netfilter off)')
    assert not any(all_ping(sandbox))
    four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT', owner='bridge_topology/br0')
    assert all(all_ping(sandbox))
    four_runs(sandbox, 'netns_firewall', in_interface='br0', jump='ACCEPT', owner='bridge_topology/br0', state='absent')
    assert not any(all_ping(sandbox))
