"""Pairwise decisions and guarded connected components: records → works → editions.

    >>> from tongwen.works.keys import Features
    >>> a = Features("nlc:1", {"h:红楼梦": "m", "r:honglomeng": "m"}, frozenset({"h:曹雪芹"}), content_type="book")
    >>> b = Features("ndl:9", {"h:红楼梦": "m", "r:koromu": "m"}, frozenset({"h:曹雪芹"}), content_type="book")
    >>> work_score(a, b) >= WORK_THRESHOLD
    True

**Why our own Fellegi–Sunter scorer rather than splink.** splink 5 + DuckDB installs and runs here, but it
estimates m/u probabilities by EM over a whole table and scores every blocked pair in one batch; `tongwen
cluster` must instead re-match only the records changed since the last run (1,000 records in seconds) against
blocks kept in SQLite, and never hold a 1M-record table in memory. Our comparisons are few and categorical
(which kind of title key agrees and how long it is, creator agreement, language), so the weights are fixed
log2(m/u) values written below, with the key length standing in for splink's term-frequency adjustment (a
two-character Han title or a five-letter romanization is far more common than a nine-character one). Measured
precision/recall on the labelled sets (tests/works) is what the weights answer to.

**Guards.** A pair is never linked across format families (`keys.format_family`: text vs sound vs video...),
and a component never takes in a second format family through a record of unknown type (the union-find keeps
each component's family). Editions need the exact content type, the same languages and years at most
`EDITION_YEAR_GAP` apart, and are only formed inside one work.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from tongwen.works.keys import EDITION_SCHEMES, LATIN, MAIN, SERIAL_SCHEMES, Features

WORK_THRESHOLD = 7.0
EDITION_YEAR_GAP = 1
CREATOR_AGREE = 4.0
CREATOR_DISAGREE = -5.0
SECOND_KIND_BONUS = 0.5  # a romanized key agreeing besides a Han one is mostly the same evidence twice
VARIANT_PENALTY = 1.0
WINDOW = 40
# Languages whose personal names reach Latin script through competing romanizations (pinyin / Wade-Giles,
# Hepburn / kunrei, RR / McCune-Reischauer, Vietnamese readings of Han names...): a mismatch there is no evidence.
ROMANIZED_NAME_LANGUAGES = frozenset({"chi", "jpn", "kor", "vie", "tha", "bur", "khm", "lao", "mon", "tib", "und"})  # sorted-neighbourhood window inside blocks larger than this


def _title_weight(key: str) -> float:
    """log2(m/u) of two records agreeing on `key`: longer and more specific keys are rarer by chance."""
    kind, text = key[0], key[2:]
    n = len(text)
    if kind == "h":
        return 9.0 if n >= 4 else 8.0 if n == 3 else 6.0 if n == 2 else 3.0
    if kind == "k":
        return 8.0 if n >= 4 else 7.0 if n == 3 else 5.0 if n == 2 else 2.0
    return 7.0 if n >= 10 else 6.0 if n >= 8 else 4.0 if n >= 5 else 2.0


def compatible(a: Features, b: Features) -> bool:
    """The hard guard: records of different format families are never one work."""
    return a.family is None or b.family is None or a.family == b.family


def creator_agreement(a: Features, b: Features, *, components: bool = False) -> bool | None:
    """True: a creator key in common. False: both sides name creators in a form that could have agreed (both
    in Han/kana, both in hangul, or both romanized in a shared language) and none does. None: nothing to compare
    — e.g. 海明威 against "Hemingway, Ernest", or a Vietnamese reading against pinyin."""
    if not a.creators or not b.creators:
        return None
    if a.creators & b.creators:
        return True
    for kind in ("h:", "k:"):
        if any(k.startswith(kind) for k in a.creators) and any(k.startswith(kind) for k in b.creators):
            return False
    # Romanized names disagree only when both were catalogued in Latin script: our own reading of a Japanese
    # name in kanji (新村出 → "nimura shutsu") is too often wrong to count against "Shinmura, Izuru".
    # Between whole components (many records, many scripts) any romanized names in a shared language count.
    # Across languages, a Latin-script heading is still comparable when neither record is in a language whose
    # names are romanized in rival systems ("Attwood, E. M." vs "Austen, Jane" in a French translation).
    both_latin = components or not any(k[0] in "hk" for k in a.creators | b.creators)
    both_romanized = any(k[0] == "r" for k in a.creators) and any(k[0] == "r" for k in b.creators)
    comparable = set(a.languages) & set(b.languages) or not (
        set(a.languages) & ROMANIZED_NAME_LANGUAGES or set(b.languages) & ROMANIZED_NAME_LANGUAGES
    ) and a.languages and b.languages
    if both_latin and both_romanized and comparable:
        return False
    return None


def work_score(a: Features, b: Features) -> float:
    """Fellegi–Sunter style log-likelihood score that `a` and `b` are the same work; -inf when never.

    A shared manifestation number (ISBN, LCCN, OCLC, NCID) or ISSN decides alone. Otherwise: the best shared
    title key (minus a point when both sides have it only as a variant title), a point when keys of a second
    kind agree too, plus creator agreement or minus disagreement. A pair whose only title evidence is a loose
    romanized key across different languages needs the creator as well (a translation must show evidence),
    unless both catalogued the same long title in Latin script (an English parallel title, "Sejarah Melayu").
    """
    if not compatible(a, b):
        return float("-inf")
    shared_ids = a.identifiers & b.identifiers
    if any(k.split(":", 1)[0] in EDITION_SCHEMES + SERIAL_SCHEMES for k in shared_ids):
        return 100.0
    best, kinds, latin_evidence = 0.0, set(), False
    for key, strength in a.titles.items():
        other = b.titles.get(key)
        if other is None:
            continue
        weight = _title_weight(key)
        if not strength.startswith(MAIN) and not other.startswith(MAIN):
            weight -= VARIANT_PENALTY
        if strength.endswith(LATIN) and other.endswith(LATIN) and weight >= WORK_THRESHOLD:
            latin_evidence = True  # the same long title catalogued in Latin script on both sides
        kinds.add(key[0])
        best = max(best, weight)
    if not kinds:
        return float("-inf")
    score = best + (SECOND_KIND_BONUS if len(kinds) > 1 else 0.0)
    creators_agree = creator_agreement(a, b)
    if creators_agree is not None:
        score += CREATOR_AGREE if creators_agree else CREATOR_DISAGREE
    cross_language = bool(a.languages and b.languages and not set(a.languages) & set(b.languages))
    if kinds == {"r"} and cross_language and not creators_agree and not latin_evidence:
        return float("-inf")
    return score


def same_edition(a: Features, b: Features) -> bool:
    """Same manifestation: a shared ISBN/LCCN/OCLC/NCID; or same content type, languages, year, publisher and
    main title key. Conservative on purpose: a missing year or publisher is not agreement."""
    if a.content_type != b.content_type and a.content_type and b.content_type:
        return False
    if a.year is not None and b.year is not None and abs(a.year - b.year) > EDITION_YEAR_GAP:
        return False
    if any(k.split(":", 1)[0] in EDITION_SCHEMES for k in a.identifiers & b.identifiers):
        return True
    return (
        a.year is not None
        and a.year == b.year
        and a.content_type == b.content_type
        and set(a.languages) == set(b.languages)
        and a.publisher is not None
        and a.publisher == b.publisher
        and bool(set(a.main_keys) & set(b.main_keys))
    )


class GuardedUnionFind:
    """Union-find over small integer ids that keeps each component's format family, year range and creators,
    and refuses a union that would mix two families, join components whose creators disagree (single linkage
    would otherwise chain two works through a record naming no creator), or, for editions, spread years.

    What it holds grows with what was joined, not with what was looked at: a parent for each record joined to
    another, and the guards' state for each component of two or more. A record met alone in its blocks costs
    nothing when `union` is given the features at hand (as `link_works` does); five entries for every record
    seen took a 1M-record rebuild to 1.47 GB. A rebuild, which joins most records, uses `CompactUnionFind`."""

    def __init__(self, year_gap: int | None = None):
        self.parent: dict[int, int] = {}  # records joined to another: the next one towards their root
        self._components: dict[int, _Component] = {}  # root -> the guards' state of its component
        self._alone: dict[int, Features] = {}  # added with `add` and not joined yet
        self.year_gap = year_gap

    def add(self, item: int, features: Features) -> None:
        """Make `item` known with its features (then `union` needs none for it, and `components` lists it)."""
        if item not in self.parent and item not in self._components:
            self._alone.setdefault(item, features)

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while root in parent:
            root = parent[root]
        while item != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int, features_a: Features | None = None, features_b: Features | None = None) -> bool:
        """Join the components of `a` and `b` unless a guard refuses; the features are needed for an item
        not added and joined to nothing yet."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self._component(ra, features_a), self._component(rb, features_b)
        if ca.family is not None and cb.family is not None and ca.family != cb.family:
            return False
        if ca.years and cb.years and self.year_gap is not None \
                and max(ca.years[1], cb.years[1]) - min(ca.years[0], cb.years[0]) > self.year_gap:
            return False
        if ca.creators is not None and cb.creators is not None and creator_agreement(
            ca.creators, cb.creators, components=ca.size + cb.size > 2
        ) is False:
            return False  # no chaining Austen's novel to a retelling through a record that names no creator
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self._components.pop(rb, None)
        self._alone.pop(ra, None)
        self._alone.pop(rb, None)
        self._components[ra] = ca.merged(cb)
        return True

    def seed(self, members: Sequence[tuple[int, Features]]) -> None:
        """Take `members` (items not known yet) as one component, without asking the guards: a work an earlier
        run formed, none of whose records changed, so none of the evidence that joined it did either."""
        if len(members) == 1:
            self.add(*members[0])
            return
        root = min(rid for rid, _ in members)
        for rid, _ in members:
            if rid != root:
                self.parent[rid] = root
        self._components[root] = _Component.of(features for _, features in members)

    def _component(self, root: int, features: Features | None) -> _Component:
        found = self._components.get(root)
        if found is not None:
            return found
        return _Component.alone(features if features is not None else self._alone[root])

    def components(self) -> dict[int, list[int]]:
        """Root → members (in id order): every component of two or more, and every item added and alone."""
        groups: dict[int, list[int]] = {root: [root] for root in self._components}
        for item in self.parent:
            groups[self.find(item)].append(item)
        for item in self._alone:
            groups.setdefault(item, [item])
        return {root: sorted(members) for root, members in groups.items()}


