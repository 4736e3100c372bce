"""The server's lifecycle in a kernel: start once, stop cleanly, start again."""

import socket
import threading

import httpx
import pytest

import labserver
from labserver import LabServer


def test_start_is_idempotent_and_returns_the_same_server():
    try:
        first = labserver.start()
        again = labserver.start()
        assert again is first and first.running
        assert httpx.get(first.url + "/echo").status_code == 200
    finally:
        labserver.stop()
    assert not first.running


def test_stop_frees_the_port_and_ends_the_thread():
    server = LabServer().start()
    port = server.port
    server.stop()
    assert not any(t.name == "labserver" for t in threading.enumerate())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # raises if the port were still held


def test_start_stop_start_again_serves_requests():
    server = LabServer()
    for _ in range(3):
        with server:
            assert httpx.get(server.url + "/echo").status_code == 200
        assert not server.running


def test_stop_twice_is_harmless():
    server = LabServer().start()
    server.stop()
    server.stop()


def test_repr_shows_no_port():
    with LabServer() as server:
        assert str(server.port) not in repr(server)
        assert repr(server) == "<LabServer 'lab' running on http://127.0.0.1>"


def test_binds_loopback_only_unless_asked():
    with pytest.raises(ValueError, match="loopback only"):
        LabServer(host="0.0.0.0")


def test_port_is_unavailable_before_start():
    with pytest.raises(RuntimeError, match="not running"):
        LabServer().url


def test_serving_writes_no_request_log(capfd):
    with LabServer() as server:
        httpx.get(server.url + "/echo")
        httpx.get(server.url + "/nowhere")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
