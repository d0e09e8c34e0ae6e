"""SessionEcho: which echo cancellation a voice session runs, and what carries it out."""

from __future__ import annotations

import logging

from voicelive_desktop.audio.capture import MicCapture
from voicelive_desktop.audio.echo_reference import PlaybackHistory
from voicelive_desktop.audio.local_echo_canceller import EchoCancellerUnavailable
from voicelive_desktop.audio.mic_echo_stage import MicEchoStage, stage_for
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.echo_report import EchoReport, load_echo_report, measure_echo
from voicelive_desktop.echo_support import remember_refusal, remembered_fallback
from voicelive_desktop.engine.echo_mode import effective_echo_mode
from voicelive_desktop.engine.events import EchoModeFellBack
from voicelive_desktop.engine.session_settings import ConnectionSettings, EchoCancellationMode

log = logging.getLogger(__name__)


class SessionEcho:
    """Owns a voice session's echo cancellation mode and the pieces that carry it out: the
    mic's echo stage and the speaker's playback history.

    The mode is fixed for the session (it decides mono or stereo input), unless the service
    refuses the client reference: then it falls back once, at connect, and the endpoint is
    remembered so the next connection starts with the mode that works.
    """

    def __init__(
        self,
        connection: ConnectionSettings,
        chosen: EchoCancellationMode,
        capture: MicCapture,
        playback: SpeakerPlayback,
    ) -> None:
        self._connection = connection
        self._capture = capture
        self._playback = playback
        self.mode = self._supported(chosen)
        self._history = PlaybackHistory()
        # A problem to report when the session starts (a fallback is then in use), or None.
        self.problem = self._set_up()

    def _supported(self, chosen: EchoCancellationMode) -> EchoCancellationMode:
        """`chosen`, unless this endpoint cannot take it: the client reference needs API
        version 2026-07-15, and an endpoint that refused it before is not asked again."""
        mode = effective_echo_mode(chosen, self._connection.api_version)
        if mode is EchoCancellationMode.SERVICE_WITH_CLIENT_REFERENCE:
            fallback = remembered_fallback(self._connection)
            if fallback is not None:
                log.info("this endpoint refused the client echo reference before")
                return fallback
        return mode

    def fallback(self) -> EchoCancellationMode:
        """What runs if the service refuses the client reference: this computer's canceller
        where it loads (the client reference's stage carries one for the meter), else the
        service's own reference."""
        stage = self._capture.echo_stage
        if stage is not None and stage.canceller is not None:
            return EchoCancellationMode.THIS_COMPUTER
        return EchoCancellationMode.SERVICE

    def _set_up(self) -> str | None:
        """Give the mic its echo stage and the speaker its history; returns a problem to
        report when the chosen mode could not be set up (a fallback is then in use)."""
        try:
            stage: MicEchoStage | None = stage_for(self.mode, self._history, self._known_delay_s())
        except EchoCancellerUnavailable as error:
            self.mode = EchoCancellationMode.SERVICE
            stage = None
            problem: str | None = f"{error} The service's echo cancellation is used instead."
        else:
            problem = None
        self._capture.echo_stage = stage
        self._playback.history = self._history if stage is not None else None
        log.info("echo cancellation: %s", self.mode.value)
        return problem

    def fell_back(self, event: EchoModeFellBack) -> str:
        """Switch to the mode the service fell back to; returns the sentence to show."""
        # Before the session is ready, so no stereo frame has gone out: the mic switches to
        # what the fallback sends, and the next connection to this endpoint starts with it.
        self.mode = event.used
        problem = self._set_up()
        remember_refusal(self._connection, self.mode, event.reason)
        how = {
            EchoCancellationMode.THIS_COMPUTER: "echo is now cancelled on this computer",
            EchoCancellationMode.SERVICE: "the service cancels echo with its own output",
        }.get(self.mode, f"echo cancellation is {self.mode.value}")
        message = (
            "This Voice Live endpoint does not take this computer's playback as the echo "
            f"reference, so {how}. It starts that way from now on."
        )
        return problem or message

    def _devices(self) -> str:
        return (
            f"{self._capture.device_name or 'default'} | {self._playback.device_name or 'default'}"
        )

    def _known_delay_s(self) -> float:
        """The delay the last session measured, when it ran this mode on these devices: the
        reference is then aligned from the first frame instead of gliding there."""
        last = load_echo_report()
        if last is None or last.residual_delay_ms is None or last.delay_measurements == 0:
            return 0.0
        if (last.mode, last.devices) != (self.mode.value, self._devices()):
            return 0.0
        return last.residual_delay_ms / 1000.0

    def report(self) -> EchoReport:
        """What the echo handling measured so far (delay, suppression)."""
        return measure_echo(
            self.mode,
            self._capture.echo_stage,
            self._playback.latency_ms / 1000.0,
            self._capture.input_latency_s,
            self._devices(),
        )

    def mic_channel(self, wire: bytes) -> bytes:
        """The mic alone of a wire frame: channel 0 of the client reference's stereo (one
        copy, made only for a tap), else the mono frame itself (already cancelled when
        this computer cancels the echo)."""
        stage = self._capture.echo_stage
        if stage is None or stage.channels == 1:
            return wire
        return memoryview(wire).cast("h")[:: stage.channels].tobytes()
