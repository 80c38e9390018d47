"""kubectl-style tables: upper-case headers, no borders, 3 spaces between columns.

Widths are display widths (CJK and emoji take two cells): tabulate measures them with wcwidth.
"""
import inspect
import re

import tabulate as tabulate_module
from tabulate import DataRow, TableFormat, tabulate

try:
    from wcwidth import wcswidth
except ImportError:  # pragma: no cover - wcwidth is a dependency; a vendored copy may lack it
    wcswidth = None

# kubectl pads every column by exactly the separator; tabulate would add 2 more under headers.
tabulate_module.MIN_PADDING = 0
# Tree cells start with meaningful spaces. tabulate >= 0.10 takes preserve_whitespace per call;
# 0.9 (the last release for Python 3.9) only reads the module setting.
tabulate_module.PRESERVE_WHITESPACE = True
_KEEP_SPACES = {"preserve_whitespace": True} if "preserve_whitespace" in inspect.signature(tabulate).parameters else {}

SEPARATOR = "   "
ELLIPSIS = "…"
_KUBECTL = TableFormat(lineabove=None, linebelowheader=None, linebetweenrows=None, linebelow=None,
                       headerrow=DataRow("", SEPARATOR, ""), datarow=DataRow("", SEPARATOR, ""),
                       padding=0, with_header_hide=None)
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def format_table(headers, rows, no_headers=False):
    if not rows:
        return "" if no_headers else SEPARATOR.join(headers)
    text = tabulate(rows, headers=() if no_headers else headers, tablefmt=_KUBECTL,
                    disable_numparse=True, stralign="left", numalign="left", **_KEEP_SPACES)
    return "\n".join(line.rstrip() for line in text.splitlines())


def display_width(text):
    """Terminal cells `text` takes: colour codes take none, wide characters two."""
    plain = _SGR.sub("", text)
    if wcswidth is not None:
        width = wcswidth(plain)
        if width >= 0:
            return width
    return len(plain)


def truncate(text, width):
    """`text` cut to `width` cells, ending with … when cut. Plain text only (no colour codes)."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        cells = display_width(char)
        if used + cells > width - 1:
            break
        kept.append(char)
        used += cells
    return "".join(kept) + ELLIPSIS


def fit_to_width(headers, rows, width, shrinkable):
    """Shorten cells so that no row is wider than `width` cells.

    `shrinkable` is [(column index, narrowest width)], the first to give up cells first. If cutting
    them all to their narrowest is not enough, they give up more, down to their header's width.
    Columns not listed keep their width; a table that still does not fit is printed as wide as it must be.
    """
    if width is None or not rows:
        return rows
    natural = [max([display_width(headers[column])] + [display_width(row[column]) for row in rows])
               for column in range(len(headers))]
    limits = dict(enumerate(natural))
    excess = sum(natural) + len(SEPARATOR) * (len(natural) - 1) - width
    floors = ([(column, max(narrowest, display_width(headers[column]))) for column, narrowest in shrinkable],
              [(column, max(4, display_width(headers[column]))) for column, _ in shrinkable])
    for floor in floors:
        for column, narrowest in floor:
            if excess <= 0:
                break
            give = min(excess, max(0, limits[column] - narrowest))
            limits[column] -= give
            excess -= give
    return [[truncate(cell, limits[column]) if limits[column] < natural[column] else cell
             for column, cell in enumerate(row)] for row in rows]
