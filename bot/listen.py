"""Where `lessons serve` listens: its listening sockets bound before the workers start (so a taken
port is a one-line error, not gunicorn's retries), the limit of open files its connections need,
and the one line that says why it cannot listen."""
from __future__ import annotations

import dataclasses
import errno
import logging
import socket

from .config import ServerSettings
from .loading import UsageError

log = logging.getLogger("lessons")

#: Open files a worker needs besides its connections (listeners, pipes, logs, the state file...).
FILES_BESIDE_CONNECTIONS = 64


def bind(server: ServerSettings) -> list[socket.socket]:
    """Listening sockets on every address of `server.host` (one port for all when 0 picks one);
    a one-line `UsageError` when that fails."""
    try:
        found = socket.getaddrinfo(server.host, server.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(listen_error(server.host, server.port, ValueError(str(error)))) from None
    listeners: list[socket.socket] = []
    port = server.port
    try:
        for family, _, _, _, address in dict.fromkeys((f[0], f[1], f[2], f[3], f[4]) for f in found):
            listener = socket.socket(family, socket.SOCK_STREAM)
            listeners.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind((address[0], port, *address[2:]))
            listener.listen(server.backlog)
            port = listener.getsockname()[1]
    except OSError as error:
        for listener in listeners:
            listener.close()
        raise UsageError(listen_error(server.host, server.port, error)) from None
    return listeners


def allow_connections(server: ServerSettings) -> ServerSettings:
    """Raise this process's limit of open files to what `server.worker_connections` needs (up to
    the system's hard limit; workers inherit it), or lower the connections to what it allows."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return server
    wanted = server.worker_connections + FILES_BESIDE_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return server
    allowed = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))
    except (ValueError, OSError):
        allowed = soft
    if allowed < wanted:
        fewer = max(1, allowed - FILES_BESIDE_CONNECTIONS)
        log.warning("server.worker_connections lowered from %d to %d: the system allows %d open files a "
                    "process (raise it with ulimit -n, or LimitNOFILE under systemd)", server.worker_connections,
                    fewer, allowed)
        return dataclasses.replace(server, worker_connections=fewer)
    return server


def listen_error(host: str, port: int, error: OSError | ValueError) -> str:
    """One line saying why the server cannot listen, and what to do."""
    where = f"{url_host(host)}:{port}"
    if isinstance(error, ValueError):
        return f"cannot listen on {where}: no such address here; use an IP address of this machine or localhost"
    if error.errno == errno.EADDRINUSE:
        return f"cannot listen on {where}: the port is already in use (another server?); choose one with --port"
    if error.errno == errno.EACCES:
        return f"cannot listen on {where}: permission denied (ports below 1024 need privileges); choose one with --port"
    return f"cannot listen on {where}: {error.strerror or error}"


def url_host(host: str) -> str:
    """A host as it goes in a URL (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
