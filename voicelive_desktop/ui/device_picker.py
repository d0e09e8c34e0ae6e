"""The microphone and speaker pickers: "System default", then each device the system has now.

One editor kind (`DeviceChoice`) for the shared setting descriptions, so Preferences and the
session panel offer the same list. The list is read when the picker is opened or focused, not
when it is built: devices come and go while the app runs, and listing them loads PortAudio,
which a window that is only starting up should not pay for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QWidget

from voicelive_desktop.ui.field_editor import EditorSpec, FieldEditor

log = logging.getLogger(__name__)

SYSTEM_DEFAULT_DEVICE = "System default"
INPUT = "input"
OUTPUT = "output"

# (microphones, speakers) by name; the argument asks the system to look again for devices
# plugged in or removed (a cost: see `audio_device_names`). The controller installs
# one that asks the live session first; UI tests install named stand-ins.
DeviceLister = Callable[[bool], tuple[list[str], list[str]]]


def audio_device_names(rescan: bool = False) -> tuple[list[str], list[str]]:
    """Names of the microphones and speakers PortAudio sees; empty lists if audio is
    unavailable (the pickers then offer only the system default).

    `rescan`: first make PortAudio look again (devices plugged in or removed since it
    started), unless a stream of ours is open: re-initialising would break it (a live voice
    session looks through `VoiceSession.device_names` instead).
    """
    try:
        from voicelive_desktop.audio.devices import Direction, list_devices
        from voicelive_desktop.audio.errors import AudioError
        from voicelive_desktop.audio.portaudio import rescan_when_idle

        try:
            if rescan:
                rescan_when_idle()
            inputs = [d.name for d in list_devices(Direction.INPUT)]
            outputs = [d.name for d in list_devices(Direction.OUTPUT)]
        except AudioError as exc:
            log.warning("listing audio devices: %s", exc)
            return [], []
    except OSError as exc:  # PortAudio library missing
        log.warning("audio unavailable: %s", exc)
        return [], []
    return inputs, outputs


_lister: DeviceLister = audio_device_names


def use_device_lister(lister: DeviceLister) -> DeviceLister:
    """List devices with `lister` from now on; returns the one it replaces."""
    global _lister
    previous, _lister = _lister, lister
    return previous


def device_names(direction: str, rescan: bool = False) -> list[str]:
    inputs, outputs = _lister(rescan)
    return inputs if direction == INPUT else outputs


class DeviceCombo(QComboBox):
    """A device menu whose entries are re-read each time it opens; the stored value is the
    device's name, "" for the system default. A chosen device that is not there now stays
    listed, marked "(not connected)", so opening the menu never changes the choice."""

    def __init__(self, direction: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.direction = direction
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self._fill([], "")
        # Keyboard users change a closed combo with the arrow keys: focus reads the list too.
        self.installEventFilter(self)

    def chosen(self) -> str:
        data = self.currentData()
        return data if isinstance(data, str) else ""

    def choose(self, name: str) -> None:
        """Show `name` ("" = the system default) as the choice, listed or not."""
        if self.findData(name) < 0:
            self._fill(self._listed(), name)
        self.setCurrentIndex(max(0, self.findData(name)))

    def refresh(self, rescan: bool = False) -> None:
        """Re-read the devices, keeping the choice (and not reporting it as an edit);
        `rescan` makes the system look for new ones first (opening the menu does)."""
        chosen = self.chosen()
        blocked = self.blockSignals(True)
        try:
            self._fill(device_names(self.direction, rescan), chosen)
        finally:
            self.blockSignals(blocked)

    def showPopup(self) -> None:
        self.refresh(rescan=True)
        super().showPopup()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.FocusIn:
            self.refresh()
        return False

    def _listed(self) -> list[str]:
        names = (self.itemData(i) for i in range(self.count()))
        return [name for name in names if isinstance(name, str) and name and self._present(name)]

    def _present(self, name: str) -> bool:
        return not self.itemText(self.findData(name)).endswith(" (not connected)")

    def _fill(self, devices: list[str], chosen: str) -> None:
        blocked = self.blockSignals(True)
        try:
            self.clear()
            self.addItem(SYSTEM_DEFAULT_DEVICE, "")
            for name in devices:
                self.addItem(name, name)
            if chosen and chosen not in devices:
                self.addItem(f"{chosen} (not connected)", chosen)
            self.setCurrentIndex(max(0, self.findData(chosen)))
        finally:
            self.blockSignals(blocked)


@dataclass(frozen=True)
class DeviceChoice(EditorSpec):
    """A microphone (`INPUT`) or speaker (`OUTPUT`) menu; the value is a device name, "" for
    the system default."""

    direction: str

    def make(self) -> FieldEditor:
        combo = DeviceCombo(self.direction)
        editor = FieldEditor(combo, combo, combo.chosen, combo.choose)
        combo.currentIndexChanged.connect(editor.report_edit)
        return editor
