"""Text as data: control characters as visible stand-ins, so that citation and user text
never moves the cursor, retitles the window or writes the clipboard of the terminal."""

from __future__ import annotations

import re

# C0 controls (but tab and newline), DEL and C1 controls (U+0080-U+009F, which some
# terminals obey as escapes too).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture", e.g. ␛ for ESC
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def visible(text: str, *, lines: bool = True) -> str:
    """``text`` with tabs as spaces and every other control character replaced by a
    visible stand-in (one character for C0 and DEL, ``\\x9b`` for C1); line breaks too
    unless ``lines`` (a one-line message keeps to one line whatever a file name holds)."""
    shown = CONTROL.sub(_stand_in, text.replace("\t", " "))
    return shown if lines else shown.replace("\n", "\u2424")


_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab, LF, CR
_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_problem(text: str, *, lines: bool) -> str | None:
    """What is wrong with control characters in ``text`` (None when nothing): a note may
    hold tabs and line breaks, CR LF ones too (``lines``), a name, a term or a path none."""
    found = (_IN_LINES if lines else _ANY).search(text)
    if found is None:
        return None
    return f"contains the control character U+{ord(found.group()):04X} at {found.start() + 1}"
