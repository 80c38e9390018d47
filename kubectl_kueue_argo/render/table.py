"""kubectl-style tables: upper-case headers, no borders, 3 spaces between columns."""
import inspect

import tabulate as tabulate_module
from tabulate import DataRow, TableFormat, tabulate

# kubectl pads every column by exactly the separator; tabulate would add 2 more under headers.
tabulate_module.MIN_PADDING = 0
# Tree cells start with meaningful spaces. tabulate >= 0.10 takes preserve_whitespace per call;
# 0.9 (the last release for Python 3.9) only reads the module setting.
tabulate_module.PRESERVE_WHITESPACE = True
_KEEP_SPACES = {"preserve_whitespace": True} if "preserve_whitespace" in inspect.signature(tabulate).parameters else {}

_KUBECTL = TableFormat(lineabove=None, linebelowheader=None, linebetweenrows=None, linebelow=None,
                       headerrow=DataRow("", "   ", ""), datarow=DataRow("", "   ", ""),
                       padding=0, with_header_hide=None)


def format_table(headers, rows, no_headers=False):
    if not rows:
        return "" if no_headers else "   ".join(headers)
    text = tabulate(rows, headers=() if no_headers else headers, tablefmt=_KUBECTL,
                    disable_numparse=True, stralign="left", numalign="left", **_KEEP_SPACES)
    return "\n".join(line.rstrip() for line in text.splitlines())
