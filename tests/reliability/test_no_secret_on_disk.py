"""The API key never reaches a file the app writes: logs (DEBUG, third-party loggers included),
settings and history, in plain, base64 or URL-encoded form."""

from __future__ import annotations

import asyncio
import base64
import secrets
import urllib.parse
from pathlib import Path

import pytest

from tests.reliability.driver_process import app_environment, read_reports, start_driver
from voicelive_desktop.simulator import VoiceLiveSimulator


def forms_of(key: str) -> list[bytes]:
    raw = key.encode()
    forms = [raw, urllib.parse.quote(key, safe="").encode()]
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        forms += [encoded, encoded.rstrip(b"=")]
    return forms


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_whole_conversation_leaves_no_trace_of_the_key_on_disk(tmp_path: Path) -> None:
    # Distinctive and URL-unsafe, so every encoded form differs from the plain one.
    key = f"NoLeak+{secrets.token_hex(12)}/Key="
    env = app_environment(tmp_path, key)
    async with VoiceLiveSimulator(api_key=key, use_espeak=False) as simulator:
        driver = await start_driver(simulator.endpoint, env, "2")
        reports = await read_reports(driver, until="stored")
        stdout, stderr = await asyncio.wait_for(driver.communicate(), 60)
    assert driver.returncode == 0, stderr.decode(errors="replace")[-3000:]
    assert reports[0]["stored"] == "user"

    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    names = {path.relative_to(tmp_path).as_posix() for path in files}
    assert {"config/settings.json", "data/history.sqlite3", "log/voicelive-desktop.log"} <= names
    log_text = (tmp_path / "log" / "voicelive-desktop.log").read_text(encoding="utf-8")
    # The log really holds DEBUG output of the SDK and aiohttp, and the careless header line.
    assert "azure.ai.voicelive" in log_text and "DEBUG" in log_text
    assert "request headers {'api-key': '[REDACTED]'}" in log_text
    for path in files:
        content = path.read_bytes()
        for form in forms_of(key):
            assert form not in content, f"{path} contains the key as {form!r}"
    for form in forms_of(key):
        assert form not in stdout + stderr
