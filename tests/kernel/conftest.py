# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real-kernel test harness.

Every test gets a throwaway "fake host": a private mount + network namespace with its own
tmpfs on /run/netns, held open by a sleeping process. Modules run inside it for real
(nsenter + the target Python), so the host is never touched and everything made inside
vanishes when the holder process is killed.

LABNET_TEST_PYTHON selects the target interpreter (and so the pyroute2 version).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO, '.build', 'collections')
TARGET_PYTHON = os.environ.get('LABNET_TEST_PYTHON', sys.executable)
# playbooks run their modules with the target Python too (and so with its pyroute2)
TARGET_VARS = ['-e', 'ansible_python_interpreter=' + TARGET_PYTHON]
# figures printed at the end of the run (pytest_terminal_summary)
STATS = {'module runs': 0, 'kernel snapshots taken': 0, 'check->real->check->real cycles': 0,
         'drift cases repaired (check predicts, real repairs, re-run quiet)': 0}
REFUSALS = set()
OWNERSHIP_REFUSALS = set()  # the subset that protects an object that is not ours
NSENTER = shutil.which('nsenter') or '/usr/bin/nsenter'


def _ensure_collection_path():
    link = os.path.join(COLLECTIONS, 'ansible_collections', 'labnet', 'netns')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)


