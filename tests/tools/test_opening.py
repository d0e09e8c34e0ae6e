"""open_url and open_file: only web pages and files under the home folder, else refused."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.tools.desktop_double import RecordingDesktop
from voicelive_desktop.tools.opening import checked_file, checked_url, opening_tools
from voicelive_desktop.tools.registry import ToolError, ToolPolicy


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=c", "http://localhost:8080/", "HTTPS://Example.com"]
)
def test_web_addresses_pass(url: str) -> None:
    assert checked_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "this one has 'file:'"),
        ("javascript:alert(1)", "this one has 'javascript:'"),
        ("ftp://example.com", "'ftp:'"),
        ("example.com", "no scheme"),
        ("https://", "no host name"),
        ("https://user:pw@example.com", "user name or password"),
        ("https://exa mple.com", "spaces, control characters"),
        ("https://example.com/\x00", "control characters"),
        ("https://example.com/\u202egpj.exe", "invisible characters"),
        ("https://exa\u200bmple.com", "invisible characters"),
        ("", "empty"),
    ],
)
def test_other_addresses_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ToolError, match=reason):
        checked_url(url)


def test_open_url_uses_the_desktop_and_reports_a_refusal() -> None:
    desktop = RecordingDesktop()
    open_url = opening_tools(desktop)[0]
    assert open_url.default_policy is ToolPolicy.ASK and open_url.precheck is not None
    asyncio.run(open_url.handler({"url": "https://example.com"}))
    assert desktop.opened_urls == ["https://example.com"]
    desktop.accept = False
    with pytest.raises(ToolError, match="could not open a browser"):
        asyncio.run(open_url.handler({"url": "https://example.com"}))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "plan.txt").write_text("plan")
    (tmp_path / "outside.txt").write_text("secret")
    return home


def test_files_under_home_open(home: Path) -> None:
    desktop = RecordingDesktop()
    open_file = opening_tools(desktop, home=lambda: home)[1]
    asyncio.run(open_file.handler({"path": "docs/plan.txt"}))
    asyncio.run(open_file.handler({"path": str(home / "docs" / "plan.txt")}))
    assert desktop.opened_files == [(home / "docs" / "plan.txt").resolve()] * 2


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlink_out_of_home_is_refused(home: Path, tmp_path: Path) -> None:
    os.symlink(tmp_path / "outside.txt", home / "docs" / "link.txt")
    with pytest.raises(ToolError, match="Only files in the home folder"):
        checked_file("docs/link.txt", home)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "Only files in the home folder"),
        ("docs/missing.txt", "There is no file"),
        ("docs", "is not a file"),
        ("  ", "empty"),
    ],
)
def test_other_paths_are_refused(home: Path, path: str, reason: str) -> None:
    with pytest.raises(ToolError, match=reason):
        checked_file(path, home)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00"),
        ("Run Me.BAT", b"@echo off"),
        ("invoice.pdf.js", b"WScript.Echo(1)"),
        ("tool.py", b"print(1)"),
        ("launcher.desktop", b"[Desktop Entry]"),
        ("start.command", b"echo hi"),
        ("no-suffix", b"\x7fELF\x02\x01"),
        ("notes.txt", b"#!/bin/sh\nrm -rf ~"),
        ("renamed.pdf", b"MZ\x90\x00\x03"),
        ("universal", b"\xca\xfe\xba\xbe"),
    ],
)
def test_programs_and_scripts_are_refused_not_run(home: Path, name: str, content: bytes) -> None:
    (home / "docs" / name).write_bytes(content)
    desktop = RecordingDesktop()
    open_file = opening_tools(desktop, home=lambda: home)[1]
    assert open_file.precheck is not None
    with pytest.raises(ToolError, match=r"is a program or script.*it was not run"):
        open_file.precheck({"path": f"docs/{name}"})
    with pytest.raises(ToolError, match="program or script"):
        asyncio.run(open_file.handler({"path": f"docs/{name}"}))
    assert desktop.opened_files == []


@pytest.mark.parametrize(
    ("name", "content"), [("report.pdf", b"%PDF-1.7"), ("photo.jpeg", b"\xff\xd8\xff"),
                          ("plan.md", b"# Plan"), ("empty.txt", b"")],
)  # fmt: skip
def test_documents_still_open(home: Path, name: str, content: bytes) -> None:
    (home / "docs" / name).write_bytes(content)
    assert checked_file(f"docs/{name}", home) == (home / "docs" / name).resolve()
