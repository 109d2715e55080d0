"""Simulated screening: the metrics against hand-computed rankings, and determinism."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.errors import ScreenerError
from screener.screening.labelled import load_labelled, prior_rows
from screener.screening.simulate import (
    atd,
    complete_order,
    loss,
    recall_at,
    simulate,
    simulate_seed,
    wss,
)

# Ten records in screening order, three relevant at positions 1, 3 and 6.
ORDER = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0]


def test_wss_at_95_counts_the_records_left_once_95_percent_are_found() -> None:
    # ceil(0.95 * 3) = 3 relevant are found after 6 records: (10 - 6) / 10 - 0.05.
    assert wss(ORDER) == pytest.approx(0.35)
    assert wss([1, 1, 0, 0]) == pytest.approx((4 - 2) / 4 - 0.05)
    # 20 relevant: ceil(19.0) = 19 are needed, the 20th may come last.
    assert wss([1] * 19 + [0] * 80 + [1]) == pytest.approx((100 - 19) / 100 - 0.05)


def test_recall_at_10_percent_looks_at_the_first_floor_tenth() -> None:
    assert recall_at(ORDER) == pytest.approx(1 / 3)  # floor(1.0) = 1 record
    assert recall_at([0] * 9 + [1] * 10) == 0.0  # floor(1.9) = 1 record, irrelevant
    assert recall_at([1, 0, 1] + [0] * 15 + [1, 1]) == 0.25  # the first 2 of 20


def test_average_time_to_discovery_is_the_mean_position_over_n() -> None:
    assert atd(ORDER) == pytest.approx((1 + 3 + 6) / 3 / 10)
    assert atd([1, 1, 0, 0]) == pytest.approx(1.5 / 4)


def test_loss_is_zero_for_a_perfect_ranking_and_one_for_the_worst() -> None:
    assert loss([1, 1, 0, 0, 0]) == 0.0
    assert loss([0, 0, 0, 1, 1]) == pytest.approx(1.0)
    # Perfect area 3*10 - 3 = 27; actual cumsum sum = 1+1+2+2+2+3*5 = 23; over 3 * 7.
    assert loss(ORDER) == pytest.approx((27 - 23) / 21)


def test_metrics_refuse_an_ordering_without_relevant_records() -> None:
    with pytest.raises(ValueError):
        wss([0, 0, 0])


def test_a_stopped_ordering_is_completed_with_the_unscreened_rows() -> None:
    assert complete_order([4, 2], 6, priors=(0, 5)) == [4, 2, 1, 3]


def _labelled_csv(path: Path, rows: int = 60) -> Path:
    lines = ["title,abstract,label_included"]
    for i in range(rows):
        relevant = i % 10 == 3
        topic = "stem cell secretome wound healing" if relevant else f"unrelated topic {i} soil"
        lines.append(f"Study {i} on {topic},An abstract about {topic} number {i},{int(relevant)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_labels_come_from_the_raw_field_and_rows_keep_file_order(tmp_path: Path) -> None:
    labelled = load_labelled(_labelled_csv(tmp_path / "set.csv"))
    assert len(labelled.labels) == 60 and labelled.relevant == 6
    assert labelled.labels[3] == 1 and labelled.labels[4] == 0
    relevant, irrelevant = prior_rows(labelled.labels, 1)
    assert labelled.labels[relevant] == 1 and labelled.labels[irrelevant] == 0
    assert prior_rows(labelled.labels, 1) == (relevant, irrelevant)


def test_a_missing_label_column_or_a_bad_label_names_the_record(tmp_path: Path) -> None:
    path = _labelled_csv(tmp_path / "set.csv")
    with pytest.raises(ScreenerError, match="record 1 .*no 'decision' field"):
        load_labelled(path, "decision")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,label_included\nA,1\nB,perhaps\n", encoding="utf-8")
    with pytest.raises(ScreenerError, match="record 2 \\(line 3\\): label_included is 'perhaps'"):
        load_labelled(bad)


def test_the_simulation_is_deterministic_for_a_seed_and_finds_every_relevant(
    tmp_path: Path,
) -> None:
    labelled = load_labelled(_labelled_csv(tmp_path / "set.csv"))
    first = simulate_seed(labelled, 2)
    again = simulate_seed(labelled, 2)
    assert first.order == again.order and first.priors == again.priors
    found = [labelled.labels[row] for row in first.order]
    assert sum(found) + 1 == labelled.relevant  # every relevant but the prior one
    assert found[-1] == 1  # it stops at the last relevant record
    # Records on the same words as the prior include come first.
    assert found[:5] == [1, 1, 1, 1, 1]


def test_retraining_in_batches_retrains_less_and_still_finds_every_relevant(
    tmp_path: Path,
) -> None:
    labelled = load_labelled(_labelled_csv(tmp_path / "set.csv"))
    each = simulate_seed(labelled, 2)
    batched = simulate_seed(labelled, 2, divisor=1)
    again = simulate_seed(labelled, 2, divisor=1)
    assert (batched.order, batched.steps) == (again.order, again.steps)
    found = [labelled.labels[row] for row in batched.order]
    assert sum(found) + 1 == labelled.relevant and found[-1] == 1
    assert len(set(batched.order)) == len(batched.order)
    assert each.steps == len(each.order)
    # divisor 1: after k records the next k at once (1, 1, 2, 4, ...): fewer retrains
    assert batched.steps < len(batched.order)


def test_simulate_reports_every_seed_and_the_means(tmp_path: Path) -> None:
    labelled = load_labelled(_labelled_csv(tmp_path / "set.csv"))
    report = simulate(labelled, [1, 2])
    assert [s.run.seed for s in report.seeds] == [1, 2]
    data = report.as_dict()
    assert data["records"] == 60 and data["relevant"] == 6
    assert data["mean"]["wss95"] == pytest.approx(  # type: ignore[index]
        (report.seeds[0].scores.wss95 + report.seeds[1].scores.wss95) / 2
    )


def test_the_simulate_command_prints_a_table_and_json(tmp_path: Path) -> None:
    path = _labelled_csv(tmp_path / "set.csv")
    result = CliRunner().invoke(main, ["simulate", str(path), "--seeds", "2"])
    assert result.exit_code == 0, result.output
    assert "60 records, 6 relevant" in result.output and "WSS@95" in result.output
    result = CliRunner().invoke(main, ["simulate", str(path), "--seeds", "1", "--json"])
    assert result.exit_code == 0
    assert '"wss95"' in result.output and '"retrain_ms_per_step"' in result.output


def test_the_simulate_command_gives_one_line_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["simulate", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "no such file" in result.output
    assert "Traceback" not in result.output


def test_a_real_labelled_set_matches_its_published_counts(shared_data: Path) -> None:
    labelled = load_labelled(shared_data / "screening" / "SYNERGY_subset" / "Donners_2021.csv")
    assert (len(labelled.labels), labelled.relevant) == (258, 15)


def test_the_mean_row_shows_the_mean_seconds_per_seed(tmp_path: Path) -> None:
    """Every other cell of the mean row is a mean: so is its time; the total is apart."""
    from screener.cli.common import out
    from screener.cli.simulate import _print_report

    report = simulate(load_labelled(_labelled_csv(tmp_path / "set.csv")), [1, 2])
    first, second = report.seeds
    seeds = (dataclasses.replace(first, seconds=2.0), dataclasses.replace(second, seconds=4.0))
    timed = dataclasses.replace(report, seeds=seeds, feature_seconds=10.0)
    with out.capture() as captured:
        _print_report(timed)
    mean_row = next(line for line in captured.get().splitlines() if "mean" in line)
    assert mean_row.split()[-1] == "3.0" and timed.seconds_per_seed == 3.0
    assert "Total 16.0 s: features 10.0 s, then 2 seed(s)" in captured.get()
