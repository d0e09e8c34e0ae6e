"""Form-field builders for the preferences dialog: combos, millisecond spin boxes, devices."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSpinBox

SYSTEM_DEFAULT_DEVICE = "System default"


def editable_combo(items: list[str], current: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(items)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCurrentText(current)
    return combo


def ms_spin(bounds: tuple[float, float], value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(int(bounds[0]), int(bounds[1]))
    spin.setSingleStep(50)
    spin.setSuffix(" ms")
    spin.setValue(value)
    return spin


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
