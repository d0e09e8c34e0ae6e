"""Foundry agent mode: the SDK's agent parameters on connect, and what the agent controls.

With `connect(agent_name=..., project_name=...)` a Foundry agent answers instead of a bare
model; the agent brings its own instructions and tools (Voice Live "Foundry Agent
integration" how-to), so the session config leaves those out rather than sending settings
the agent would overrule. Agent sessions sign in with Microsoft Entra ID.
"""

from __future__ import annotations

from typing import Any

from azure.ai.voicelive.models import RequestSession

from voicelive_desktop.engine.session_config import InvalidSessionSettings
from voicelive_desktop.engine.session_settings import (
    AuthMethod,
    ConnectionProfile,
    ConnectionSettings,
)

# Session fields the agent decides; the UI shows them as "set by the agent".
AGENT_CONTROLLED_FIELDS = ("instructions", "tools", "tool_choice")


class InvalidAgentSettings(InvalidSessionSettings):
    """Agent mode cannot start as set; the message names what to fill in."""


def is_agent_mode(settings: ConnectionSettings) -> bool:
    return settings.profile is ConnectionProfile.FOUNDRY_AGENT


def connect_arguments(settings: ConnectionSettings) -> dict[str, Any]:
    """The keyword arguments for the SDK's `connect()` besides credential and endpoint."""
    arguments: dict[str, Any] = {}
    if settings.api_version:
        arguments["api_version"] = settings.api_version
    if not is_agent_mode(settings):
        arguments["model"] = settings.model
        return arguments
    agent = settings.agent
    if not agent.agent_name.strip() or not agent.project_name.strip():
        raise InvalidAgentSettings(
            "Foundry agent mode needs the agent name and the project name; enter them in "
            "Preferences > Connection."
        )
    if settings.auth is not AuthMethod.ENTRA_ID:
        raise InvalidAgentSettings(
            "A Foundry agent answers only to Microsoft Entra ID sign-in; choose Entra ID in "
            "Preferences > Connection."
        )
    arguments["agent_name"] = agent.agent_name.strip()
    arguments["project_name"] = agent.project_name.strip()
    if agent.agent_version.strip():
        arguments["agent_version"] = agent.agent_version.strip()
    if agent.conversation_id.strip():
        arguments["conversation_id"] = agent.conversation_id.strip()
    return arguments


def for_agent(session: RequestSession, settings: ConnectionSettings) -> RequestSession:
    """`session` without the fields the agent controls, in agent mode; raises
    InvalidAgentSettings (before anything connects) when agent mode is not fully set."""
    if is_agent_mode(settings):
        connect_arguments(settings)
        for name in AGENT_CONTROLLED_FIELDS:
            session.pop(name, None)
    return session


def demo_connection(endpoint: str, chosen: ConnectionSettings) -> ConnectionSettings:
    """The offline demo's connection to the built-in simulator at `endpoint`: a model, or the
    Foundry agent the user chose, signed in with Entra ID as an agent session must be."""
    if not is_agent_mode(chosen):
        return ConnectionSettings(endpoint=endpoint)
    return ConnectionSettings(
        endpoint=endpoint,
        auth=AuthMethod.ENTRA_ID,
        profile=ConnectionProfile.FOUNDRY_AGENT,
        agent=chosen.agent,
    )
