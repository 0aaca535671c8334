# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the core: validation, the items convention, how a step applies its plans.
No kernel involved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from hypothesis import given, strategies as st

from ansible_collections.labnet.netns.plugins.module_utils._common import (
    LabnetError, Op, Plan, Resource, Step, argument_spec, expand_items, normalize_mac,
    parse_interface_address, validate_ifname, validate_netns_name)


@pytest.mark.parametrize('name', ['a', 'net0', 'netns-3f2a', 'x' * 255, 'ü' * 127, 'with space', 'a:b', 'a%b'])
def test_valid_netns_names(name):
    assert validate_netns_name(name) == name


@pytest.mark.parametrize('name, fragment', [
    ('', 'non-empty'), (None, 'non-empty'), (3, 'non-empty'), ('.', 'not allowed'), ('..', 'not allowed'),
    ('a/b', '"/"'), ('../../etc/x', '"/"'), ('a\0b', 'NUL'), ('x' * 256, '255 bytes'), ('ü' * 128, '255 bytes'),
])
def test_invalid_netns_names(name, fragment):
    with pytest.raises(LabnetError) as err:
        validate_netns_name(name)
    assert fragment in err.value.msg


@pytest.mark.parametrize('name', ['eth0', 'veth-net0', 'x' * 15, 'br-core', 'a.b', '...', 'ALL', 'defaults'])
def test_valid_ifnames(name):
    assert validate_ifname(name) == name


@pytest.mark.parametrize('name, fragment', [
    ('', 'non-empty'), ('x' * 16, '15 bytes'), ('ü' * 8, '15 bytes'), ('.', 'not allowed'), ('..', 'not allowed'),
    ('all', 'reserved'), ('default', 'reserved'), ('a/b', "'/'"), ('a:b', "':'"), ('rz%d', "'%'"), ('a b', "' '"), ('a\tb', "'\\t'"), ('a\nb', "'\\n'"),
    ('\u00e0', 'white space'), ('\u00a0x', "'\\xa0'"), ('\u0160', 'white space'),
])
def test_invalid_ifnames(name, fragment):
    with pytest.raises(LabnetError) as err:
        validate_ifname(name)
    assert fragment in err.value.msg


@given(st.text(min_size=1, max_size=20))
def test_ifname_validator_matches_the_kernel_rule(name):
    """Property: accepted exactly when dev_valid_name() (plus the '%' template rule and the reserved names all and default) would accept it."""
    raw = name.encode('utf-8')
    kernel_ok = (0 < len(raw) <= 15 and name not in ('.', '..', 'all', 'default')
                 and not any(b in b'/:% \t\n\v\f\r\0\xa0' for b in raw))
    try:
        validate_ifname(name)
        accepted = True
    except LabnetError:
        accepted = False
    assert accepted == kernel_ok


@given(st.text(max_size=300))
def test_netns_validator_never_lets_a_path_through(name):
    try:
        validate_netns_name(name)
    except LabnetError:
        return
    assert '/' not in name and name not in ('', '.', '..') and len(name.encode('utf-8')) <= 255


def test_mac_normalised():
    assert normalize_mac('02:AB:cd:00:00:01') == '02:ab:cd:00:00:01'
    assert normalize_mac('02-ab-cd-00-00-01') == '02:ab:cd:00:00:01'
    assert normalize_mac(None) is None
    for bad in ('02:ab:cd:00:00', 'zz:ab:cd:00:00:01', '01:00:5e:00:00:01'):
        with pytest.raises(LabnetError):
            normalize_mac(bad)


def test_addresses_parsed_as_interfaces():
    assert parse_interface_address('10.0.1.1/24') == parse_interface_address('10.0.1.1/255.255.255.0')
    assert str(parse_interface_address('2001:DB8:0::1/64')) == '2001:db8::1/64'
    for bad in ('10.0.1.1', '10.0.1.1/33', 'fe80::1/129', 'nonsense/24', None):
        with pytest.raises(LabnetError):
            parse_interface_address(bad)


