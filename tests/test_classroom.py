"""Classrooms: many learners' kernels on one host, each with its own lab server."""

from jupyter_client.manager import start_new_kernel

CELL = """
import httpx, labserver
server = labserver.start()
httpx.get(server.url + "/echo", params={"kernel": KERNEL})
print(server.port, [e.query for e in server.journal.since()])
"""


def _run(client, code: str) -> str:
    outputs = []
    client.execute_interactive(code, output_hook=lambda msg: outputs.append(
        msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None, timeout=60)
    return "".join(outputs)


def test_several_kernels_each_get_their_own_server_and_journal():
    kernels = [start_new_kernel(kernel_name="python3") for _ in range(3)]
    try:
        seen = [_run(client, CELL.replace("KERNEL", str(n))).split(" ", 1)
                for n, (_, client) in enumerate(kernels)]
    finally:
        for manager, client in kernels:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    ports = {port for port, _ in seen}
    assert len(ports) == 3
    for n, (_, journal) in enumerate(seen):
        assert journal.strip() == str([f"kernel={n}"])


def test_the_environment_check_says_which_episodes_need_a_missing_program(server, monkeypatch):
    from labserver.clients import CurlClient
    from labserver.teaching.environment import check_environment

    monkeypatch.setattr(CurlClient, "unavailable_reason",
                        classmethod(lambda cls: "curl is not installed: apt-get install curl"))
    row = check_environment(server).loc["curl"]
    assert not row["ok"] and row["result"] == "missing"
    assert row["to fix"] == "curl is not installed: apt-get install curl"
    assert row["needed by"].startswith("episodes ") and "10" in row["needed by"]


def _apt_packages(text: str) -> set[str]:
    import re

    joined = text.replace("\\\n", " ")
    words = re.search(r"apt-get install[^\n&>]*", joined).group(0).split()
    return {w for w in words if re.fullmatch(r"[a-z][a-z0-9.+-]+", w)} - {
        "apt-get", "install", "rm", "update"}


def test_the_classroom_image_and_ci_install_every_program_the_environment_check_looks_for():
    from pathlib import Path

    from labserver.teaching.environment import DEBIAN_PACKAGES, NEED_CHECKS

    root = Path(__file__).resolve().parent.parent
    wanted = {package for packages in DEBIAN_PACKAGES.values() for package in packages}
    assert set(DEBIAN_PACKAGES) == set(NEED_CHECKS)
    assert _apt_packages((root / "binder" / "Dockerfile").read_text(encoding="utf-8")) == wanted
    assert _apt_packages((root / ".ci" / "run").read_text(encoding="utf-8")) == wanted
