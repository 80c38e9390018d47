"""Text helpers for terminal output: escaping untrusted text, durations, colour (pure)."""
import os
import re

from kubectl_kueue_argo.wording import ordinal, prose_duration  # noqa: F401  (re-exported for renderers)

# C0 (but \t, \n), DEL, C1, line/paragraph separators, and every bidi control: the embeddings,
# overrides and isolates (U+202A-202E, U+2066-2069) and the marks (U+200E, U+200F, U+061C).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_terminal(text, keep_newlines=False):
    """Make cluster- or user-supplied text safe to print: no escape sequences, no bidi tricks.

    ESC becomes ^[ (as kubectl prints it), CR becomes \\r, other control characters \\xNN.
    """
    if text is None:
        return ""
    text = str(text)

    def replace(match):
        char = match.group(0)
        if char == "\x1b":
            return "^["
        if char == "\r":
            return "\\r"
        if char == "\t":
            return " "
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    if keep_newlines:
        return "\n".join(_CONTROL.sub(replace, line) for line in text.split("\n"))
    return _CONTROL.sub(replace, text.replace("\n", " "))


def escape_data(value):
    """Escape every string inside a JSON-like value (for -o json/yaml on a terminal)."""
    if isinstance(value, str):
        return escape_terminal(value, keep_newlines=True)
    if isinstance(value, dict):
        return {escape_data(key): escape_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escape_data(item) for item in value]
    return value


def human_duration(seconds):
    """kubectl's short duration (apimachinery HumanDuration): 45s, 5m10s, 3h20m, 2d4h, 2y30d."""
    if seconds is None:
        return ""
    seconds = int(max(0, seconds))
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    years = days // 365
    rest = days % 365
    return f"{years}y{rest}d" if rest else f"{years}y"


def color_allowed(stream, environ=None):
    """kubectl's rule: a TTY, TERM is not dumb, and NO_COLOR is not set at all."""
    environ = os.environ if environ is None else environ
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_COLORS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36", "dim": "2", "bold": "1"}


def paint(text, color, enabled):
    if not enabled or not color or not text:
        return text
    return f"\x1b[{_COLORS[color]}m{text}\x1b[0m"
