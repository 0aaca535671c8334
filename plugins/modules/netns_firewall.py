#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: netns_firewall
short_description: Manage tagged iptables and ip6tables rules, on the host or in a namespace
version_added: 0.2.0
description:
  - Adds and removes iptables (IPv4) and ip6tables (IPv6) rules such as the FORWARD accept rule that lets bridged
    traffic through when Docker has set the FORWARD policy to DROP (C(iptables -A FORWARD -i br0 -j ACCEPT)).
  - "Every rule carries the comment C(labnet.netns:OWNER) (see O(owner)). A rule is identified by all its options,
    the comment included: O(state=absent) removes exactly that rule, every copy of it, and never a rule without the
    comment, even an otherwise identical one of the user's."
  - O(state=present) appends the rule to the end of the chain when no copy of it is there.
    Check and append run under a lock of the collection (C(flock) on C(/run/labnet-netns/firewall.lock)),
    because iptables locks each command alone; so concurrent runs add the rule once.
  - "Interfaces are matched exactly: names that iptables or nft would read as a pattern (a trailing V(+), a V(*))
    or a negation (a leading V(!)) are refused. Use O(in_interface_not) and O(out_interface_not) to negate."
  - One module run reads each table once per family, backend and namespace (C(iptables -t TABLE -S)), and compares
    the rules it prints, normalised, with the ones asked for.
