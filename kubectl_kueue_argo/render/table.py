"""kubectl-style tables: upper-case headers, no borders, 3 spaces between columns."""
import tabulate as tabulate_module
from tabulate import DataRow, TableFormat, tabulate

# kubectl pads every column by exactly the separator; tabulate would add 2 more under headers.
tabulate_module.MIN_PADDING = 0

_KUBECTL = TableFormat(lineabove=None, linebelowheader=None, linebetweenrows=None, linebelow=None,
                       headerrow=DataRow("", "   ", ""), datarow=DataRow("", "   ", ""),
                       padding=0, with_header_hide=None)


def format_table(headers, rows, no_headers=False):
    if not rows:
        return "" if no_headers else "   ".join(headers)
    text = tabulate(rows, headers=() if no_headers else headers, tablefmt=_KUBECTL,
                    disable_numparse=True, stralign="left", numalign="left",
                    preserve_whitespace=True)  # tree cells start with meaningful spaces
    return "\n".join(line.rstrip() for line in text.splitlines())
