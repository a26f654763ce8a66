"""What a record becomes in the index: tokens per field, facet values, sort key and hit summary."""

import doctest

import tongwen.index.documents
from tongwen.index.documents import DocumentBuilder, normalise_identifier
from tongwen.model import Agent, Form, Identifier, Publication, PublicationForm, Record, Subject, Title


def test_docstring_examples():
    failures, _ = doctest.testmod(tongwen.index.documents)
    assert failures == 0


def build(record, countries=None):
    return DocumentBuilder(countries=countries if countries is not None else {}).build(record)


GENJI = Record(
    "demo",
    "genji",
    institution="NDL",
    languages=["jpn"],
    year_from=1008,
    content_type="book",
    titles=[
        Title([Form("源氏物語"), Form("Genji monogatari", "Latn")]),
        Title([Form("Tale of Genji")], "series"),
    ],
    agents=[Agent([Form("紫式部")])],
    subjects=[Subject("Court life -- Japan."), Subject("物語")],
    identifiers=[Identifier("isbn", "4-00-000001-X")],
)


def test_fields_hold_each_kind_of_text():
    document = build(GENJI)
    assert document.texts["title"][0].split() == ["源", "源氏", "氏", "氏物", "物", "物语", "语"]
    assert "ken" in document.texts["title_roman"][0].split()  # Genji, from the Latin form and the reading
    assert document.texts["other"] == ["tale of genji"]  # series titles weigh less than titles
    assert document.texts["isbn"] == ["9784000000017"]
    assert document.texts["creator"][0].split()[0] == "紫"


def test_keywords_for_facets():
    keywords = build(GENJI, {"NDL": "JP"}).keywords
    assert keywords == {
        "institution": ["NDL"],
        "country": ["JP"],
        "language": ["jpn"],
        "script": ["Hani", "Latn"],
        "type": ["book"],
        "subject_facet": ["Court life -- Japan", "物語"],
        "digitised": [],
        "place_facet": [],
        "agent_facet": [],  # no agents layer given: no creator facet values
    }


def test_places_of_publication_and_subject_places_in_any_script_are_one_facet_value():
    record = Record("demo", "keijo", languages=["kor"],
                    publications=[Publication([PublicationForm("Kyŏngsŏng"), PublicationForm("京城")])],
                    subjects=[Subject("Korea -- History", kind="place"), Subject("서울", kind="place")])
    assert build(record).keywords["place_facet"] == ["1835848", "KR"]  # Seoul (京城 1910–1945), Korea


def test_countries_come_from_the_registry_by_default():
    keywords = DocumentBuilder().build(GENJI).keywords
    assert keywords["country"] == ["JP"]


def test_sort_key_is_the_romanization():
    assert build(GENJI).sort_title.startswith("kenchi")


def test_summary_keeps_the_catalogue_text_with_language_tags():
    display = build(GENJI).display
    assert display["titles"] == [
        {"text": "源氏物語", "script": "Hani", "lang": "ja", "role": "main"},
        {"text": "Genji monogatari", "script": "Latn", "lang": "ja-Latn", "role": "main"},
    ]
    assert display["creators"][0]["name"] == "紫式部" and display["year"] == 1008


def test_identifiers_are_normalised():
    assert normalise_identifier("978-7-02-000220-7") == "9787020002207"
    assert normalise_identifier("0262220733") == "9780262220736"
    assert normalise_identifier("1234-5678") == "12345678"
