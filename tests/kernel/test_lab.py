# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""labnet.netns.lab on the real kernel: a whole lab in one task, every list planned before
anything changes, and a teardown that lets veth pairs go with their namespaces."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from conftest import STATS, assert_failed, assert_ok, four_runs, four_runs_after_drift

STATS.setdefault("objects of the user's checked unchanged after our runs", 0)


def lab(n=3, bridge='br0', **extra):
    args = dict(
        owner='lab/t',
        namespaces=[{'name': 'n%d' % i} for i in range(n)],
        veths=[{'name': 'eth0', 'namespace': 'n%d' % i, 'peer': 'v-n%d' % i} for i in range(n)],
        bridges=[{'name': bridge, 'ports': ['v-n%d' % i for i in range(n)]}],
        addresses=[{'interface': 'eth0', 'namespace': 'n%d' % i, 'addresses': ['10.0.1.%d/24' % (i + 1)]}
                   for i in range(n)] + [{'interface': bridge, 'addresses': ['10.0.1.254/24']}],
        rules=[{'in_interface': bridge, 'jump': 'ACCEPT'}])
    args.update(extra)
    return args


def test_build_check_real_check_real_and_traffic(sandbox):
    real = four_runs(sandbox, 'lab', **lab())
    ops = real['operations']
    # the lists in order, and the results of each module
    assert ops.index('create namespace n2') < ops.index('create veth n0/eth0 with peer v-n0') \
        < ops.index('attach v-n0 to bridge br0') < ops.index('add address 10.0.1.1/24 to n0/eth0')
    assert [n['name'] for n in real['namespaces']] == ['n0', 'n1', 'n2']
    assert real['bridges'][0]['ports'] == ['v-n0', 'v-n1', 'v-n2']
    assert real['rules'][0]['state'] == 'present'
    assert sorted(real['diff']['after']) == ['addresses', 'bridges', 'namespaces', 'rules', 'veths']
    sandbox.sh('iptables -P FORWARD DROP')
    sandbox.sh('ip netns exec n0 ping -c1 -W2 10.0.1.3 && ip netns exec n2 ping -c1 -W2 10.0.1.254')
    assert sandbox.links(None)['v-n1']['ifalias'] == 'labnet.netns:lab/t'


def test_teardown_leaves_nothing_and_is_quiet_the_second_time(sandbox):
    before = sandbox.snapshot()
    assert_ok(sandbox.module('lab', **lab(5)))
    check = assert_ok(sandbox.module('lab', check=True, state='absent', **lab(5)))
    down = assert_ok(sandbox.module('lab', state='absent', **lab(5)))
    assert down['operations'] == check['operations'] and down['changed']
    # the pairs went with their namespaces: no deletion one by one
    assert not [op for op in down['operations'] if op.startswith('delete veth')], down['operations']
    assert sandbox.snapshot() == before
    again = assert_ok(sandbox.module('lab', state='absent', **lab(5)))
    assert not again['changed'], again['operations']


def test_a_users_object_in_a_later_list_stops_the_run_before_anything_changes(sandbox):
    # the user's bridge br0: refused when the bridges list is planned, before the namespaces
    # of the first list are made (each module alone would have made them first)
    # (with a port of the user's: a bridge whose last port leaves gets an all-zero MAC)
    sandbox.sh('ip link add br0 type bridge && ip link set br0 up && '
               'ip link add u0 type veth peer name u1 && ip link set u0 master br0')
    before = sandbox.snapshot()
    res = assert_failed(sandbox.module('lab', **lab()), 'bridge br0 already exists and was not made by owner lab/t')
    assert res['operations'] == [] and not res['changed']
    assert sandbox.snapshot() == before
    # adopted: used, and its teardown keeps it (ports and addresses taken back off)
    assert_ok(sandbox.module('lab', adopt=True, **lab()))
    assert sandbox.links(None)['v-n0']['master'] == 'br0'
    assert_ok(sandbox.module('lab', state='absent', adopt=True, **lab()))
    assert sandbox.snapshot() == before
    STATS["objects of the user's checked unchanged after our runs"] += 1


