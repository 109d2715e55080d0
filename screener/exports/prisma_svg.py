"""A PRISMA 2020 flow diagram drawn as SVG by hand, legible printed on A4.

Written by hand because no renderer is bundled (Graphviz, as the R package uses, is not a
Python dependency): boxes are laid out on a fixed grid, text is wrapped to each box's width
with a conservative character width, and every box grows to fit its lines.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from screener.exports.kinds import ExportKind
from screener.exports.prisma_csv import counts_writer
from screener.prisma.counts import ColumnCounts, PrismaCounts

# One unit is 0.21 mm: A4 portrait is 1000 units wide, A4 landscape 1414.
MM_PER_UNIT = 0.21
FONT = 16.0  # units: 3.4 mm = 9.5 pt on paper at A4 width
TITLE_FONT = 17.0
LINE = 21.0
PAD = 10.0
CHAR = 0.56  # widest average character width of Helvetica/Arial text, in ems (conservative)
INDENT = 18.0
SUB = "\t"  # a paragraph starting with it is a sub-item, drawn indented
GAP_Y = 34.0
SIDE_X, SIDE_W = 10.0, 34.0
MIN_INCLUDED_HEIGHT = 110.0


@dataclass(frozen=True, slots=True)
class Box:
    """A box of the diagram: its place and its text lines (tests check each one)."""

    key: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    indented: tuple[bool, ...]  # per line: a sub-item (a database, a reason), set in
    bold_first: bool = False
    fill: str = "#ffffff"


def _n(count: int) -> str:
    # No-break spaces: a count is never split from its "(n =" when a line wraps.
    return f"(n\u00a0=\u00a0{count:,})"


def wrap(text: str, width: float, font: float = FONT) -> list[str]:
    """``text`` wrapped to lines that fit ``width`` units (padding excluded)."""
    chars = max(8, int((width - 2 * PAD) / (font * CHAR)))
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _lines(width: float, paragraphs: list[str]) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    lines: list[str] = []
    indented: list[bool] = []
    for paragraph in paragraphs:
        sub = paragraph.startswith(SUB)
        wrapped = wrap(paragraph.removeprefix(SUB), width - INDENT if sub else width)
        lines.extend(wrapped)
        indented.extend([sub] * len(wrapped))
    return tuple(lines), tuple(indented)


def _listing(pairs: tuple[tuple[str, int], ...]) -> list[str]:
    return [f"{SUB}{name} {_n(n)}" for name, n in pairs]


def _column_texts(column: ColumnCounts, prefix: str) -> dict[str, list[str]]:
    """The paragraphs of one column's boxes from screening on."""
    sought = [f"Reports sought for retrieval {_n(column.reports_sought)}"]
    if column.reports_awaiting_retrieval:
        sought.append(f"Reports awaiting retrieval {_n(column.reports_awaiting_retrieval)}")
    assessed = [f"Reports assessed for eligibility {_n(column.reports_assessed)}"]
    if column.reports_awaiting_assessment:
        assessed.append(f"Reports awaiting assessment {_n(column.reports_awaiting_assessment)}")
    excluded = [f"Reports excluded {_n(column.reports_excluded_total)}"]
    excluded += _listing(column.reports_excluded)
    return {
        f"{prefix}sought": sought,
        f"{prefix}not_retrieved": [f"Reports not retrieved {_n(column.reports_not_retrieved)}"],
        f"{prefix}assessed": assessed,
        f"{prefix}excluded": excluded,
    }