options:
  table:
    description: The table of the rule.
    type: str
    choices: [filter, nat]
    default: filter
  chain:
    description:
      - The chain of the rule, a built-in one of O(table) or an existing user chain (which is never created).
    type: str
    default: FORWARD
  in_interface:
    description:
      - Match packets that came in through this interface (C(-i)), exactly. Not in chains C(OUTPUT) and C(POSTROUTING).
      - Mutually exclusive with O(in_interface_not).
    type: str
  in_interface_not:
    description: Match packets that came in through any interface but this one (C(! -i)).
    type: str
  out_interface:
    description:
      - Match packets that go out through this interface (C(-o)), exactly. Not in chains C(INPUT) and C(PREROUTING).
      - Mutually exclusive with O(out_interface_not).
    type: str
  out_interface_not:
    description: Match packets that go out through any interface but this one (C(! -o)), for example a lab's traffic
      leaving by any interface but its bridge.
    type: str
  source:
    description:
      - Match this source address or network (C(-s)), IPv4 or IPv6, for example V(10.0.1.0/24).
        Host bits are cleared as iptables does (V(10.0.1.5/24) is V(10.0.1.0/24)); an address alone is a host.
      - Restricts the rule to the family of the address.
    type: str
  destination:
    description: Match this destination address or network (C(-d)), as O(source).
    type: str
  ctstate:
    description: Match these conntrack states (C(-m conntrack --ctstate)), in any order.
    type: list
    elements: str
    choices: [INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT]
  jump:
    description:
      - The target of the rule (C(-j)). Required.
      - V(MASQUERADE) needs O(table=nat) and chain C(POSTROUTING) or a user chain; V(DROP) is refused in table nat.
    type: str
    choices: [ACCEPT, DROP, RETURN, MASQUERADE]
  ip_version:
    description:
      - V(ipv4) manages the rule with iptables, V(ipv6) with ip6tables, V(both) with both.
      - The default is V(both) because Docker sets the FORWARD policy of both families to DROP, and a lab with IPv6
        needs the rule in both. A O(source) or O(destination) restricts the rule to its family; giving one of the
        other family than O(ip_version) is an error.
    type: str
    choices: [ipv4, ipv6, both]
    default: both
  owner:
    description:
      - Who the rule belongs to; the rule carries the comment C(labnet.netns:OWNER).
      - "1-100 characters of letters, digits and C(_ . : / @ + = -), starting with a letter or a digit."
      - Rules of different owners are different rules, even when they match the same packets.
    type: str
    default: netns_firewall
  backend:
    description:
      - Which iptables to write to. V(nft) uses C(iptables-nft), V(legacy) uses C(iptables-legacy).
      - "V(auto) writes where the active rules of the chain live: the backend of the plain C(iptables) command
        (from C(iptables -V)), unless its chain is unused (policy ACCEPT and no rules but this collection's own)
        while the other backend's chain is in use, as when Docker runs on legacy iptables and the default is nft.
        The choice and its reason are returned per family."
      - Legacy tables are looked for in C(/proc/net/ip_tables_names) (C(ip6_tables_names)); C(iptables-legacy) is
        never run to look at a table that does not exist, because that would create a legacy table.
    type: str
    choices: [auto, nft, legacy]
    default: auto
  state:
    description:
      - V(present) appends the rule when no copy of it is in the chain (copies left by older runs stay).
      - V(absent) removes every copy of the rule, and nothing else; with O(backend=auto) from both backends, so that
        a rule added before the active rules moved (for example before Docker started) is found too.
        A namespace that does not exist has no rules.
    type: str
    choices: [present, absent]
    default: present
  items:
    description:
      - Many rules in one task. Each entry takes the options above; top-level options are the
        defaults for every entry.
extends_documentation_fragment:
  - labnet.netns.attributes
  - labnet.netns.common
  - labnet.netns.items.netns_firewall
  - labnet.netns.common.namespace
notes:
  - Runs C(iptables-nft), C(iptables-legacy), C(ip6tables-nft) or C(ip6tables-legacy), and C(iptables -V) and
    C(ip6tables -V) (Debian and Ubuntu package C(iptables)). In a namespace they run inside it (this module enters
    it itself; it does not use C(ip netns exec)).
  - Under Docker's nftables firewall backend (Docker 29, opt-in) an accept in an iptables chain is not final; a drop
    in another nftables base chain still drops the packet.
seealso:
  - module: ansible.builtin.iptables
    description: Manages any iptables rule, without the comment tag, the lock or the backend choice.
author:
  - labnet.netns developers (@labnet)
'''

EXAMPLES = r'''
- name: Let bridged traffic of br0 through the FORWARD chain, IPv4 and IPv6
  labnet.netns.netns_firewall:
    in_interface: br0
    jump: ACCEPT
    owner: bridge_topology/br0

- name: Remove that rule again (every copy of it; the user's own rules stay)
  labnet.netns.netns_firewall:
    in_interface: br0
    jump: ACCEPT
    owner: bridge_topology/br0
    state: absent

- name: A namespace's own firewall
  labnet.netns.netns_firewall:
    namespace: router
    chain: INPUT
    in_interface: eth0
    ctstate: [ESTABLISHED, RELATED]
    jump: ACCEPT

- name: Masquerade a lab's traffic that leaves by any interface but its bridge
  labnet.netns.netns_firewall:
    items:
      - {table: nat, chain: POSTROUTING, source: 10.0.1.0/24, out_interface_not: br0, jump: MASQUERADE}
      - {in_interface: br0, out_interface_not: br0, jump: ACCEPT}
      - {out_interface: br0, ctstate: [RELATED, ESTABLISHED], jump: ACCEPT}
    owner: lab-nat
    ip_version: ipv4
'''

RETURN = r'''
rules:
  description:
    - One entry per rule asked for, in the order asked, with its state after the run.
    - The state is the plan's outcome (what was read before the run, with the planned changes applied), not read back
      from the kernel afterwards, and so the same in check mode as in the real run. M(labnet.netns.netns_info) reads the kernel.
  returned: success
  type: list
  elements: dict
  contains:
    table:
      description: Table of the rule.
      type: str
      sample: filter
    chain:
      description: Chain of the rule.
      type: str
      sample: FORWARD
    namespace:
      description: Namespace of the rule; null for the host.
      type: str
      sample: null
    owner:
      description: Owner named in the rule's comment.
      type: str
      sample: netns_firewall
    state:
      description: The state asked for.
      type: str
      sample: present
    rule:
      description: The rule as C(iptables -S) prints it.
      type: str
      sample: '-A FORWARD -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT'
    ipv4:
      description: The rule in the IPv4 tables (iptables); null when it does not apply to IPv4.
      type: dict
      contains: &family
        rule:
          description: The rule as C(iptables -S) (C(ip6tables -S)) prints it.
          type: str
          sample: '-A FORWARD -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT'
        present:
          description: Whether the rule is in the chain after the run.
          type: bool
          sample: true
        copies:
          description: How many copies of the rule are in the chain after the run.
          type: int
          sample: 1
        added:
          description: Whether this run added the rule.
          type: bool
          sample: true
        removed:
          description: How many copies of the rule this run removed (from either backend, see O(state)).
          type: int
          sample: 0
        backend:
          description: The backend the rule is added to or looked for in; null when its namespace does not exist.
          type: str
          choices: [nft, legacy]
          sample: nft
        backend_reason:
          description: Why that backend was chosen.
          type: str
          sample: "the default iptables (nft) holds the active rules: filter FORWARD has policy DROP and 0 rules"
        policy:
          description: The policy of the chain in that backend; null for a user chain or when the namespace does not exist.
          type: str
          sample: DROP
        bridge_nf_call:
          description:
            - The value of C(/proc/sys/net/bridge/bridge-nf-call-iptables) (C(-ip6tables) for IPv6) in the rule's
              namespace; V(1) means bridged traffic traverses this family's chains (br_netfilter).
            - Null when the file does not exist (br_netfilter not loaded) or the namespace does not exist.
          type: int
          sample: 1
    ipv6:
      description: The rule in the IPv6 tables (ip6tables); null when it does not apply to IPv6.
      type: dict
      contains: *family
operations:
  description: The changes made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample:
    - 'add rule -A FORWARD -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT (ipv4, table filter, nft backend)'
diff:
  description:
    - "Per rule that changes, keyed by V([NAMESPACE/]TABLE/CHAIN: RULE), for each of its families the state
      (V(present) or V(absent)) and the number of copies, before and after."
    - A key ends in C( (ipv4 only)) or C( (ipv6 only)) when the rule applies to one family.
  returned: when diff mode is on
  type: dict
  sample:
    before: {'filter/FORWARD: -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT': {ipv4: {state: absent, copies: 0}}}
    after: {'filter/FORWARD: -i br0 -m comment --comment "labnet.netns:netns_firewall" -j ACCEPT': {ipv4: {state: present, copies: 1}}}
'''

from ansible_collections.labnet.netns.plugins.module_utils._common import run_module
from ansible_collections.labnet.netns.plugins.module_utils._firewall import FirewallResource


def main():
    resource = FirewallResource()
    run_module(resource.build_module(), resource)


if __name__ == '__main__':
    main()
