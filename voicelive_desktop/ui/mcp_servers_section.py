"""Preferences → Tools → MCP servers: add, edit, remove, enable and restart servers."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.credentials import KeyringUnavailable
from voicelive_desktop.mcp_bridge.config import (
    RESULT_CAP_RANGE,
    InvalidServerConfig,
    McpServerConfig,
    McpTransport,
)
from voicelive_desktop.mcp_bridge.example import example_local_config, example_remote_config
from voicelive_desktop.mcp_bridge.import_json import ImportRefused, parse_mcp_servers_json
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.mcp_bridge.status import McpServerStatus, ServerState
from voicelive_desktop.ui.mcp_binding import McpBinding
from voicelive_desktop.ui.mcp_server_dialog import McpServerDialog

_COLUMNS = ("On", "Server", "Runs as", "Status")
_TRANSPORT_SHORT = {
    McpTransport.STDIO: "local program",
    McpTransport.HTTP: "local URL",
    McpTransport.REMOTE: "service (remote)",
}


AGENT_MODE_STATUS = "not used while a Foundry agent answers"
AGENT_MODE_REASON = (
    "A Foundry agent brings its own tools, so no MCP server is started or offered while the "
    "connection profile is Foundry agent (Preferences → Connection)."
)


def status_text(config: McpServerConfig, status: McpServerStatus, agent_mode: bool = False) -> str:
    """One line for the list: the state, the tools, and the cap when it applied."""
    if not config.enabled:
        return "off"
    if agent_mode:
        return AGENT_MODE_STATUS
    if config.transport is McpTransport.REMOTE and status.state is not ServerState.FAILED:
        count = len(status.tools)
        listed = f", {count} tool{'s' * (count != 1)}" if count else ""
        return "called by the service" + listed
    text = {
        ServerState.STOPPED: "stopped",
        ServerState.STARTING: "starting…",
        ServerState.RUNNING: f"running, {len(status.tools)} tool{'s' * (len(status.tools) != 1)}",
        ServerState.FAILED: f"failed: {status.reason}",
    }[status.state]
    if status.capped_calls:
        text += f" · {status.capped_calls} results capped"
    return text


class McpServersSection(QGroupBox):
    """The MCP servers group of the Tools page; follows the binding's changes and statuses."""

    def __init__(self, binding: McpBinding, parent: QWidget | None = None) -> None:
        super().__init__("MCP servers", parent)
        self.binding = binding
        intro = QLabel(
            "Tools from MCP servers appear above as <i>server__tool</i> and ask before each "
            "use. Servers are added only here or from a file you choose."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setAccessibleName("MCP servers")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # Three servers in view however small the dialog (the example alone adds two).
        rows = self.table.verticalHeader().defaultSectionSize() * 3
        self.table.setMinimumHeight(rows + header.sizeHint().height() + 4)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_button = QPushButton("Add…")
        self.example_button = QPushButton("Add example (dice)")
        self.example_button.setToolTip(
            "Adds the dice server shipped with the app, as a local server and as a remote one"
        )
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip('Import a {"mcpServers": …} file from another MCP client')
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.restart_button = QPushButton("Restart")
        # Two rows, adding and acting on the selected server: six buttons in one row were cut
        # to "example (d" in Preferences at its opening size.
        add_row, selected_row = QHBoxLayout(), QHBoxLayout()
        for row, group in (
            (add_row, (self.add_button, self.example_button, self.import_button)),
            (selected_row, (self.edit_button, self.remove_button, self.restart_button)),
        ):
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
        self.cap = QSpinBox()
        self.cap.setRange(*RESULT_CAP_RANGE)
        self.cap.setSingleStep(1000)
        self.cap.setSuffix(" characters")
        self.cap.setValue(binding.servers.result_cap_chars)
        self.cap.setToolTip(
            "Longer tool results are cut before the model gets them; the card says so"
        )
        cap_row = QHBoxLayout()
        cap_row.addWidget(QLabel("Cap each result at"))
        cap_row.addWidget(self.cap)
        cap_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(add_row)
        layout.addLayout(selected_row)
        layout.addWidget(self.details)
        layout.addLayout(cap_row)
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.example_button.clicked.connect(self.add_example)
        self.import_button.clicked.connect(lambda: self.import_file(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.remove_button.clicked.connect(self.remove_selected)
        self.restart_button.clicked.connect(self.restart_selected)
        self.cap.editingFinished.connect(lambda: binding.set_result_cap(self.cap.value()))
        self.table.itemChanged.connect(self._toggled)
        self.table.itemSelectionChanged.connect(self._show_details)
        binding.servers_changed.connect(self.refresh)
        binding.status_changed.connect(lambda _status: self.refresh())
        self.refresh()

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 1)
        return item.text() if item is not None else None

    def refresh(self) -> None:
        chosen = self.selected()
        self.table.blockSignals(True)
        servers = self.binding.servers.servers
        self.table.setRowCount(len(servers))
        agent_mode = self.binding.agent_mode
        for row, config in enumerate(servers):
            status = self.binding.status(config.name)
            toggle = QTableWidgetItem()
            toggle.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            checked = Qt.CheckState.Checked if config.enabled else Qt.CheckState.Unchecked
            toggle.setCheckState(checked)
            toggle.setData(Qt.ItemDataRole.UserRole, config.name)
            self.table.setItem(row, 0, toggle)
            self.table.setItem(row, 1, QTableWidgetItem(config.name))
            self.table.setItem(row, 2, QTableWidgetItem(_TRANSPORT_SHORT[config.transport]))
            shown = QTableWidgetItem(status_text(config, status, agent_mode))
            shown.setToolTip(", ".join(status.tools) or status.reason)
            self.table.setItem(row, 3, shown)
            if agent_mode:
                self._grey(row)
            if config.name == chosen:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        has = bool(servers)
        for button in (self.edit_button, self.remove_button, self.restart_button):
            button.setEnabled(has)
        self.restart_button.setEnabled(has and not agent_mode)  # nothing runs to restart
        self._show_details()

    def _grey(self, row: int) -> None:
        """Show a row as idle in agent mode; its switch stays usable for model mode."""
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for column in range(len(_COLUMNS)):
            item = self.table.item(row, column)
            if item is None:
                continue
            item.setForeground(grey)
            item.setToolTip(AGENT_MODE_REASON)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, AGENT_MODE_REASON)

    def _show_details(self) -> None:
        name = self.selected()
        config = self.binding.servers.named(name) if name else None
        if config is None:
            self.details.setText("")
            return
        status = self.binding.status(config.name)
        agent_mode = self.binding.agent_mode
        lines = [f"<b>{config.name}</b>: {status_text(config, status, agent_mode)}"]
        if agent_mode:
            lines.append(AGENT_MODE_REASON)
        if status.tools:
            lines.append("Tools: " + ", ".join(status.tools))
        failed = status.state is ServerState.FAILED
        if status.reason and not failed:  # a call that timed out or failed; the server runs on
            lines.append("Last problem: " + html.escape(status.reason))
        if status.stderr_tail and (failed or status.reason):
            tail = html.escape(status.stderr_tail[-600:])
            lines.append(f"Its last output:<pre>{tail}</pre>")
        self.details.setText("<br>".join(lines))

    def _toggled(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            name = str(item.data(Qt.ItemDataRole.UserRole))
            self.binding.set_enabled(name, item.checkState() == Qt.CheckState.Checked)

    # --- actions -------------------------------------------------------------------------

    def edit(self, name: str | None) -> McpServerDialog:
        config = self.binding.servers.named(name) if name else None
        secrets = ServerSecrets()
        if config is not None and (config.env_names or config.header_names):
            try:
                secrets = self.binding.secrets.read(config)
            except KeyringUnavailable as exc:
                QMessageBox.warning(self, "MCP server", str(exc))
        dialog = McpServerDialog(config, secrets, self)

        def save() -> None:
            new = dialog.result_config()
            if new is None:
                return
            if config is not None:
                new = dataclasses.replace(new, enabled=config.enabled)
            try:
                self.binding.save_server(new, dialog.result_secrets(), replacing=name)
            except (InvalidServerConfig, KeyringUnavailable) as exc:
                QMessageBox.warning(self, "MCP server", str(exc))

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def add_example(self) -> None:
        """One click: the shipped dice server, local and remote, unless already there."""
        for config in (example_local_config(), example_remote_config()):
            if self.binding.servers.named(config.name) is None:
                self.binding.save_server(config, ServerSecrets())

    def import_file(self, path: Path | None) -> list[str]:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import MCP servers", "", "MCP config (*.json);;All files (*)"
            )
            if not chosen:
                return []
            path = Path(chosen)
        try:
            result = parse_mcp_servers_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ImportRefused) as exc:
            QMessageBox.warning(self, "Import MCP servers", f"{path.name}: {exc}")
            return [str(exc)]
        skipped = self.binding.import_servers(result)
        if skipped:
            QMessageBox.information(
                self, "Import MCP servers", "Not imported:\n" + "\n".join(skipped)
            )
        return skipped

    def remove_selected(self) -> None:
        name = self.selected()
        if name is not None:
            self.binding.remove_server(name)

    def restart_selected(self) -> None:
        name = self.selected()
        if name is not None:
            self.binding.restart(name)
