"""Display widths, cutting with …, and fitting a table to a terminal's width (pure)."""
from kubectl_kueue_argo.render.table import display_width, fit_to_width, format_table, truncate


def test_display_width_counts_terminal_cells():
    assert display_width("abc") == 3
    assert display_width("日本語") == 6
    assert display_width("🚀x") == 3
    assert display_width("\x1b[33mPending\x1b[0m") == 7  # colour codes take no cell


def test_truncate_ends_with_an_ellipsis_and_never_splits_a_wide_character():
    assert truncate("abcdef", 6) == "abcdef"
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("日本語テキスト", 6) == "日本…"      # 2 + 2 + 1 cells: the third character does not fit
    assert display_width(truncate("日本語テキスト", 6)) == 5
    assert truncate("abc", 0) == ""


def test_fit_to_width_cuts_the_listed_columns_in_order_and_keeps_the_others():
    headers = ["NAME", "STATE", "MESSAGE"]
    rows = [["a-rather-long-name", "Pending", "a message that is much too long for the terminal"]]
    fitted = fit_to_width(headers, rows, 50, [(2, 10), (0, 8)])
    line = format_table(headers, fitted).splitlines()[1]
    assert display_width(line) <= 50
    assert fitted[0][1] == "Pending" and fitted[0][0] == "a-rather-long-name"  # the message gave enough
    assert fitted[0][2].endswith("…")
    narrower = fit_to_width(headers, rows, 36, [(2, 10), (0, 8)])
    assert narrower[0][2] == "a message…" and narrower[0][0].endswith("…")
    assert all(display_width(line) <= 36 for line in format_table(headers, narrower).splitlines())


def test_fit_to_width_goes_below_the_narrowest_widths_before_letting_a_row_wrap():
    headers = ["NAME", "MESSAGE"]
    rows = [["name-that-is-long", "message-that-is-long"]]
    fitted = fit_to_width(headers, rows, 20, [(1, 12), (0, 10)])
    assert all(display_width(line) <= 20 for line in format_table(headers, fitted).splitlines())


def test_no_width_means_no_change():
    rows = [["x" * 300]]
    assert fit_to_width(["A"], rows, None, [(0, 4)]) is rows


def test_wide_characters_keep_columns_aligned():
    text = format_table(["NAME", "QUEUE"], [["日本語", "q1"], ["abc", "q2"]])
    header, first, second = text.splitlines()
    column = display_width(header[:header.index("QUEUE")])
    assert display_width(first[:first.index("q1")]) == column == display_width(second[:second.index("q2")])


def test_zero_width_and_control_characters():
    assert display_width("") == 0
    assert display_width("\u200b") == 0          # a zero-width space takes no cell
    assert display_width("a\x01b") == 3          # wcwidth cannot measure control characters: one each


def test_fitting_takes_exactly_the_excess_and_no_more():
    headers = ["NAME", "STATE", "MESSAGE"]
    rows = [["name-of-twenty-chars", "Pending", "m" * 30]]      # 20 + 3 + 7 + 3 + 30 = 63 cells
    # MESSAGE gives 21 of the 22 cells (down to its narrowest, 9); NAME gives the last one
    expected = [["name-of-twenty-cha\u2026", "Pending", "m" * 8 + "\u2026"]]
    assert fit_to_width(headers, rows, 41, [(2, 9), (0, 8)]) == expected
    # STATE is already narrower than its narrowest: it gives nothing
    assert fit_to_width(headers, rows, 41, [(1, 10), (2, 9), (0, 8)]) == expected
    assert all(display_width(line) == 41 for line in format_table(headers, expected).splitlines()[1:])


def test_past_the_narrowest_widths_a_column_keeps_four_cells_or_its_header():
    assert fit_to_width(["A", "B"], [["x" * 10, "y" * 10]], 8, [(0, 6), (1, 6)]) == [["xxx\u2026", "yyy\u2026"]]
    assert fit_to_width(["LONGHEADER", "B"], [["x" * 12, "y" * 10]], 8, [(0, 6), (1, 6)]) == [
        ["xxxxxxxxx\u2026", "yyy\u2026"]]