def box_texts(counts: PrismaCounts) -> dict[str, list[str]]:
    """Every box's paragraphs (before wrapping), by box key."""
    main = counts.main
    identified = ["Records identified from:", f"Databases {_n(counts.database_results)}"]
    identified += _listing(counts.databases)
    if counts.has_registers:
        identified.append(f"Registers {_n(counts.register_results)}")
        identified += _listing(counts.registers)
    screened = [f"Records screened {_n(main.records_screened)}"]
    if main.records_awaiting_screening:
        screened.append(f"Records awaiting screening {_n(main.records_awaiting_screening)}")
    texts = {
        "title_main": ["Identification of new studies via databases and registers"],
        "identified": identified,
        "removed": [
            "Records removed before screening:",
            f"Duplicate records removed {_n(counts.duplicates)}",
            f"Records marked as ineligible by automation tools {_n(counts.excluded_automatic)}",
            f"Records removed for other reasons {_n(counts.excluded_other)}",
        ],
        "screened": screened,
        "records_excluded": [f"Records excluded {_n(main.records_excluded)}"],
        **_column_texts(main, ""),
        "included": [
            f"Studies included in review {_n(counts.studies_included)}",
            f"Reports of included studies {_n(counts.reports_of_included_studies)}",
        ],
    }
    if counts.has_other_methods:
        texts["title_other"] = ["Identification of new studies via other methods"]
        texts["other_identified"] = [
            "Records identified from:",
            f"Websites {_n(counts.websites)}",
            f"Organisations {_n(counts.organisations)}",
            f"Citation searching {_n(counts.citations)}",
        ]
        texts.update(_column_texts(counts.other, "other_"))
    return texts


# Grid: (box key, column, row); columns are x and width, rows are laid out top down.
_MAIN_GRID = (
    ("title_main", "AB", 0),
    ("identified", "A", 1),
    ("removed", "B", 1),
    ("screened", "A", 2),
    ("records_excluded", "B", 2),
    ("sought", "A", 3),
    ("not_retrieved", "B", 3),
    ("assessed", "A", 4),
    ("excluded", "B", 4),
    ("included", "A", 5),
)
_OTHER_GRID = (
    ("title_other", "CD", 0),
    ("other_identified", "C", 1),
    ("other_sought", "C", 3),
    ("other_not_retrieved", "D", 3),
    ("other_assessed", "C", 4),
    ("other_excluded", "D", 4),
)
_PORTRAIT = {"A": (62.0, 430.0), "B": (552.0, 430.0)}
_LANDSCAPE = {"A": (62.0, 380.0), "B": (474.0, 380.0), "C": (902.0, 240.0), "D": (1164.0, 240.0)}


def layout(counts: PrismaCounts) -> tuple[list[Box], float, float]:
    """The boxes in place, the drawing's width and its height (units)."""
    texts = box_texts(counts)
    other = counts.has_other_methods
    columns = _LANDSCAPE if other else _PORTRAIT
    grid = _MAIN_GRID + (_OTHER_GRID if other else ())

    def span(cols: str) -> tuple[float, float]:
        x = columns[cols[0]][0]
        last_x, last_w = columns[cols[-1]]
        return x, last_x + last_w - x

    wrapped = {key: _lines(span(cols)[1], texts[key]) for key, cols, _ in grid}
    heights = {key: 2 * PAD + LINE * len(lines) for key, (lines, _) in wrapped.items()}
    # The side bar beside the included box must be tall enough for its rotated label.
    heights["included"] = max(heights["included"], MIN_INCLUDED_HEIGHT)
    row_y: list[float] = []
    y = 10.0
    for row in range(6):
        row_y.append(y)
        y += max(heights[key] for key, _, r in grid if r == row) + GAP_Y
    boxes = []
    for key, cols, row in grid:
        x, width = span(cols)
        title = row == 0
        fill = "#f6c343" if key == "title_main" else "#dcdcdc" if title else "#ffffff"
        if key.startswith("other_"):
            fill = "#eeeeee"
        bold = title or key in {"identified", "removed", "other_identified"}
        lines, indented = wrapped[key]
        boxes.append(Box(key, x, row_y[row], width, heights[key], lines, indented, bold, fill))
    width = 1414.0 if other else 1000.0
    return boxes, width, y - GAP_Y + 10.0


def _text(box: Box) -> str:
    parts = []
    for i, line in enumerate(box.lines):
        weight = ' font-weight="bold"' if box.bold_first and i == 0 else ""
        centre = box.key.startswith("title")
        x = box.x + box.width / 2 if centre else box.x + PAD + INDENT * box.indented[i]
        anchor = ' text-anchor="middle"' if centre else ""
        y = box.y + PAD + LINE * i + FONT * 0.95
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}"{anchor}{weight}>{escape(line)}</text>')
    return "".join(parts)


