"""Typed facts the session engine reports to whoever listens (UI adapter, CLI, tests)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from voicelive_desktop.engine.session_settings import EchoCancellationMode
from voicelive_desktop.engine.usage import TokenCounts


class SessionState(str, enum.Enum):
    """Where a session is in its life; allowed transitions live in `engine.state`."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    READY = "ready"  # connected and listening
    USER_SPEAKING = "user_speaking"
    THINKING = "thinking"  # a response was requested, no assistant audio yet
    ASSISTANT_SPEAKING = "assistant_speaking"
    RECONNECTING = "reconnecting"
    CLOSING = "closing"


class ErrorKind(str, enum.Enum):
    """What went wrong, coarse enough for the UI to choose a remedy."""

    CREDENTIALS_REJECTED = "credentials_rejected"
    ENDPOINT_UNREACHABLE = "endpoint_unreachable"
    RESOURCE_NOT_FOUND = "resource_not_found"
    SESSION_NOT_READY = "session_not_ready"
    CONNECTION_LOST = "connection_lost"
    SERVER_ERROR = "server_error"
    AUDIO_DEVICE = "audio_device"
    INTERNAL = "internal"


@dataclass(frozen=True)
class SessionStateChanged:
    state: SessionState
    previous: SessionState


@dataclass(frozen=True)
class SessionConfigured:
    """The server acknowledged a `session.update` (its `session.updated` arrived)."""

    session_id: str
    voice: str


@dataclass(frozen=True)
class UserSpeechStarted:
    audio_start_ms: int
    item_id: str = ""  # the user item this speech will become, when the service says


@dataclass(frozen=True)
class UserTurnCommitted:
    """The user's spoken turn became conversation item `item_id`, right after
    `previous_item_id` ("" when first or unknown): its place is fixed before its transcript
    arrives, which may be after the answer."""

    item_id: str
    previous_item_id: str


@dataclass(frozen=True)
class UserTranscriptDelta:
    """Part of the transcript of a spoken user turn, while transcription runs."""

    item_id: str
    delta: str


@dataclass(frozen=True)
class UserTranscriptFailed:
    """The service could not transcribe a spoken user turn (it still answers it)."""

    item_id: str
    message: str


@dataclass(frozen=True)
class UserSpeechStopped:
    audio_end_ms: int


@dataclass(frozen=True)
class UserTranscriptCompleted:
    item_id: str
    text: str


@dataclass(frozen=True)
class UserTextSent:
    item_id: str
    text: str


@dataclass(frozen=True)
class AssistantResponseStarted:
    response_id: str


@dataclass(frozen=True)
class AssistantTranscriptDelta:
    response_id: str
    item_id: str
    delta: str


@dataclass(frozen=True)
class AssistantTranscriptCompleted:
    response_id: str
    item_id: str
    text: str


@dataclass(frozen=True)
class AssistantAudioReceived:
    item_id: str
    pcm16: bytes


@dataclass(frozen=True)
class AssistantWordTimed:
    """Where one spoken word sits in its item's audio (`response.audio_timestamp.delta`)."""

    response_id: str
    item_id: str
    text: str
    audio_offset_ms: int
    audio_duration_ms: int


@dataclass(frozen=True)
class AssistantInterrupted:
    """Barge-in: playback was flushed and the server told where the user cut in."""

    item_id: str
    played_ms: int


@dataclass(frozen=True)
class ResponseFinished:
    response_id: str
    status: str  # "completed", "cancelled", "failed", "incomplete"
    output_tokens: int | None = None
    # Why a response did not complete: the service's error message (failed), or its reason
    # ("max_output_tokens", "turn_detected", "client_cancelled", ...); "" when completed.
    detail: str = ""
    item_id: str = ""  # the assistant item the response was speaking, if any


@dataclass(frozen=True)
class ResponseUsageCounted:
    """The tokens a finished response was billed for (from its `response.done` usage)."""

    response_id: str
    tokens: TokenCounts


@dataclass(frozen=True)
class TurnLatencyMeasured:
    """User speech end (or text sent) → first assistant audio, in milliseconds."""

    latency_ms: float


