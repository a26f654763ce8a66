"""Citations from the CSL styles: escaping, and the places where citeproc-py needed help."""

from __future__ import annotations

from tongwen.export.cite import STYLES, citation
from tongwen.model import Agent, Form, Publication, PublicationForm, Record, Title

URL = "https://example.org/record/1"


def test_markup_in_a_record_is_escaped_in_the_html_and_kept_in_the_text():
    record = Record("x", "1", titles=[Title([Form("<script>alert(1)</script> A & B", "Latn")])],
                    agents=[Agent([Form("<b>Smith</b>, Jane", "Latn")])], year_from=1990)
    for style in STYLES:
        cited = citation(record, style, url=URL + "?a=1&b=2")
        assert "<script>" not in cited.html and "&lt;script&gt;alert(1)&lt;/script&gt; A &amp; B" in cited.html
        assert "<script>alert(1)</script> A & B" in cited.text
        assert "?a=1&amp;b=2" in cited.html


def test_a_work_without_a_name_is_not_titled_twice():
    record = Record("nlc", "2", titles=[Title([Form("春香传", "Hans", "chi")])], languages=["chi"])
    texts = {style: citation(record, style, url=URL).text for style in STYLES}
    assert texts["apa"] == f"Chun xiang chuan. (n.d.). Retrieved {URL}"
    assert texts["chicago"] == f"Chun xiang chuan 春香传. n.d. {URL}."


def test_sist02_gives_the_page_count_when_known_and_no_lone_label_otherwise():
    book = Record("ndl", "3", titles=[Title([Form("こころ", "Jpan", "jpn")])], agents=[Agent([Form("夏目漱石", "Hani")])],
                  publications=[Publication([PublicationForm(place="東京", publisher="岩波書店")])],
                  year_from=1914, extent="350 p.", languages=["jpn"], content_type="book")
    assert citation(book, "sist02", url=URL).text == f"夏目漱石. こころ. 東京, 岩波書店, 1914, 350ページ. {URL}."
    book.extent = None
    assert citation(book, "sist02", url=URL).text == f"夏目漱石. こころ. 東京, 岩波書店, 1914. {URL}."