class CompactUnionFind:
    """`GuardedUnionFind` for a whole rebuild: the same guards and the same decisions (roots are the smallest
    item either way), in two arrays of 4 bytes an item instead of dicts of objects.

    Items are the rids `first..last`. `parent[i]` is the next item towards the root for a joined item, and for a
    root a negative number: -1 alone (its guards read the features `union` is given), else ``-2 - state`` with
    `state` an index into `_states`, the guards' state of a component of two or more. Components sharing a format
    family, creators and languages share one state (copies of a work mostly do), and a state no root holds any
    more is freed; so besides the arrays this holds one state for each distinct (family, creators, languages) of
    the multi-record works being formed. `following` chains each component's members in a ring, so `works` lists
    them without grouping every item by root. The dicts took 1M records to 0.87 GB; these arrays take 8 MB.
    """

    def __init__(self, first: int, last: int):
        self.first = first
        self.parent = array("i", [-1]) * (last - first + 1)
        self.following = array("i", range(last - first + 1))
        self._states: list[tuple[str | None, Features | None] | None] = []
        self._state_ids: dict[tuple, int] = {}  # (family, creators, languages) → its index in _states
        self._holders: list[int] = []  # state → roots holding it
        self._free: list[int] = []  # indexes of freed states

    def find(self, item: int) -> int:
        return self._root(item - self.first) + self.first

    def _root(self, index: int) -> int:
        parent = self.parent
        root = index
        while parent[root] >= 0:
            root = parent[root]
        while parent[index] >= 0 and parent[index] != root:
            parent[index], index = root, parent[index]
        return root

    def union(self, a: int, b: int, features_a: Features, features_b: Features) -> bool:
        """Join the components of `a` and `b` unless a guard refuses (`GuardedUnionFind.union`, without years);
        the features are those of `a` and `b`, read when one is alone."""
        ra, rb = self._root(a - self.first), self._root(b - self.first)
        if ra == rb:
            return True
        family_a, creators_a = self._guards(ra, features_a)
        family_b, creators_b = self._guards(rb, features_b)
        if family_a is not None and family_b is not None and family_a != family_b:
            return False
        if creators_a is not None and creators_b is not None and creator_agreement(
            creators_a, creators_b, components=self.parent[ra] != -1 or self.parent[rb] != -1
        ) is False:
            return False
        if ra > rb:
            ra, rb = rb, ra
        if creators_a is not None and creators_b is not None:
            creators, languages = creators_a.creators | creators_b.creators, creators_a.languages + creators_b.languages
        else:
            held = creators_a or creators_b
            creators, languages = (held.creators, held.languages) if held is not None else (None, ())
        self._release(ra)
        self._release(rb)
        self.parent[ra] = -2 - self._hold((family_a or family_b, creators, tuple(sorted(set(languages)))))
        self.parent[rb] = ra
        following = self.following
        following[ra], following[rb] = following[rb], following[ra]  # two rings become one
        return True

    def _guards(self, root: int, features: Features) -> tuple[str | None, Features | None]:
        """The format family and the creators (with languages) of the component of `root`."""
        code = self.parent[root]
        if code == -1:
            return features.family, Features("", creators=features.creators, languages=features.languages) \
                if features.creators else None
        return self._states[-2 - code]

    def _hold(self, key: tuple[str | None, frozenset[str] | None, tuple[str, ...]]) -> int:
        """The index of the state `key` (family, creators, languages), held by one root more. Languages are
        compared as a set (`creator_agreement` reads no order), so the key has them sorted and once each."""
        state = self._state_ids.get(key)
        if state is None:
            state = self._free.pop() if self._free else len(self._states)
            if state == len(self._states):
                self._states.append(None)
                self._holders.append(0)
            family, creators, languages = key
            self._states[state] = (family, Features("", creators=creators, languages=languages)
                                   if creators is not None else None)
            self._state_ids[key] = state
        self._holders[state] += 1
        return state

    def _release(self, root: int) -> None:
        """`root` stops being a root of two or more: its state has one holder less, and is freed at none."""
        code = self.parent[root]
        if code == -1:
            return
        state = -2 - code
        self._holders[state] -= 1
        if self._holders[state] == 0:
            family, creators = self._states[state]
            del self._state_ids[(family, creators.creators, creators.languages) if creators is not None
                                else (family, None, ())]
            self._states[state] = None
            self._free.append(state)

    def works(self) -> Iterator[list[int]]:
        """The members (rids, in order) of every component of two or more."""
        parent, following = self.parent, self.following
        for root in range(len(parent)):
            if parent[root] < -1:
                members, index = [root + self.first], following[root]
                while index != root:
                    members.append(index + self.first)
                    index = following[index]
                yield sorted(members)


