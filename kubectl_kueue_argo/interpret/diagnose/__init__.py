"""`explain WF` and `explain setup`: the cause of each wait, with evidence and a fix (pure)."""
