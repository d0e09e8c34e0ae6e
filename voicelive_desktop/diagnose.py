"""`voicelive-desktop --diagnose`: a health report of versions, audio, keyring, paths and endpoint.

Also the text behind the UI's "Copy diagnostics". Never imports Qt widgets, never prints a secret.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from voicelive_desktop import APP_NAME, __version__
from voicelive_desktop.diagnostic_checks import (
    Check,
    Status,
    check_audio,
    check_crash_log,
    check_echo,
    check_keyring,
    check_paths,
    check_versions,
)
from voicelive_desktop.endpoint_probe import probe_endpoint
from voicelive_desktop.engine.auth import ENV_API_KEY, choose_endpoint
from voicelive_desktop.logging_setup import register_secret


@dataclass(frozen=True)
class Report:
    """Every check, in the order printed."""

    checks: tuple[Check, ...]

    @property
    def broken(self) -> bool:
        return any(check.status is Status.FAILED for check in self.checks)

    def to_text(self) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines = [f"{APP_NAME} {__version__} diagnostics ({stamp})", ""]
        for check in self.checks:
            lines.append(f"[{check.status.value:^4}] {check.name}: {check.summary}")
            lines += [f"       {detail}" for detail in check.details]
        failed = [check.name for check in self.checks if check.status is Status.FAILED]
        lines.append("")
        lines.append(
            f"Result: broken ({', '.join(failed)})" if failed else "Result: no problem found"
        )
        return "\n".join(lines) + "\n"


# -- the whole report ---------------------------------------------------------------------


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """A check that hits a bug still gives a report line, not a traceback."""
    try:
        return check()
    except Exception as error:
        return Check(
            name, Status.FAILED, f"the check itself failed ({type(error).__name__}: {error})"
        )


def local_report() -> Report:
    """Everything that needs no network: quick enough for the UI's "Copy diagnostics"."""
    paths, stored = check_paths()
    target, _ = choose_endpoint(None, stored.endpoint)
    keyring_check, _ = check_keyring(target)
    return Report(
        (
            _guarded("Versions", check_versions),
            _guarded("Audio", check_audio),
            _guarded("Echo", check_echo),
            keyring_check,
            paths,
            _guarded("Crashes", check_crash_log),
        )
    )


async def full_report(endpoint: str | None = None, *, demo: bool = False) -> Report:
    """The whole report including the endpoint probe (the built-in simulator with `demo`)."""
    paths, stored = check_paths()
    target, source = choose_endpoint(endpoint, stored.endpoint)
    keyring_check, stored_key = check_keyring(target)
    api_key = os.environ.get(ENV_API_KEY, "").strip() or stored_key
    register_secret(api_key)
    checks = [
        _guarded("Versions", check_versions),
        _guarded("Audio", check_audio),
        _guarded("Echo", check_echo),
        keyring_check,
        paths,
    ]
    if demo:
        checks.append(await _probe_demo())
    elif not target:
        checks.append(
            Check(
                "Endpoint",
                Status.WARNING,
                "no endpoint configured (pass --endpoint, set "
                "AZURE_VOICE_LIVE_ENDPOINT or save one in Preferences; --demo needs none)",
            )
        )
    else:
        outcome = await probe_endpoint(
            target, api_key, model=stored.model, api_version=stored.api_version
        )
        status = Status.OK if outcome.answered else Status.FAILED
        details = (f"from {source}; model {stored.model}, API version {stored.api_version}",)
        checks.append(Check("Endpoint", status, outcome.message, details))
    return Report(tuple(checks))


async def _probe_demo() -> Check:
    from voicelive_desktop.protocol import DEMO_API_KEY

    name = "Endpoint (built-in demo simulator)"
    try:
        from voicelive_desktop.simulator.server import running_simulator
    except ImportError as error:
        return Check(name, Status.FAILED, f"the built-in simulator cannot be loaded ({error})")
    async with running_simulator() as url:
        outcome = await probe_endpoint(url, DEMO_API_KEY)
    status = Status.OK if outcome.answered else Status.FAILED
    return Check(name, status, outcome.message)


def run(args: argparse.Namespace) -> int:
    """Print the report; 0 when nothing is broken, 1 otherwise."""
    try:
        report = asyncio.run(full_report(args.endpoint, demo=args.demo))
    except Exception as error:  # a bug in a check must still end with one clear line
        sys.stderr.write(f"--diagnose could not finish: {type(error).__name__}: {error}\n")
        return 1
    sys.stdout.write(report.to_text())
    sys.stdout.flush()
    return 1 if report.broken else 0
