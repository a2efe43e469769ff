"""How wide text is and where it breaks: the map sizes its cards by these estimates.

Text width is estimated per character (CJK full width, Latin by class), on the
safe side, so wrapped lines fit inside their card whatever font the browser picks.
"""

from __future__ import annotations

import unicodedata

NAME_FONT = 13.0
MAX_NAME_LINES = 4


def char_width(ch: str, size: float) -> float:
    """A safe estimate of a character's advance width at font ``size``.

    Parameters
    ----------
    ch : str
        One character.
    size : float
        The font size in pixels.

    Returns
    -------
    float
        Full width for CJK, narrow for ``il.,:;'|!`` and spaces, wide for capitals and ``mw@%&``.

    Examples
    --------
    >>> char_width("广", 10), char_width("i", 10), char_width("W", 10), char_width("a", 10)
    (10.2, 3.4000000000000004, 7.800000000000001, 6.0)
    """
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return size * 1.02
    if ch in " .,:;'|!il":
        return size * 0.34
    if ch.isupper() or ch in "mwMW@%&":
        return size * 0.78
    return size * 0.6


def text_width(text: str, size: float) -> float:
    """The estimated width of ``text`` at font ``size`` (the sum of ``char_width``).

    Parameters
    ----------
    text : str
        The text.
    size : float
        The font size in pixels.

    Returns
    -------
    float
        Its width in pixels, on the safe side.

    Examples
    --------
    >>> round(text_width("Hi", 10), 6)
    11.2
    """
    return sum(char_width(ch, size) for ch in text)


def wrap(
    text: str, width: float, size: float = NAME_FONT, max_lines: int = MAX_NAME_LINES
) -> tuple[str, ...]:
    """Greedy line breaking: at spaces for Latin words, anywhere between CJK characters.

    A word too long for a line is cut; past ``max_lines`` the last line ends in ``…``.

    Parameters
    ----------
    text : str
        The text (runs of white space count as one space).
    width : float
        The room for a line, in pixels.
    size : float, default NAME_FONT
        The font size.
    max_lines : int, default MAX_NAME_LINES
        The most lines.

    Returns
    -------
    tuple of str
        The lines (one empty line for empty text).

    Examples
    --------
    >>> wrap("便利 Street & shop access", 100)
    ('便利 Street &', 'shop access')
    >>> wrap("one two three four", 30, max_lines=2)
    ('one', 'tw…')
    """
    lines: list[str] = []
    current = ""
    for token in _tokens(" ".join(text.split())):
        candidate = current + token
        if text_width(candidate.rstrip(), size) <= width or not current.strip():
            current = candidate
            while text_width(current.rstrip(), size) > width:  # a word too long for any line
                head, current = _split_at_width(current, width, size)
                lines.append(head)
        else:
            lines.append(current.rstrip())
            current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return tuple(lines) or ("",)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _split_at_width(text: str, width: float, size: float) -> tuple[str, str]:
    used = 0.0
    for i, ch in enumerate(text):
        used += char_width(ch, size)
        if used > width:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""
