"""Logging for the whole process: a rotating file, the console, and secret redaction on both."""

from __future__ import annotations

import base64
import io
import logging
import logging.handlers
import os
import re
import sys
import threading
import urllib.parse
from pathlib import Path

import platformdirs

from voicelive_desktop import APP_ID
from voicelive_desktop.app_dirs import app_directory
from voicelive_desktop.engine.auth import ENV_API_KEY

LOG_DIR_ENV = "VOICELIVE_DESKTOP_LOG_DIR"
LOG_FILE_NAME = f"{APP_ID}.log"
LOG_FILE_BYTES = 2_000_000
LOG_FILE_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "[REDACTED]"
# Shorter strings are not credible keys (the demo key is "demo") and would shred the log.
MIN_SECRET_CHARS = 8

_NOT_YET = rf"(?!{re.escape(REDACTED)})"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization schemes, in a header line, a dict repr or a bare "Bearer <token>".
    (re.compile(rf"(?i)\b(Bearer|Basic)(\s+){_NOT_YET}[A-Za-z0-9\-._~+/]+=*"), rf"\1\2{REDACTED}"),
    # Any other Authorization value (e.g. a SharedAccessSignature), up to the end of the value.
    (
        re.compile(
            rf"""(?i)(authorization["']?\s*[:=]\s*["']?)(?![\s"']|Bearer\b|Basic\b){_NOT_YET}"""
            r"""[^"',}\]\r\n]+"""
        ),
        rf"\1{REDACTED}",
    ),
    # Key headers and keyword arguments: "api-key: x", "'api-key': 'x'", "api_key=x".
    (
        re.compile(
            r"""(?i)\b((?:x-)?api[-_]?key|ocp-apim-subscription-key|subscription[-_]key)"""
            rf"""(["']?\s*[:=]\s*["']?){_NOT_YET}[^\s"',;&}}\])]+"""
        ),
        rf"\1\2{REDACTED}",
    ),
    # Query-string credentials: ?key=..., &sig=..., &access_token=...
    (
        re.compile(
            r"(?i)([?&](?:key|api[-_]?key|access_token|token|sig|code|password|secret)=)"
            rf"{_NOT_YET}[^&\s\"'#]+"
        ),
        rf"\1{REDACTED}",
    ),
    # JSON Web Tokens (Entra ID access tokens): three base64url parts, the first two JSON.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), REDACTED),
)

_secrets_lock = threading.Lock()
_secret_forms: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None


def _encoded_forms(secret: str) -> set[str]:
    raw = secret.encode("utf-8")
    forms = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
    }
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.update({text, text.rstrip("=")})
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


def register_secret(secret: str | None) -> None:
    """Redact `secret` (and its base64 and URL-encoded forms) from every log line from now on.

    Call it as soon as a key is typed, read from the keyring or taken from the environment.
    """
    global _secret_pattern
    if secret is None or len(secret.strip()) < MIN_SECRET_CHARS:
        return
    with _secrets_lock:
        new_forms = _encoded_forms(secret.strip()) | _encoded_forms(secret)
        if new_forms <= _secret_forms:
            return
        _secret_forms.update(new_forms)
        # Longest first, so a secret is never half-replaced by a shorter form inside it.
        ordered = sorted(_secret_forms, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(re.escape(form) for form in ordered))


def redact(text: str) -> str:
    """`text` with registered secrets and anything shaped like a credential replaced."""
    pattern = _secret_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for credential, replacement in _PATTERNS:
        text = credential.sub(replacement, text)
    return text


class SecretRedactingFilter(logging.Filter):
    """Rewrites each record so no handler can write a secret: message, arguments, exception
    text and stack are formatted and redacted before any formatter sees them.

    Installed on handlers (not loggers), so records from every logger are covered, including
    aiohttp's and the Azure SDK's.
    """

    _exception_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the content, nor leak it
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are readable by their owner only (logs hold transcripts)."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)


def log_directory() -> Path:
    """Where log files go: `$VOICELIVE_DESKTOP_LOG_DIR`, else the platform log dir.

    The UI's "Open log folder" opens this path.
    """
    return app_directory(LOG_DIR_ENV, platformdirs.user_log_dir)


def log_file_path() -> Path:
    """The current log file (older ones sit beside it with .1 … .5 suffixes)."""
    return log_directory() / LOG_FILE_NAME


def _is_ours(handler: logging.Handler) -> bool:
    return getattr(handler, "_voicelive_desktop", False) is True


def setup_logging(level: str | int = "INFO", *, console: bool = True) -> Path | None:
    """Send every logger's records to the rotating log file and (optionally) stderr, redacted.

    Safe to call again (for example with a new level): it replaces its own handlers only.
    Returns the log file, or None when it cannot be written (the reason goes to the console).
    """
    register_secret(os.environ.get(ENV_API_KEY))
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    formatter = logging.Formatter(LOG_FORMAT)
    redactor = SecretRedactingFilter()
    handlers: list[logging.Handler] = []
    if console and sys.stderr is not None:  # pythonw on Windows has no stderr
        handlers.append(logging.StreamHandler(sys.stderr))
    path = log_file_path()
    file_problem = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handlers.append(
            _PrivateRotatingFileHandler(
                path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
            )
        )
    except OSError as error:
        file_problem = f"Cannot write the log file {path}: {error.strerror or error}."
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
        handler._voicelive_desktop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    logging.captureWarnings(True)
    if file_problem:
        logging.getLogger(__name__).warning("%s Logging to the console only.", file_problem)
        return None
    return path
