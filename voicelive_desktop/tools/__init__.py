"""Tools the assistant can call: the registry with per-tool consent policies, and built-ins.

Pure Python (no Qt): anything that needs the desktop (clipboard, notifications, opening a
URL or file) goes through `desktop_port.DesktopServices`, which `ui/` provides.
"""
