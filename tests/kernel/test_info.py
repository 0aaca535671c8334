# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netns_info on the real kernel, inside a sandbox."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import sys

import pytest

from conftest import COLLECTIONS, assert_failed, assert_ok, wait_for

sys.path.insert(0, COLLECTIONS)
from ansible_collections.labnet.netns.plugins.filter.topology_dot import topology_dot  # noqa: E402 pylint: disable=wrong-import-position
from ansible_collections.labnet.netns.plugins.filter.topology_mermaid import topology_mermaid  # noqa: E402 pylint: disable=wrong-import-position


def lab(sandbox):
    assert_ok(sandbox.module('netns', items=[{'name': 'net%d' % i} for i in range(3)] + [{'name': 'ns1'}, {'name': 'ns2'}]))
    assert_ok(sandbox.module('veth', items=[{'namespace': 'net%d' % i, 'name': 'eth0', 'peer': 'veth-net%d' % i}
                                            for i in range(3)] +
                             [{'namespace': 'ns1', 'name': 'a', 'peer': 'b', 'peer_namespace': 'ns2'}]))
    assert_ok(sandbox.module('linux_bridge', name='br0', ports=['veth-net0', 'veth-net1', 'veth-net2']))
    assert_ok(sandbox.module('netns_address', items=[
        {'namespace': 'net%d' % i, 'interface': 'eth0', 'addresses': ['10.0.1.%d/24' % (i + 1)]} for i in range(3)]))


def link(info, name):
    return [l for l in info['links'] if l['name'] == name][0]


def test_topology_read_end_to_end(sandbox):
    lab(sandbox)
    before = sandbox.snapshot()
    res = assert_ok(sandbox.module('netns_info'))
    assert sandbox.snapshot() == before and res['changed'] is False
    net0 = res['namespaces']['net0']
    assert net0['kind'] == 'namespace' and net0['stale'] is None
    eth0 = link(net0, 'eth0')
    assert eth0['kind'] == 'veth' and eth0['up'] is True and '10.0.1.1/24' in eth0['addresses']
    # namespace eth0 -> peer -> bridge port -> bridge
    assert eth0['peer'] == {'name': 'veth-net0', 'namespace': None, 'known': True}  # the host is null, as in the modules
    assert link(res['host'], 'veth-net0')['master'] == 'br0'
    assert res['bridges'] == {'br0': ['veth-net0', 'veth-net1', 'veth-net2']}
    assert link(res['host'], 'veth-net1')['peer'] == {'name': 'eth0', 'namespace': 'net1', 'known': True}
    # a veth between two namespaces
    assert link(res['namespaces']['ns1'], 'a')['peer'] == {'name': 'b', 'namespace': 'ns2', 'known': True}
    assert '10.0.1.0/24 dev eth0' in net0['routes']
    assert 'topology' not in res  # pictures are drawn on the controller, by the filters
    dot = topology_dot(res)
    assert dot.count(' -- ') == 3 + 3 + 1 and dot.count('[style=dashed]') == 3  # cables, ports, ns1-ns2
    assert topology_mermaid(res).startswith('flowchart LR')


def test_stale_and_foreign_entries(sandbox):
    sandbox.sh('touch /run/netns/leftover && ln -s /proc/999999999/ns/net /run/netns/dangling && '
               'ip netns add netns-0123abcd-0000-4000-8000-000000000000')
    # a "container": a process in its own network namespace, linked as bind mount and as symlink
    proc = sandbox.spawn(['unshare', '--net', 'sleep', '600'])
    wait_for(lambda: sandbox.ok('test "$(readlink /proc/%d/ns/net)" != "$(readlink /proc/$$/ns/net)"' % proc.pid))
    assert_ok(sandbox.module('container_netns_link', name='pinned', pid=proc.pid, mode='bind'))
    assert_ok(sandbox.module('container_netns_link', name='linked', pid=proc.pid))
    res = assert_ok(sandbox.module('netns_info'))['namespaces']
    assert res['leftover']['kind'] == 'stale' and 'leftover plain file' in res['leftover']['stale']
    assert res['dangling']['kind'] == 'stale' and 'dangling symlink' in res['dangling']['stale']
    assert res['netns-0123abcd-0000-4000-8000-000000000000']['owner'] == 'podman'
    assert res['pinned']['kind'] == 'container_link' and res['pinned']['container']['pid'] == proc.pid
    assert res['linked']['kind'] == 'container_link' and res['linked']['target'] == '/proc/%d/ns/net' % proc.pid
    # the "container" goes away: the symlink dangles, the bind mount pins a dead namespace
    proc.kill()
    proc.wait()
    res = assert_ok(sandbox.module('netns_info'))['namespaces']
    assert res['linked']['kind'] == 'stale' and 'dangling' in res['linked']['stale']
    assert res['pinned']['kind'] == 'stale' and 'gone' in res['pinned']['stale']


def test_names_filter_never_creates(sandbox):
    before = sandbox.snapshot()
    res = assert_ok(sandbox.module('netns_info', names=['ghost'], check=True))
    assert res['namespaces'] == {} and sandbox.snapshot() == before
    assert not sandbox.ok('test -e /run/netns/ghost')
    assert_failed(sandbox.module('netns_info', names=['../etc']), 'must not contain')


@pytest.mark.skipif(not shutil.which('dot'), reason='graphviz is not installed')
def test_dot_renders_to_png(sandbox, tmp_path):
    lab(sandbox)
    dot = topology_dot(assert_ok(sandbox.module('netns_info')))
    src = tmp_path / 'lab.dot'
    src.write_text(dot)
    png = tmp_path / 'lab.png'
    subprocess.run(['dot', '-Tpng', str(src), '-o', str(png)], check=True)
    with open(str(png), 'rb') as handle:
        assert handle.read(8) == b'\x89PNG\r\n\x1a\n'
    keep = os.environ.get('LABNET_KEEP_PICTURE')
    if keep:
        shutil.copy(str(png), keep)
