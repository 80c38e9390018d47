"""Numbers in words for sentences (pure): shared by the diagnosis and the renderers."""
import humanize


def prose_duration(seconds):
    """A duration for sentences: "3 minutes"."""
    if seconds is None:
        return "an unknown time"
    return humanize.naturaldelta(max(0.0, seconds))


def ordinal(number):
    """1st, 2nd, 3rd..."""
    return humanize.ordinal(number)
