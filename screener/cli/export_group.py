"""The `screener export` group: every registered export kind is a sub-command of it."""

from __future__ import annotations

from pathlib import Path

import click

from screener.errors import ScreenerError


class ExportGroup(click.Group):
    """A click group that also offers, as ``screener export NAME PROJECT [-o PATH]``, each
    kind of screener.exports.registry that has no command of its own. The registry (and
    with it every writer module) is imported only when the export group is used, so the
    rest of the command line starts as fast as before."""

    def _kinds(self) -> dict[str, object]:
        from screener.exports.registry import all_kinds

        return {kind.name: kind for kind in all_kinds()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._kinds()))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its kind's whole summary (click would cut it at 45 characters)."""
        kinds = self._kinds()
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            summary = getattr(kinds.get(name), "summary", None)
            rows.append((name, summary or command.get_short_help_str(limit=70)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        kind = self._kinds().get(cmd_name)
        return None if kind is None else kind_command(kind)


def kind_command(kind: object) -> click.Command:
    """``screener export NAME PROJECT [-o PATH]`` for a kind without options of its own."""
    from screener.cli.output import export_target, output_option
    from screener.exports.kinds import ExportKind

    assert isinstance(kind, ExportKind)

    def run(project: Path, output: str | None) -> None:
        from rich.markup import escape

        from screener.cli import _fail, _project, err, out

        with _project(project) as opened:
            target = export_target(output, opened, kind.default_file)
            try:
                with err.status(f"Writing {kind.name}…"):
                    written = kind.write(opened, target)
            except ScreenerError as exc:
                _fail(str(exc))
            except OSError as exc:
                _fail(f"{target}: cannot write: {exc.strerror or exc}")
        out.print(f"Wrote {escape(', '.join(str(p) for p in written))}")

    run = click.argument("project", type=click.Path(path_type=Path))(
        output_option(kind.default_file)(run)
    )
    return click.command(
        kind.name,
        help=f"{kind.summary}.\n\n\b\nExample:\n  screener export {kind.name} projects/my-review",
        short_help=kind.summary,
    )(run)
