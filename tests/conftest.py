"""Shared fixtures for the whole suite."""

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return Path(__file__).resolve().parents[1]
