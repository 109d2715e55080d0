"""Import benchmark: a real-shaped 100,000-record RIS imported and stored, side by side with
rispy's parse alone of the same file; and 100,000-record synthetic RIS and MEDLINE files.

The real-shaped file is ../shared/data/formats/asreview/_baseline.ris (100 records with full
abstracts, about 2.7 kB each) repeated with numbered titles, written to a temporary folder
at run time. Each case runs in a fresh process, so that its peak RSS is its own; the rispy
and screener cases alternate, round after round, so that both see the same machine.

    python bench/import_bench.py [--records 100000] [--rounds 3] [--synthetic] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED_BASELINE = Path(__file__).resolve().parents[2] / "shared/data/formats/asreview/_baseline.ris"

WORDS = [
    "mesenchymal",
    "stem",
    "cell",
    "secretome",
    "conditioned",
    "medium",
    "exosomes",
    "extracellular",
    "vesicles",
    "wound",
    "healing",
    "angiogenesis",
    "inflammation",
    "bone",
    "cartilage",
    "tendon",
    "regeneration",
    "rat",
    "rabbit",
    "adipose",
    "derived",
    "marrow",
    "umbilical",
    "cord",
    "hypoxia",
    "preconditioning",
    "hydrogel",
    "scaffold",
    "fibroblast",
    "keratinocyte",
    "migration",
    "proliferation",
    "collagen",
    "macrophage",
    "polarization",
]
JOURNALS = [
    ("Stem Cell Research & Therapy", "Stem Cell Res Ther"),
    ("Cytotherapy", "Cytotherapy"),
    ("Scientific Reports", "Sci Rep"),
    ("International Journal of Molecular Sciences", "Int J Mol Sci"),
]
FAMILY = ["Smith", "Ivanov", "Garcia", "Müller", "Wang", "Kim", "Rossi", "Eremin", "Dubois"]


def write_real_shaped(path: Path, count: int) -> None:
    """_baseline.ris repeated until ``count`` records, each title numbered (so that no two
    records are the same), with the original's BOM and CRLF line ends."""
    text = SHARED_BASELINE.read_bytes().decode("utf-8-sig")
    per_copy = text.count("\nER  -") + text.startswith("ER  -")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        for copy in range(-(-count // per_copy)):
            out.write(text.replace("\r\nTI  - ", f"\r\nTI  - [{copy}] "))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _fields(rng: random.Random, i: int) -> dict:
    journal = rng.choice(JOURNALS)
    start = rng.randint(1, 3000)
    return {
        "title": _sentence(rng, rng.randint(8, 18)),
        "abstract": ". ".join(_sentence(rng, rng.randint(10, 25)) for _ in range(8)) + ".",
        "authors": [
            (rng.choice(FAMILY), rng.choice("ABCDEFGHJK") + rng.choice(["", "A", "M"]))
            for _ in range(rng.randint(1, 8))
        ],
        "year": rng.randint(1995, 2026),
        "journal": journal,
        "volume": rng.randint(1, 60),
        "issue": rng.randint(1, 12),
        "pages": (start, start + rng.randint(1, 20)),
        "doi": f"10.{rng.randint(1000, 9999)}/bench.{i}",
        "pmid": 20000000 + i,
        "keywords": rng.sample(WORDS, 5),
    }


def write_ris(path: Path, count: int) -> None:
    rng = random.Random(42)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            f = _fields(rng, i)
            out.write(f"TY  - JOUR\nID  - {i}\nTI  - {f['title']}\n")
            for family, initials in f["authors"]:
                out.write(f"AU  - {family}, {initials}\n")
            out.write(
                f"PY  - {f['year']}/09//\nT2  - {f['journal'][0]}\nJ2  - {f['journal'][1]}\n"
                f"VL  - {f['volume']}\nIS  - {f['issue']}\nSP  - {f['pages'][0]}\n"
                f"EP  - {f['pages'][1]}\nDO  - https://doi.org/{f['doi']}\nAB  - {f['abstract']}\n"
            )
            for keyword in f["keywords"]:
                out.write(f"KW  - {keyword}\n")
            out.write("ER  - \n\n")


def _wrap(tag: str, text: str) -> str:
    lines, line = [], f"{tag:<4}- "
    for word in text.split():
        if len(line) + len(word) > 80:
            lines.append(line.rstrip())
            line = "      "
        line += word + " "
    lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def write_medline(path: Path, count: int) -> None:
    rng = random.Random(43)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            f = _fields(rng, i)
            out.write(f"PMID- {f['pmid']}\nOWN - NLM\nSTAT- MEDLINE\nDP  - {f['year']} Sep\n")
            out.write(_wrap("TI", f["title"]))
            out.write(_wrap("AB", f["abstract"]))
            for family, initials in f["authors"]:
                out.write(f"FAU - {family}, {initials}\nAU  - {family} {initials}\n")
            out.write(
                f"LA  - eng\nPT  - Journal Article\nTA  - {f['journal'][1]}\n"
                f"JT  - {f['journal'][0]}\nVI  - {f['volume']}\nIP  - {f['issue']}\n"
                f"PG  - {f['pages'][0]}-{str(f['pages'][1])[-2:]}\n"
                f"LID - {f['doi']} [doi]\nAID - {f['doi']} [doi]\n"
            )
            for keyword in f["keywords"]:
                out.write(f"OT  - {keyword}\n")
            out.write(f"SO  - {f['journal'][1]}. {f['year']};{f['volume']}:{f['pages'][0]}.\n\n")


def _measure(case: str, path: Path, workdir: Path) -> dict:
    """Runs in a child process: one case, timed, with its own peak RSS."""
    start = time.perf_counter()
    if case == "rispy":  # rispy's parse alone: read, decode, parse into dicts
        import rispy

        with path.open(encoding="utf-8-sig") as handle:
            count = len(rispy.load(handle))
    elif case == "parse":  # screener's check and parse, nothing stored
        from screener.importers.reading import open_file

        count = sum(1 for _ in open_file(path).records())
    else:  # "import": screener's import into a new project, stored and closed
        from screener.importers.service import import_files
        from screener.project import init_project, open_project

        project_path = init_project(workdir / f"project-{time.monotonic_ns()}")
        with open_project(project_path) as project:
            (result,) = import_files(project, [path])
            count = result.source.record_count
    seconds = time.perf_counter() - start
    if case == "import":
        shutil.rmtree(project_path)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": case, "file": path.name, "records": count, "seconds": seconds, "mb": peak_mb}


def _run(case: str, path: Path, workdir: Path) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--child", case, str(path), str(workdir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout)


def _row(r: dict) -> str:
    rate = r["records"] / r["seconds"]
    return (
        f"{r['case']:<8}{r['file']:<18}{r['records']:>9}{r['seconds']:>9.2f}{rate:>11.0f}"
        f"{r['mb']:>13.0f}"
    )


HEADER = f"{'case':<8}{'file':<18}{'records':>9}{'seconds':>9}{'records/s':>11}{'peak RSS MB':>13}"


def real_shaped(folder: Path, records: int, rounds: int) -> None:
    if not SHARED_BASELINE.is_file():
        print(f"skipped the real-shaped case: {SHARED_BASELINE} is not there")
        return
    path = folder / "real_shaped.ris"
    write_real_shaped(path, records)
    print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB, {records} records")
    print(HEADER)
    results: dict[str, list[dict]] = {"rispy": [], "import": []}
    for _ in range(rounds):
        for case in ("rispy", "import"):
            result = _run(case, path, folder)
            results[case].append(result)
            print(_row(result), flush=True)
    rispy = statistics.median(r["seconds"] for r in results["rispy"])
    screener = statistics.median(r["seconds"] for r in results["import"])
    peak = max(r["mb"] for r in results["import"])
    print(
        f"median of {rounds}: import + store {screener:.2f} s, rispy parse {rispy:.2f} s, "
        f"ratio {screener / rispy:.2f} (target <= 1.0); import peak RSS {peak:.0f} MB "
        "(target <= 1024)"
    )


def synthetic(folder: Path, records: int) -> None:
    files = [folder / "bench.ris", folder / "bench.nbib"]
    write_ris(files[0], records)
    write_medline(files[1], records)
    print(HEADER)
    for file in files:
        for case in ("parse", "import"):
            print(_row(_run(case, file, folder)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true", help="also the synthetic files")
    parser.add_argument("--keep", type=Path, help="write the generated files here")
    parser.add_argument(
        "--child", nargs=3, metavar=("CASE", "FILE", "WORKDIR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        case, file, workdir = args.child
        print(json.dumps(_measure(case, Path(file), Path(workdir))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        real_shaped(folder, args.records, args.rounds)
        if args.synthetic:
            synthetic(folder, args.records)


if __name__ == "__main__":
    main()
