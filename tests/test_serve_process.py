"""`atlas serve` as a process: a taken port is one message, and SIGTERM stops the whole preview."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
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


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as page:
            return page.status, page.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _wait_for(check, what: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"the preview did not show {what} within {timeout} s")


@pytest.mark.slow
def _serve(project: Path) -> tuple[subprocess.Popen[bytes], int, list[str]]:
    """A real `atlas serve` of the project folder on a free port, and the lines it says, gathered as it says them."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1764115200", ATLAS_LANG="fr")
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port),
                                "--docs-dir", str(project / "docs")],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(line.decode("utf-8", "replace") for line in process.stderr),
                     daemon=True).start()
    return process, port, said


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_served_page_shows_a_saved_sheet_keeps_the_last_good_one_and_follows_added_and_removed_hubs(
        tmp_path: Path) -> None:
    """A real `atlas serve`: each save reaches the page served over HTTP (regenerated, then rebuilt by
    the preview's engine, generator.serve_engine); a sheet with errors keeps the last good page."""
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    process, port, said = _serve(tmp_path)
    page = f"http://127.0.0.1:{port}/hubs/living-lab-sante/"
    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    text = hub.read_text(encoding="utf-8")
    try:
        _wait_for(lambda: _get(page)[0] == 200, "the hub's page", 300)
        assert "Living Lab Santé" in _get(page)[1]

        hub.write_text(text.replace("name: Living Lab Santé", "name: Living Lab Santé et autonomie"),
                       encoding="utf-8")
        _wait_for(lambda: "Living Lab Santé et autonomie" in _get(page)[1], "the new name")
        partner = f"http://127.0.0.1:{port}/hubs/fablab-besancon/"  # names it among its partners
        _wait_for(lambda: "Living Lab Santé et autonomie" in _get(partner)[1], "the new name on the partner's page")

        errors = len([line for line in said if "l'aperçu garde les dernières bonnes pages" in line])
        hub.write_text("name: [\n", encoding="utf-8")
        _wait_for(lambda: len([line for line in said if "l'aperçu garde les dernières bonnes pages" in line])
                  > errors, "the error")
        assert any("living-lab-sante.yml" in line for line in said)
        assert "Living Lab Santé et autonomie" in _get(page)[1]  # the last good page

        hub.write_text(text.replace("name: Living Lab Santé", "name: Living Lab Santé, réparé"), encoding="utf-8")
        _wait_for(lambda: "Living Lab Santé, réparé" in _get(page)[1], "the fixed sheet")

        added = hub.with_name("living-lab-bis.yml")
        added.write_text(text.replace("id: living-lab-sante", "id: living-lab-bis").replace(
            "name: Living Lab Santé", "name: Second Living Lab"), encoding="utf-8")
        new_page = f"http://127.0.0.1:{port}/hubs/living-lab-bis/"
        _wait_for(lambda: "Second Living Lab" in _get(new_page)[1], "an added hub")
        added.unlink()
        _wait_for(lambda: _get(new_page)[0] == 404, "a removed hub gone")
        assert "Living Lab Santé, réparé" in _get(page)[1]
    finally:
        _stop(process)
    assert "Traceback" not in "".join(said), "".join(said)[-3000:]


def _stop_preview_after(seconds: float) -> threading.Event:
    """SIGTERM to this process after `seconds` (unless the returned event is set first), once the preview
    handles it (before, it would end the tests): a deadline for an in-process `atlas serve`."""
    from generator.watcher import interrupt

    cancel = threading.Event()

    def stop() -> None:
        if cancel.wait(seconds):
            return
        while signal.getsignal(signal.SIGTERM) is not interrupt and not cancel.wait(0.2):
            pass
        if not cancel.is_set():
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=stop, daemon=True).start()
    return cancel