def _arrow(points: list[tuple[float, float]]) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="1.6" '
        'marker-end="url(#arrow)"/>'
    )


def _arrows(by_key: dict[str, Box]) -> list[str]:
    def right(a: str, b: str) -> str:
        box, to = by_key[a], by_key[b]
        y = box.y + min(box.height, to.height) / 2
        return _arrow([(box.x + box.width, y), (to.x - 2, y)])

    def down(a: str, b: str) -> str:
        box, to = by_key[a], by_key[b]
        x = box.x + box.width / 2
        return _arrow([(x, box.y + box.height), (x, to.y - 2)])

    found = []
    across = (
        ("identified", "removed"),
        ("screened", "records_excluded"),
        ("sought", "not_retrieved"),
        ("assessed", "excluded"),
        ("other_sought", "other_not_retrieved"),
        ("other_assessed", "other_excluded"),
    )
    for a, b in across:
        if a in by_key:
            found.append(right(a, b))
    for a, b in (
        ("identified", "screened"),
        ("screened", "sought"),
        ("sought", "assessed"),
        ("assessed", "included"),
        ("other_identified", "other_sought"),
        ("other_sought", "other_assessed"),
    ):
        if a in by_key:
            found.append(down(a, b))
    if "other_assessed" in by_key:
        # Other methods join the included box from the right, under the main column.
        source, to = by_key["other_assessed"], by_key["included"]
        x = source.x + source.width / 2
        y = to.y + to.height / 2
        found.append(_arrow([(x, source.y + source.height), (x, y), (to.x + to.width + 2, y)]))
    return found


def _side_bars(by_key: dict[str, Box]) -> list[str]:
    phases = (
        ("Identification", "identified", "identified"),
        ("Screening", "screened", "assessed"),
        ("Included", "included", "included"),
    )
    bars = []
    for label, first, last in phases:
        top = by_key[first].y
        bottom = max(b.y + b.height for b in by_key.values() if b.y == by_key[last].y)
        cx, cy = SIDE_X + SIDE_W / 2, (top + bottom) / 2
        bars.append(
            f'<rect x="{SIDE_X}" y="{top:.1f}" width="{SIDE_W}" height="{bottom - top:.1f}" '
            f'rx="8" fill="#b8cce4" stroke="#6f8fb5"/>'
            f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" dominant-baseline="central" '
            f'font-weight="bold" transform="rotate(-90 {cx:.1f} {cy:.1f})">{label}</text>'
        )
    return bars


def prisma_svg_text(counts: PrismaCounts, title: str = "") -> str:
    """The flow diagram as a standalone SVG document sized for A4 paper."""
    boxes, width, height = layout(counts)
    by_key = {b.key: b for b in boxes}
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * MM_PER_UNIT:.1f}mm" '
        f'height="{height * MM_PER_UNIT:.1f}mm" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="{FONT:g}">',
        f"<title>{escape(title or 'PRISMA 2020 flow diagram')}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        *_side_bars(by_key),
        *_arrows(by_key),
    ]
    for box in boxes:
        radius = ' rx="8"' if box.key.startswith("title") else ""
        parts.append(
            f'<g id={quoteattr("box-" + box.key)}><rect x="{box.x:.1f}" y="{box.y:.1f}" '
            f'width="{box.width:.1f}" height="{box.height:.1f}"{radius} fill="{box.fill}" '
            f'stroke="#000" stroke-width="1.4"/>{_text(box)}</g>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "prisma-svg",
        "PRISMA 2020 flow diagram as SVG (A4)",
        "prisma.svg",
        counts_writer(prisma_svg_text, "PRISMA diagram"),
        "A PRISMA 2020 flow diagram for A4 paper, with an other-methods column when some files "
        "were imported with --method website, organisation or citation, and the records, "
        "reports still awaiting screening, retrieval or assessment shown where there are any.",
    ),
)
