"""config.yaml + environment → typed, frozen settings, with one-line errors that name the key.

Settings hold no secrets: tokens are read from the environment into `Secrets` and never logged.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge import DEFAULT_MAX_FILE_BYTES, SearchOptions

CONFIG_ENV = "LESSONS_CONFIG"
DEFAULT_CONFIG_NAME = "config.yaml"


class ConfigError(ValueError):
    """A configuration problem, phrased as one line that names the file and the key."""


def _at_least(key: str, value: int, least: int) -> None:
    """A section's range check; the loader adds the section's name to the message."""
    if value < least:
        raise ValueError(f"{key}: must be at least {least}, got {value}")


@dataclass(frozen=True)
class LessonsSettings:
    """Where the lessons are; an empty list means the sample lessons bundled with the package."""

    paths: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    watch: bool = False
    watch_interval: float = 2.0

    def __post_init__(self) -> None:
        _at_least("max_file_bytes", self.max_file_bytes, 1)
        if not self.watch_interval > 0:
            raise ValueError(f"watch_interval: must be more than 0 seconds, got {self.watch_interval}")


@dataclass(frozen=True)
class ServerSettings:
    """The HTTP server behind the web door and Slack's HTTP mode: processes, threads, and the
    limits that keep it answering while slow or idle clients hold connections open."""

    host: str = "127.0.0.1"
    port: int = 8080
    #: Worker processes under gunicorn (0: one per core); one waitress process where gunicorn cannot run.
    workers: int = 0
    threads: int = 2
    max_body_bytes: int = 64 * 1024
    #: Open connections one worker holds at most (idle, being read, answered or kept alive).
    worker_connections: int = 2048
    #: Connections the system queues for the workers beyond those.
    backlog: int = 2048
    #: Seconds an idle kept-alive connection stays open for the client's next request.
    keepalive: int = 5
    #: Seconds a client has to send a whole request (headers and body) once connected.
    request_timeout: float = 10.0
    #: Seconds requests in progress may take to finish on SIGTERM or when a reload replaces workers.
    graceful_timeout: int = 5
    #: The longest request line (method, path and query) and header block, and how many headers.
    limit_request_line: int = 8190
    max_header_bytes: int = 32 * 1024
    limit_request_fields: int = 100

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port: must be between 0 and 65535, got {self.port}")
        for name in ("threads", "max_body_bytes", "worker_connections", "backlog", "limit_request_fields"):
            _at_least(name, getattr(self, name), 1)
        if not 256 <= self.limit_request_line <= 8190:
            raise ValueError(f"limit_request_line: must be between 256 and 8190, got {self.limit_request_line}")
        _at_least("max_header_bytes", self.max_header_bytes, 1024)
        for name in ("request_timeout", "graceful_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name}: must be more than 0 seconds, got {getattr(self, name)}")


@dataclass(frozen=True)
class CacheSettings:
    """Bounded caches, each per worker process: memory stays flat whatever the questions."""

    #: Answers kept, already rendered, keyed by question, page and lessons generation (0: off).
    answers: int = 2048
    #: The most memory those answers may take, in bytes.
    answer_bytes: int = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        _at_least("answer_bytes", self.answer_bytes, 0)


@dataclass(frozen=True)
class RateLimitSettings:
    """Per-client caps on the web door's searches (`/webhook`, `/api/`); see `bot.web.gate`."""

    per_minute: int = 120
    burst: int = 30
    loopback: bool = False

    def __post_init__(self) -> None:
        _at_least("burst", self.burst, 1)


@dataclass(frozen=True)
class SlackSettings:
    """Slack behaviour; the tokens themselves come from the environment only."""

    command: str = "/lessons"
    narrowing_buttons: int = 3

    def __post_init__(self) -> None:
        if not self.command.startswith("/") or " " in self.command:
            raise ValueError(f"command: must look like /lessons, got {self.command!r}")


@dataclass(frozen=True)
class FeedbackSettings:
    """How people's "Helpful" / "Not helpful" votes are used."""

    #: Votes move a lesson a little up or down for the same question (needs two voters or more).
    ranking: bool = True


@dataclass(frozen=True)
class LoggingSettings:
    """Log level and line format ("text" or "json")."""

    level: str = "INFO"
    format: str = "text"

    def __post_init__(self) -> None:
        if self.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(f"level: expected DEBUG, INFO, WARNING or ERROR, got {self.level!r}")
        if self.format not in ("text", "json"):
            raise ValueError(f"format: expected text or json, got {self.format!r}")


@dataclass(frozen=True)
class StateSettings:
    """Where the bot keeps what outlives a request: the question log, subscriptions, feedback."""

    #: The SQLite file (created on first use, with its folder). Relative: to the config file, else the
    #: current folder.
    path: str = "data/state.sqlite3"

    def __post_init__(self) -> None:
        if not self.path.strip():
            raise ValueError("path: must name a file, got nothing")


@dataclass(frozen=True)
class QuestionsSettings:
    """The question log: what people ask through every door, with no user ids (see bot/recording.py)."""

    enabled: bool = True
    #: Questions older than this many days are deleted (at start-up and once a day).
    retention_days: int = 90

    def __post_init__(self) -> None:
        _at_least("retention_days", self.retention_days, 1)


