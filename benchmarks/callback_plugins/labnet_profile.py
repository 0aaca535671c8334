# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark aid (not shipped): writes each task's wall time, and the profile that the
collection's modules return when LABNET_PROFILE is set, as JSON lines to $LABNET_PROFILE_OUT."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: labnet_profile
type: aggregate
short_description: per-task wall time and module profiles, for benchmarks/bench.py
description: Writes one JSON line per task to the file named by LABNET_PROFILE_OUT.
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'labnet_profile'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._out = os.environ.get('LABNET_PROFILE_OUT')
        self._task = None
        self._start = None
        self._module = None
        self._write({'event': 'callback loaded', 'time': time.time()})

    def _write(self, data):
        if self._out:
            with open(self._out, 'a') as handle:
                handle.write(json.dumps(data) + '\n')

    def _close_task(self):
        if self._task is not None:
            self._write({'event': 'task', 'name': self._task, 'seconds': time.time() - self._start,
                         'profile': self._module})
        self._task = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_task()
        self._task = task.get_name()
        self._start = time.time()
        self._module = None

    def _result(self, result):
        profile = result._result.get('profile')
        if isinstance(profile, dict):
            self._module = profile

    v2_runner_on_ok = _result
    v2_runner_on_failed = _result

    def v2_playbook_on_stats(self, stats):
        self._close_task()
        self._write({'event': 'end', 'time': time.time()})