@pytest.mark.slow  # a preview of the fixture atlas, its engine started: CI runs it
def test_a_save_during_the_first_generation_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first generation takes a minute on the national atlas: a sheet saved meanwhile, after it was read,
    is made again once it ends (the files were followed only from its end: the save was never shown)."""
    from generator import serve

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    sheets = tmp_path / "territories"
    shutil.copytree(FIXTURE_ATLAS, sheets)
    hub = sheets / "grand-besancon-metropole" / "hubs" / "living-lab-sante.yml"
    text = hub.read_text(encoding="utf-8")
    real_first, real_saved = serve.Regenerator.run_first, serve.Regenerator.run_saved
    saved: list[set[Path]] = []

    def first(self: serve.Regenerator) -> bool:
        done = real_first(self)  # the sheets read, the pages written: the hub saved before the generation ends
        hub.write_text(text.replace("name: Living Lab Santé", "name: Living Lab Santé et autonomie"), encoding="utf-8")
        return done

    def after_save(self: serve.Regenerator, files: set[Path]) -> bool:
        done = real_saved(self, files)
        saved.append({path.absolute() for path in files})
        os.kill(os.getpid(), signal.SIGTERM)  # the save made: the preview stops, as `kill` stops it
        return done

    monkeypatch.setattr(serve.Regenerator, "run_first", first)
    monkeypatch.setattr(serve.Regenerator, "run_saved", after_save)
    cancel = _stop_preview_after(60)  # were the save never told
    try:
        assert main(["serve", "--port", str(_free_port()), "--docs-dir", "docs"]) == 130
    finally:
        cancel.set()
    assert saved == [{hub.absolute()}]
    assert "Living Lab Santé et autonomie" in (tmp_path / "docs" / "hubs" / "living-lab-sante.md").read_text(
        encoding="utf-8")


@pytest.mark.slow  # a preview of the fixture atlas: CI runs it
def test_the_preview_follows_a_save_of_mkdocs_yml(tmp_path: Path) -> None:
    """mkdocs.yml was read once: its site name (on every page), its nav or its edit links saved were not shown
    until the preview was started again."""
    shutil.copytree(FIXTURE_ATLAS, tmp_path / "territories")
    config = tmp_path / "mkdocs.yml"  # the project's own
    shutil.copy(ROOT / "mkdocs.yml", config)
    process, port, said = _serve(tmp_path)
    page = f"http://127.0.0.1:{port}/hubs/living-lab-sante/"
    try:
        _wait_for(lambda: "Atlas des territoires de demain" in _get(page)[1], "the hub's page", 300)
        config.write_text(config.read_text(encoding="utf-8").replace(
            "site_name: Atlas des territoires de demain", "site_name: Atlas en essai"), encoding="utf-8")
        _wait_for(lambda: "Atlas en essai" in _get(page)[1], "the new site name")
        assert "Atlas en essai" in _get(f"http://127.0.0.1:{port}/")[1]  # every page, not only the ones made again

        good = config.read_text(encoding="utf-8")
        config.write_text("nav: [\n", encoding="utf-8")  # a save that cannot be read: said, the pages kept
        _wait_for(lambda: "mkdocs.yml:1:6 : YAML invalide : la liste ouverte ici par '[' n'est jamais fermée (piste "
                  ": fermez-la par ']' sur la même ligne : nav: []) ; l'aperçu garde les dernières bonnes pages" in
                  "".join(said).replace("\n", " "), "the unreadable mkdocs.yml said")  # at its line, as a sheet's
        assert "Atlas en essai" in _get(page)[1]
        config.write_text(good.replace("site_name: Atlas en essai", "site_name: Atlas réparé"), encoding="utf-8")
        _wait_for(lambda: "Atlas réparé" in _get(page)[1], "the mended mkdocs.yml")
    finally:
        _stop(process)
    assert "Traceback" not in "".join(said), "".join(said)[-3000:]
    assert "et de mkdocs.yml\n" in "".join(said), "".join(said)  # the start line names the file followed
