"""How tool risks and policies read in the UI (consent prompts and Preferences → Tools)."""

from __future__ import annotations

from voicelive_desktop.tools.registry import ToolPolicy, ToolRisk

RISK_LABELS = {
    ToolRisk.SAFE: "Safe",
    ToolRisk.PRIVATE_DATA: "Your data",
    ToolRisk.OPENS_THINGS: "Opens things",
    ToolRisk.EXTERNAL: "External code",
}
RISK_EXPLANATIONS = {
    ToolRisk.SAFE: "Reads nothing private and changes nothing outside the app.",
    ToolRisk.PRIVATE_DATA: "Reads or changes your data (clipboard, notes or files).",
    ToolRisk.OPENS_THINGS: "Opens a web page or starts another program.",
    ToolRisk.EXTERNAL: "Runs code this app did not ship (an MCP server's tool).",
}
POLICY_LABELS = {
    ToolPolicy.OFF: "Off",
    ToolPolicy.ASK: "Ask each time",
    ToolPolicy.ALWAYS_ALLOW: "Always allow",
}


def risk_label(risk: str) -> str:
    """The short label for a risk value ("" and unknown values read as their own text)."""
    try:
        return RISK_LABELS[ToolRisk(risk)]
    except ValueError:
        return risk.replace("_", " ").capitalize()


def risk_explanation(risk: str) -> str:
    try:
        return RISK_EXPLANATIONS[ToolRisk(risk)]
    except ValueError:
        return ""
