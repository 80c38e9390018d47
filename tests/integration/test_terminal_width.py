"""The default table at 80 columns on a real terminal, display widths, and piped output never cut."""
import yaml

from kubectl_kueue_argo.render.table import display_width
from tests.support.cli import run_cli, run_subprocess
from tests.support.paths import EXAMPLES
from tests.support.terminal import run_in_terminal

EXAMPLE = EXAMPLES / "queue-per-template"
WF = "steps-x7k2p"
FULL_MESSAGE = "1st in user-queue-2: insufficient unused quota for cpu in flavor on-demand, 1 more needed"


def table_rows(lines):
    start = next(index for index, line in enumerate(lines) if line.startswith("STEP "))
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line)
    return rows


def test_the_bundled_example_fits_80_columns_on_a_terminal():
    result = run_in_terminal("status", WF, "--from-file", EXAMPLE, columns=80)
    assert result.exit_code == 0, result.raw
    lines = result.lines
    assert all(display_width(line) <= 80 for line in lines), [line for line in lines if display_width(line) > 80]
    rows = table_rows(lines)
    assert rows[0].split() == ["STEP", "QUEUE", "KUEUE", "WAITED", "MESSAGE"]
    hello2b = next(row for row in rows if "hello2b" in row)
    assert hello2b.endswith("…") and "1st in user-queue-2: " in hello2b
    assert "\x1b[33mPending\x1b[0m" in result.raw  # a terminal gets colour


def test_a_wider_terminal_shows_the_whole_message():
    result = run_in_terminal("status", WF, "--from-file", EXAMPLE, columns=160)
    assert result.exit_code == 0
    assert any(row.endswith(FULL_MESSAGE) for row in table_rows(result.lines))


def test_wide_output_on_a_narrow_terminal_cuts_the_long_columns_first():
    result = run_in_terminal("status", WF, "--from-file", EXAMPLE, "-o", "wide", columns=200)
    rows = table_rows(result.lines)
    assert "POD" in rows[0].split() and "PHASE" in rows[0].split() and "TEMPLATE" in rows[0].split()
    assert all(display_width(line) <= 200 for line in result.lines)
    assert any("…" in row for row in rows)


def test_piped_output_is_never_shortened_whatever_columns_says():
    piped = run_subprocess("status", WF, "--from-file", EXAMPLE, env={"COLUMNS": "80"})  # a real pipe
    captured = [run_cli("status", WF, "--from-file", EXAMPLE, env=env) for env in ({"COLUMNS": "40"}, {})]
    for result in [piped] + captured:
        assert result.exit_code == 0
        assert any(line.endswith(FULL_MESSAGE) for line in result.stdout.splitlines())
        assert "…" not in result.stdout
        assert "\x1b[" not in result.stdout


def _with_wide_names(tmp_path):
    """The example, with a loop item in Japanese and an emoji in a step's display name, as
    `withItems: ["日本語🚀"]` gives it (Argo puts the item in the node's displayName)."""
    target = tmp_path / "example"
    target.mkdir()
    for path in EXAMPLE.iterdir():
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        for document in documents:
            if isinstance(document, dict) and document.get("kind") == "Workflow":
                for node in document["status"]["nodes"].values():
                    if node.get("displayName") == "hello2a":
                        node["displayName"] = "hello2a(0:日本語🚀)"
        (target / path.name).write_text(yaml.safe_dump_all(documents, allow_unicode=True), encoding="utf-8")
    return target


def _column_starts(rows, header):
    """The display column where `header`'s values start, on every row that has one."""
    start = display_width(rows[0][:rows[0].index(header)])
    return start


def test_wide_characters_keep_the_columns_aligned(tmp_path):
    example = _with_wide_names(tmp_path)
    result = run_in_terminal("status", WF, "--from-file", example, columns=120)
    assert result.exit_code == 0, result.raw
    rows = table_rows(result.lines)
    queue_column = _column_starts(rows, "QUEUE")
    for row in rows[2:]:  # every step row: its QUEUE cell starts at the header's display column
        prefix_width = display_width(row[:row.index("user-queue")])
        assert prefix_width == queue_column, (row, prefix_width, queue_column)
    assert any("日本語🚀" in row for row in rows)


def test_wide_characters_are_cut_by_display_width(tmp_path):
    example = _with_wide_names(tmp_path)
    piped = run_cli("status", WF, "--from-file", example)
    assert "hello2a(0:日本語🚀)" in piped.stdout
    result = run_in_terminal("status", WF, "--from-file", example, columns=60)
    assert all(display_width(line) <= 60 for line in result.lines)
