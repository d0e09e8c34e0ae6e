"""The headless desktop: files open through the platform opener, no clipboard."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from voicelive_desktop.tools.registry import ToolError
from voicelive_desktop.tools.stdlib_desktop import StdlibDesktop


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open is the Linux opener")
def test_files_open_with_xdg_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{opened}"\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{opener.parent}")
    target = tmp_path / "plan.txt"
    target.write_text("plan")
    assert StdlibDesktop(lambda t, m: None).open_file(target)
    deadline = time.monotonic() + 5
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert opened.read_text() == str(target)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open is the Linux opener")
def test_pages_open_with_xdg_open_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not through `webbrowser`, which runs a text-mode browser in the foreground: the
    conversation must go on while the page opens, however long the opener takes."""
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{opened}"\nsleep 5\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{opener.parent}:/usr/bin:/bin")
    monkeypatch.setenv("BROWSER", "w3m")
    began = time.monotonic()
    assert StdlibDesktop(lambda t, m: None).open_url("https://example.com/a?b=c")
    assert time.monotonic() - began < 2
    deadline = time.monotonic() + 5
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert opened.read_text() == "https://example.com/a?b=c"


def test_no_opener_means_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("Windows always has os.startfile")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not StdlibDesktop(lambda t, m: None).open_file(tmp_path / "x.txt")
    assert not StdlibDesktop(lambda t, m: None).open_url("https://example.com")


def test_clipboard_is_refused_with_the_reason() -> None:
    desktop = StdlibDesktop(lambda t, m: None)
    with pytest.raises(ToolError, match="not available in headless mode"):
        desktop.read_clipboard()


def test_notifications_go_to_the_callback() -> None:
    seen: list[tuple[str, str]] = []
    StdlibDesktop(lambda title, message: seen.append((title, message))).notify("T", "M")
    assert seen == [("T", "M")]
