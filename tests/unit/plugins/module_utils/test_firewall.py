# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of netns_firewall: validation, the rule text, reading iptables -S output, the
backend choice and planning. tests/kernel/test_firewall.py covers the same end to end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._firewall import (
    FirewallResource, choose_backend, chain_summary, count_copies, parse_dump, plan_rule, rule_text,
    validate_want)

MARK = '-m comment --comment "labnet.netns:netns_firewall"'


def want(**kw):
    base = dict((name, opt.get('default')) for name, opt in FirewallResource.OPTIONS.items())
    base.update(kw)
    return base


def valid(**kw):
    w = want(**kw)
    validate_want(w)
    return w


# -- validation and the rule text -------------------------------------------------------

@pytest.mark.parametrize('kw, families, text', [
    (dict(in_interface='br0', jump='ACCEPT'), ['ipv4', 'ipv6'], '-A FORWARD -i br0 %s -j ACCEPT' % MARK),
    (dict(in_interface='br0', out_interface_not='br0', jump='ACCEPT'), ['ipv4', 'ipv6'],
     '-A FORWARD -i br0 ! -o br0 %s -j ACCEPT' % MARK),
    (dict(out_interface='br0', ctstate=['ESTABLISHED', 'RELATED', 'NEW'], jump='ACCEPT', ip_version='ipv4'), ['ipv4'],
     '-A FORWARD -o br0 -m conntrack --ctstate NEW,RELATED,ESTABLISHED %s -j ACCEPT' % MARK),
    (dict(table='nat', chain='POSTROUTING', source='10.0.1.7/24', out_interface_not='br0', jump='MASQUERADE'), ['ipv4'],
     '-A POSTROUTING -s 10.0.1.0/24 ! -o br0 %s -j MASQUERADE' % MARK),
    (dict(destination='2001:0db8::1', jump='DROP', owner='lab/x'), ['ipv6'],
     '-A FORWARD -d 2001:db8::1/128 -m comment --comment "labnet.netns:lab/x" -j DROP'),
    (dict(in_interface_not='lo', chain='INPUT', jump='RETURN', ip_version='ipv6'), ['ipv6'],
     '-A INPUT ! -i lo %s -j RETURN' % MARK),
])
def test_rule_text_as_iptables_prints_it(kw, families, text):
    w = valid(**kw)
    assert w['families'] == families
    assert rule_text(w['chain'], w['args']) == text


@pytest.mark.parametrize('kw, fragment', [
    (dict(in_interface='br0'), 'jump is required'),
    (dict(in_interface='br+', jump='ACCEPT'), 'wildcard'),
    (dict(out_interface_not='b*r', jump='ACCEPT'), 'wildcard'),
    (dict(in_interface='!br0', jump='ACCEPT'), 'negation'),
    (dict(in_interface='a"b', jump='ACCEPT'), 'does not quote'),
    (dict(in_interface='a/b', jump='ACCEPT'), 'forbidden'),
    (dict(in_interface='br0', in_interface_not='br1', jump='ACCEPT'), 'mutually exclusive'),
    (dict(source='banana', jump='ACCEPT'), "source 'banana' is not a valid"),
    (dict(source='10.0.0.0/40', jump='ACCEPT'), 'is not a valid'),
    (dict(source='10.0.0.0/8', ip_version='ipv6', jump='ACCEPT'), 'is an IPv4 network but ip_version is ipv6'),
    (dict(destination='fd00::/8', ip_version='ipv4', jump='ACCEPT'), 'destination fd00::/8 is an IPv6 network'),
    (dict(source='10.0.0.0/8', destination='fd00::/8', jump='ACCEPT'), 'different IP versions'),
    (dict(chain='', jump='ACCEPT'), 'must be 1-28 characters'),
    (dict(chain='x' * 29, jump='ACCEPT'), 'must be 1-28 characters'),
    (dict(chain='ACCEPT', jump='ACCEPT'), 'is a target'),
    (dict(chain='OUTPUT', in_interface='br0', jump='ACCEPT'), 'in_interface cannot be used'),
    (dict(chain='INPUT', out_interface_not='br0', jump='ACCEPT'), 'out_interface cannot be used'),
    (dict(jump='MASQUERADE'), 'needs table nat'),
    (dict(table='nat', chain='PREROUTING', jump='MASQUERADE'), 'needs table nat and chain POSTROUTING'),
    (dict(table='nat', chain='POSTROUTING', jump='DROP'), 'DROP is not allowed'),
    (dict(owner='has space', jump='ACCEPT'), 'owner'),
    (dict(namespace='a/b', jump='ACCEPT'), 'namespace'),
])
def test_bad_input_refused(kw, fragment):
    with pytest.raises(LabnetError) as err:
        validate_want(want(**kw))
    assert fragment in err.value.msg