@dataclass(frozen=True)
class Settings:
    """Everything config.yaml can say, with the defaults documented there."""

    lessons: LessonsSettings = field(default_factory=LessonsSettings)
    search: SearchOptions = field(default_factory=SearchOptions)
    server: ServerSettings = field(default_factory=ServerSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    state: StateSettings = field(default_factory=StateSettings)
    questions: QuestionsSettings = field(default_factory=QuestionsSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    source: str = ""


@dataclass(frozen=True)
class Secrets:
    """Tokens from the environment. `repr` hides them so they cannot leak into a log line."""

    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    webhook_token: str = field(default="", repr=False)
    admin_token: str = field(default="", repr=False)
    slack_api_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN", ""),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            slack_app_token=env.get("SLACK_APP_TOKEN", ""),
            webhook_token=env.get("WEBHOOK_TOKEN", ""),
            admin_token=env.get("ADMIN_TOKEN", ""),
            slack_api_url=env.get("SLACK_API_URL", ""),
        )

    def values(self) -> list[str]:
        """Every non-empty secret, for scrubbing logs."""
        return [v for v in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
                            self.webhook_token, self.admin_token) if v]


def find_config(explicit: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The config file to read: --config, else $LESSONS_CONFIG, else ./config.yaml if present."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local if local.is_file() else None


def load_settings(path: str | os.PathLike[str] | None) -> Settings:
    """Read and check a config file (None: the defaults). Raises `ConfigError`."""
    if path is None:
        return Settings()
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(error, 'problem', error)}") from None
    settings = settings_from_mapping(raw or {}, str(path))
    return _resolve_paths(settings, path.parent)


def settings_from_mapping(raw: Any, source: str = "<config>") -> Settings:
    """Build `Settings` from plain data, checking every key and type."""
    built = _build(Settings, raw, source, "")
    return dataclasses.replace(built, source=source)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    """Relative lesson and state paths are relative to the config file, so it works from any folder."""
    paths = tuple(str(p if Path(p).is_absolute() else (base / p)) for p in settings.lessons.paths)
    for given, resolved in zip(settings.lessons.paths, paths, strict=True):
        if not Path(resolved).exists():
            raise ConfigError(f"{settings.source}: lessons.paths: {given!r} does not exist")
    state = dataclasses.replace(settings.state, path=str(base / settings.state.path))  # an absolute path stays
    return dataclasses.replace(settings, lessons=dataclasses.replace(settings.lessons, paths=paths), state=state)


def _build(cls: type, raw: Any, source: str, prefix: str) -> Any:
    if not isinstance(raw, Mapping):
        name = prefix.rstrip(".") or "the top level"
        raise ConfigError(f"{source}: {name}: expected a mapping of keys, got {_kind(raw)}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.init and f.name != "source"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(f"{source}: {prefix}{key}: unknown key (known keys here: {choices})")
        values[key] = _convert(hints[key], value, source, f"{prefix}{key}")
    try:
        return cls(**values)
    except ValueError as error:  # a section's own check (__post_init__) names the key it refused
        raise ConfigError(f"{source}: {prefix}{error}") from None


def _convert(hint: Any, value: Any, source: str, key: str) -> Any:
    """`value` as the type `hint` names, or a `ConfigError` naming `key`."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, {} if value is None else value, source, key + ".")
    if hint in _SCALARS:
        converted = _SCALARS[hint](value)
        if converted is not None:
            if hint is int and converted < 0:
                raise ConfigError(f"{source}: {key}: must not be negative, got {value}")
            return converted
    elif origin is tuple:
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            (item_hint, *_rest) = typing.get_args(hint)
            return tuple(_convert(item_hint, item, source, f"{key}[{i}]") for i, item in enumerate(items))
    elif origin in (collections.abc.Mapping, dict):
        if isinstance(value, Mapping):
            key_hint, value_hint = typing.get_args(hint)
            return types.MappingProxyType({
                _convert(key_hint, k, source, f"{key} key"): _convert(value_hint, v, source, f"{key}.{k}")
                for k, v in value.items()
            })
    else:  # pragma: no cover - a settings field of a type this loader does not know
        raise TypeError(f"unsupported settings type {hint!r} for {key}")
    raise ConfigError(f"{source}: {key}: expected {_describe(hint)}, got {_kind(value)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: Each scalar type's conversion: the value as that type, or None when it is not one.
_SCALARS: dict[type, Callable[[Any], Any]] = {
    bool: lambda value: value if isinstance(value, bool) else None,
    int: lambda value: value if isinstance(value, int) and _is_number(value) else None,
    float: lambda value: float(value) if _is_number(value) else None,
    str: lambda value: value if isinstance(value, str) else None,
}


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"a list of {_describe(typing.get_args(hint)[0])}s"
    if origin in (collections.abc.Mapping, dict):
        return "a mapping"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(hint, str(hint))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a whole number", float: "a number", str: f"text {value!r}",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
