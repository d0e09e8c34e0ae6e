"""How the simulated service takes a session.update: what refuses or alters it, then the merge."""

from __future__ import annotations

from typing import Any

from voicelive_desktop.simulator.agent_mode import AgentConnection
from voicelive_desktop.simulator.faults import SimulatorFaults
from voicelive_desktop.simulator.remote_mcp import RemoteServer, parse_mcp_tools
from voicelive_desktop.simulator.service_modes import (
    client_echo_refusal,
    without_client_echo_reference,
)
from voicelive_desktop.simulator.session_config import InvalidSessionUpdate, merged_session


def updated_session(
    current: dict[str, Any],
    update: Any,
    faults: SimulatorFaults,
    agent: AgentConnection | None,
) -> tuple[dict[str, Any], list[RemoteServer]]:
    """The session after `update`, and the remote MCP servers it names.

    Raises InvalidSessionUpdate (or InvalidMcpTool) with the message and param of the error
    the service answers: a setting the faults refuse, a client echo reference the modes
    refuse, or a value the service would reject. An agent keeps its own instructions.
    """
    refused = faults.modes.refuse_setting
    if refused and isinstance(update, dict) and refused in update:
        raise InvalidSessionUpdate(
            f"The value of '{refused}' is not supported by this resource.", f"session.{refused}"
        )
    echo_refusal = client_echo_refusal(update, faults.modes)
    if echo_refusal is not None:
        raise InvalidSessionUpdate(*echo_refusal)
    session = merged_session(
        current, without_client_echo_reference(update, faults.modes), agent=agent is not None
    )
    remote_servers = parse_mcp_tools(session)
    if agent is not None:  # the agent's own instructions stay
        session["instructions"] = agent.instructions
    return session, remote_servers
