"""VoiceSession: one conversation with sound - the engine fed by the mic, heard on the speaker."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

from azure.core.credentials import AzureKeyCredential
from azure.core.credentials_async import AsyncTokenCredential

from voicelive_desktop.audio.capture import MicCapture
from voicelive_desktop.audio.devices import Direction, list_devices
from voicelive_desktop.audio.errors import (
    AudioDeviceFailed,
    AudioDeviceNotFound,
    AudioError,
    AudioUnavailable,
)
from voicelive_desktop.audio.events import AudioDeviceEvent, AudioDeviceLost
from voicelive_desktop.audio.levels import AudioLevel
from voicelive_desktop.audio.playback import SpeakerPlayback
from voicelive_desktop.audio.supervisor import StreamSupervisor
from voicelive_desktop.audio.system_default import platform_default_probe
from voicelive_desktop.device_messages import device_change, stand_in_reported
from voicelive_desktop.echo_report import EchoReport, save_echo_report
from voicelive_desktop.engine import SessionEngine
from voicelive_desktop.engine.events import (
    AudioLevelMeasured,
    EchoModeFellBack,
    EngineEvent,
    ErrorKind,
    SessionErrorReported,
    SessionState,
    ToolApprovalDecision,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionSettings,
    EchoCancellationMode,
    SessionSettings,
    TurnDetectionMode,
)
from voicelive_desktop.session_echo import SessionEcho
from voicelive_desktop.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

Credential = AzureKeyCredential | AsyncTokenCredential
Listener = Callable[[EngineEvent], None]
DeviceListener = Callable[[AudioDeviceEvent], None]

# Half-duplex keeps the mic muted this long after playback ends: the room's echo and the
# device's own buffer are still sounding.
_ECHO_TAIL_S = 0.3


class VoiceSession:
    """Owns a `SessionEngine` joined to the microphone and the speaker.

    Mic frames go to `engine.submit_input_audio`; the engine plays assistant audio through the
    `SpeakerPlayback` it was given and flushes it on barge-in. Levels arrive as
    `AudioLevelMeasured` and device trouble as `SessionErrorReported(kind=AUDIO_DEVICE)` on
    the same listeners as the engine's events; lost devices are reopened in the background.
    Offers what the UI adapter's `ConversationSession` needs, so it drives either.
    """

    def __init__(
        self,
        connection: ConnectionSettings,
        credential: Credential,
        session: SessionSettings,
        *,
        input_device: str | None = None,
        output_device: str | None = None,
        half_duplex: bool = False,
        preroll_ms: int = 80,
        ready_timeout_s: float = 10.0,
        tools: ToolRegistry | None = None,
    ) -> None:
        self.capture = MicCapture(self._mic_frame, self._mic_failed, device_name=input_device)
        self.playback = SpeakerPlayback(
            self._speaker_level,
            self._speaker_failed,
            device_name=output_device,
            preroll_ms=preroll_ms,
        )
        self._echo = SessionEcho(connection, session.echo_cancellation, self.capture, self.playback)
        session = dataclasses.replace(session, echo_cancellation=self.echo_mode)
        self.engine = SessionEngine(
            connection,
            credential,
            session,
            playback=self.playback,
            ready_timeout_s=ready_timeout_s,
            tools=tools,
            echo_fallback=self._echo.fallback(),
        )
        self.engine.subscribe(self._engine_event)
        self.half_duplex = half_duplex
        self.capture.gate = self._half_duplex_gate
        self._echo_quiet_until = 0.0
        # Without turn detection (push-to-talk) the mic is sent only while a turn is open.
        self._manual_turns_only = session.turn_detection.mode is TurnDetectionMode.NONE
        self._manual_turn_open = False
        self._supervisor = StreamSupervisor(
            {Direction.INPUT: self.capture, Direction.OUTPUT: self.playback},
            self._device_event,
            may_interrupt=lambda: not self.playback.is_playing(),
            default_probe=platform_default_probe(),
        )
        self._listeners: list[Listener] = []
        self._device_listeners: list[DeviceListener] = []
        # Get every mic frame on the loop, after the PortAudio thread handed it over (muted
        # ones as silence): `mic_taps` the mic alone, 24 kHz mono PCM16, whatever the echo
        # mode puts on the wire (the conversation recorder listens here); `wire_taps` the
        # bytes as sent (stereo with the client reference).
        self.mic_taps: list[Callable[[bytes], None]] = []
        self.wire_taps: list[Callable[[bytes], None]] = []

    # -- observing -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Engine events plus audio levels and device errors; returns an unsubscribe."""
        unsubscribe_engine = self.engine.subscribe(listener)
        self._listeners.append(listener)

        def unsubscribe() -> None:
            unsubscribe_engine()
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def subscribe_devices(self, listener: DeviceListener) -> Callable[[], None]:
        """Typed device lost/restored facts (for a device indicator); returns an unsubscribe."""
        self._device_listeners.append(listener)
        return lambda: (
            self._device_listeners.remove(listener) if listener in self._device_listeners else None
        )

    @property
    def state(self) -> SessionState:
        return self.engine.state

    @property
    def muted(self) -> bool:
        return self.capture.muted

    @muted.setter
    def muted(self, value: bool) -> None:
        """A muted mic sends silence (so the server's VAD sees the turn end)."""
        self.capture.muted = value

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("voice session listener failed on %s", type(event).__name__)

    @property
    def echo_mode(self) -> EchoCancellationMode:
        """The echo cancellation this session runs (see `SessionEcho`)."""
        return self._echo.mode

    @property
    def echo_report(self) -> EchoReport:
        """What the echo handling measured so far (delay, suppression)."""
        return self._echo.report()

    def _engine_event(self, event: EngineEvent) -> None:
        if isinstance(event, EchoModeFellBack):
            message = self._echo.fell_back(event)
            self._emit(SessionErrorReported(ErrorKind.SERVER_ERROR, message, fatal=False))

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Open the devices, then connect; raises VoiceLiveError like `SessionEngine.start`.

        A device that cannot open is reported (not raised): the conversation still works by
        text, and the device is reopened as soon as it is there.
        """
        if self._echo.problem is not None:
            self._emit(
                SessionErrorReported(ErrorKind.AUDIO_DEVICE, self._echo.problem, fatal=False)
            )
        supervise = True
        for direction, stream in (
            (Direction.INPUT, self.capture),
            (Direction.OUTPUT, self.playback),
        ):
            try:
                self._open_or_default(stream)
            except AudioUnavailable as error:
                # No PortAudio or no sound server at all: retrying cannot help until restart.
                self._emit(SessionErrorReported(ErrorKind.AUDIO_DEVICE, str(error), fatal=False))
                supervise = False
                break
            except AudioError as error:
                self._supervisor.report_failure(direction, str(error))
        if supervise:
            self._supervisor.start()
        try:
            await self.engine.start()
        except BaseException:
            await self._close_audio()
            raise

    def switch_devices(self, input_device: str | None, output_device: str | None) -> None:
        """Move the mic and the speaker to these devices now (None: the system default),
        without reconnecting: the conversation, and the answer being spoken, go on.

        A device that cannot be opened is reported like a lost one and retried.
        """
        for direction, stream, name in (
            (Direction.INPUT, self.capture, input_device),
            (Direction.OUTPUT, self.playback, output_device),
        ):
            if name == stream.device_name and stream.is_open:
                continue
            stream.device_name = name
            try:
                self._open_or_default(stream, switching=True)
            except AudioError as error:
                self._supervisor.report_failure(direction, str(error))
                continue
            log.info(
                "switched the %s to %s", stream.noun, stream.device.name if stream.device else "?"
            )
            self._supervisor.switched(direction)

    def device_names(self, rescan: bool) -> tuple[list[str], list[str]]:
        """The microphones and speakers there are now, by name.

        `rescan`: look for devices plugged in since; that reopens both streams (PortAudio
        sees new devices only after a re-initialisation), so it is done only while no answer
        plays, and the list may otherwise miss a device that just arrived.
        """
        if rescan:
            self._supervisor.rescan()
        try:
            return (
                [d.name for d in list_devices(Direction.INPUT)],
                [d.name for d in list_devices(Direction.OUTPUT)],
            )
        except AudioError as error:
            log.warning("listing audio devices: %s", error)
            return [], []

    def _stream(self, direction: Direction) -> MicCapture | SpeakerPlayback:
        return self.capture if direction is Direction.INPUT else self.playback

    def _open_or_default(
        self, stream: MicCapture | SpeakerPlayback, *, switching: bool = False
    ) -> None:
        """Open the chosen device; one that is not there, or will not open, is reported and
        the default used until it is back (the supervisor looks for it)."""
        try:
            stream.open(fall_back_to_default=False, keep_queued=switching)
        except (AudioDeviceNotFound, AudioDeviceFailed) as error:
            if stream.device_name is None:
                raise
            log.warning("%s", error)
            stream.open(fall_back_to_default=True, keep_queued=switching)
            self._emit(stand_in_reported(error, stream))

    async def stop(self) -> None:
        """End the conversation and release the devices; safe to call in any state."""
        await self._close_audio()
        await self.engine.stop()
        self._log_session_health()
        report = self.echo_report
        log.info("echo: %s", "; ".join(report.lines()))
        save_echo_report(report)

    def _log_session_health(self) -> None:
        # One line per session with every glitch counter: what support asks for first when a
        # user reports choppy audio or odd answers ("Copy diagnostics" and the log carry it).
        surprises = self.engine.hostile_input
        log.info(
            "session ended: mic overflows %d, mic audio dropped %d ms, speaker underruns %d "
            "(device %d), speaker audio dropped %d ms, server events %d (errors %d, "
            "unknown %d, malformed %d, out of order %d, invalid audio %d)",
            self.capture.overflows,
            self.engine.dropped_input_ms,
            self.playback.underruns,
            self.playback.device_underflows,
            self.playback.dropped_ms,
            surprises.events,
            surprises.server_errors,
            surprises.unknown_types,
            surprises.malformed,
            surprises.out_of_order,
            surprises.invalid_audio,
        )

    async def _close_audio(self) -> None:
        await self._supervisor.stop()
        self.capture.close()
        self.playback.close()

    # -- conversation (delegated) ----------------------------------------------------

    async def apply_settings(self, session: SessionSettings) -> bool:
        # The echo mode decides what the mic sends: it changes with the next session only.
        session = dataclasses.replace(session, echo_cancellation=self.echo_mode)
        applied = await self.engine.apply_settings(session)
        self._manual_turns_only = session.turn_detection.mode is TurnDetectionMode.NONE
        return applied

    async def speak(self, text: str) -> None:
        await self.engine.speak(text)

    async def send_text(self, text: str) -> None:
        await self.engine.send_text(text)

    async def begin_manual_turn(self) -> None:
        self._manual_turn_open = True
        try:
            await self.engine.begin_manual_turn()
        except BaseException:
            self._manual_turn_open = False
            raise

    async def end_manual_turn(self) -> bool:
        self._manual_turn_open = False
        return await self.engine.end_manual_turn()

    async def interrupt(self) -> None:
        await self.engine.interrupt()

    async def reconnect(self) -> None:
        await self.engine.reconnect()

    def answer_tool_approval(self, call_id: str, decision: ToolApprovalDecision) -> bool:
        return self.engine.answer_tool_approval(call_id, decision)

    # -- audio hand-overs (loop thread) ----------------------------------------------

    def _mic_frame(self, pcm16: bytes, level: AudioLevel) -> None:
        if self._manual_turn_open or not self._manual_turns_only:
            self.engine.submit_input_audio(pcm16)
        for tap in self.wire_taps:
            tap(pcm16)
        if self.mic_taps:
            mic = self._echo.mic_channel(pcm16)
            for tap in list(self.mic_taps):  # a tap may remove itself (recording stops)
                tap(mic)
        self._emit(AudioLevelMeasured("input", level.rms_dbfs, level.peak_dbfs))

    def _speaker_level(self, level: AudioLevel) -> None:
        self._emit(AudioLevelMeasured("output", level.rms_dbfs, level.peak_dbfs))

    def _half_duplex_gate(self) -> bool:
        if not self.half_duplex:
            return False
        now = time.monotonic()
        if self.playback.is_playing():
            self._echo_quiet_until = now + _ECHO_TAIL_S + self.playback.latency_ms / 1000.0
        return now < self._echo_quiet_until

    def _mic_failed(self, message: str) -> None:
        self._supervisor.report_failure(Direction.INPUT, message)

    def _speaker_failed(self, message: str) -> None:
        self._supervisor.report_failure(Direction.OUTPUT, message)

    def _device_event(self, event: AudioDeviceEvent) -> None:
        if isinstance(event, AudioDeviceLost):
            self._emit(
                SessionErrorReported(
                    ErrorKind.AUDIO_DEVICE,
                    f"{event.message} It is reopened as soon as it works again.",
                    fatal=False,
                )
            )
        else:
            change = device_change(event, self._stream(event.direction))
            log.info("%s", change.message)
            self._emit(change)
        for listener in list(self._device_listeners):
            try:
                listener(event)
            except Exception:
                log.exception("device listener failed on %s", type(event).__name__)
