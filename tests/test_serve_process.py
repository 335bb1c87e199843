"""`atlas serve` as a process: a taken port is one message, and SIGTERM stops the whole preview."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURE_ATLAS, ROOT
from generator.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_taken_port_is_one_clear_message(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE_ATLAS, tmp_path / "territories")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
        err = capsys.readouterr().err
        assert main(["serve", "--lang", "en", "--port", str(port)]) == 1
        err_en = capsys.readouterr().err
    assert f"le port {port} est déjà utilisé sur 127.0.0.1 ; arrêtez l'autre serveur ou choisissez un autre port " \
           f"avec --port {port + 1}" in err and "Traceback" not in err
    assert f"port {port} is already in use on 127.0.0.1; stop the other server or choose another port with " \
           f"--port {port + 1}" in err_en and "Traceback" not in err_en


def test_sigterm_stops_the_preview_and_its_server(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_ATLAS, tmp_path / "territories")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1764115200")
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port),
                                "--docs-dir", str(tmp_path / "docs")],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    if page.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the preview did not start")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.5)
    with socket.socket() as again:  # the MkDocs server is gone: the port is free
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
