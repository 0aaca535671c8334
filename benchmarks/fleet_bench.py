# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: playbooks/fleet.yml on a simulated fleet (tests/fleet/fleet.py) of N hosts, over real
SSH, inside one throwaway sandbox. For each N it measures the build, the idempotent re-run and the
teardown, checks each run's `changed`, and counts the new SSH (TCP) connections each host accepted per
run (from its sshd log). Ansible's ControlPersist keeps one connection per host for all tasks, and
for a next run started within 60 s, which then opens none.

    .venv/bin/python benchmarks/fleet_bench.py [--sizes 3 10]
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests', 'fleet'))

from conftest import Sandbox  # noqa: E402  pylint: disable=wrong-import-position
from fleet import Fleet  # noqa: E402  pylint: disable=wrong-import-position


def connections(fleet):
    return dict((h.name, int(fleet.on(h.name, 'grep -c "Accepted publickey" /var/log/labnet-sshd.log || true').strip() or 0))
                for h in fleet.hosts)


def measure(n):
    box = Sandbox()
    try:
        fleet = Fleet(box, n)
        try:
            rows = []
            for label, extra, want_changed in (('build', [], True), ('re-run', [], False),
                                               ('teardown', ['-e', 'bridge_topology_state=absent'], True)):
                seen = connections(fleet)
                start = time.monotonic()
                rc, out, recap = fleet.playbook('playbooks/fleet.yml', *extra)
                took = time.monotonic() - start
                if rc != 0 or sorted(recap) != sorted(h.name for h in fleet.hosts) or \
                        any(bool(r['changed']) != want_changed for r in recap.values()):
                    raise SystemExit('%s on %d hosts: unexpected result (rc %d)\n%s' % (label, n, rc, out[-3000:]))
                now = connections(fleet)
                per_host = sorted(now[h] - seen[h] for h in now)
                rows.append((label, took, per_host[0], per_host[-1]))
            return rows
        finally:
            fleet.stop()
    finally:
        box.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[3, 10])
    args = parser.parse_args()
    print('%6s  %-9s %9s  %s' % ('hosts', 'run', 'seconds', 'SSH connections per host (min-max)'))
    for n in args.sizes:
        for label, took, low, high in measure(n):
            print('%6d  %-9s %9.1f  %d-%d' % (n, label, took, low, high))


if __name__ == '__main__':
    main()