def test_masquerade_allowed_in_a_user_chain_of_nat():
    assert valid(table='nat', chain='LAB-NAT', jump='MASQUERADE')['families'] == ['ipv4', 'ipv6']


# -- reading iptables -S ------------------------------------------------------------------

DUMP = '''# Warning: iptables-legacy tables present, use iptables-legacy to see them
-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N DOCKER-USER
-A FORWARD -j DOCKER-USER
-A FORWARD -i br0 -j ACCEPT
-A FORWARD -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT
-A FORWARD -s 10.0.1.0/24 -d 2001:db8::/64 -i br0 ! -o br0 -m conntrack --ctstate NEW,RELATED,ESTABLISHED -m comment --comment "labnet.netns:x" -j ACCEPT
-A FORWARD -i a"b -j ACCEPT
-A FORWARD -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT
-A DOCKER-USER -j RETURN
'''


def test_parse_dump():
    dump = parse_dump(DUMP)
    assert dump['policies'] == {'INPUT': 'ACCEPT', 'FORWARD': 'DROP', 'OUTPUT': 'ACCEPT', 'DOCKER-USER': None}
    assert len(dump['rules']['FORWARD']) == 5  # the line that cannot be split is skipped
    assert chain_summary(dump, 'FORWARD') == {'policy': 'DROP', 'rules': 2}  # three of the five are ours
    assert chain_summary(dump, 'DOCKER-USER') == {'policy': None, 'rules': 1}
    assert chain_summary(dump, 'NOPE') is None and chain_summary(None, 'FORWARD') is None


def test_count_copies_only_the_tagged_identical_rule():
    dump = parse_dump(DUMP)
    assert count_copies(dump, 'FORWARD', valid(in_interface='br0', jump='ACCEPT')['args']) == 2
    assert count_copies(dump, 'FORWARD', valid(in_interface='br0', jump='ACCEPT', owner='other')['args']) == 0
    assert count_copies(dump, 'INPUT', valid(chain='INPUT', in_interface='br0', jump='ACCEPT')['args']) == 0
    assert count_copies(None, 'FORWARD', valid(in_interface='br0', jump='ACCEPT')['args']) == 0


def test_count_copies_compares_normalised_values():
    dump = parse_dump('-A FORWARD -s 2001:db8::/64 -i br0 -m conntrack --ctstate RELATED,ESTABLISHED %s -j ACCEPT\n' % MARK)
    w = valid(source='2001:0DB8:0:0::7/64', in_interface='br0', ctstate=['ESTABLISHED', 'RELATED'], jump='ACCEPT')
    assert count_copies(dump, 'FORWARD', w['args']) == 1


# -- the backend ---------------------------------------------------------------------

EMPTY = {'policy': 'ACCEPT', 'rules': 0}
DOCKER = {'policy': 'DROP', 'rules': 9}


@pytest.mark.parametrize('forced, default, mine, other, chosen, fragment', [
    ('auto', 'nft', DOCKER, None, 'nft', 'default iptables (nft) holds the active rules'),
    ('auto', 'nft', EMPTY, DOCKER, 'legacy', 'the legacy tables hold the active rules there (policy DROP and 9 rules not of this collection)'),
    ('auto', 'nft', EMPTY, None, 'nft', 'no active rules'),
    ('auto', 'nft', EMPTY, EMPTY, 'nft', 'no active rules'),
    ('auto', 'legacy', EMPTY, DOCKER, 'nft', 'the nft tables hold'),
    ('auto', 'nft', DOCKER, DOCKER, 'nft', 'default'),
    ('auto', 'nft', None, {'policy': None, 'rules': 0}, 'legacy', 'a user chain with 0 rules'),
    ('legacy', 'nft', DOCKER, None, 'legacy', 'forced by backend=legacy'),
])
def test_choose_backend(forced, default, mine, other, chosen, fragment):
    backend, reason = choose_backend(forced, default, 'filter', 'FORWARD', mine, other)
    assert backend == chosen and fragment in reason


