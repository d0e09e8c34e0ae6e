"""Preferences → Tools: every tool the assistant can call, its risk, and the user's policy."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.tools.registry import ToolPolicy, ToolRegistry, ToolSpec
from voicelive_desktop.ui.muted_label import MutedLabel
from voicelive_desktop.ui.tool_labels import POLICY_LABELS, RISK_EXPLANATIONS, RISK_LABELS

INTRO = (
    "What the assistant may do on this computer. <b>Ask each time</b> shows a prompt in the "
    "conversation before each use; <b>Off</b> hides the tool from the assistant. Changes "
    "apply at once, also to a conversation in progress."
)
_COLUMNS = ("Tool", "What it does", "Risk", "Policy")
_COMFORTABLE = QSize(720, 540)


class ToolsPage(QWidget):
    """Lists the registry's tools with a policy box each; a change reaches the registry at
    once (so a live session is updated), and the page follows changes made elsewhere (an
    "Always allow" answered in the conversation, an MCP server's tools coming and going)."""

    def __init__(self, registry: ToolRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.policy_boxes: dict[str, QComboBox] = {}
        self._height_shared = False
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setAccessibleName("Tools the assistant can use")
        self.table.setMinimumHeight(160)  # a few tools in view beside any section below
        # Its size hint is every row: the dialog opens as tall as the screen allows for them.
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().hide()
        # A one-line row must still fit its policy box.
        self.table.verticalHeader().setMinimumSectionSize(QComboBox().sizeHint().height() + 8)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableWidget::item { padding: 4px 0px; }")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        # Wrapped descriptions need their rows re-measured whenever the column width changes.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.empty_note = MutedLabel("No tools are available.")
        tools_part = QWidget()
        tools_layout = QVBoxLayout(tools_part)
        tools_layout.setContentsMargins(0, 0, 0, 0)
        tools_layout.addWidget(intro)
        tools_layout.addWidget(self.table, 1)
        tools_layout.addWidget(self.empty_note)
        # The tool list above, sections such as MCP servers below, the split up to the user.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(tools_part)
        self._tools_part = tools_part
        self._sections: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._unsubscribe: Callable[[], None] | None = registry.subscribe(self.refresh)
        # A page destroyed without its dialog closing normally (a parent deleted first) must
        # not stay subscribed: the next registry change would reach a deleted C++ object.
        unsubscribe = self._unsubscribe
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh()

    def refresh(self) -> None:
        """Show the registry as it is now (rebuilt only when the set of tools changed)."""
        specs = self.registry.specs()
        if [s.name for s in specs] != list(self.policy_boxes):
            self._rebuild(specs)
        for name, box in self.policy_boxes.items():
            policy = self.registry.policy(name)
            index = box.findData(policy.value)
            if box.currentIndex() != index:
                box.blockSignals(True)
                box.setCurrentIndex(index)
                box.blockSignals(False)

    def _rebuild(self, specs: list[ToolSpec]) -> None:
        self.policy_boxes.clear()
        self.table.setRowCount(len(specs))
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        for row, spec in enumerate(specs):
            name = QTableWidgetItem(spec.name)
            name.setFont(mono)
            if spec.source != "built-in":
                name.setToolTip(f"From {spec.source}")
            self.table.setItem(row, 0, name)
            # The description is written for the model; its first sentence says what the tool
            # does, the rest (when to use it, argument hints) waits in the tooltip.
            description = QTableWidgetItem(first_sentence(spec.description))
            description.setToolTip(spec.description)
            self.table.setItem(row, 1, description)
            risk = QTableWidgetItem(RISK_LABELS.get(spec.risk, spec.risk.value))
            risk.setToolTip(RISK_EXPLANATIONS.get(spec.risk, ""))
            self.table.setItem(row, 2, risk)
            self.table.setCellWidget(row, 3, _centred(self._policy_box(spec)))
        self.table.resizeRowsToContents()
        self.empty_note.setVisible(not specs)

    def _policy_box(self, spec: ToolSpec) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Policy for {spec.name}")
        # Qt's accessible name of a combo box is its current item; the description says what
        # the box is for.
        box.setAccessibleDescription(f"Policy for {spec.name}: off, ask each time or always")
        for policy in ToolPolicy:
            box.addItem(POLICY_LABELS[policy], policy.value)
        box.setCurrentIndex(box.findData(self.registry.policy(spec.name).value))
        box.setToolTip(f"Default: {POLICY_LABELS[spec.default_policy]}")
        box.currentIndexChanged.connect(
            lambda _index, n=spec.name, b=box: self.registry.set_policy(
                n, ToolPolicy(b.currentData())
            )
        )
        self.policy_boxes[spec.name] = box
        return box

    def add_section(self, section: QWidget) -> None:
        """Show `section` under the tool list (the MCP servers), the list keeping room for
        several tools."""
        self.splitter.addWidget(section)
        self._sections.append(section)
        # The section keeps its own height; all the height to spare goes to the tool list.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(self.splitter.count() - 1, 0)

    def sizeHint(self) -> QSize:
        # Room for several tools with their descriptions on a line or two, beside the MCP
        # servers below: Preferences opens this big enough, not at its cramped minimum.
        hint = super().sizeHint()
        return QSize(
            max(hint.width(), _COMFORTABLE.width()), max(hint.height(), _COMFORTABLE.height())
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()  # the real column widths are known now
        if not self._height_shared:
            self._height_shared = True  # later, the user's own split stands
            self._share_height()

    def _share_height(self) -> None:
        """The tool list first: the sections below it get what the list does not need, and
        never less than their minimum (QSplitter would squeeze the list first)."""
        sections = self._sections
        if not sections:
            return
        total = sum(self.splitter.sizes())
        least = [section.minimumSizeHint().height() for section in sections]
        wanted = self._tools_part.sizeHint().height()
        tools = max(min(wanted, total - sum(least)), self._tools_part.minimumSizeHint().height())
        spare = max(0, total - tools - sum(least))
        self.splitter.setSizes([tools, *(h + spare // len(sections) for h in least)])

    def stop_following(self) -> None:
        """Stop listening to the registry (the dialog closed)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


def first_sentence(text: str) -> str:
    """The first sentence of `text` on one line (all of it when it has one sentence)."""
    flat = " ".join(text.split())
    end = re.search(r"[.!?](?=\s+[A-Z(\"'])", flat)
    return flat[: end.end()] if end else flat


def _centred(box: QComboBox) -> QWidget:
    """`box` at its natural height in the middle of a taller table cell."""
    cell = QWidget()
    layout = QHBoxLayout(cell)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignVCenter)
    return cell
