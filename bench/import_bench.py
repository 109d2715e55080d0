"""Import benchmark: parse and parse + store of 100,000-record RIS and MEDLINE files.

Generates the files deterministically (seeded), then measures each case in a fresh process so
that peak RSS belongs to that case alone. Prints records/second and peak RSS.

    python bench/import_bench.py [--records 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    "bone",
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
    from screener.importers.reading import open_file
    from screener.importers.service import import_files
    from screener.project import init_project, open_project

    start = time.perf_counter()
    if case == "parse":  # read, decode and parse, as an import does
        count = sum(1 for _ in open_file(path, path.read_bytes()).records())
    else:
        project_path = init_project(workdir / f"project-{path.name}")
        with open_project(project_path) as project:
            (result,) = import_files(project, [path])
            count = result.source.record_count
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "case": case,
        "file": path.name,
        "records": count,
        "seconds": round(seconds, 2),
        "records_per_second": round(count / seconds),
        "peak_rss_mb": round(peak_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
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
        files = [folder / "bench.ris", folder / "bench.nbib"]
        write_ris(files[0], args.records)
        write_medline(files[1], args.records)
        print(
            f"{'case':<14}{'file':<12}{'records':>9}{'seconds':>9}{'records/s':>11}"
            f"{'peak RSS MB':>13}"
        )
        for file in files:
            for case in ("parse", "parse+store"):
                child = subprocess.run(
                    [sys.executable, __file__, "--child", case, str(file), tmp],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = json.loads(child.stdout)
                print(
                    f"{r['case']:<14}{r['file']:<12}{r['records']:>9}{r['seconds']:>9}"
                    f"{r['records_per_second']:>11}{r['peak_rss_mb']:>13}"
                )


if __name__ == "__main__":
    main()
