"""Push-to-talk test set-up: async tests run on the UI tests' qasync loop."""

from __future__ import annotations

from tests.ui.conftest import app_under_test, isolated_env, pytest_asyncio_loop_factories

__all__ = ["app_under_test", "isolated_env", "pytest_asyncio_loop_factories"]
