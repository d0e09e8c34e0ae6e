"""The running app's command channel: `voicelive-desktop --ptt toggle` reaches it locally.

On Wayland no app may grab a global key, but every desktop lets the user bind a shortcut to a
command; that command is a second process which hands the push-to-talk command to the first.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

PTT_COMMANDS = frozenset({"toggle", "press", "release"})
_MAX_LINE = 64
_TIMEOUT_MS = 2000


def channel_name(user: str | None = None) -> str:
    """A per-user socket name, so two people on one machine never drive each other's app."""
    try:
        who = user if user is not None else getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        who = "unknown"
    digest = hashlib.sha256(who.encode()).hexdigest()[:16]
    return f"voicelive-desktop-{digest}"


class InstanceChannel(QObject):
    """Owns the local server the running app listens on; emits each valid command once."""

    command_received = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or channel_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._pending: dict[QLocalSocket, bytes] = {}
        # Why push-to-talk commands are turned away right now ("" when they are taken).
        self.ptt_refusal = ""

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Start serving; False when another instance already serves this user."""
        # Ask first: on Unix, listening with socket options silently replaces a live socket.
        if _answers(self.name):
            log.info("another instance serves %s; --ptt commands go to it", self.name)
            return False
        # A crashed instance leaves its socket file behind on Unix.
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning("command channel %s unavailable: %s", self.name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()
        for socket in list(self._pending):
            socket.abort()
        self._pending.clear()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._pending[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        data = self._pending.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > _MAX_LINE:
                self._answer(socket, "error: command too long")
            else:
                self._pending[socket] = data
            return
        command = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if command == "ping":
            self._answer(socket, "ok")
        elif command in PTT_COMMANDS and self.ptt_refusal:
            self._answer(socket, f"error: {self.ptt_refusal}")
        elif command in PTT_COMMANDS:
            self._answer(socket, "ok")
            self.command_received.emit(command)
        else:
            self._answer(socket, f"error: unknown command {command[:_MAX_LINE]!r}")

    def _answer(self, socket: QLocalSocket, reply: str) -> None:
        self._pending.pop(socket, None)
        socket.write(reply.encode() + b"\n")
        socket.flush()
        socket.disconnectFromServer()

    def _forget(self, socket: QLocalSocket) -> None:
        self._pending.pop(socket, None)
        socket.deleteLater()


def send_command(command: str, name: str | None = None, timeout_ms: int = _TIMEOUT_MS) -> str:
    """Send one command line to the running app and return its reply line.

    Raises ConnectionError with a user-facing message when no app is listening or it is silent.
    """
    socket = QLocalSocket()
    socket.connectToServer(name or channel_name())
    if not socket.waitForConnected(timeout_ms):
        raise ConnectionError(
            "VoiceLive Desktop is not running (or was started by another user); start it first."
        )
    socket.write(command.encode() + b"\n")
    socket.flush()
    reply = b""
    while b"\n" not in reply and socket.waitForReadyRead(timeout_ms):
        reply += bytes(socket.readAll().data())
    socket.abort()
    if b"\n" not in reply:
        raise ConnectionError("VoiceLive Desktop did not answer the command in time.")
    return reply.split(b"\n", 1)[0].decode("utf-8", "replace")


def _answers(name: str) -> bool:
    try:
        return send_command("ping", name, timeout_ms=500) == "ok"
    except ConnectionError:
        return False


def run_ptt_command(command: str) -> int:
    """`--ptt toggle|press|release`: hand the command to the running app; 0 on success."""
    if command not in PTT_COMMANDS:
        print(
            f"Unknown push-to-talk command {command!r}; use toggle, press or release.",
            file=sys.stderr,
        )
        return 2
    try:
        reply = send_command(command)
    except ConnectionError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if reply != "ok":
        print(f"VoiceLive Desktop refused the command: {reply}", file=sys.stderr)
        return 1
    return 0
