"""Where a pattern can start matching, worked out from the pattern itself: a look-ahead for its finders.

The claim readers find their expressions with finders: a pattern searched in the lower-cased text, whose each hit
is then matched as written (:func:`geomap.claims.words.blind_to_case`). Python's ``re`` tries the whole alternation
of such a pattern at every place its look-behind lets through, word start after word start ("the", "in", "and"),
though few of them can begin an expression. :func:`with_match_starts` puts in front of the alternation a look-ahead
made from the pattern's own parse: the first :data:`PREFIX_CHARACTERS` characters any match can begin with, as a
tree of single characters (``(?=a(?:go|pr)|[0-9])``, the characters as the pattern writes them), which turns most
word starts away after a character or two. It admits every place the pattern can match (it is made from every path
through the pattern, and treats what it cannot follow, a group reference, as "anything from here"), so a finder
with it finds the same starts; the rules can change, the look-ahead follows them.
"""

from __future__ import annotations

from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

__all__ = ["PREFIX_CHARACTERS", "WORD_CHARACTERS", "match_start_lookahead", "required_words", "with_match_starts"]

PREFIX_CHARACTERS = 6  # characters of each match's beginning in the look-ahead (up to)
WORD_CHARACTERS = 5  # letters of the words every match starts with (required_words)
_MOST_PREFIXES = 4000  # more beginnings than this (a class of letters early on): one character fewer
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}  # fmt: skip
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_CASE_FLAGS = sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE | sre.SRE_FLAG_ASCII

# A beginning: the characters (each as a pattern of one character) and whether the match can end right there.
# A beginning shorter than PREFIX_CHARACTERS that cannot end there stops where the pattern could not be followed.
Beginning = tuple[tuple[str, ...], bool]


class _Unfollowed(Exception):
    """A part of the pattern the beginnings cannot be worked out for (case-folding flags inside it)."""


class _TooMany(Exception):
    """More beginnings than :data:`_MOST_PREFIXES`."""


def with_match_starts(pattern: str) -> str:
    """``pattern`` with :func:`match_start_lookahead` after its leading look-arounds (which turn most places
    away more cheaply), or ``pattern`` itself when no look-ahead narrows where it can start."""
    lookahead = match_start_lookahead(pattern)
    if lookahead is None:
        return pattern
    at = _after_leading_lookarounds(pattern)
    return pattern[:at] + lookahead + pattern[at:]


def match_start_lookahead(pattern: str, flags: int = 0) -> str | None:
    """A look-ahead that holds wherever ``pattern`` (compiled with ``flags``, without IGNORECASE) can match, or
    None when the pattern can start with anything (or folds case, which the look-ahead would have to follow)."""
    if flags & _CASE_FLAGS:
        return None
    parsed = sre_parse.parse(pattern, flags)
    if parsed.state.flags & _CASE_FLAGS:
        return None
    for length in range(PREFIX_CHARACTERS, 0, -1):
        try:
            beginnings = _sequence(list(parsed), length)
            break
        except _Unfollowed:
            return None
        except _TooMany:
            continue
    else:
        return None
    if any(not characters for characters, _ in beginnings):
        return None  # a match can start with anything
    return f"(?={_tree([characters for characters, _ in beginnings])})"


