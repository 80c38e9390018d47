"""kubectl-style tables (render/table.py): whole outputs, character for character."""
from kubectl_kueue_argo.render.table import format_table


def test_columns_are_three_spaces_apart_and_as_wide_as_their_widest_cell():
    assert format_table(["NAME", "PHASE", "AGE"], [["a", "Running", "5m"], ["longer-name", "Pending", "12h"]]) == (
        "NAME          PHASE     AGE\n"
        "a             Running   5m\n"
        "longer-name   Pending   12h")


def test_a_header_wider_than_its_cells_sets_the_width_without_extra_padding():
    assert format_table(["INADMISSIBLE", "X"], [["0", "y"]]) == "INADMISSIBLE   X\n0              y"


def test_tree_cells_keep_their_leading_spaces_and_lines_lose_trailing_ones():
    rows = [[" ● wf", "Running", ""], [" └─┬─✔ hello", "Succeeded", ""], ["   └─◷ b", "Pending", "1st in q"]]
    assert format_table(["STEP", "PHASE", "MESSAGE"], rows) == (
        "STEP           PHASE       MESSAGE\n"
        " ● wf          Running\n"
        " └─┬─✔ hello   Succeeded\n"
        "   └─◷ b       Pending     1st in q")


def test_numbers_stay_text_and_left_aligned():
    assert format_table(["N", "Q"], [["007", "1e3"], ["12", "0.50"]]) == "N     Q\n007   1e3\n12    0.50"


def test_no_headers():
    assert format_table(["NAME", "PHASE"], [["a", "Running"], ["bb", "Failed"]], no_headers=True) == \
        "a    Running\nbb   Failed"


def test_no_rows():
    assert format_table(["NAME", "PHASE"], []) == "NAME   PHASE"
    assert format_table(["NAME", "PHASE"], [], no_headers=True) == ""
