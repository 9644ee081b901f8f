"""The committee's word filter: editing the list, checking a text against it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Invalid
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import AuditAction, TargetKind, WordFilter
from communities.rules import words as wordfilter
from communities.rules.moderation import staff_community

WORDS_MAX = 500
WORD_MAX = 30
CHECK_MAX = 20_000


# --- Word filter ----------------------------------------------------------------------------
def _clean_words(words: object) -> list[str]:
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        message = _("Give a list of words.")
        raise Invalid(message, errors={"words": message})
    kept: list[str] = []
    seen: set[str] = set()
    for raw in words:
        word = raw.strip()
        key = wordfilter.normalise(word)
        if not word or len(word) > WORD_MAX or not key:
            message = _(
                "Each word needs 1 to %(n)d characters (letters, not only signs): “%(word)s”."
            ) % {
                "n": WORD_MAX,
                "word": word[:40],
            }
            raise Invalid(message, errors={"words": message})
        if key not in seen:
            seen.add(key)
            kept.append(word)
    if len(kept) > WORDS_MAX:
        message = _("At most %(n)d words.") % {"n": WORDS_MAX}
        raise Invalid(message, errors={"words": message})
    return kept


def word_filter_update(
    *, actor: User, community_id: int, enabled: bool, words: list[str]
) -> WordFilter:
    """The committee turns its word filter on or off and edits its words."""
    community = staff_community(actor, community_id)
    if not isinstance(enabled, bool):
        message = _("Must be true or false.")
        raise Invalid(message, errors={"enabled": message})
    kept = _clean_words(words)
    with transaction.atomic():
        word_filter, _created = WordFilter.objects.select_for_update().get_or_create(
            community=community, defaults={"enabled": False}
        )
        before = {"enabled": word_filter.enabled, "words": list(word_filter.words)}
        if _created:
            before = {}
        word_filter.enabled, word_filter.words, word_filter.updated_by = enabled, kept, actor
        word_filter.save()
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.FILTER,
            target_kind=TargetKind.WORD_FILTER,
            target_id=word_filter.pk,
            before=before,
            after={"enabled": enabled, "words": kept},
        )
    return word_filter


def word_filter_check(*, actor: User, community_id: int, text: str) -> list[str]:
    """Which of the community's words ``text`` contains (whether the filter is on or not)."""
    community = staff_community(actor, community_id)
    if not isinstance(text, str) or len(text) > CHECK_MAX:
        message = _("At most %(n)d characters.") % {"n": CHECK_MAX}
        raise Invalid(message, errors={"text": message})
    word_filter = WordFilter.objects.filter(community=community).first()
    if word_filter is None:
        return []
    return wordfilter.matcher_for(
        community.pk, word_filter.updated_at, list(word_filter.words)
    ).matches(text)