def required_words(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case words (up to :data:`WORD_CHARACTERS` letters) one of which starts every match of ``pattern``
    (compiled with ``flags``, IGNORECASE or not), or None when a match may start otherwise (with a digit, a class
    of letters). The ASCII letters of a text's :func:`str.lower` copy hold one of them wherever the pattern
    matches it, if the text has no character that IGNORECASE folds to an ASCII letter (the Kelvin sign).
    Where the lower-cased text holds none, a search of the pattern finds nothing."""
    parsed = sre_parse.parse(pattern, flags)
    if parsed.state.flags & sre.SRE_FLAG_LOCALE:
        return None
    try:
        beginnings = _sequence(list(parsed), WORD_CHARACTERS, blind=True)
    except (_Unfollowed, _TooMany):
        return None
    words = set()
    for characters, _ in beginnings:
        word = ""
        for character in characters:  # the letters the beginning opens with, up to its first class
            if len(character) != 1 or not character.isalpha():
                break
            word += character.lower()
        if not word:
            return None
        words.add(word)
    # a word that holds another is found wherever that one is: the shorter suffices
    return tuple(sorted(word for word in words if not any(other != word and other in word for other in words)))


def _sequence(items: list[tuple[Any, Any]], length: int, blind: bool = False) -> set[Beginning]:
    found: set[Beginning] = {((), True)}
    for op, value in items:
        found = _then(found, _item(op, value, length, blind), length)
        if len(found) > _MOST_PREFIXES:
            raise _TooMany
    return found


def _then(first: set[Beginning], second: set[Beginning], length: int) -> set[Beginning]:
    """The beginnings of ``first`` followed by ``second``."""
    joined: set[Beginning] = set()
    for characters, ends in first:
        if not ends or len(characters) >= length:
            joined.add((characters, ends))
            continue
        for more, more_ends in second:
            together = characters + more
            joined.add((together[:length], more_ends and len(together) <= length))
    return joined


def _item(op: Any, value: Any, length: int, blind: bool) -> set[Beginning]:
    if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
        return {((_character(op, value),), True)}
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = value
        if add_flags & _CASE_FLAGS and not blind:
            raise _Unfollowed
        return _sequence(list(inner), length, blind)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(value), length, blind)
    if op is sre.BRANCH:
        return set().union(*(_sequence(list(branch), length, blind) for branch in value[1]))
    if op in _REPEATS:
        least, most, inner = value
        once = _sequence(list(inner), length, blind)
        found: set[Beginning] = {((), True)} if least == 0 else set()
        repeated: set[Beginning] = {((), True)}
        # every repetition adds a character (or none, when the inner part can be empty, which adds no beginning):
        # past `length` of them, or the least count, nothing new comes
        for count in range(1, min(most, max(least, length + 1)) + 1):
            repeated = _then(repeated, once, length)
            if count >= least:
                found |= repeated
        return found
    if op in _ZERO_WIDTH:
        return {((), True)}  # a look-around or an anchor takes no character: the beginnings are those after it
    return {((), False)}  # a group reference, a conditional: anything from here


def _character(op: Any, value: Any) -> str:
    """One character as the pattern has it (a literal, a class, any character)."""
    if op is sre.LITERAL:
        return _escaped(value)
    if op is sre.NOT_LITERAL:
        return f"[^{_escaped(value)}]"
    if op is sre.ANY:
        return "(?s:.)"  # whether or not the pattern's dot takes a line break: the look-ahead may admit more
    parts = []
    for kind, item in value:
        if kind is sre.NEGATE:
            parts.append("^")
        elif kind is sre.LITERAL:
            parts.append(_escaped(item))
        elif kind is sre.RANGE:
            parts.append(f"{_escaped(item[0])}-{_escaped(item[1])}")
        elif kind is sre.CATEGORY and item in _CATEGORIES:
            parts.append(_CATEGORIES[item])
        else:
            raise _Unfollowed
    return f"[{''.join(parts)}]"


def _escaped(code: int) -> str:
    character = chr(code)
    if character.isascii() and character.isalnum():
        return character
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _tree(beginnings: list[tuple[str, ...]]) -> str:
    """The beginnings as one pattern, a tree of their characters: ``ab``, ``ac``, ``d`` as ``a(?:b|c)|d``."""
    children: dict[str, list[tuple[str, ...]]] = {}
    for characters in beginnings:
        children.setdefault(characters[0], []).append(characters[1:])
    branches = []
    for character in sorted(children):
        rest = children[character]
        if any(not more for more in rest):  # a beginning ends here: what follows it does not matter
            branches.append(character)
        else:
            inner = _tree(rest)
            branches.append(f"{character}(?:{inner})" if "|" in inner else character + inner)
    return "|".join(branches)


def _after_leading_lookarounds(pattern: str) -> int:
    """Where the look-arounds that open ``pattern`` end (0 when it opens with something else)."""
    at = 0
    while pattern.startswith(("(?<!", "(?<=", "(?=", "(?!"), at):
        depth, index, in_class = 0, at, False
        while index < len(pattern):
            character = pattern[index]
            if character == "\\":
                index += 2
                continue
            if in_class:
                in_class = character != "]"
            elif character == "[":
                in_class = True
                if pattern.startswith(("[]", "[^]"), index):
                    index += 2 if pattern[index + 1] == "]" else 3
                    continue
            elif character == "(":
                depth += 1
            elif character == ")":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        at = index + 1
    return at if at <= len(pattern) else 0
