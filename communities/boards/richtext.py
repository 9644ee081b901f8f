"""Post bodies: a small set of safe rich text, and the plain text behind it.

``clean`` is the only way a body enters the database. It keeps paragraphs, line breaks,
emphasis, lists, two heading levels, quotations and links (http, https, mailto and tel
only, opened with ``rel="noopener noreferrer nofollow"``); everything else goes, and
scripts, styles and embedded documents go together with their content. Text without any
markup (a textarea, a paste) becomes paragraphs: a blank line starts a new one, a single
newline is a line break. The caller checks the result against ``MAX_BODY_CHARS`` and
refuses an empty body (``plain_text(body) == ""``).
"""

from __future__ import annotations

import html
import re

import nh3

MAX_BODY_CHARS = 20000

TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
)
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped together with everything inside them: never text a reader should see.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "head",
        "title",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
    }
)
# Tags that make lines of their own: text with none of them gets its newlines kept.
BLOCK_TAGS = frozenset(
    {
        *("p", "br", "div", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th"),
        *("section", "article", "header", "footer", "aside", "nav", "main", "figure"),
    }
)
# Editors' markup mapped onto the allowed set (a contenteditable makes a <div> per line).
_RENAMES = [
    (re.compile(r"<(/?)\s*div\b[^>]*>", re.IGNORECASE), r"<\1p>"),
    (re.compile(r"<(/?)\s*h[12]\b[^>]*>", re.IGNORECASE), r"<\1h3>"),
    (re.compile(r"<(/?)\s*h[56]\b[^>]*>", re.IGNORECASE), r"<\1h4>"),
]

_TAG = re.compile(r"<!--|</?([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?/?>")
_BARE_AMPERSAND = re.compile(
    r"&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)"
)
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n\s*")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_HAS_BLOCK = re.compile(r"<(?:p|ul|ol|h3|h4|blockquote)>")
# Where one block of text ends and the next begins: a space keeps words apart.
_BOUNDARY = re.compile(
    r"<\s*/?\s*(?:p|br|li|ul|ol|h[1-6]|blockquote|div|tr|td|th|table|section|article|hr)\b[^>]*>",
    re.IGNORECASE,
)


def _sanitise(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _paragraphs(text: str) -> str:
    """Blank lines separate paragraphs; single newlines are line breaks (text is markup)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    blocks = [block.strip() for block in _BLANK_LINES.split(text)]
    return "".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in blocks if block)


def _escape_text(text: str) -> str:
    """Plain text as markup: angle brackets are text; so is an ``&`` that starts no entity."""
    text = _BARE_AMPERSAND.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def clean(html_text: str) -> str:
    """The safe rich text of ``html_text`` (HTML, or plain text with newlines); "" when
    nothing readable is left. Cleaning a cleaned body changes nothing."""
    source = (html_text or "").replace("\x00", "")
    tags = {match.group(1).lower() for match in _TAG.finditer(source) if match.group(1)}
    if not tags and "<!--" not in source:
        source = _escape_text(source)
    if not tags & BLOCK_TAGS:
        # Text, or inline markup only (bold, a link), typed with newlines: keep the lines.
        source = _paragraphs(source)
    for pattern, replacement in _RENAMES:
        source = pattern.sub(replacement, source)
    cleaned = _EMPTY_PARAGRAPH.sub("", _sanitise(source)).strip()
    if not plain_text(cleaned):
        return ""
    if not _HAS_BLOCK.search(cleaned):
        # Inline content only (what an unwrapped tag left): make it a paragraph.
        cleaned = f"<p>{cleaned}</p>"
    return cleaned


def plain_text(html_text: str) -> str:
    """The words of ``html_text`` for search and excerpts: no markup, entities decoded,
    whitespace collapsed to single spaces."""
    spaced = _BOUNDARY.sub(lambda match: f" {match.group(0)}", html_text or "")
    stripped = nh3.clean(
        spaced, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT), strip_comments=True
    )
    return " ".join(html.unescape(stripped).split())