class _Component:
    """What the guards know of one component."""

    __slots__ = ("size", "family", "years", "creators")

    def __init__(self, size: int, family: str | None, years: tuple[int, int] | None, creators: Features | None):
        self.size, self.family, self.years, self.creators = size, family, years, creators

    def merged(self, other: _Component) -> _Component:
        """The state of this component and `other` joined (the guards having let them)."""
        years = self.years or other.years
        if self.years and other.years:
            years = (min(self.years[0], other.years[0]), max(self.years[1], other.years[1]))
        creators = self.creators or other.creators
        if self.creators is not None and other.creators is not None:
            creators = Features("", creators=self.creators.creators | other.creators.creators,
                                languages=tuple(dict.fromkeys(self.creators.languages + other.creators.languages)))
        return _Component(self.size + other.size, self.family or other.family, years, creators)

    @classmethod
    def of(cls, members: Iterable[Features]) -> _Component:
        """The state of a component of `members` (what `merged` would give joining them one by one)."""
        size, family, low, high = 0, None, None, None
        creators: set[str] = set()
        languages: dict[str, None] = {}
        for features in members:
            size += 1
            family = family or features.family
            if features.year is not None:
                low = features.year if low is None else min(low, features.year)
                high = features.year if high is None else max(high, features.year)
            if features.creators:
                creators |= features.creators
                languages.update(dict.fromkeys(features.languages))
        return cls(size, family, None if low is None else (low, high),
                   Features("", creators=frozenset(creators), languages=tuple(languages)) if creators else None)

    @classmethod
    def alone(cls, features: Features) -> _Component:
        years = (features.year, features.year) if features.year is not None else None
        creators = Features("", creators=features.creators, languages=features.languages) \
            if features.creators else None
        return cls(1, features.family, years, creators)