class Sandbox:
    """A private mount + network namespace, with helpers to run things inside it."""

    def __init__(self):
        _ensure_collection_path()
        # mount points (empty directories, as `ip netns add` makes the first one)
        os.makedirs('/run/netns', exist_ok=True)
        os.makedirs('/run/labnet-netns', exist_ok=True)
        self.proc = subprocess.Popen(
            ['unshare', '--mount', '--net', '--propagation', 'private', '--', 'sh', '-c',
             'mount -t tmpfs tmpfs /run/netns && mount -t tmpfs tmpfs /run/labnet-netns && '
             'ip link set lo up && echo ready && exec sleep 100000'],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        if self.proc.stdout.readline().strip() != b'ready':
            raise RuntimeError('sandbox did not start')
        self.pid = self.proc.pid
        self.children = []
        self.tmp = tempfile.mkdtemp(prefix='labnet-test-')
        os.chmod(self.tmp, 0o755)  # modules may run as another user (the no-root tests)

    def close(self):
        for child in self.children:
            child.kill()
            child.wait()
        self.proc.kill()
        self.proc.wait()
        subprocess.call(['rm', '-rf', self.tmp])

    def enter(self):
        """The command prefix that runs a program inside the sandbox."""
        return [NSENTER, '-t', str(self.pid), '-m', '-n']

    def sh(self, script, check=True):
        """Run a shell script inside the sandbox; returns stdout."""
        res = subprocess.run(self.enter() + ['sh', '-c', script], capture_output=True, text=True, check=False)
        if check and res.returncode != 0:
            raise AssertionError('sandbox command failed (%d): %s\n%s%s' % (res.returncode, script, res.stdout, res.stderr))
        return res.stdout

    def ok(self, script):
        """True when the script succeeds inside the sandbox."""
        return subprocess.run(self.enter() + ['sh', '-c', script], capture_output=True, check=False).returncode == 0

    def spawn(self, argv):
        """Start a long-running process inside the sandbox; killed at the end of the test."""
        child = subprocess.Popen(self.enter() + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.children.append(child)
        return child

    def module(self, module_name, check=False, diff=True, python=None, env=None, python_prefix=(), **args):
        """Run module MODULE_NAME for real inside the sandbox; returns its result dict."""
        payload = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        fd, path = tempfile.mkstemp(dir=self.tmp, suffix='.json')
        os.chmod(path, 0o644)  # readable when the module runs as another user
        with os.fdopen(fd, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': payload}, handle)
        env = dict(os.environ, PYTHONPATH=COLLECTIONS, **(env or {}))
        STATS['module runs'] += 1
        argv = list(python_prefix) + [python or TARGET_PYTHON, '-m', 'ansible_collections.labnet.netns.plugins.modules.%s' % module_name, path]
        res = subprocess.run(self.enter() + argv, capture_output=True, text=True, env=env, check=False)
        assert 'Traceback' not in res.stdout + res.stderr, res.stdout + res.stderr
        lines = [line for line in res.stdout.splitlines() if line.startswith('{')]
        assert lines, 'module %s printed no JSON:\n%s\n%s' % (module_name, res.stdout, res.stderr)
        result = json.loads(lines[-1])
        result['_rc'] = res.returncode
        return result

    def snapshot(self, macs=True):
        """Kernel state that a check-mode run must not change: /run/netns entries, and per
        namespace the links (name, kind, UP, mtu, mac, master, peer), addresses and routes (but
        the kernel's own), and the iptables rules. Asynchronous kernel flags (carrier, DAD) are left out; MACs too
        when MACS is false (a re-created veth gets new random ones)."""
        STATS['kernel snapshots taken'] += 1
        raw = self.sh(
            # -A, not -a: '..' is the host's /run, which other programs change meanwhile
            'ls -lA --time-style=+ /run/netns | tail -n +2; echo "@@"; '
            'for n in "" $(ls /run/netns); do echo "== $n"; '
            'ip ${n:+-n "$n"} -j -d link; echo; ip ${n:+-n "$n"} -j addr; echo; echo "%%"; '
            'ip ${n:+-n "$n"} -j -4 route show table all; echo; ip ${n:+-n "$n"} -j -6 route show table all; echo; '
            'done; echo "@@"; '
            'iptables -S; iptables -t nat -S; ip6tables -S; ip6tables -t nat -S')
        entries, namespaces, rules = raw.split('@@\n')
        state = {'entries': entries, 'iptables': rules}
        for block in namespaces.split('== ')[1:]:
            block, routes = block.split('%%\n')
            name, links, addrs = block.split('\n', 2)
            addrs = addrs.strip()
            links = json.loads(links) if links.startswith('[') else links
            state[name] = {
                'links': sorted(
                    (l['ifname'], (l.get('linkinfo') or {}).get('info_kind'), 'UP' in l['flags'], l['mtu'],
                     l.get('address') if macs else None, l.get('master'), l.get('link_netnsid'))
                    for l in links) if isinstance(links, list) else links,
                'addresses': sorted(
                    (a['ifname'], i['local'], i['prefixlen']) for a in json.loads(addrs) for i in a.get('addr_info', [])
                    if not i['local'].startswith('fe80:')  # the kernel adds these by itself, later
                ) if addrs.startswith('[') else addrs,
                'routes': _routes(routes),
            }
        return state

    def links(self, namespace=None):
        """ip -j link of a namespace, keyed by name."""
        out = self.sh('ip %s -j -d link' % ('-n %s' % namespace if namespace else ''))
        return dict((link['ifname'], link) for link in json.loads(out, strict=False))  # names may hold control bytes

    def addrs(self, namespace, ifname):
        out = self.sh('ip %s -j addr show dev %s' % ('-n %s' % namespace if namespace else '', ifname))
        data = json.loads(out)
        return sorted('%s/%s' % (a['local'], a['prefixlen']) for a in data[0]['addr_info']) if data else []


def _routes(text):
    """The routes of `ip -j route show table all` (both families) that are not the kernel's own."""
    out = []
    for line in text.split('\n'):
        if line.startswith('['):
            out += [(r.get('dst'), r.get('gateway'), r.get('dev'), r.get('table', 'main'), r.get('metric'),
                     r.get('protocol'), r.get('type', 'unicast')) for r in json.loads(line)
                    if r.get('protocol') not in ('kernel', 'ra') and r.get('table') != 'local']
        elif line.strip():
            out.append(line)
    return sorted(out, key=repr)


@pytest.fixture
def sandbox():
    box = Sandbox()
    try:
        yield box
    finally:
        box.close()


def assert_ok(result):
    assert not result.get('failed'), result.get('msg')
    return result


def assert_failed(result, *fragments):
    assert result.get('failed'), 'expected a failure, got %r' % result
    for fragment in fragments:
        assert fragment in result['msg'], 'expected %r in %r' % (fragment, result['msg'])
    REFUSALS.add(result['msg'])
    if 'refusing to' in result['msg'] and ('not made by' in result['msg'] or 'not added by' in result['msg']):
        OWNERSHIP_REFUSALS.add(result['msg'])
    return result


def wait_for(predicate, timeout=10.0):
    """Poll PREDICATE until it is true; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for %r' % predicate)
        time.sleep(0.05)


def snapshot_changes(before, after):
    """What differs between two snapshots, for an assertion message."""
    out = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            out += ['%s %s: %r -> %r' % (key, k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        elif old != new:
            out.append('%s: %r -> %r' % (key, old, new))
    return '; '.join(out)


def four_runs(sandbox, module, **args):
    """check -> real -> check -> real, as the best collections test: the check-mode run
    changes nothing and predicts the real run; both later runs report no change."""
    before = sandbox.snapshot()
    check1 = assert_ok(sandbox.module(module, check=True, **args))
    after = sandbox.snapshot()
    assert after == before, 'check mode changed the kernel state: %s' % snapshot_changes(before, after)
    real1 = assert_ok(sandbox.module(module, **args))
    assert check1['changed'] and real1['changed']
    assert check1['diff'] == real1['diff']
    assert check1['operations'] == real1['operations']
    check2 = assert_ok(sandbox.module(module, check=True, **args))
    real2 = assert_ok(sandbox.module(module, **args))
    assert not check2['changed'] and not real2['changed'], (check2['operations'], real2['operations'])
    assert real2['operations'] == []
    STATS['check->real->check->real cycles'] += 1
    return real1


def four_runs_after_drift(sandbox, module, **args):
    """A drifted object: check predicts the repair, the real run does it, a re-run is quiet."""
    before = sandbox.snapshot()
    check = assert_ok(sandbox.module(module, check=True, **args))
    assert check['changed'] and sandbox.snapshot() == before
    real = assert_ok(sandbox.module(module, **args))
    assert real['changed'] and real['diff'] == check['diff'] and real['operations'] == check['operations']
    again = assert_ok(sandbox.module(module, **args))
    assert not again['changed'], again['operations']
    STATS['drift cases repaired (check predicts, real repairs, re-run quiet)'] += 1
    return real


def pytest_terminal_summary(terminalreporter):
    """The reliability figures of this run, so every CI log shows them."""
    rows = list(STATS.items()) + [('distinct bad inputs refused with a clear message (no traceback)', len(REFUSALS)),
                                  ('  of which: refusals to take over or remove what is not ours', len(OWNERSHIP_REFUSALS))]
    terminalreporter.write_sep('-', 'labnet.netns figures (pyroute2 on the target: %s)' % TARGET_PYTHON)
    for name, value in rows:
        terminalreporter.write_line('%8d  %s' % (value, name))
