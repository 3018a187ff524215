"""A plain (non-editable) install works from any directory: prompts and schemas ship inside."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.packaging


def test_a_non_editable_install_carries_prompts_schemas_and_every_module(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert not (target / "extractor" / "prompts").is_symlink()
    assert (target / "extractor" / "prompts" / "claims.toml").is_file()
    assert (target / "extractor" / "schemas" / "claims.py").is_file()
    script = (
        "import importlib, pkgutil, extractor\n"
        "for m in pkgutil.walk_packages(extractor.__path__, 'extractor.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "from extractor.templates import load_prompt\n"
        "from extractor.backends.rules import extract_claims\n"
        "print(load_prompt('claims').version, len(extract_claims('Officials said 5 died.')),"
        " extractor.__file__)\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    version, claims, location = result.stdout.split()
    assert (version, claims) == ("1", "1")
    assert location.startswith(str(target))


def test_importing_extractor_and_its_cli_does_not_load_the_openai_sdk() -> None:
    script = (
        "import sys, extractor, extractor.cli\n"
        "from extractor import Extractor, Settings, extract\n"
        "print(sorted(m for m in ('openai', 'instructor') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