def test_a_users_veth_in_a_removed_namespace_of_ours_is_not_waited_for_forever(sandbox):
    # a user's pair whose one end is in the host and whose other end sits in a namespace that
    # is not ours: teardown of ours leaves both
    sandbox.sh('ip netns add keep && ip link add u0 type veth peer name u1 netns keep')
    assert_ok(sandbox.module('lab', **lab(2)))
    before_links = set(sandbox.links(None))
    down = assert_ok(sandbox.module('lab', state='absent', **lab(2)))
    assert down['changed']
    left = set(sandbox.links(None))
    assert 'u0' in left and not [name for name in left if name.startswith('v-n')], left
    assert before_links - left == {'br0', 'v-n0', 'v-n1'}


def test_bad_entries_name_their_list_and_change_nothing(sandbox):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('lab', veths=[{'name': 'a', 'peer': 'b', 'mtu': 'big'}]), 'veths[0]', 'mtu')
    assert_failed(sandbox.module('lab', bridges=[{'name': 'br0', 'colour': 'red'}]), 'bridges[0]', 'colour')
    assert_failed(sandbox.module('lab', namespaces=[{'name': 'a'}], veths=[{'name': 'x' * 16, 'peer': 'b'}]),
                  'veths[0]', 'x' * 16)
    assert_failed(sandbox.module('lab', namespaces=[{'name': 'a'}, {'name': 'a'}]), 'listed twice', 'namespaces[0]')
    assert_failed(sandbox.module('lab', veths=[{'name': 'a', 'peer': 'b', 'state': 'absent'}]), 'veths[0]', 'state')
    assert sandbox.snapshot() == before


def test_report_changed_lists_only_what_changes_the_rest_is_the_same(sandbox):
    full = dict(lab(4), report='all')
    slim = dict(lab(4), report='changed')
    check = assert_ok(sandbox.module('lab', check=True, **slim))
    build = assert_ok(sandbox.module('lab', **slim))
    assert build['operations'] == check['operations'] and build['diff'] == check['diff']
    assert [n['name'] for n in build['namespaces']] == ['n0', 'n1', 'n2', 'n3'] and len(build['interfaces']) == 5
    assert build['namespaces'] == check['namespaces']
    # nothing to do: empty lists, and the full report still lists everything
    again = assert_ok(sandbox.module('lab', **slim))
    assert not again['changed'] and again['operations'] == []
    assert [again[k] for k in ('namespaces', 'veths', 'bridges', 'interfaces', 'rules')] == [[]] * 5
    everything = assert_ok(sandbox.module('lab', **full))
    assert len(everything['namespaces']) == 4 and len(everything['rules']) == 1
    # drift in one namespace: that namespace and that address alone, as the full report has them
    sandbox.sh('ip -n n2 link set lo down && ip -n n2 addr flush dev eth0')
    fixed = assert_ok(sandbox.module('lab', check=True, **slim))
    assert [n['name'] for n in fixed['namespaces']] == ['n2'] and fixed['veths'] == []
    assert [i['namespace'] for i in fixed['interfaces']] == ['n2']
    fixed = assert_ok(sandbox.module('lab', **slim))
    assert fixed['namespaces'] == [n for n in everything['namespaces'] if n['name'] == 'n2']
    assert not assert_ok(sandbox.module('lab', **full))['changed']
    down = assert_ok(sandbox.module('lab', state='absent', **slim))
    assert [n['name'] for n in down['namespaces']] == ['n0', 'n1', 'n2', 'n3']
    assert_failed(sandbox.module('lab', report='some', **lab(1)), 'report', 'all, changed')


def test_teardown_without_diff_reads_less_and_does_the_same(sandbox):
    # without --diff a namespace of ours that goes is not read (its lo only fills the diff's
    # "before"); a namespace of the user's in the list is read all the same, and kept
    before = sandbox.snapshot()
    sandbox.sh('ip netns add theirs && ip -n theirs link set lo up')
    theirs = sandbox.snapshot()
    args = lab(3)
    args['namespaces'] = args['namespaces'] + [{'name': 'theirs', 'adopt': True}]
    assert_ok(sandbox.module('lab', **args))
    check = assert_ok(sandbox.module('lab', check=True, diff=False, state='absent', **args))
    down = assert_ok(sandbox.module('lab', diff=False, state='absent', **args))
    assert 'diff' not in down and down['operations'] == check['operations']
    assert [n['name'] for n in down['namespaces'] if n.get('kept')] == ['theirs']
    assert sandbox.snapshot() == theirs
    assert not assert_ok(sandbox.module('lab', diff=False, state='absent', **args))['changed']
    sandbox.sh('ip netns del theirs')
    assert sandbox.snapshot() == before


