"""Small shared facts of the features: the state file as a command opens it, and the date a citation
says the lesson was accessed."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from ..config import Settings
from ..state import StateStore


def today() -> date:
    """The accessed date of a citation made now (UTC, so every process and door agrees)."""
    return datetime.now(timezone.utc).date()


def state_path(settings: Settings) -> Path:
    """The state file `state.path` names (relative paths: already resolved against the config file,
    else relative to the working directory)."""
    return Path(settings.state.path).expanduser()


def existing_state(settings: Settings) -> StateStore | None:
    """The state store when its file exists, else None: a command that only reads never creates it."""
    path = state_path(settings)
    return StateStore(path) if path.exists() else None
