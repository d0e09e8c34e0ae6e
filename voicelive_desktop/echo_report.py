"""The last voice session's echo figures: measured delay and suppression, for diagnostics."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from voicelive_desktop.app_dirs import data_directory
from voicelive_desktop.atomic_file import write_text_atomically
from voicelive_desktop.audio.mic_echo_stage import MicEchoStage
from voicelive_desktop.engine.session_settings import EchoCancellationMode

log = logging.getLogger(__name__)

REPORT_FILE_NAME = "last-echo-report.json"


@dataclass(frozen=True)
class EchoReport:
    """What echo handling measured in one session (None: not measured in that mode)."""

    mode: str
    ended_at: str  # ISO 8601, UTC
    reported_latency_ms: float | None = None  # PortAudio's output + input latency
    residual_delay_ms: float | None = None  # measured beyond it by cross-correlation
    delay_measurements: int = 0
    correlation: float | None = None  # confidence of the last delay measurement (0..1)
    erle_db: float | None = None  # suppression while the speaker played
    erle_source: str = ""  # "on this computer", or "estimated on this computer"
    resyncs: int = 0  # jumps of the pairing (device changes, large delay corrections)
    devices: str = ""  # "mic | speaker" as chosen, so the next session knows if it applies

    def lines(self) -> list[str]:
        """Human-readable lines for the diagnostics report and the log."""
        shown = [f"mode: {self.mode}, session ended {self.ended_at}"]
        if self.reported_latency_ms is not None:
            total = self.reported_latency_ms + (self.residual_delay_ms or 0.0)
            shown.append(
                f"echo delay: {total:.1f} ms (PortAudio latencies {self.reported_latency_ms:.1f}"
                f" ms + measured {self.residual_delay_ms or 0.0:+.1f} ms over "
                f"{self.delay_measurements} measurement(s); re-aligned {self.resyncs} time(s))"
            )
        if self.erle_db is not None:
            shown.append(f"suppression (ERLE): {self.erle_db:.1f} dB, {self.erle_source}")
        elif self.reported_latency_ms is not None:
            shown.append("suppression (ERLE): not measured (too little assistant speech)")
        return shown


def default_report_path() -> Path:
    return data_directory() / REPORT_FILE_NAME


def save_echo_report(report: EchoReport, path: Path | None = None) -> None:
    """Keep the report for the next `--diagnose` (best effort: a failure is only logged)."""
    target = path or default_report_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, json.dumps(asdict(report), indent=2) + "\n")
    except OSError as error:
        log.warning("could not save the echo report to %s: %s", target, error)


def load_echo_report(path: Path | None = None) -> EchoReport | None:
    """The last saved report; None when there is none or it cannot be read."""
    target = path or default_report_path()
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        return EchoReport(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as error:
        log.warning("ignoring an unreadable echo report %s: %s", target, error)
        return None


def measure_echo(
    mode: EchoCancellationMode,
    stage: MicEchoStage | None,
    output_latency_s: float,
    input_latency_s: float,
    devices: str = "",
) -> EchoReport:
    """The report of a session that ran `mode` with `stage` on the mic."""
    ended_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if stage is None:
        return EchoReport(mode.value, ended_at, devices=devices)
    estimator = stage.pairing.estimator
    canceller = stage.canceller
    local = mode is EchoCancellationMode.THIS_COMPUTER
    return EchoReport(
        mode.value,
        ended_at,
        reported_latency_ms=round((output_latency_s + input_latency_s) * 1000, 1),
        residual_delay_ms=round(estimator.residual_s * 1000, 2),
        delay_measurements=estimator.measurements,
        correlation=round(estimator.confidence, 3) if estimator.measurements else None,
        erle_db=None
        if canceller is None or canceller.erle_db is None
        else round(canceller.erle_db, 1),
        erle_source="on this computer" if local else "estimated on this computer",
        resyncs=stage.pairing.resyncs,
        devices=devices,
    )