def _neighbourhood_order(item: tuple[int, Features]) -> tuple:
    """Format, creator, languages: work evidence only. Not the year (work_score does not read it): a record
    whose year is corrected keeps its neighbours, so `Works.update` need not match it again. (Languages in
    its place: pride-and-prejudice precision 0.994, as with the year; import order alone gave 0.974.)"""
    features = item[1]
    return (features.family or "", min(features.creators, default=""), features.languages, item[0])


def link_works(blocks: Iterable[Sequence[tuple[int, Features]]], uf: GuardedUnionFind | CompactUnionFind) -> int:
    """Link records of each block whose `work_score` reaches the threshold. Returns the pairs scored.

    Blocks larger than `WINDOW` are sorted (`_neighbourhood_order`) and each record is compared with its
    `WINDOW` neighbours only. Pairs already in one component are skipped (they cannot change the components).
    Records that start in the block's largest component (or the first's, in a small block) are never compared
    with each other: components only grow, so those pairs would be skipped anyway, and looking each up was most
    of the time when a few new records meet a work of thousands (an update), or when a popular work's second
    big block comes after the first joined them all. The pairs left are taken in the same order as the full loop would.
    """
    scored = 0
    find = uf.find
    for block in blocks:
        if len(block) < 2:
            continue
        ordered = sorted(block, key=_neighbourhood_order) if len(block) > WINDOW else list(block)
        roots = [find(rid) for rid, _ in ordered]
        # Any starting component would do; the largest saves the most. A small block is not worth counting.
        largest = Counter(roots).most_common(1)[0][0] if len(block) > WINDOW else roots[0]
        others = [k for k, root in enumerate(roots) if root != largest]
        if not others:
            continue  # one component already
        n = len(ordered)
        reach = n if n <= WINDOW else WINDOW
        for i in range(n):
            end = min(n, i + reach)
            if roots[i] == largest:
                start = bisect_right(others, i)
                if start == len(others) or others[start] >= end:
                    continue
                partners: Iterable[int] = others[start:bisect_left(others, end)]
            else:
                partners = range(i + 1, end)
            ra, fa = ordered[i]
            root_a = find(ra)
            for j in partners:
                rb, fb = ordered[j]
                if find(rb) == root_a:
                    continue
                scored += 1
                if work_score(fa, fb) >= WORK_THRESHOLD and uf.union(ra, rb, fa, fb):
                    root_a = find(ra)
    return scored