# -- topology: the role's description of a lab, expanded on the target -------------------------

def topology(n=3, **extra):
    topo = dict(bridge='br0', namespaces=[{'name': 'n%d' % i, 'address': '10.0.1.%d/24' % (i + 1)} for i in range(n)],
                bridge_address='10.0.1.254/24', exclusive=True)
    topo.update(extra)
    return topo


def test_topology_is_the_four_lists_it_stands_for(sandbox):
    # what the topology builds, the explicit lists (as the filter bridge_topology_objects gives
    # them) find right: the same objects, the same marks, the same addresses
    real = four_runs(sandbox, 'lab', owner='lab/t', topology=topology(mtu=1400),
                     rules=[{'in_interface': 'br0', 'jump': 'ACCEPT'}])
    assert [n['name'] for n in real['namespaces']] == ['n0', 'n1', 'n2']
    assert real['bridges'][0]['ports'] == ['veth-n0', 'veth-n1', 'veth-n2']
    host = sandbox.links(None)
    assert host['br0']['mtu'] == 1400 and host['veth-n2']['mtu'] == 1400 and host['veth-n0']['master'] == 'br0'
    assert sandbox.links('n1')['eth0']['mtu'] == 1400
    sandbox.sh('iptables -P FORWARD DROP')
    sandbox.sh('ip netns exec n0 ping -c1 -W2 10.0.1.3 && ip netns exec n2 ping -c1 -W2 10.0.1.254')
    explicit = dict(
        owner='lab/t', namespaces=[{'name': 'n%d' % i} for i in range(3)],
        veths=[{'name': 'eth0', 'namespace': 'n%d' % i, 'peer': 'veth-n%d' % i, 'mtu': 1400} for i in range(3)],
        bridges=[{'name': 'br0', 'ports': ['veth-n%d' % i for i in range(3)], 'mtu': 1400}],
        addresses=[{'interface': 'eth0', 'namespace': 'n%d' % i, 'addresses': ['10.0.1.%d/24' % (i + 1)], 'exclusive': True}
                   for i in range(3)] + [{'interface': 'br0', 'addresses': ['10.0.1.254/24'], 'exclusive': True}])
    same = assert_ok(sandbox.module('lab', **explicit))
    assert not same['changed'], same['operations']
    # drift: an address changed in the topology replaces the old one (exclusive)
    moved = assert_ok(sandbox.module('lab', owner='lab/t', topology=topology(mtu=1400, namespaces=[
        {'name': 'n0', 'address': '10.0.1.1/24'}, {'name': 'n1', 'address': '10.0.1.12/24'},
        {'name': 'n2', 'address': '10.0.1.3/24'}])))
    assert moved['operations'] == ['remove address 10.0.1.2/24 from n1/eth0', 'add address 10.0.1.12/24 to n1/eth0'], \
        moved['operations']
    # the JSON text of the topology (as the role passes it, through to_json) is the same topology:
    # quiet where it is right, the same repair where it is not
    text = json.dumps(topology(mtu=1400, namespaces=[
        {'name': 'n0', 'address': '10.0.1.1/24'}, {'name': 'n1', 'address': '10.0.1.12/24'},
        {'name': 'n2', 'address': '10.0.1.3/24'}]))
    quiet = assert_ok(sandbox.module('lab', owner='lab/t', topology=text))
    assert not quiet['changed'], quiet['operations']
    back = assert_ok(sandbox.module('lab', owner='lab/t', topology=json.dumps(topology(mtu=1400))))
    assert back['operations'] == ['remove address 10.0.1.12/24 from n1/eth0', 'add address 10.0.1.2/24 to n1/eth0'], \
        back['operations']


def test_topology_teardown_removes_what_is_ours_and_keeps_the_users(sandbox):
    sandbox.sh('ip netns add keep && ip link add u0 type veth peer name u1 netns keep')
    before = sandbox.snapshot()
    args = dict(owner='lab/t', topology=topology(4, ports=['vx0']), vxlans=[{'name': 'vx0', 'vni': 42}])
    assert_ok(sandbox.module('lab', **args))
    assert sandbox.links(None)['vx0']['master'] == 'br0'
    check = assert_ok(sandbox.module('lab', check=True, state='absent', **args))
    down = assert_ok(sandbox.module('lab', state='absent', **args))
    assert down['operations'] == check['operations'] and down['changed']
    assert not [op for op in down['operations'] if op.startswith('delete veth')], down['operations']
    assert sandbox.snapshot() == before
    assert not assert_ok(sandbox.module('lab', state='absent', **args))['changed']
    STATS["objects of the user's checked unchanged after our runs"] += 1


