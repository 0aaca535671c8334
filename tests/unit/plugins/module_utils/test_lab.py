# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""labnet.netns.lab's entry check: the fast path (as_is) takes an entry only where ansible-core's
ArgumentSpecValidator would return it unchanged, for random entries of every list."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.labnet.netns.plugins.module_utils._common import LabnetError
from ansible_collections.labnet.netns.plugins.module_utils._lab import KINDS, as_is, lab_wants

POOL = [None, 'net0', 'eth0', 'present', 'absent', 'ACCEPT', 'both', '1400', 'yes', True, False, 0, 1, 1400,
        1.5, ['a'], ['10.0.1.1/24', 'fe80::1/64'], [1, 2], ['ESTABLISHED'], [], {'x': 1}, 'filter']


def random_entry(rng, sub):
    entry = {}
    for name in rng.sample(sorted(sub), rng.randint(0, len(sub))):
        entry[name] = rng.choice(POOL)
    if rng.random() < 0.1:
        entry['no_such_option'] = 'x'
    return entry


def subspec(resource):
    return dict((name, dict((k, v) for k, v in opt.items() if k not in ('default', 'required')))
                for name, opt in resource.OPTIONS.items() if name != 'state')


@pytest.mark.parametrize('option,resource', KINDS, ids=[o for o, r in KINDS])
def test_fast_path_agrees_with_ansible_core(option, resource):
    rng = random.Random(14)
    sub = subspec(resource)
    validator = ArgumentSpecValidator(sub)
    taken = refused = 0
    for dummy in range(3000):
        entry = random_entry(rng, sub)
        fast = as_is(entry, sub)
        if fast is None:
            continue
        checked = validator.validate(dict(entry))
        assert not checked.error_messages, (entry, checked.error_messages)
        assert fast == checked.validated_parameters, entry
        taken += 1
    assert taken > 50
    # and it leaves to the validator what it must: conversions and errors
    for entry in ({'mtu': '1400'} if 'mtu' in sub else {'no_such_option': 1}, {'no_such_option': 1}):
        assert as_is(entry, sub) is None
        refused += 1
    assert refused == 2


def test_the_roles_entries_take_the_fast_path_and_bad_ones_still_get_ansible_cores_message():
    params = dict(state='present', owner='bridge_topology/br0', adopt=False, force=None,
                  namespaces=[{'name': 'net0'}], veths=[{'namespace': 'net0', 'name': 'eth0', 'peer': 'veth-net0', 'mtu': 1400}],
                  addresses=[{'namespace': 'net0', 'interface': 'eth0', 'addresses': ['10.0.1.1/24'], 'exclusive': True}])
    for option, resource in KINDS:
        for entry in params.get(option, []):
            assert as_is(entry, subspec(resource)) is not None, option
    wants = lab_wants(params, dict(KINDS)['veths'], 'veths')
    assert wants[0]['mtu'] == 1400 and wants[0]['owner'] == 'bridge_topology/br0' and wants[0]['up'] is True
    params['veths'] = [{'namespace': 'net0', 'name': 'eth0', 'peer': 'veth-net0', 'mtu': '1400'}]
    assert lab_wants(params, dict(KINDS)['veths'], 'veths')[0]['mtu'] == 1400  # converted by ansible-core
    params['veths'] = [{'name': 'eth0', 'mtu': 'big'}]
    with pytest.raises(LabnetError) as caught:
        lab_wants(params, dict(KINDS)['veths'], 'veths')
    assert caught.value.msg.startswith('veths[0]: ') and 'mtu' in caught.value.msg


def test_a_topology_as_json_text_is_the_mapping_it_encodes():
    import json
    from ansible_collections.labnet.netns.plugins.module_utils._topology import lab_entries
    topology = {'bridge': 'br0', 'namespaces': [{'name': 'nä%d' % i, 'address': '10.0.1.%d/24' % (i + 1)} for i in range(3)],
                'bridge_address': '10.0.1.254/24', 'mtu': 1400, 'exclusive': True, 'ports': ['vx0']}
    assert lab_entries(json.dumps(topology)) == lab_entries(topology)
    assert lab_entries(json.dumps(topology, ensure_ascii=False)) == lab_entries(topology)
    with pytest.raises(LabnetError, match='topology is text but not JSON'):
        lab_entries('{"bridge": ')
    with pytest.raises(LabnetError, match=r'the JSON text of a list \[1\], not of a mapping'):
        lab_entries('[1]')
    with pytest.raises(LabnetError, match=r"problem\(s\) in the topology: topology.namespaces\[1\].address"):
        lab_entries(json.dumps(dict(topology, namespaces=[{'name': 'a', 'address': '10.0.1.1/24'},
                                                          {'name': 'b', 'address': 'nope'}])))


@pytest.mark.parametrize('text,fragment', [
    ('[' * 100000 + ']' * 100000, 'topology is text but not JSON'),  # Python's JSON decoder recurses
    ('{"bridge": "br0", "bridge": "br1", "namespaces": []}', "the key 'bridge' is given twice"),
    ('{"bridge": "br0", "namespaces": [{"name": "a", "address": "10.0.1.1/24"}], "mtu": Infinity}', 'topology: '),
    ('{"bridge": "br0", "namespaces": [{"name": "a", "address": "10.0.1.1/24"}], "mtu": 1e400}', 'topology: '),
    ('{"bridge": "br\\ud800", "namespaces": [{"name": "a", "address": "10.0.1.1/24"}]}', 'lone surrogate'),
    ('{"bridge": "br0", "namespaces": [{"name": "a\\ud800", "address": "10.0.1.1/24"}]}', 'lone surrogate'),
])
def test_odd_json_text_of_a_topology_is_refused_clearly(text, fragment):
    from ansible_collections.labnet.netns.plugins.module_utils._topology import lab_entries
    with pytest.raises(LabnetError) as info:
        lab_entries(text)
    assert fragment in info.value.msg
