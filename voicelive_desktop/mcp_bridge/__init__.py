"""The bridge to the user's local MCP servers: their config, their processes, their tools.

A local server (stdio or streamable HTTP) is started by the app with the official `mcp` SDK;
its tools are registered in the tool registry as `<server>__<tool>` function tools, so the
model calls them through the same consent and cards as the built-in tools.
"""