# -- planning -------------------------------------------------------------------------

def have(copies=0, chain_exists=True, backend='nft'):
    return {'backend': backend, 'backend_reason': 'r', 'policy': 'DROP', 'chain_exists': chain_exists,
            'copies': copies, 'bridge_nf_call': 1}


def texts(plan):
    return [op.text for op in plan.ops]


def test_plan_add_only_where_missing():
    w = valid(in_interface='br0', jump='ACCEPT')
    plan = plan_rule(w, {'ipv4': have(1), 'ipv6': have(0)})
    assert texts(plan) == ['add rule -A FORWARD -i br0 %s -j ACCEPT (ipv6, table filter, nft backend)' % MARK]
    assert plan.before == {'ipv4': {'state': 'present', 'copies': 1}, 'ipv6': {'state': 'absent', 'copies': 0}}
    assert plan.after == {'ipv4': {'state': 'present', 'copies': 1}, 'ipv6': {'state': 'present', 'copies': 1}}
    result = plan.result()
    assert result['ipv6']['added'] and not result['ipv4']['added'] and result['ipv4']['present']
    assert plan.key == 'filter/FORWARD: -i br0 %s -j ACCEPT' % MARK


def test_plan_present_leaves_copies_absent_removes_all():
    w = valid(in_interface='br0', jump='ACCEPT', ip_version='ipv4', namespace='ns1')
    assert texts(plan_rule(w, {'ipv4': have(3)})) == []
    w['state'] = 'absent'
    plan = plan_rule(w, {'ipv4': have(3, backend='legacy')})
    assert texts(plan) == ['remove 3 copies of rule -A FORWARD -i br0 %s -j ACCEPT (ipv4, table filter, legacy backend) '
                           'in namespace ns1' % MARK]
    assert plan.result()['ipv4']['removed'] == 3 and plan.result()['ipv6'] is None
    assert plan.key.startswith('ns1/filter/FORWARD: ') and plan.key.endswith(' (ipv4 only)')
    assert texts(plan_rule(w, {'ipv4': have(0)})) == []


def test_plan_unknown_chain():
    w = valid(chain='LAB', jump='ACCEPT', ip_version='ipv4')
    with pytest.raises(LabnetError, match='chain LAB does not exist in table filter'):
        plan_rule(w, {'ipv4': have(chain_exists=False)})
    w['state'] = 'absent'  # nothing to remove from a chain that is not there
    assert texts(plan_rule(w, {'ipv4': have(chain_exists=False)})) == []


def test_our_own_rules_do_not_make_a_chain_active():
    dump = parse_dump('-P FORWARD ACCEPT\n-A FORWARD -i br0 -m comment --comment "labnet.netns:bridge_topology/br0" -j ACCEPT\n'
                      '-A FORWARD -i br1 -m comment --comment "not ours" -j ACCEPT\n')
    assert chain_summary(dump, 'FORWARD') == {'policy': 'ACCEPT', 'rules': 1}
    ours_only = parse_dump('-P FORWARD ACCEPT\n-A FORWARD -i br0 %s -j ACCEPT\n' % MARK)
    backend, dummy = choose_backend('auto', 'nft', 'filter', 'FORWARD', chain_summary(ours_only, 'FORWARD'), DOCKER)
    assert backend == 'legacy'


def test_plan_absent_removes_copies_from_both_backends():
    w = valid(in_interface='br0', jump='ACCEPT', ip_version='ipv4', state='absent')
    plan = plan_rule(w, {'ipv4': dict(have(1, backend='legacy'), elsewhere={'nft': 2})})
    assert texts(plan) == ['remove rule -A FORWARD -i br0 %s -j ACCEPT (ipv4, table filter, legacy backend)' % MARK,
                           'remove 2 copies of rule -A FORWARD -i br0 %s -j ACCEPT (ipv4, table filter, nft backend)' % MARK]
    assert [op.args['backend'] for op in plan.ops] == ['legacy', 'nft']
    assert plan.before == {'ipv4': {'state': 'present', 'copies': 3}} and plan.result()['ipv4']['removed'] == 3
