"""Foundry agent mode in the simulator: the agent query parameters, and the agent's persona.

The SDK's `connect(agent_name=..., project_name=...)` puts `agent-name`, `agent-project-name`
and optionally `agent-version`, `conversation-id` on the URL (azure-ai-voicelive 1.3.1,
`_VoiceLiveConnectionManager._prepare_url`). The SDK itself refuses a name without a project;
the simulator refuses the combinations a raw client could still send, as the service would:
a half-given agent, agent options without an agent, and an API key (agent sessions sign in
with Microsoft Entra ID, "Foundry Agent integration" how-to; the SDK asks for the
https://ai.azure.com/.default scope). A model beside the agent is accepted: the SDK's agent
overload of `connect()` takes an optional `model` ("may be omitted only when connecting
through an Agent scenario").

An agent brings its own instructions and answers in its own voice: replies start with the
agent's name, and "look up X" makes the agent hand the question to a Foundry agent of its
project, sent as `foundry_agent_call` events before the spoken answer ("look up nothing"
makes that call fail). Their shape is that of the azure-ai-voicelive 1.2.0b3/b4 models
(`ResponseFoundryAgentCallItem`, `ServerEventResponseFoundryAgentCall*`, also in the Java
SDK's 1.0.0-beta models): the item has `name` (the agent called), `call_id`, `arguments`,
`agent_response_id`, `output` and `error` ({code, message}); the `arguments.delta`/`.done`
events carry `response_id`, `item_id` and `output_index`; `.in_progress` carries `item_id`,
`output_index` and `agent_response_id`; `.completed` and `.failed` carry only `item_id` and
`output_index`. SDK 1.2.0 removed those classes (1.3.1 delivers the events as generic
`ServerEvent`s), so nothing newer describes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from voicelive_desktop.simulator import wire
from voicelive_desktop.simulator.conversation import Conversation, ConversationItem
from voicelive_desktop.simulator.remote_mcp import Send
from voicelive_desktop.simulator.wire import Event

# The Foundry agent the simulated agent hands look-ups to; a name, as the item's `name`.
AGENT_TOOL = "knowledge-agent"
_FAILING_QUERY = "nothing"
_LOOK_UP = re.compile(r"\blook up (.+?)[\s.?!]*$", re.IGNORECASE)


@dataclass(frozen=True)
class AgentConnection:
    """The agent a session was opened for."""

    name: str
    project: str
    version: str | None
    conversation_id: str | None

    @property
    def instructions(self) -> str:
        return (
            f"You are {self.name}, a Foundry agent of project {self.project}. Introduce "
            "yourself by name and answer from the project's knowledge."
        )


def _refuse(status: int, code: str, message: str) -> web.Response:
    body = json.dumps({"error": {"code": code, "message": message}})
    return web.Response(status=status, text=body, content_type="application/json")


def agent_refusal(query: Mapping[str, str], headers: Mapping[str, str]) -> web.Response | None:
    """The HTTP error for a bad combination of agent parameters, or None."""
    name, project = query.get("agent-name"), query.get("agent-project-name")
    options = [k for k in ("agent-version", "conversation-id") if query.get(k)]
    if not name and not project:
        if options:
            return _refuse(400, "InvalidParameter", f"{options[0]} requires agent-name.")
        return None
    if not name or not project:
        return _refuse(
            400,
            "MissingParameter",
            "Both agent-name and agent-project-name are required to connect to a Foundry agent.",
        )
    if "api-key" in headers:
        return _refuse(
            401,
            "Unauthorized",
            "Foundry agent sessions require Microsoft Entra ID authentication, not an API key.",
        )
    return None


def agent_from_query(query: Mapping[str, str]) -> AgentConnection | None:
    name, project = query.get("agent-name"), query.get("agent-project-name")
    if not name or not project:
        return None
    return AgentConnection(name, project, query.get("agent-version"), query.get("conversation-id"))


def agent_reply(agent: AgentConnection, reply: str) -> str:
    """The agent's persona around a reply."""
    return f"{agent.name} here, your Foundry agent. {reply}"


def agent_call_query(conversation: Conversation) -> str | None:
    """What the agent looks up for the newest typed user turn, or None."""
    items = conversation.items()
    newest = items[-1] if items else None
    if newest is None or newest.role != "user" or newest.speech_ms is not None:
        return None
    found = _LOOK_UP.search(newest.text or "")
    return found.group(1) if found else None


def agent_answer(conversation: Conversation) -> str | None:
    """The answer after the agent's call to another agent, when that is the newest item."""
    items = conversation.items()
    newest = items[-1].raw if items else {}
    if newest.get("type") != "foundry_agent_call":
        return None
    error = newest.get("error")
    if isinstance(error, dict):
        return f"I could not look that up: {error.get('message')}"
    return f"I looked that up: {newest.get('output')}"


async def send_agent_call(send: Send, conversation: Conversation, query: str) -> None:
    """One response in which the agent calls another agent (no client action needed)."""
    response_id, item_id = wire.new_id("resp"), wire.new_id("fac")
    agent_response_id = wire.new_id("resp")
    arguments = json.dumps({"query": query})
    item: Event = {
        "id": item_id,
        "type": "foundry_agent_call",
        "object": "realtime.item",
        "name": AGENT_TOOL,
        "call_id": wire.new_id("call"),
        "arguments": "",
        "agent_response_id": None,
        "output": None,
        "error": None,
    }
    response = wire.response_object(response_id, "in_progress", modalities=["text"], output=[])
    await send({"type": "response.created", "response": response})
    ids = {"response_id": response_id, "output_index": 0}
    await send({"type": "response.output_item.added", **ids, "item": dict(item)})
    previous = conversation.add(ConversationItem(item_id, "foundry_agent_call", item))
    await send({"type": "conversation.item.created", "previous_item_id": previous, "item": item})
    streamed = {**ids, "item_id": item_id}
    await send(
        {"type": "response.foundry_agent_call_arguments.delta", **streamed, "delta": arguments}
    )
    await send(
        {"type": "response.foundry_agent_call_arguments.done", **streamed, "arguments": arguments}
    )
    progress = {"item_id": item_id, "output_index": 0}
    await send(
        {
            "type": "response.foundry_agent_call.in_progress",
            **progress,
            "agent_response_id": agent_response_id,
        }
    )
    item.update(arguments=arguments, agent_response_id=agent_response_id)
    if query.strip().lower() == _FAILING_QUERY:
        item["error"] = {
            "code": "agent_error",
            "message": f"{AGENT_TOOL} found nothing to look up.",
        }
        await send({"type": "response.foundry_agent_call.failed", **progress})
    else:
        item["output"] = f"The project's notes on {query} say it is well documented."
        await send({"type": "response.foundry_agent_call.completed", **progress})
    await send({"type": "response.output_item.done", **ids, "item": item})
    done = wire.response_object(response_id, "completed", modalities=["text"], output=[item])
    await send({"type": "response.done", "response": done})
