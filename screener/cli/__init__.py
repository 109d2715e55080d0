"""The command line: thin commands over the core, each with help text and an example.

One module per command group; what they share is in :mod:`screener.cli.common`.
"""

from __future__ import annotations

import click

from screener import __version__
from screener.cli import (
    conflicts,
    dedup,
    exports,
    extraction,
    importing,
    prisma,
    project,
    screening,
    show,
    simulate,
    sync,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screener")
def main() -> None:
    """screener: keyboard-first systematic review screening in the terminal.

    \b
    Example:
      screener init projects/my-review --title "MSC secretome for wound healing"
      screener import projects/my-review pubmed.nbib embase.ris --searched-on 2026-11-01
      screener status projects/my-review
    """


for command in (
    project.init,
    importing.import_,
    dedup.dedup_command,
    exports.export,
    project.status,
    project.sources,
    project.demo,
    screening.screen_command,
    screening.decide_command,
    conflicts.conflicts_command,
    conflicts.resolve_command,
    conflicts.resolve_tags_command,
    show.show_command,
    screening.agreement_command,
    screening.retrieval_command,
    extraction.extract,
    prisma.prisma,
    simulate.simulate_command,
    sync.sync,
):
    main.add_command(command)
