"""Qt side of push-to-talk: the in-app key, the on-screen button, the global hotkey, the channel."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from voicelive_desktop.engine.events import SessionState
from voicelive_desktop.instance_channel import InstanceChannel
from voicelive_desktop.push_to_talk import PushToTalk, TurnTarget
from voicelive_desktop.push_to_talk.earcon import Earcon, play_earcon
from voicelive_desktop.push_to_talk.global_hotkey import GlobalHotkey, HotkeyUnavailable
from voicelive_desktop.push_to_talk.hotkey import InvalidHotkey
from voicelive_desktop.settings import PushToTalkMode, PushToTalkSettings
from voicelive_desktop.ui.engine_adapter import EngineAdapter
from voicelive_desktop.ui.main_thread_gc import MainThreadGarbageCollector
from voicelive_desktop.ui.main_window import MainWindow
from voicelive_desktop.voice_session import VoiceSession

log = logging.getLogger(__name__)

# Widgets where the push-to-talk key is typing, not talking.
_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QKeySequenceEdit, QAbstractSpinBox)
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
# X repeats a held key every ~40 ms as a release and a press with the same timestamp.
_REPEAT_GRACE_MS = 60
_LIVE = frozenset(SessionState) - {SessionState.DISCONNECTED, SessionState.CONNECTING}
HANDS_FREE_REFUSAL = (
    "push-to-talk is off (hands-free mode); turn it on in Preferences → Push-to-talk & look"
)


def key_combination(text: str) -> QKeyCombination | None:
    """The first key of a QKeySequence text ("Space", "F9", "Ctrl+T"), or None if unusable."""
    sequence = QKeySequence(text)
    if sequence.isEmpty():
        return None
    first: QKeyCombination = sequence[0]  # type: ignore[index]  # the stubs lack __getitem__
    return None if first.key() == Qt.Key.Key_unknown else first


class PushToTalkBinding(QObject):
    """Owns every way the user opens and closes a push-to-talk turn in the GUI.

    - the in-app key, through an application-wide event filter: with real X events a focused
      button takes Space before the window sees it, so a window `keyPressEvent` is not enough;
    - the window's push-to-talk button;
    - the global hotkey (pynput thread -> queued signal -> GUI thread);
    - `--ptt toggle|press|release` from the instance channel.
    All of them drive one `PushToTalk`, which sends the turns in order, and only while
    push-to-talk is on: in hands-free mode the server's voice detection makes the turns, and a
    manual turn beside it would make a second one. The button is hidden then and `--ptt` is
    refused with the reason.
    """

    mic_open_changed = Signal(bool)  # push-to-talk turn open, or hands-free and listening
    hotkey_status_changed = Signal(str)  # "" when the global hotkey works, else why not
    _hotkey_down = Signal()
    _hotkey_up = Signal()

    def __init__(
        self,
        window: MainWindow,
        adapter: EngineAdapter,
        settings: PushToTalkSettings,
        *,
        channel: InstanceChannel | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.adapter = adapter
        self.settings = settings
        self.turns = PushToTalk(
            self._target,
            mode=settings.mode,
            on_open_changed=self._turn_open_changed,
            on_error=window.show_error,
            on_sent=self._turn_sent,
        )
        self.hotkey: GlobalHotkey | None = None
        # pynput's thread runs Python: garbage holding Qt objects must not be freed there.
        self._collector = MainThreadGarbageCollector(self)
        self.hotkey_problem = ""
        self.channel = channel
        self._key = key_combination(settings.key)
        self._mic_open = False
        self._key_release_pending = QTimer(self)
        self._key_release_pending.setSingleShot(True)
        self._key_release_pending.setInterval(_REPEAT_GRACE_MS)
        self._key_release_pending.timeout.connect(lambda: self._release("key"))
        # Emitted on pynput's thread; slots of this GUI-thread object run on the GUI thread.
        self._hotkey_down.connect(self._global_down, Qt.ConnectionType.QueuedConnection)
        self._hotkey_up.connect(self._global_up, Qt.ConnectionType.QueuedConnection)
        window.push_to_talk_pressed.connect(lambda: self._press("button"))
        window.push_to_talk_released.connect(lambda: self._release("button"))
        window.mute_toggled.connect(lambda _muted: self._update_mic_open())
        adapter.state_changed.connect(lambda _state: self._update_mic_open())
        adapter.session_closed.connect(self.turns.reset)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.applicationStateChanged.connect(self._application_state_changed)
        if channel is not None:
            channel.command_received.connect(self._channel_command)
        self.apply(settings)

    # ---- configuration --------------------------------------------------------------------

    def apply(self, settings: PushToTalkSettings) -> None:
        """Use new push-to-talk preferences: mode, keys, earcons; (re)start the global hotkey."""
        self.settings = settings
        self.turns.mode = settings.mode
        self._key = key_combination(settings.key)
        hold = settings.mode is PushToTalkMode.HOLD
        button = self.window.push_to_talk_button
        button.setVisible(settings.enabled)
        if self.channel is not None:
            self.channel.ptt_refusal = "" if settings.enabled else HANDS_FREE_REFUSAL
        button.setText("Hold to talk" if hold else "Talk")
        button.setToolTip(
            "Hold while speaking; release to send"
            if hold
            else "Press to start talking, press again to send"
        )
        self._restart_hotkey()
        self._update_mic_open()

    def _restart_hotkey(self) -> None:
        if self.hotkey is not None and (
            not self.settings.enabled or self.hotkey.hotkey != self.settings.global_hotkey
        ):
            self.hotkey.stop()
            self.hotkey = None
            self._collector.stop()
        problem = ""
        if self.settings.enabled and self.settings.global_hotkey and self.hotkey is None:
            hotkey = GlobalHotkey(
                self.settings.global_hotkey, self._hotkey_down.emit, self._hotkey_up.emit
            )
            self._collector.start()
            try:
                hotkey.start()
                self.hotkey = hotkey
            except (HotkeyUnavailable, InvalidHotkey) as exc:
                self._collector.stop()
                problem = str(exc)
                log.info("global hotkey off: %s", problem)
        if problem != self.hotkey_problem:
            self.hotkey_problem = problem
            if problem:
                self.window.error_banner.show_message(problem)
            self.hotkey_status_changed.emit(problem)

    async def close(self) -> None:
        """Stop the hotkey thread and the command worker (app shutdown)."""
        if self.hotkey is not None:
            self.hotkey.stop()
            self.hotkey = None
        self._collector.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.removeEventFilter(self)
        await self.turns.close()

    # ---- inputs ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _KEY_EVENTS or not isinstance(event, QKeyEvent):
            return False
        if not self._is_talk_key(event):
            return False
        # Consuming the key stops a focused button from clicking. Qt marks X auto-repeat only
        # when the repeated press is already queued as the release is read, which fails on a
        # busy loop: a release is therefore acted on only if no press follows it at once.
        if event.isAutoRepeat():
            return True
        if event.type() == QEvent.Type.KeyRelease:
            self._key_release_pending.start()
        elif self._key_release_pending.isActive():
            self._key_release_pending.stop()
        else:
            self._press("key")
        return True

    def _is_talk_key(self, event: QKeyEvent) -> bool:
        key = self._key
        if key is None or event.key() != key.key():
            return False
        if event.type() == QEvent.Type.KeyRelease:
            # Wherever focus went meanwhile, and whatever modifiers were let go first, the
            # release of the key that opened the turn closes it.
            return self.turns.is_held("key")
        return (
            self.settings.enabled
            and QApplication.activeWindow() is self.window
            and not focus_is_text_input(QApplication.focusWidget())
            and event.modifiers() == key.keyboardModifiers()
        )

    def _press(self, source: str) -> None:
        if self.settings.enabled:
            self.turns.press(source)

    def _release(self, source: str) -> None:
        self.turns.release(source)

    def _global_down(self) -> None:
        self._press("global")

    def _global_up(self) -> None:
        self._release("global")

    def _channel_command(self, command: str) -> None:
        if not self.settings.enabled:  # the channel refuses these; a command in flight
            return
        if command == "toggle":
            self.turns.toggle()
        elif command == "press":
            self.turns.press("command")
        else:
            self.turns.release("command")

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        # The key's release goes to whichever app has focus now: never leave the mic open.
        if state != Qt.ApplicationState.ApplicationActive:
            self._release("key")

    # ---- feedback -------------------------------------------------------------------------

    def _target(self) -> TurnTarget | None:
        return self.adapter.session

    def _turn_open_changed(self, open_: bool) -> None:
        if self.settings.mode is PushToTalkMode.TOGGLE:
            self.window.push_to_talk_button.setText("Send" if open_ else "Talk")
        self._update_mic_open()

    def _turn_sent(self, begin: bool) -> None:
        session = self.adapter.session
        if not self.settings.earcons or not isinstance(session, VoiceSession):
            return
        # Half-duplex mutes the mic while anything plays (plus an echo tail): a start tone
        # would swallow the first words.
        if begin and session.half_duplex:
            return
        play_earcon(session.playback, Earcon.START if begin else Earcon.STOP)

    def _update_mic_open(self) -> None:
        if self.settings.enabled:
            open_ = self.turns.is_open
        else:
            session = self.adapter.session
            open_ = (
                isinstance(session, VoiceSession)
                and session.state in _LIVE
                and not self.window.mute_button.isChecked()
            )
        if self.window.mute_button.isChecked():
            open_ = False
        if open_ != self._mic_open:
            self._mic_open = open_
            self.mic_open_changed.emit(open_)

    @property
    def mic_open(self) -> bool:
        return self._mic_open


def focus_is_text_input(widget: QWidget | None) -> bool:
    """True when `widget` takes typed text, where the push-to-talk key must type instead."""
    return isinstance(widget, _TEXT_INPUTS) or (
        isinstance(widget, QComboBox) and widget.isEditable()
    )