@dataclass(frozen=True)
class SessionErrorReported:
    kind: ErrorKind
    message: str  # one sentence a person understands; never contains a secret
    fatal: bool  # True when the session is over because of it


@dataclass(frozen=True)
class EchoModeFellBack:
    """The service refused this computer's playback as the echo reference: the session runs
    `used` instead, from now on and on every reconnect. Whoever feeds the mic must switch to
    what `used` sends (mono) before the session is ready."""

    requested: EchoCancellationMode
    used: EchoCancellationMode
    reason: str  # what the service said, for the log and support


@dataclass(frozen=True)
class ReconnectScheduled:
    attempt: int
    delay_s: float


class ToolCallStatus(str, enum.Enum):
    """Where one tool call ended up (RUNNING only while it runs)."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    DENIED = "denied"
    CANCELLED = "cancelled"


class ToolApprovalDecision(str, enum.Enum):
    """The user's answer to a consent prompt (a timeout counts as DENY)."""

    ALLOW_ONCE = "allow_once"
    ALWAYS_ALLOW = "always_allow"
    DENY = "deny"


@dataclass(frozen=True)
class ToolCallStarted:
    """The model called a tool; `arguments` is the JSON text exactly as the model sent it.

    `source` says who runs it: "function" (this app), "mcp_remote" (the service calls a
    remote MCP server) or "agent" (a Foundry agent's own call).
    """

    call_id: str
    name: str
    arguments: str
    item_id: str = ""
    response_id: str = ""
    source: str = "function"


@dataclass(frozen=True)
class ToolApprovalRequested:
    """A call waits for the user's consent; answer with `SessionEngine.answer_tool_approval`."""

    call_id: str
    name: str
    arguments: str
    risk: str
    timeout_s: float


@dataclass(frozen=True)
class ToolCallFinished:
    """A call ended; `result_preview` is a short one-line view of what the model was sent."""

    call_id: str
    name: str
    status: ToolCallStatus
    duration_ms: float
    result_preview: str = ""
    result: str = ""  # the full output sent to the model (after any length cap)
    error: str = ""  # why it failed, was denied or cancelled, in one sentence


@dataclass(frozen=True)
class RemoteMcpToolsListed:
    """The service listed (or failed to list) the tools of one remote MCP server."""

    server_label: str
    status: str  # "in_progress", "completed" or "failed"
    tools: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class RemoteMcpToolAllowed:
    """The user chose "Always allow" for one remote MCP server's tool: keep that choice."""

    server_label: str
    tool: str  # the server's own tool name


@dataclass(frozen=True)
class AudioLevelMeasured:
    """Mic or speaker level for meters, in dBFS (-inf..0 clipped to a floor)."""

    source: str  # "input" or "output"
    rms_dbfs: float
    peak_dbfs: float


@dataclass(frozen=True)
class AudioDeviceChanged:
    """The microphone or speaker in use changed without the user choosing it: the system
    default standing in for a chosen device that is gone, the chosen one back, or a new
    system default followed. `resolved`: the device in use is the one the user chose."""

    source: str  # "input" or "output"
    message: str  # one sentence a person understands
    resolved: bool


EngineEvent = (
    SessionStateChanged
    | SessionConfigured
    | UserSpeechStarted
    | UserTurnCommitted
    | UserTranscriptDelta
    | UserTranscriptFailed
    | UserSpeechStopped
    | UserTranscriptCompleted
    | UserTextSent
    | AssistantResponseStarted
    | AssistantTranscriptDelta
    | AssistantTranscriptCompleted
    | AssistantAudioReceived
    | AssistantWordTimed
    | AssistantInterrupted
    | ResponseFinished
    | ResponseUsageCounted
    | TurnLatencyMeasured
    | SessionErrorReported
    | EchoModeFellBack
    | ReconnectScheduled
    | AudioLevelMeasured
    | AudioDeviceChanged
    | ToolCallStarted
    | ToolApprovalRequested
    | ToolCallFinished
    | RemoteMcpToolsListed
    | RemoteMcpToolAllowed
)
