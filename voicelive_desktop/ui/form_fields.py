"""Device pickers for the preferences dialog: the system default, then each device by name."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

SYSTEM_DEFAULT_DEVICE = "System default"


def device_combo(devices: list[str], current: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(SYSTEM_DEFAULT_DEVICE, "")
    for name in devices:
        combo.addItem(name, name)
    if current and combo.findData(current) < 0:
        combo.addItem(f"{current} (not connected)", current)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def device_name(combo: QComboBox) -> str:
    data = combo.currentData()
    return data if isinstance(data, str) else ""