def link_editions(members: Sequence[tuple[int, Features]]) -> dict[int, int]:
    """Editions inside one work: rid → the smallest rid of its edition.

    Records of one year, type, languages and publisher sharing a main title key are one edition: each record is
    joined to one member of each edition already holding that key (a representative), not compared with every
    copy — a work of 4,000 copies in a few years was millions of `same_edition` calls. A representative is
    added only when the guards refused a join (creators that disagree), so there is usually one a key. Records
    sharing an ISBN/LCCN/OCLC/NCID are then compared pairwise inside that number's (small) group.
    """
    uf = GuardedUnionFind(year_gap=EDITION_YEAR_GAP)
    representatives: dict[tuple, list[int]] = {}
    by_id: dict[str, list[tuple[int, Features]]] = {}
    for rid, features in members:
        uf.add(rid, features)
        for key in features.identifiers:
            if key.split(":", 1)[0] in EDITION_SCHEMES:
                by_id.setdefault(key, []).append((rid, features))
    for rid, features in members:
        if features.year is None or features.publisher is None:
            continue  # a missing year or publisher is not agreement (`same_edition`)
        edition = (features.year, features.content_type, frozenset(features.languages), features.publisher)
        for key in dict.fromkeys(features.main_keys):
            holders = representatives.setdefault((*edition, key), [])
            joined = False
            for other in holders:
                joined = uf.union(other, rid) or joined
            if not joined:
                holders.append(rid)
    for group in by_id.values():
        for i in range(1, len(group)):
            rb, fb = group[i]
            for ra, fa in group[:i]:
                if uf.find(ra) != uf.find(rb) and same_edition(fa, fb):
                    uf.union(ra, rb)
    return {rid: uf.find(rid) for rid, _ in members}
