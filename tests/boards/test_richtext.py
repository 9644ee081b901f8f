"""Post bodies: the allowed formatting survives, anything that could run code does not."""

from __future__ import annotations

import pytest

from communities.boards.richtext import MAX_BODY_CHARS, clean, plain_text

REL = 'rel="noopener noreferrer nofollow"'

DANGEROUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">tap</p>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<details open ontoggle="alert(1)">x</details>',
    '<body onload="alert(1)">x</body>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    '<a href="https://ok.example/" onmouseover="alert(1)">x</a>',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


@pytest.mark.parametrize("dirty", DANGEROUS)
def test_nothing_that_runs_survives(dirty: str) -> None:
    cleaned = clean(dirty).lower()
    for needle in (
        "<script",
        "<svg",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<style",
        "<form",
        "<math",
        "<meta",
        "<base",
        "javascript:",
        "vbscript:",
        "data:",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "ontoggle",
        "style=",
    ):
        assert needle not in cleaned, (dirty, cleaned)
    # Cleaning is stable: what is stored cleans to itself.
    assert clean(cleaned) == cleaned


def test_script_and_style_go_with_their_content() -> None:
    cleaned = clean("<p>before</p><script>steal()</script><style>p{}</style><p>after</p>")
    assert cleaned == "<p>before</p><p>after</p>"


def test_allowed_formatting_and_chinese_text_are_kept() -> None:
    body = (
        "<h3>停水通知</h3><p>因管道维修，<strong>明天</strong> <em>上午</em> <b>9点</b>"
        "<i>至</i><u>12点</u><s>下午</s>停水。</p><h4>注意</h4>"
        "<ul><li>提前储水</li><li>关好龙头</li></ul><ol><li>一</li></ol>"
        "<blockquote>居委会</blockquote><p>第一行<br>第二行</p>"
    )
    assert clean(body) == body


def test_links_keep_safe_schemes_and_get_rel() -> None:
    cleaned = clean(
        '<p><a href="https://example.cn/a?b=1&amp;c=2" target="_blank" rel="opener">网站</a> '
        '<a href="http://x.cn">x</a> <a href="mailto:jw@x.cn">信</a> '
        '<a href="tel:+862112345678">电话</a></p>'
    )
    assert '<a href="https://example.cn/a?b=1&amp;c=2" ' + REL + ">网站</a>" in cleaned
    assert '<a href="http://x.cn" ' + REL + ">x</a>" in cleaned
    assert '<a href="mailto:jw@x.cn" ' + REL + ">信</a>" in cleaned
    assert '<a href="tel:+862112345678" ' + REL + ">电话</a>" in cleaned
    assert "target" not in cleaned
    assert 'rel="opener"' not in cleaned


def test_links_without_a_safe_absolute_address_lose_it() -> None:
    for href in ("/admin/", "//evil.example/", "ftp://x.cn/", "javascript:alert(1)"):
        cleaned = clean(f'<a href="{href}">链接</a>')
        assert "href" not in cleaned, href
        assert "链接" in cleaned


def test_other_tags_are_unwrapped_or_mapped_keeping_their_text() -> None:
    assert clean('<span id="y" class="x">你好</span> <font color=red>世界</font>') == (
        "<p>你好 世界</p>"
    )
    assert clean("<h1>大标题</h1><h2>副标题</h2><h6>小字</h6>") == (
        "<h3>大标题</h3><h3>副标题</h3><h4>小字</h4>"
    )
    # What a contenteditable editor produces: a <div> per line, <div><br></div> for a gap.
    assert clean('<div style="x">第一行</div><div><br></div><div>第二行</div>') == (
        "<p>第一行</p><p>第二行</p>"
    )


def test_plain_text_becomes_paragraphs_and_line_breaks() -> None:
    text = "各位居民：\r\n明天停水。\n\n  请提前储水。\n\n\n谢谢 1<2 & 3>2 &amp; x&y"
    assert clean(text) == (
        "<p>各位居民：<br>明天停水。</p><p>请提前储水。</p>"
        "<p>谢谢 1&lt;2 &amp; 3&gt;2 &amp; x&amp;y</p>"
    )


def test_inline_markup_with_newlines_keeps_its_lines() -> None:
    assert clean("<b>注意</b>\n明天停水") == "<p><b>注意</b><br>明天停水</p>"
    # A one-line editor value: entities stay entities.
    assert clean("Tom &amp; Jerry &lt;3") == "<p>Tom &amp; Jerry &lt;3</p>"


def test_empty_bodies_clean_to_nothing() -> None:
    for empty in (
        "",
        "   \n\n ",
        "<p></p>",
        "<p> <br> </p>",
        "<script>x()</script>",
        "<img src=x>",
    ):
        assert clean(empty) == "", empty


def test_plain_text_for_search_and_excerpts() -> None:
    html = (
        "<h3>停水&amp;通知</h3><p>明天&nbsp;&nbsp;上午</p><ul><li>储水</li><li>关阀</li></ul>"
        "<p>a &lt;b&gt; c<br>下一行</p>"
    )
    assert plain_text(html) == "停水&通知 明天 上午 储水 关阀 a <b> c 下一行"
    assert plain_text(clean("<script>hidden()</script>看得见")) == "看得见"
    assert plain_text("") == ""


def test_the_body_limit_is_exported() -> None:
    assert MAX_BODY_CHARS == 20000
    long_body = clean("字" * (MAX_BODY_CHARS + 1))
    assert len(long_body) > MAX_BODY_CHARS  # the caller refuses it; clean never truncates
