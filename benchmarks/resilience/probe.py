"""Asking one particular Gunicorn worker, and knowing which worker answered.

The service's answers do not say which worker produced them (a pid in a response
header would tell every client about the process layout), and ``/stats`` and
``/lists`` are per worker. On Linux the harness can tell from outside: the
connection's server-side socket appears in ``/proc/net/tcp`` with an inode, and
exactly one process — the worker that accepted it — holds that inode among its open
file descriptors. ``Probe`` opens a keep-alive connection, sends a request, and
after the answer (the worker has accepted by then; the connection is still open)
looks the owner up. ``on_worker`` repeats with new connections until the wanted
worker accepts one, then sends the real request over it. Loopback only; the
workers run as the same user as the harness, so their fds are readable.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    status: int  # 0: transport failure
    body: bytes
    pid: int | None  # the worker that answered (None: could not tell)
    headers: dict[str, str]
    error: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def _hex_addr(port: int) -> str:
    return f"0100007F:{port:04X}"  # 127.0.0.1, as /proc/net/tcp writes it (little-endian address)


def socket_inode(server_port: int, client_port: int) -> int | None:
    """Inode of the server side of the loopback connection client_port → server_port."""
    local, remote = _hex_addr(server_port), _hex_addr(client_port)
    try:
        with open("/proc/net/tcp", encoding="ascii") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[1] == local and fields[2] == remote:
                    return int(fields[9]) or None
    except (OSError, IndexError, ValueError):
        return None
    return None


def owner(inode: int, pids: list[int]) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None


def connections_by_worker(server_port: int, pids: list[int]) -> dict[int, int]:
    """Established client connections to ``server_port`` each worker holds."""
    local = _hex_addr(server_port)
    inodes: set[str] = set()
    try:
        with open("/proc/net/tcp", encoding="ascii") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[1] == local and fields[3] == "01":  # 01: ESTABLISHED
                    inodes.add(f"socket:[{fields[9]}]")
    except (OSError, IndexError):
        return {}
    counts = {}
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            links = []
        counts[pid] = sum(1 for link in links if link in inodes)
    return counts


class Probe:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:port (blocking, small answers)."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.client_port = self.sock.getsockname()[1]
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worker(self, pids: list[int]) -> int | None:
        inode = socket_inode(self.port, self.client_port)
        return owner(inode, pids) if inode else None

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(data)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        try:
            self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + data)
            status, answer_headers, payload = self._read_answer()
        except (OSError, ValueError) as exc:
            return Answer(0, b"", None, {}, f"{type(exc).__name__}: {exc}")
        return Answer(status, payload, None, answer_headers)

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed by the server")
            self.buf += chunk
        head, self.buf = self.buf.split(marker, 1)
        return head

    def _read_answer(self) -> tuple[int, dict[str, str], bytes]:
        lines = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed mid-body")
            self.buf += chunk
        payload, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, payload


def ask(port: int, method: str, path: str, pids: list[int], body: Any = None,
        headers: dict[str, str] | None = None, timeout: float = 10.0) -> Answer:
    """One request on a new connection; the answer names the worker that gave it."""
    try:
        with Probe(port, timeout) as p:
            answer = p.request(method, path, body, headers)
            answer.pid = p.worker(pids)
            return answer
    except OSError as exc:
        return Answer(0, b"", None, {}, f"{type(exc).__name__}: {exc}")


def on_worker(port: int, pid: int, pids: list[int], method: str, path: str, body: Any = None,
              headers: dict[str, str] | None = None, attempts: int = 60, timeout: float = 10.0) -> Answer:
    """``method path`` answered by worker ``pid``: new connections (each first asks /health/live,
    which tells whose it is) until that worker accepts one; ``Answer.pid`` None if it never did."""
    for _ in range(attempts):
        try:
            with Probe(port, timeout) as p:
                if p.request("GET", "/health/live").status == 0:
                    time.sleep(0.02)
                    continue
                if p.worker(pids) != pid:
                    continue
                answer = p.request(method, path, body, headers)
                answer.pid = pid
                return answer
        except OSError:
            time.sleep(0.02)
    return Answer(0, b"", None, {}, f"worker {pid} accepted none of {attempts} connections")
