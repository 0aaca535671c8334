# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The target's environment: pyroute2 missing (modules and role), and no root."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import pytest

from conftest import COLLECTIONS, REPO, assert_failed

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope='module')
def bare_python(tmp_path_factory):
    """A Python on the target without pyroute2 (a fresh venv; AnsiballZ brings Ansible's code)."""
    venv = str(tmp_path_factory.mktemp('bare') / 'venv')
    subprocess.run(['/usr/bin/python3', '-m', 'venv', venv], check=True)
    res = subprocess.run([venv + '/bin/python', '-c', 'import pyroute2'], capture_output=True, check=False)
    assert res.returncode != 0
    return venv + '/bin/python'


def ansible(sandbox, argv, python, env=None):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1', **(env or {}))
    return subprocess.run(sandbox.enter() + ['--wd=' + REPO] + argv + ['-e', 'ansible_python_interpreter=' + python],
                          capture_output=True, text=True, env=env, check=False)


def test_module_without_pyroute2_says_so(sandbox, bare_python):
    before = sandbox.snapshot()
    res = ansible(sandbox, [os.path.join(BIN, 'ansible'), 'lab', '-m', 'labnet.netns.netns', '-a', 'name=x'], bare_python)
    assert res.returncode != 0
    assert 'Failed to import the required Python library (pyroute2 (0.7.2 or later))' in res.stdout, res.stdout
    assert sandbox.snapshot() == before


def test_role_without_pyroute2_and_no_install_fails_clearly(sandbox, bare_python):
    before = sandbox.snapshot()
    res = ansible(sandbox, [os.path.join(BIN, 'ansible-playbook'), 'playbooks/site.yml',
                            '-e', 'bridge_topology_install_pyroute2=false'], bare_python)
    assert res.returncode != 0
    assert 'pyroute2 (>= 0.7.2) cannot be imported by %s' % bare_python in res.stdout, res.stdout[-3000:]
    assert 'bridge_topology_install_pyroute2 is false' in res.stdout
    assert sandbox.snapshot() == before


def test_role_installs_pyroute2_with_pip_then_builds(sandbox, bare_python, tmp_path):
    # the sandbox has no network: pip on the "target" installs from a wheel fetched beforehand
    wheels = str(tmp_path / 'wheels')
    subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', '-d', wheels,
                    'pyroute2==0.9.7'], check=True)
    res = ansible(sandbox, [os.path.join(BIN, 'ansible-playbook'), 'playbooks/site.yml'], bare_python,
                  env={'PIP_NO_INDEX': '1', 'PIP_FIND_LINKS': wheels})
    assert res.returncode == 0, res.stdout[-3000:]
    assert 'Install pyroute2 with pip' in res.stdout
    assert subprocess.run([bare_python, '-c', 'import pyroute2'], check=False).returncode == 0
    assert sandbox.ok('ip netns exec net0 ping -c1 -W2 10.0.1.3')


@pytest.mark.parametrize('module, args', [
    ('netns', dict(name='x')),
    ('veth', dict(name='a', peer='b')),
    ('linux_bridge', dict(name='br9')),
])
def test_without_root_a_clear_message(sandbox, module, args):
    """As an unprivileged user (no CAP_SYS_ADMIN / CAP_NET_ADMIN): a clear message, no traceback."""
    before = sandbox.snapshot()
    res = sandbox.module(module, python_prefix=['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                                                '--inh-caps=-all', '--bounding-set=-all'], **args)
    assert_failed(res, 'needs root')
    assert sandbox.snapshot() == before