OPTIONS = dict(name=dict(type='str'), state=dict(type='str', default='present', choices=['present', 'absent']),
               up=dict(type='bool', default=True))


def test_argument_spec_adds_items_without_defaults():
    spec = argument_spec(OPTIONS)
    assert spec['state']['default'] == 'present'
    assert spec['items']['type'] == 'list' and spec['items']['elements'] == 'dict'
    assert 'default' not in spec['items']['options']['state']
    assert spec['items']['options']['state']['choices'] == ['present', 'absent']


def test_expand_items_top_level_values_are_defaults():
    params = dict(name=None, state='absent', up=True, items=[{'name': 'a', 'state': None, 'up': None},
                                                             {'name': 'b', 'state': 'present', 'up': False}])
    assert expand_items(params, OPTIONS) == [dict(name='a', state='absent', up=True),
                                             dict(name='b', state='present', up=False)]


def test_expand_items_single_object():
    params = dict(name='x', state='present', up=True, items=None)
    assert expand_items(params, OPTIONS) == [dict(name='x', state='present', up=True)]


class _Together(Resource):
    """Records how each operation was applied; apply_together fails the ops named 'bad'."""
    TOGETHER = ('remove',)

    def __init__(self):
        self.calls = []

    def apply(self, kernel, op):
        self.calls.append(('one', op.args['name']))

    def apply_together(self, kernel, ops):
        self.calls.append(('together', [op.args['name'] for op in ops]))
        return dict((op, LabnetError('cannot remove %s' % op.args['name'])) for op in ops if op.args['name'].startswith('bad'))


def _step(resource, plans):
    step = Step(resource, [], lambda index: '')
    step.plans = plans
    return step


def _remove(name, undo=None):
    return Plan(name, {}, {}, [Op('remove', 'remove %s' % name, name=name, undo=undo)])


def test_step_applies_single_removals_together_the_rest_one_by_one():
    resource = _Together()
    plans = [_remove('a'), Plan('b', {}, {}, [Op('set', 'set b', name='b')]), _remove('c'),
             _remove('d', undo=Op('create', 'create d', name='d')),
             Plan('e', {}, {}, [Op('remove', 'remove e', name='e'), Op('set', 'set e', name='e')])]
    done = []
    _step(resource, plans).apply(None, done)
    assert resource.calls == [('together', ['a', 'c']), ('one', 'b'), ('one', 'd'), ('one', 'e'), ('one', 'e')]
    assert done == ['remove a', 'remove c', 'set b', 'remove d', 'remove e', 'set e']


def test_step_together_failure_reports_what_was_done_and_names_the_failure():
    resource = _Together()
    done = []
    with pytest.raises(LabnetError, match='^cannot remove bad1; cannot remove bad2$'):  # every failure named
        _step(resource, [_remove('a'), _remove('bad1'), _remove('c'), _remove('bad2'),
                         Plan('x', {}, {}, [Op('set', 'set x', name='x')])]).apply(None, done)
    assert done == ['remove a', 'remove c']  # the others were removed; nothing after the failures ran
    assert resource.calls == [('together', ['a', 'bad1', 'c', 'bad2'])]


def test_step_one_removal_alone_is_applied_as_usual():
    resource = _Together()
    done = []
    _step(resource, [_remove('a')]).apply(None, done)
    assert resource.calls == [('one', 'a')] and done == ['remove a']


def test_names_with_a_lone_surrogate_are_refused_and_escaped_bytes_count_as_bytes():
    from ansible_collections.labnet.netns.plugins.module_utils._common import (
        LabnetError as Error, validate_ifname as ifname, validate_netns_name as netns)
    for check in (ifname, netns):
        with pytest.raises(Error, match='lone surrogate'):
            check('a\ud800')
    # a byte of another encoding read back from the kernel (surrogate escape) is one byte
    assert ifname('e' * 14 + '\udcff') == 'e' * 14 + '\udcff'
    with pytest.raises(Error, match='longer than 15 bytes'):
        ifname('e' * 15 + '\udcff')
    assert netns('n\udcff') == 'n\udcff'