def test_topology_problems_are_named_all_at_once_and_nothing_changes(sandbox):
    before = sandbox.snapshot()
    res = assert_failed(sandbox.module('lab', topology=topology(
        bridge='br+', mtu=10, ports=['veth-n2', 'x' * 16],
        namespaces=[{'name': 'n0', 'address': '10.0.1.1/24'}, {'name': 'n0', 'address': '10.0.1.1'},
                    {'name': 'n2', 'address': '10.0.1.254/24', 'colour': 'red'}, {'name': 'n/3', 'address': '10.0.1.4/24'}])),
        '9 problem(s) in the topology', "topology.bridge: 'br+' ends with '+'", 'topology.mtu: ',
        "topology.namespaces[1].name: 'n0' is also the name of topology.namespaces[0]",
        "topology.namespaces[1].address: address '10.0.1.1' must be in CIDR form",
        "topology.namespaces[2]: unknown key 'colour'",
        'topology.namespaces[2].address: 10.0.1.254 is also the address of topology.bridge_address',
        'topology.namespaces[3].name: ', "topology.ports[0]: 'veth-n2' is also the name of topology.namespaces[2].host_interface",
        'topology.ports[1]: ')
    assert res['operations'] == [] and not res['changed']
    # what ansible-core checks: the parts' types, required parts
    assert_failed(sandbox.module('lab', topology={'namespaces': []}), 'bridge')
    assert_failed(sandbox.module('lab', topology=topology(mtu='big')), 'mtu')
    assert_failed(sandbox.module('lab', topology=topology(namespaces=[{'name': 'a', 'address': '10.0.1.1/24'}], colour='red')),
                  'colour')
    assert_failed(sandbox.module('lab', topology=topology(namespaces=[])), 'topology.namespaces: is empty')
    # an explicit entry and a topology entry for the same object
    assert_failed(sandbox.module('lab', namespaces=[{'name': 'n1'}], topology=topology()),
                  "namespace 'n1' is listed twice (namespaces[0] and topology.namespaces[1])")
    assert_failed(sandbox.module('lab', veths=[{'name': 'veth-n0', 'peer': 'qq'}], topology=topology()),
                  'veths[0] and topology.namespaces[0] both name veth-n0 as an end of their veth pair')
    assert_failed(sandbox.module('lab', bridges=[{'name': 'br1', 'ports': ['veth-n2']}], topology=topology()),
                  'bridges[0] and topology.bridge both list veth-n2 as a port')
    assert sandbox.snapshot() == before


def test_topology_objects_of_the_users_in_the_way_are_refused_before_anything_changes(sandbox):
    sandbox.sh('ip netns add n1 && ip link add veth-n2 type veth peer name u2')
    before = sandbox.snapshot()
    res = assert_failed(sandbox.module('lab', owner='lab/t', topology=topology()), 'namespace n1 already exists and was not made')
    assert res['operations'] == [] and sandbox.snapshot() == before
    res = assert_failed(sandbox.module('lab', owner='lab/t', adopt=True, topology=topology()),
                        'veth veth-n2 exists but is paired with u2, not with n2/eth0')
    assert res['operations'] == [] and sandbox.snapshot() == before
    STATS["objects of the user's checked unchanged after our runs"] += 1


def test_a_missing_port_or_interface_is_refused_before_anything_changes(sandbox):
    # check mode plans it as made by an earlier task of the play (and says so); a real run has
    # no earlier task in the middle of it: it refuses before the namespaces step makes anything
    before = sandbox.snapshot()
    args = dict(owner='lab/t', topology=topology(2, ports=['nosuch']))
    check = assert_ok(sandbox.module('lab', check=True, **args))
    assert any('nosuch' in text for text in check['assumed']), check
    res = assert_failed(sandbox.module('lab', **args),
                        'interface nosuch does not exist, and no earlier list of this task makes it; nothing was changed')
    assert res['operations'] == [] and not res['changed']
    res = assert_failed(sandbox.module('lab', namespaces=[{'name': 'a'}],
                                       addresses=[{'namespace': 'b', 'interface': 'x', 'addresses': ['10.0.1.1/24']}]),
                        'namespace b does not exist', 'nothing was changed')
    assert res['operations'] == []
    assert sandbox.snapshot() == before


