"""Pages of digitised items in the model: they round-trip through to_dict/from_dict and the store (get,
the change feed), and a change of one page's text is a change of the record."""

from __future__ import annotations

import json
from pathlib import Path

from tongwen.model import Form, Page, PageImage, Record, Title, Word
from tongwen.store import Store
from tongwen.store.codec import content_json, encode


def digitised() -> Record:
    return Record(
        "demo",
        "genji",
        titles=[Title([Form("源氏物語", "Jpan", "jpn")])],
        viewing_direction="right-to-left",
        pages=[
            Page(
                "1オ",
                id="https://example.org/iiif/genji/canvas/1",
                image=PageImage("https://example.org/iiif/image/genji-1"),
                width=2400,
                height=3200,
                text="いづれの御時にか、女御更衣あまたさぶらひ給ひける中に",
                lang="jpn",
                script="Jpan",
                text_source="ocr",
                ocr_engine="NDLOCR 2.1",
                ocr_confidence=0.91,
                words=[Word("いづれ", 2100, 300, 80, 240, 0.95)],
            ),
            Page("1ウ", image=PageImage("images/0002.jpg", "file", "image/jpeg"), text=None),
        ],
    )


def test_pages_round_trip_through_to_dict_and_json() -> None:
    record = digitised()
    data = json.loads(json.dumps(record.to_dict(), ensure_ascii=False))
    assert data["pages"][0]["label"] == "1オ"
    word = {"text": "いづれ", "x": 2100, "y": 300, "w": 80, "h": 240, "confidence": 0.95}
    assert data["pages"][0]["words"][0] == word
    assert Record.from_dict(data) == record


def test_stored_json_holds_the_pages_like_to_dict() -> None:
    record = digitised()
    expected = record.to_dict()
    assert json.loads(content_json(record))["pages"] == expected["pages"]
    assert json.loads(content_json(record))["viewing_direction"] == "right-to-left"


def test_pages_come_back_through_get_and_the_change_feed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "tongwen.sqlite") as store:
        assert store.upsert(digitised()) == "added"
        assert store.get("demo:genji") == digitised()
        [change] = store.changes_since(0, 10)
        assert change.record.pages == digitised().pages
        assert change.record.viewing_direction == "right-to-left"
        assert store.upsert(digitised()) == "unchanged"
        edited = digitised()
        edited.pages[0].text += "、いとやむごとなき際にはあらぬが"
        assert store.upsert(edited) == "updated"
        assert store.get("demo:genji").pages[0].text.endswith("際にはあらぬが")


def test_a_changed_page_text_changes_the_content_hash() -> None:
    record, edited = digitised(), digitised()
    edited.pages[1].text = "すぐれて時めき給ふありけり"
    assert encode(record).hash != encode(edited).hash


def test_records_without_pages_read_as_before() -> None:
    old = {"source": "nlc", "local_id": "1", "titles": [{"forms": [{"text": "紅樓夢"}]}]}
    record = Record.from_dict(old)
    assert record.pages == [] and record.viewing_direction is None


def test_a_page_keeps_links_to_its_text_elsewhere() -> None:
    from tongwen.model import Link

    page = Page("1", links=[Link("https://example.org/alto/1.xml", "fulltext", "ALTO")])
    assert Page.from_dict(Record("a", "1", pages=[page]).to_dict()["pages"][0]) == page
