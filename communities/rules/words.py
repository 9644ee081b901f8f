"""The word filter: a post containing one of its community's listed words waits for
review (``filter_matches``), and moderators see which words held it (``filter_matches_of``).

Text is normalised so disguised words still match, then every listed word is found with
one Aho-Corasick automaton per community.

Normalising (the same for the words and the text): NFKC (full-width letters and digits
become ordinary ones), casefold, then drop whitespace, zero-width and other format
characters, punctuation and symbols. So "敏感", "敏 感", "敏*感", "敏\u200b感" and
"ＡＢＣ"/"abc" all match. Chinese needs no word segmentation: the automaton finds
substrings.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import ahocorasick_rs

from communities.boards.models import Post
from communities.moderation.models import WordFilter

from .moderation import community_of_board

# Unicode categories dropped before matching: separators (Z*), control and format
# characters (C*, incl. zero-width joiners and spaces), punctuation (P*), symbols (S*).
_DROPPED = ("Z", "C", "P", "S")


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED))


@dataclass(frozen=True)
class Matcher:
    """The compiled words of one filter; ``originals`` maps a normalised word back to how
    the committee wrote it."""

    automaton: ahocorasick_rs.AhoCorasick | None
    originals: tuple[str, ...]

    @classmethod
    def of(cls, words: list[str]) -> Matcher:
        patterns: list[str] = []
        originals: list[str] = []
        seen: set[str] = set()
        for word in words:
            key = normalise(word)
            if key and key not in seen:
                seen.add(key)
                patterns.append(key)
                originals.append(word)
        if not patterns:
            return cls(automaton=None, originals=())
        automaton = ahocorasick_rs.AhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
        return cls(automaton=automaton, originals=tuple(originals))

    def matches(self, text: str) -> list[str]:
        """The listed words found in ``text``, each once, in the order they appear."""
        if self.automaton is None or not text:
            return []
        found = self.automaton.find_matches_as_indexes(normalise(text))
        return list(dict.fromkeys(self.originals[index] for index, _start, _end in found))


_cache: dict[int, tuple[datetime, Matcher]] = {}
_lock = threading.Lock()


def matcher_for(community_id: int, updated_at: datetime, words: list[str]) -> Matcher:
    """The compiled filter of a community, compiled again only when it has changed."""
    with _lock:
        cached = _cache.get(community_id)
        if cached is not None and cached[0] == updated_at:
            return cached[1]
    matcher = Matcher.of(words)
    with _lock:
        _cache[community_id] = (updated_at, matcher)
    return matcher


# --- A community's filter -------------------------------------------------------------------
def _matcher(word_filter: WordFilter) -> Matcher:
    return matcher_for(word_filter.community_id, word_filter.updated_at, list(word_filter.words))


def filter_matches(community_id: int | None, text: str) -> list[str]:
    """The community's listed words found in ``text`` (none when the filter is off)."""
    if community_id is None:
        return []
    word_filter = WordFilter.objects.filter(community_id=community_id, enabled=True).first()
    if word_filter is None:
        return []
    return _matcher(word_filter).matches(text)


def post_text(title: str, body_text: str) -> str:
    """What the filter reads of a post: title and text, kept apart by a line break (a word
    cannot join the end of the title to the start of the text)."""
    return f"{title}\n{body_text}"


def filter_matches_of(posts: list[Post]) -> dict[int, list[str]]:
    """For moderators' review queue: the listed words each post contains under its
    community's current filter (posts matching nothing are left out). One query."""
    by_community: dict[int, list[Post]] = {}
    for post in posts:
        community_id = community_of_board(post.board)
        if community_id is not None:
            by_community.setdefault(community_id, []).append(post)
    filters = WordFilter.objects.filter(community_id__in=by_community, enabled=True)
    found: dict[int, list[str]] = {}
    for word_filter in filters:
        matcher = _matcher(word_filter)
        for post in by_community[word_filter.community_id]:
            words = matcher.matches(post_text(post.title, post.body_text))
            if words:
                found[post.pk] = words
    return found
