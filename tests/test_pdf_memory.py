"""A report's memory is bounded whatever the size of its sheet (issue 12 part 5).

Two generated trees, each a copy of the fixture atlas plus one outsized territory: a sheet of about
1 MiB (the largest the format accepts: 10,000 curated indicators, 2,000 sources, a long summary)
and a territory of 2,000 hubs with 2,000 partnerships. Each report is built in a child process
(load, score, render, write, as `atlas pdf` does) whose own peak resident memory (VmHWM) must
stay under 1 GiB; the PDF, read back with pypdf, shows the cap lines that point to the site.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from generator import formats
from generator.pdf.report import CAPS
from generator.sheet_parser import MAX_BYTES as MAX_SHEET_BYTES

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "atlas"
ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 11, 26)
LIMIT = 1 << 30  # 1 GiB

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from datetime import date
    from pathlib import Path
    from generator.load import load_valid_atlas
    from generator.pdf import write_reports
    tree, out, tid = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    start = time.perf_counter()
    atlas = load_valid_atlas(tree, as_of=date(2025, 11, 26))
    write_reports(atlas, out, [tid], whole_atlas=False, jobs=1, pictures={})
    # this process's own peak: VmHWM is its address space's, made new by exec; ru_maxrss keeps the larger peak of
    # the process before exec, here the pytest worker that forked it (1 GiB after other tests, once in CI)
    try:
        status = Path("/proc/self/status").read_text()
        peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) * 1024
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak": peak, "seconds": time.perf_counter() - start}))
""")


def _report_in_child(tree: Path, out: Path, tid: str) -> tuple[str, int]:
    """Build one report in a fresh interpreter: (its text, the child's peak RSS in bytes)."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(out), tid], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    reader = PdfReader(io.BytesIO((out / f"{tid}.pdf").read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    return text, result["peak"]


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "territories"
    shutil.copytree(FIXTURE, tree)
    return tree


def _huge_sheet(tree: Path, tid: str) -> int:
    """A territory sheet just under the format's 1 MiB: returns its size in bytes."""
    n_sources, n_indicators = 2000, 10000
    lines = ["name: Territoire démesuré", "level: departement", "parent: bourgogne-franche-comte",
             "updated: 2025-11-01", "contributors:"] + [f"  - Contributeur {i}" for i in range(60)]
    lines.append("sources:")
    for i in range(n_sources):
        lines += [f"  s{i:04d}:", f"    title: Étude {i}"]
    lines.append("pillars:")
    per_pillar = n_indicators // 5
    for p, key in enumerate(("metropolisation", "health", "knowledge", "identity", "environment")):
        lines += [f"  {key}:", "    rating: 3", "    rationale: Justification.", "    indicators:"]
        for i in range(per_pillar):
            k = p * per_pillar + i
            lines.append(f"      - {{label: Indicateur {k:05d}, value: {k}, year: 2024, source: s{k % n_sources:04d}}}")
    body = "\n".join(lines) + "\n"
    paragraph = "Un long texte de présentation, répété pour remplir la fiche. " * 8
    room = MAX_SHEET_BYTES - len(body.encode()) - 200
    summary = ["summary: |"]
    while room > len(paragraph) + 4:
        summary += [f"  {paragraph}", ""]
        room -= len(paragraph.encode()) + 4
    body = "\n".join(summary) + "\n" + body
    folder = tree / tid
    folder.mkdir()
    (folder / "territory.yml").write_text(body, encoding="utf-8")
    return len(body.encode())


def _many_hubs(tree: Path, tid: str, n: int) -> None:
    """An intercommunalité with `n` hubs, each a partner of the next one, each with a few figures."""
    folder = tree / tid
    (folder / "hubs").mkdir(parents=True)
    (folder / "territory.yml").write_text(
        "name: Intercommunalité foisonnante\nlevel: epci\nparent: doubs\nupdated: 2025-11-01\n", encoding="utf-8")
    for i in range(n):
        partner = f"pole-{(i + 1) % n:04d}"
        (folder / "hubs" / f"pole-{i:04d}.yml").write_text(
            f"name: Pôle {i:04d}\ntypes: [fab-lab]\n"
            f"status: {{value: active, year: 2019, source: insee-rp-2021}}\n"
            f"partners: [{partner}]\nupdated: 2025-11-01\n"
            f"figures:\n" + "".join(f"  - {{label: Chiffre {j}, value: {j}, source: insee-rp-2021}}\n"
                                    for j in range(CAPS.figures + 3)),
            encoding="utf-8")


def test_a_1_mib_sheet_makes_a_capped_report_under_1_gib(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    size = _huge_sheet(tree, "demesure")
    assert MAX_SHEET_BYTES - 4096 < size <= MAX_SHEET_BYTES  # the largest sheet the format accepts
    text, peak = _report_in_child(tree, tmp_path / "out", "demesure")
    assert peak < LIMIT, f"peak {peak / 2**20:.0f} MiB"
    per_pillar = 10000 // 5
    rest = formats.number(per_pillar - CAPS.indicators).replace("\u202f", " ").replace("\u00a0", " ")
    assert text.count(f"{rest} autres faits marquants : voir le site, page territoires/demesure/") == 5
    assert "Indicateur 00000" in text and f"Indicateur {CAPS.indicators - 1:05d}" in text
    assert f"Indicateur {CAPS.indicators:05d}" not in text
    assert "autres sources : voir le site, page territoires/demesure/" in text
    assert "caractères de plus) : voir le site, page territoires/demesure/" in text  # the summary, cut
    assert f"et {60 - CAPS.contributors} autres contributeurs" in text


def test_a_territory_of_2000_hubs_makes_a_capped_report_under_1_gib(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    _many_hubs(tree, "foisonnante", 2000)
    text, peak = _report_in_child(tree, tmp_path / "out", "foisonnante")
    assert peak < LIMIT, f"peak {peak / 2**20:.0f} MiB"
    hubs_rest = 2000 - CAPS.hub_details - CAPS.hub_rows
    number = formats.number(hubs_rest).replace("\u202f", " ").replace("\u00a0", " ")
    assert f"{number} autres lieux d’innovation : voir le site, page territoires/foisonnante/" in text
    partnerships_rest = formats.number(2000 - CAPS.partnerships).replace("\u202f", " ").replace("\u00a0", " ")
    assert f"{partnerships_rest} autres partenariats : voir le site, page territoires/foisonnante/" in text
    assert "3 autres chiffres : voir le site, page hubs/pole-0000/" in text  # a hub's figures, capped too
    assert "Pôle 0000" in text and f"Pôle {CAPS.hub_details + CAPS.hub_rows - 1:04d}" in text
    assert f"Pôle {CAPS.hub_details + CAPS.hub_rows:04d}" not in text  # not in the partnerships' first rows either
    assert "En activité en 2019 — à vérifier" in text  # an old status (not the census's), never shown as current
