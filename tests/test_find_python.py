"""Setup finds a Python Rasa supports by itself, or says what to install."""

from __future__ import annotations

import subprocess

from bot.config import PROJECT_ROOT

SCRIPT = str(PROJECT_ROOT / "scripts" / "find-python")


def run_finder(env):
    return subprocess.run([SCRIPT], env=env, capture_output=True, text=True)


def test_finds_a_supported_interpreter_from_pyenv_versions(tmp_path):
    fake = tmp_path / "versions" / "3.9.1" / "bin"
    fake.mkdir(parents=True)
    (fake / "python").write_text("#!/bin/sh\nexit 0\n")
    (fake / "python").chmod(0o755)
    result = run_finder({"PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.strip() == str(fake / "python")


def test_without_a_supported_interpreter_it_says_what_to_install(tmp_path):
    result = run_finder({"PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path)})
    assert result.returncode == 1
    assert "Install Python 3.10" in result.stderr
