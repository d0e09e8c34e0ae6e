"""Logging set-up: redaction of every credential shape, the rotating private log file, re-setup."""

from __future__ import annotations

import base64
import logging
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from voicelive_desktop import logging_setup
from voicelive_desktop.logging_setup import (
    REDACTED,
    SecretRedactingFilter,
    redact,
    register_secret,
    setup_logging,
)

KEY = "Zq8vK2mN4pR7sT1uW3xY5zA6bC9dE0fG"  # shaped like an Azure key, registered below
JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzIn0."
    "c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2Vu"
)


@pytest.fixture(autouse=True)
def registered_key() -> None:
    register_secret(KEY)


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "logs"
    monkeypatch.setenv("VOICELIVE_DESKTOP_LOG_DIR", str(directory))
    root = logging.getLogger()
    level = root.level
    yield directory
    for handler in [h for h in root.handlers if logging_setup._is_ours(h)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("headers={'api-key': 'abc123secretvalue', 'x': '1'}", "headers={'api-key': '"),
        ('{"api-key": "abc123secretvalue"}', '{"api-key": "'),
        ("api-key: abc123secretvalue", "api-key: "),
        ("Ocp-Apim-Subscription-Key: abc123secretvalue", "Ocp-Apim-Subscription-Key: "),
        ("Authorization: Bearer abc123secretvalue.with/parts+==", "Authorization: Bearer "),
        ("{'Authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "{'Authorization': 'Basic "),
        ("authorization=SharedAccessSignature sr=x&sig=abc123secretvalue", "authorization="),
        ("GET wss://h/voice-live/realtime?api-version=1&key=abc123secretvalue", "&key="),
        ("https://h/x?sig=abc123secretvalue&model=gpt", "?sig="),
        ("AzureKeyCredential(api_key=abc123secretvalue)", "api_key="),
    ],
)
def test_credential_shapes_are_redacted_keeping_their_context(line: str, kept: str) -> None:
    cleaned = redact(line)
    assert "abc123secretvalue" not in cleaned
    assert "dXNlcjpwYXNzd29yZA" not in cleaned
    assert kept in cleaned
    assert REDACTED in cleaned


def test_jwt_registered_key_and_its_encodings_are_redacted() -> None:
    encoded = base64.b64encode(KEY.encode()).decode()
    cleaned = redact(f"token {JWT} raw {KEY} b64 {encoded} url {encoded.rstrip('=')}")
    assert cleaned == f"token {REDACTED} raw {REDACTED} b64 {REDACTED} url {REDACTED}"


def test_redaction_is_idempotent_and_leaves_ordinary_text_alone() -> None:
    once = redact("api-key: abc123secretvalue and Bearer abc123secretvalue")
    assert redact(once) == once
    ordinary = "Connecting to wss://example/voice-live/realtime?api-version=2025-10-01&model=gpt"
    assert redact(ordinary) == ordinary
    assert (
        redact("hotkey=<ctrl>+<space> monkey=1 demo mode")
        == "hotkey=<ctrl>+<space> monkey=1 demo mode"
    )


def test_short_values_are_not_registered_as_secrets() -> None:
    register_secret("demo")
    register_secret(None)
    assert redact("demo mode") == "demo mode"


@pytest.mark.allow_log_warnings(r"\[REDACTED\]")
def test_log_file_is_private_and_redacts_message_args_exception_and_stack(log_dir: Path) -> None:
    path = setup_logging("DEBUG", console=False)
    assert path == log_dir / "voicelive-desktop.log"
    logger = logging.getLogger("aiohttp.client")
    logger.debug("sending %s", {"api-key": KEY})
    logging.getLogger("azure.ai.voicelive").info("token=%s", JWT)
    try:
        raise ValueError(f"rejected key {KEY}")
    except ValueError:
        logging.getLogger("voicelive_desktop.engine").exception("connect failed for %s", KEY)
    logging.getLogger("x").warning("where %s", KEY, stack_info=True)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert KEY not in text and JWT not in text
    assert "rejected key [REDACTED]" in text  # the exception text, redacted
    assert "Traceback" in text and "Stack (most recent call last)" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


def test_a_record_with_bad_format_arguments_keeps_its_content_redacted() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "bad format %d", (KEY,), None)
    assert SecretRedactingFilter().filter(record) is True
    assert record.getMessage() == f"'bad format %d' % ('{REDACTED}',)"


@pytest.mark.allow_log_warnings(r"^azure: Authorization: Bearer \[REDACTED\]")
def test_console_output_is_redacted_too(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", console=True)
    logging.getLogger("azure").warning("Authorization: Bearer %s", JWT)
    assert "Authorization: Bearer [REDACTED]" in capsys.readouterr().err


def test_setting_up_again_replaces_only_its_own_handlers(log_dir: Path) -> None:
    foreign = logging.NullHandler()
    logging.getLogger().addHandler(foreign)
    try:
        setup_logging("INFO")
        setup_logging("WARNING")
        ours = [h for h in logging.getLogger().handlers if logging_setup._is_ours(h)]
        assert len(ours) == 2
        assert foreign in logging.getLogger().handlers
        assert logging.getLogger().level == logging.WARNING
    finally:
        logging.getLogger().removeHandler(foreign)


def test_the_key_from_the_environment_is_registered_at_setup(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_key = "EnvKey-0123456789-abcdefghij"
    monkeypatch.setenv("AZURE_VOICE_LIVE_API_KEY", env_key)
    path = setup_logging("INFO", console=False)
    assert path is not None
    logging.getLogger("anything").info("oops %s", env_key)
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert env_key not in path.read_text(encoding="utf-8")


def test_log_file_rotates_at_its_size_limit(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging_setup, "LOG_FILE_BYTES", 2_000)
    path = setup_logging("INFO", console=False)
    assert path is not None
    for index in range(100):
        logging.getLogger("spam").info("line %d %s", index, "x" * 80)
    assert (log_dir / "voicelive-desktop.log.1").exists()
    assert stat.S_IMODE((log_dir / "voicelive-desktop.log").stat().st_mode) == 0o600


@pytest.mark.allow_log_warnings(r"logging_setup: Cannot write the log file")
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unwritable_log_dir_falls_back_to_the_console_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("VOICELIVE_DESKTOP_LOG_DIR", str(blocker / "logs"))
    root = logging.getLogger()
    try:
        assert setup_logging("INFO", console=True) is None
        assert "Cannot write the log file" in capsys.readouterr().err
    finally:
        for handler in [h for h in root.handlers if logging_setup._is_ours(h)]:
            root.removeHandler(handler)
            handler.close()
