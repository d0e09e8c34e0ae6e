"""Per-user install without root: the launcher entry starts the installed app; uninstall cleans up.

Runs the real install scripts on a small stand-in bundle (a shell program in place of the frozen
app) so it stays fast; test_bundle.py does the same with the real PyInstaller bundle.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.packaging.desktop_entry import exec_argv, read_entry
from voicelive_desktop import APP_ID

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICON_SIZES = ["16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512"]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle folder laid out like dist/voicelive-desktop, whose program records its argv."""
    folder = tmp_path / "dist" / APP_ID
    folder.mkdir(parents=True)
    program = folder / APP_ID
    program.write_text('#!/bin/sh\nprintf "%s\\n" "$0" "$@" > "$LAUNCH_RECORD"\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    subprocess.run(["bash", str(LINUX / "add-desktop-files.sh"), str(folder)], check=True)
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    # A space in the path makes the Exec line need the spec's quoting.
    path = tmp_path / "home of user"
    path.mkdir()
    return path


def user_env(home: Path, record: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), LAUNCH_RECORD=str(record))
    return env


def run_script(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, check=False
    )


def test_install_puts_app_entry_and_icons_where_launchers_look(
    bundle: Path, home: Path, tmp_path: Path
) -> None:
    record = tmp_path / "argv.txt"
    env = user_env(home, record)
    result = run_script(bundle / "install-user.sh", env)
    assert result.returncode == 0, result.stderr

    installed = home / ".local" / "lib" / APP_ID / APP_ID
    assert installed.is_file()
    assert (home / ".local" / "bin" / APP_ID).resolve() == installed
    for size in ICON_SIZES:
        assert (home / ".local/share/icons/hicolor" / size / "apps" / f"{APP_ID}.png").is_file()
    assert (home / ".local/share/icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()

    entry_file = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    validate = subprocess.run(
        ["desktop-file-validate", str(entry_file)], capture_output=True, text=True, check=False
    )
    assert validate.returncode == 0, validate.stdout
    entry = read_entry(entry_file)
    assert entry["TryExec"] == str(installed)

    # Start it the way a launcher does: the Exec line, split per the spec, with no PATH help.
    subprocess.run(exec_argv(entry["Exec"]), env={**env, "PATH": "/usr/bin:/bin"}, check=True)
    assert record.read_text().splitlines() == [str(installed)]
    demo = read_entry(entry_file, "Desktop Action demo")
    subprocess.run(exec_argv(demo["Exec"]), env=env, check=True)
    assert record.read_text().splitlines() == [str(installed), "--demo"]


def test_reinstall_upgrades_in_place_and_uninstall_removes_everything(
    bundle: Path, home: Path, tmp_path: Path
) -> None:
    env = user_env(home, tmp_path / "argv.txt")
    assert run_script(bundle / "install-user.sh", env).returncode == 0
    (bundle / "NEW-FILE").write_text("from the newer build")
    assert run_script(bundle / "install-user.sh", env).returncode == 0
    lib = home / ".local" / "lib"
    assert (lib / APP_ID / "NEW-FILE").is_file()
    assert sorted(p.name for p in lib.iterdir()) == [APP_ID]  # no .new/.old left behind

    result = run_script(lib / APP_ID / "uninstall-user.sh", env)
    assert result.returncode == 0, result.stderr
    assert "Removed" in result.stdout
    leftovers = [p for p in home.rglob("*") if p.is_file() or p.is_symlink()]
    assert leftovers == []
    again = run_script(LINUX / "uninstall-user.sh", env)
    assert again.returncode == 0
    assert "nothing to remove" in again.stdout


def test_install_without_a_bundle_says_how_to_build_one(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "not-a-bundle"
    empty.mkdir()
    result = run_script(LINUX / "install-user.sh", user_env(home, tmp_path / "r"), str(empty))
    assert result.returncode == 1
    assert "no VoiceLive Desktop bundle" in result.stderr
    assert "build.sh" in result.stderr
    assert not (home / ".local").exists()


def test_uninstall_keeps_a_foreign_command_of_the_same_name(home: Path, tmp_path: Path) -> None:
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    other = tmp_path / "someone-elses-program"
    other.write_text("")
    (bin_dir / APP_ID).symlink_to(other)
    run_script(LINUX / "uninstall-user.sh", user_env(home, tmp_path / "r"))
    assert (bin_dir / APP_ID).is_symlink()


@pytest.fixture(autouse=True)
def _needs_desktop_file_utils() -> None:
    assert shutil.which("desktop-file-validate"), "apt-get install desktop-file-utils"
