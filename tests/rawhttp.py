"""Talking to the lab server byte by byte, for tests of what a client library would refuse
to send (malformed request lines, odd Host headers, hand-made chunked bodies)."""

import socket

from labserver import LabServer


def exchange(server: LabServer, data: bytes, timeout: float = 5) -> bytes:
    """Send ``data`` as is on a fresh connection and read one whole answer (up to its
    Content-Length, or the end of the connection)."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            head, found, body = answer.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if found and length is not None and len(body) >= length:
                break
    return answer


def status_and_body(answer: bytes) -> tuple[int, str]:
    """The status of a real ``HTTP/1.x`` status line (asserted present) and the body."""
    head, _, body = answer.partition(b"\r\n\r\n")
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    assert line.startswith(("HTTP/1.0 ", "HTTP/1.1 ")), f"no status line: {answer[:100]!r}"
    return int(line.split()[1]), body.decode("utf-8", "replace")


def locations(answer: bytes) -> list[str]:
    """Every Location header of the answer, as sent (the server writes ``Name: value``)."""
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1")
    return [line.partition(": ")[2] for line in head.split("\r\n")
            if line.lower().startswith("location:")]