def test_a_topology_that_is_not_a_mapping_is_refused_clearly(sandbox):
    # ansible-core 2.19 fails with a traceback (TypeError in its suboption handling) for a
    # non-mapping value of an option of type dict with suboptions: the module checks it itself
    for value, got in ((5, 'an integer 5'), (True, 'a boolean True'), ([1], 'a list [1]'), ([None], 'a list [None]')):
        res = assert_failed(sandbox.module('lab', topology=value), 'topology must be a mapping', got)
        assert 'exception' not in res and res['operations'] == []
    # text: the JSON text of a mapping is taken (the role passes it so), other text is refused
    for value, fragments in (('br0', ('topology is text but not JSON',)), ('{"bridge": "br0",', ('not JSON',)),
                             ('[1, 2]', ('the JSON text of a list [1, 2], not of a mapping',)),
                             ('"br0"', ("the JSON text of a string 'br0'",)),
                             ('{"bridge": "br0"}', ('topology: ', 'namespaces'))):
        res = assert_failed(sandbox.module('lab', topology=value), *fragments)
        assert 'exception' not in res and res['operations'] == []
    assert_failed(sandbox.module('lab', topology={'bridge': 'br0', 'namespaces': [{'name': 'a', 'address': '10.0.1.1/24'}],
                                                  'ports': 'veth-x', 'mtu': 'big'}), 'topology: ', 'mtu')


def test_a_users_interface_on_a_bridge_of_theirs_is_not_taken_from_it(sandbox):
    # a port of the user's bridge listed as a port of ours: refused (nothing would put it back
    # on their bridge), in check mode too; with force it is moved, as asked
    sandbox.sh('ip link add ubr type bridge && ip link add um type veth peer name um2 && ip link set um master ubr')
    before = sandbox.snapshot()
    args = dict(owner='lab/t', topology=topology(2, ports=['um']))
    for check in (True, False):
        res = assert_failed(sandbox.module('lab', check=check, **args),
                            'port um of bridge br0 is a port of ubr and was not made by labnet.netns')
        assert res['operations'] == []
    assert sandbox.snapshot() == before
    STATS["objects of the user's checked unchanged after our runs"] += 1
    res = assert_ok(sandbox.module('lab', force=True, **args))
    assert 'attach um to bridge br0 (was on ubr)' in res['operations']
    # a free interface of the user's may be attached (teardown detaches it with the bridge)
    sandbox.sh('ip link add uf type veth peer name uf2')
    assert_ok(sandbox.module('lab', **dict(args, topology=topology(2, ports=['uf']))))
    assert sandbox.links(None)['uf']['master'] == 'br0'
    assert_ok(sandbox.module('lab', state='absent', **dict(args, topology=topology(2, ports=['uf']))))
    assert 'master' not in sandbox.links(None)['uf'] or sandbox.links(None)['uf']['master'] is None


def test_a_lab_of_many_namespaces_read_side_by_side_sees_drift_in_both_halves(sandbox):
    # 70 namespaces: read half in this process, half in a forked child (Kernel.read_ahead);
    # drift in a namespace of each half is seen, predicted by check mode and repaired
    n = 70
    args = lab(n)
    assert_ok(sandbox.module('lab', **args))
    quiet = assert_ok(sandbox.module('lab', **args))
    assert not quiet['changed'], quiet['operations']
    sandbox.sh('ip -n n0 addr flush dev eth0 && ip -n n69 link set lo down && ip -n n35 link set eth0 mtu 1400 '
               '&& ip -n n68 addr add 10.0.9.9/24 dev eth0')
    args['addresses'] = [dict(a, exclusive=True) for a in args['addresses']]
    real = four_runs_after_drift(sandbox, 'lab', **dict(args, veths=[dict(v, mtu=1500) for v in args['veths']]))
    assert sorted(real['operations']) == sorted([
        'add address 10.0.1.1/24 to n0/eth0', 'set lo up in namespace n69', 'set mtu 1500 on n35/eth0',
        'remove address 10.0.9.9/24 from n68/eth0']), real['operations']
