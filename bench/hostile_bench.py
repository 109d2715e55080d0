"""Times of the inputs issue 19 found slow: highlight terms with many wildcards, and a
protocol with 100,000 exclusion reasons. Prints one line per case (best of three runs).

    python bench/hostile_bench.py
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable

from screener import protocol
from screener.screening.highlight import find_highlights


def best_of_three(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    thirty = "*".join("a" * 31)  # 30 wildcards
    cases: list[tuple[str, Callable[[], object]]] = [
        ("highlight a*a*a*a*b, 200 letters", lambda: find_highlights("a" * 200, ["a*a*a*a*b"], [])),
        (
            "highlight 30 wildcards, 5,000 letters",
            lambda: find_highlights("a" * 5000, [thirty], []),
        ),
        (
            "highlight 30 wildcards + b, 5,000 letters",
            lambda: find_highlights("a" * 5000, [thirty + "b"], []),
        ),
        (
            "highlight 30 wildcards, 2,000 words of 50 letters",
            lambda: find_highlights(" ".join(["a" * 50] * 2000), [thirty + "b"], []),
        ),
    ]
    data = tomllib.loads(protocol.template("Bench"))
    reasons = [{"code": f"r{i}", "label": f"Reason {i}"} for i in range(100_000)]
    data["stages"]["title_abstract"]["reasons"] = reasons
    cases.append(("protocol with 100,000 reasons", lambda: protocol.parse(data)))
    for name, work in cases:
        print(f"{name:<52} {best_of_three(work):8.4f} s")


if __name__ == "__main__":
    main()
