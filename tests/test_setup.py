"""The README's commands set themselves up: scripts/system-packages.sh installs missing system
packages as root on Debian, and otherwise stops at once with one message naming them."""
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _bin(tmp_path, *tools) -> Path:
    """A PATH holding only the named tools (no apt-get, no chromium unless named)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in tools:
        found = str(Path(sys.base_prefix) / "bin" / "python3") if tool == "python3" else shutil.which(tool)
        assert found, tool
        (folder / tool).symlink_to(found)
    return folder


def test_missing_browser_packages_are_named_and_nothing_runs(tmp_path):
    path = _bin(tmp_path, "python3", "id", "fc-list", "grep")
    run = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "system-packages.sh"), "test"],
                         env={"PATH": str(path)}, capture_output=True, text=True)
    assert run.returncode == 2
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1
    assert "missing system packages: chromium" in lines[0] and "nodejs npm" in lines[0] and "python3-venv" not in lines[0]
    assert "apt-get install -y chromium" in lines[0]


def test_the_build_needs_no_browser(tmp_path):
    path = _bin(tmp_path, "python3", "id", "fc-list", "grep")
    run = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "system-packages.sh"), "build"],
                         env={"PATH": str(path)}, capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr == ""


def test_test_command_checks_system_packages_before_anything_else():
    text = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert text.index("system-packages.sh test") < text.index("setup.sh") < text.index("pytest")
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("bash scripts/test.sh")
