# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unmounting many namespace entries side by side (_entries._umount_detach_all), with the
system call replaced: every target is tried once, failures are returned, never raised, and no
thread outlives the call. The real unmounts are tested on the kernel (tests/kernel/test_netns.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import threading
import time

from ansible_collections.labnet.netns.plugins.module_utils import _entries

TARGETS = ['/run/netns/n%d' % i for i in range(40)]


def _fake_umount(monkeypatch, fail=()):
    calls = []

    def umount(target):
        time.sleep(0.001)
        calls.append(target)
        if target in fail:
            raise OSError(errno.EBUSY, 'busy')
        if target.endswith('n7'):
            raise ValueError('not an OSError')
    monkeypatch.setattr(_entries, '_umount_detach', umount)
    return calls


def test_every_target_once_failures_returned(monkeypatch):
    calls = _fake_umount(monkeypatch, fail={'/run/netns/n3', '/run/netns/n30'})
    failed = _entries._umount_detach_all(TARGETS)
    assert sorted(calls) == sorted(TARGETS)
    assert sorted(failed) == ['/run/netns/n3', '/run/netns/n30', '/run/netns/n7']
    assert all(isinstance(exc, OSError) for exc in failed.values())  # an unexpected error too


def test_no_thread_to_be_had_does_the_share_in_turn_and_joins_the_others(monkeypatch):
    calls = _fake_umount(monkeypatch)
    real_start = threading.Thread.start
    started = []

    def start(thread):
        if len(started) == 2:
            raise RuntimeError("can't start new thread")
        started.append(thread)
        real_start(thread)
    monkeypatch.setattr(threading.Thread, 'start', start)
    failed = _entries._umount_detach_all(TARGETS)
    assert sorted(calls) == sorted(TARGETS) and list(failed) == ['/run/netns/n7']
    assert started and not any(thread.is_alive() for thread in started)


def test_few_targets_need_no_thread(monkeypatch):
    calls = _fake_umount(monkeypatch)

    def start(thread):
        raise AssertionError('no thread for %s' % thread)
    monkeypatch.setattr(threading.Thread, 'start', start)
    assert _entries._umount_detach_all(TARGETS[:5]) == {} and calls == TARGETS[:5]
