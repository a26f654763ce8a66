"""Work-level rules behind the recall figures: "&" spelled out, conventional collective titles, and creator
headings compared across languages. Records are shaped as catalogued in marc4j's pride-and-prejudice file."""

from __future__ import annotations

from tongwen.model import Agent, Form, Record, Title
from tongwen.works.cluster import WORK_THRESHOLD, creator_agreement, work_score
from tongwen.works.keys import features


def _book(local_id: str, title: str, creator: str, lang: str, *, uniform: str | None = None) -> Record:
    titles = [Title([Form(title)])] + ([Title([Form(uniform)], role="uniform")] if uniform else [])
    return Record("marc4j", local_id, titles=titles, agents=[Agent([Form(creator)])], languages=[lang],
                  content_type="book")


def test_ampersand_is_the_word_for_and_in_the_record_language():
    english = features(_book("1", "Pride and prejudice", "Austen, Jane, 1775-1817.", "eng"))
    ampersand = features(_book("2", "Pride & prejudice", "Austen, Jane.", "eng"))
    assert work_score(english, ampersand) >= WORK_THRESHOLD
    finnish = features(_book("3", "Järki ja tunteet", "Austen, Jane.", "fin"))
    finnish_ampersand = features(_book("4", "Järki & tunteet", "Austen, Jane.", "fin"))
    assert set(finnish.titles) == set(finnish_ampersand.titles)


def test_collective_titles_meet_their_uniform_title_only_with_the_same_creator():
    uniform = features(_book("1", "Complete novels", "Austen, Jane.", "eng", uniform="Novels"))
    novels_of = features(_book("2", "The novels of Jane Austen", "Austen, Jane, 1775-1817.", "eng"))
    assert work_score(uniform, novels_of) >= WORK_THRESHOLD
    someone_else = features(_book("3", "The novels of Jane Austen", "Chapman, R. W.", "eng"))
    assert "r:novels" not in someone_else.titles  # "of Jane Austen" is not this record's creator
    dickens = features(_book("4", "Collected novels", "Dickens, Charles.", "eng"))
    assert work_score(uniform, dickens) < WORK_THRESHOLD


def test_latin_headings_disagree_across_european_languages_but_not_across_romanizations():
    retelling = features(_book("1", "Pride and prejudice", "Attwood, E. M. (Evelyn May), 1906-", "eng"))
    french = features(_book("2", "Orgueil et préjugés", "Austen, Jane, 1775-1817.", "fre",
                            uniform="Pride and prejudice. French"))
    assert creator_agreement(retelling, french) is False
    assert work_score(retelling, french) < WORK_THRESHOLD  # a simplified retelling is its own work
    # A Vietnamese reading and pinyin of one Chinese name are not evidence against each other.
    vietnamese = features(_book("3", "Truyện Kiều", "Nguyễn, Du", "vie"))
    chinese = features(_book("4", "Jin yun qiao zhuan", "Ruan, You", "chi"))
    assert creator_agreement(vietnamese, chinese) is None
