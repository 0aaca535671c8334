# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: an N-namespace bridge lab built by a bare `ip` script (one process per step,
as the seed articles do) against ansible-playbook with the bridge_topology role.

For each N, in one run on this machine, each measurement in a fresh sandbox (private mount +
network namespace), it measures
  (a) the `ip` script building the lab,  (b) the role building it from scratch,
  (c) the role's idempotent re-run,      (d) the role's teardown,
checks that each role run reported the right `changed`, and prints the times and the ratios
(b)/(a) and (c at N)/(c at smallest N).

    .venv/bin/python benchmarks/bench.py [--sizes 3 100 1000] [--repeat 1]
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
SANDBOX = ['unshare', '--mount', '--net', '--propagation', 'private', '--', 'sh', '-c',
           'mount -t tmpfs tmpfs /run/netns && mount -t tmpfs tmpfs /run/labnet-netns && '
           'ip link set lo up && exec "$@"', 'sandbox']


def address(i):
    return '10.%d.%d.%d/8' % (i // 62500, (i // 250) % 250, i % 250 + 1)


def ip_script(n, lean=False):
    """(a): the seed's recipe (seed 001, section 4), one `ip` process per step: create the
    pair, move one end into the namespace, rename it there, address it, bring it and lo up,
    attach the other end to the bridge and bring it up. LEAN: the same lab with the fewest
    `ip` processes (peer born in the namespace, `ip -n` instead of `ip netns exec`)."""
    lines = ['set -e', 'ip link add br0 type bridge', 'ip link set dev br0 up']
    for i in range(n):
        ns, inner, outer = 'n%d' % i, 'vin%d' % i, 'veth-n%d' % i
        if lean:
            lines += ['ip netns add %s' % ns,
                      'ip -n %s link set lo up' % ns,
                      'ip link add %s type veth peer name eth0 netns %s' % (outer, ns),
                      'ip link set %s master br0' % outer,
                      'ip link set %s up' % outer,
                      'ip -n %s addr add %s dev eth0' % (ns, address(i)),
                      'ip -n %s link set eth0 up' % ns]
        else:
            lines += ['ip netns add %s' % ns,
                      'ip link add %s type veth peer name %s' % (inner, outer),
                      'ip link set dev %s netns %s' % (inner, ns),
                      'ip netns exec %s ip link set dev %s name eth0' % (ns, inner),
                      'ip netns exec %s ip addr add %s dev eth0' % (ns, address(i)),
                      'ip netns exec %s ip link set dev eth0 up' % ns,
                      'ip netns exec %s ip link set lo up' % ns,
                      'ip link set dev %s master br0' % outer,
                      'ip link set dev %s up' % outer]
    lines.append('iptables -A FORWARD -i br0 -j ACCEPT')
    return '\n'.join(lines) + '\n'


def topology(n):
    return {'bridge_topology_bridge': 'br0',
            'bridge_topology_namespaces': [{'name': 'n%d' % i, 'address': address(i)} for i in range(n)]}


def role_runs(tmp, n):
    """(b), (c), (d) in one sandbox; returns [(seconds, changed)]."""
    vars_file = os.path.join(tmp, 'vars-%d.json' % n)
    with open(vars_file, 'w') as handle:
        json.dump(topology(n), handle)
    script = os.path.join(tmp, 'role-%d.sh' % n)
    site = os.path.join(REPO, 'playbooks', 'site.yml')
    with open(script, 'w') as handle:
        handle.write('set -e\ncd %s\n' % REPO)
        info = '%s lab -m labnet.netns.netns_info' % os.path.join(os.path.dirname(sys.executable), 'ansible')
        for label, command in (('build', '%s %s -e @%s' % (PLAYBOOK, site, vars_file)),
                               ('rerun', '%s %s -e @%s' % (PLAYBOOK, site, vars_file)),
                               ('info', info),
                               ('teardown', '%s %s -e @%s -e bridge_topology_state=absent' % (PLAYBOOK, site, vars_file))):
            handle.write('s=$(date +%%s.%%N); %s > %s/%s-%d.log 2>&1 || '
                         '{ tail -30 %s/%s-%d.log >&2; exit 1; }; e=$(date +%%s.%%N); echo "%s $s $e"\n'
                         % (command, tmp, label, n, tmp, label, n, label))
    out = subprocess.run(SANDBOX + ['sh', script], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit('role run failed for N=%d:\n%s' % (n, out.stderr))
    results = []
    for line in out.stdout.splitlines():
        label, start, end = line.split()
        with open(os.path.join(tmp, '%s-%d.log' % (label, n))) as handle:
            text = handle.read()
        if label == 'info':  # ad-hoc output: it must have seen every namespace
            changed = 0 if '"n%d"' % (n - 1) in text else -1
        else:
            changed = int(re.search(r'changed=(\d+)', text.split('PLAY RECAP')[-1]).group(1))
        results.append((float(end) - float(start), changed))
    return results


def ip_run(tmp, n, lean=False):
    script = os.path.join(tmp, 'ip-%d.sh' % n)
    with open(script, 'w') as handle:
        handle.write(ip_script(n, lean))
    start = time.monotonic()
    out = subprocess.run(SANDBOX + ['sh', script], capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if out.returncode != 0:
        raise SystemExit('ip script failed for N=%d: %s' % (n, out.stderr[-2000:]))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[3, 100, 1000])
    parser.add_argument('--repeat', type=int, default=1, help='runs per measurement; the best is kept')
    args = parser.parse_args()
    os.makedirs('/run/netns', exist_ok=True)
    os.makedirs('/run/labnet-netns', exist_ok=True)
    env_collections = os.path.join(REPO, '.build', 'collections')
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = env_collections
    os.environ['ANSIBLE_NOCOLOR'] = '1'
    rows = {}
    ok = True
    with tempfile.TemporaryDirectory(prefix='labnet-bench-') as tmp:
        for n in args.sizes:
            a = min(ip_run(tmp, n) for attempt in range(args.repeat))
            lean = min(ip_run(tmp, n, lean=True) for attempt in range(args.repeat))
            runs = [role_runs(tmp, n) for attempt in range(args.repeat)]
            best = [min((r[k] for r in runs), key=lambda x: x[0]) for k in range(4)]
            changed_ok = best[0][1] > 0 and best[1][1] == 0 and best[2][1] == 0 and best[3][1] > 0
            ok = ok and changed_ok
            rows[n] = (a, lean, best, changed_ok)
    base = args.sizes[0]
    print('labnet.netns benchmark on %s, %d CPUs, kernel %s, Python %s' % (
        platform.node() or 'this machine', os.cpu_count(), platform.release(), platform.python_version()))
    print('(a) the seed recipe, 9 ip processes per namespace; (a-lean) 7, with ip -n and the peer born in place')
    print('(e) labnet.netns.netns_info reading the whole lab (ad-hoc ansible)')
    print('%6s %9s %9s %10s %10s %10s %10s %8s %9s %12s %8s' % (
        'N', '(a) ip', '(a-lean)', '(b) build', '(c) rerun', '(d) down', '(e) info', '(b)/(a)', '(b)/lean',
        '(c)/(c@%d)' % base, 'changed'))
    for n in args.sizes:
        a, lean, (b, c, e, d), changed_ok = rows[n]
        print('%6d %8.2fs %8.2fs %9.2fs %9.2fs %9.2fs %9.2fs %8.2f %9.2f %12.2f %8s' % (
            n, a, lean, b[0], c[0], d[0], e[0], b[0] / a, b[0] / lean, c[0] / rows[base][2][1][0],
            'right' if changed_ok else 'WRONG'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
