# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet tests reuse the kernel tests' sandbox (loaded under another name: both are 'conftest')."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os


_spec = importlib.util.spec_from_file_location(
    'kernel_conftest', os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'kernel', 'conftest.py'))
kernel_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kernel_conftest)
Sandbox = kernel_conftest.Sandbox
sandbox = kernel_conftest.sandbox  # the kernel harness's fixture: a sandbox per test
