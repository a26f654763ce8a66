"""The demo's digitised items: short public-domain passages typed by the Tongwen team, laid out on pages.

Each item is written by `build.py` as a TEI P5 file (``<pb n="…" facs="pages/…"/>`` per page, ``<lb/>`` per
column or line) and drawn by ``pages/render.py`` as page images; both take the layout from `layout` below, a
fixed grid, so the TEI needs no font and the pictures match it column for column.

The texts (typed from memory of the standard texts, all long out of copyright):

- 論語 學而第一, chapters 1–11, unpunctuated (白文), traditional characters, 8 columns × 16 characters a half
  folio, Kanseki Repository-like page labels ``001-1a`` (juan 001, folio 1, side a);
- 方丈記 (鴨長明, 建暦2 [1212]), the opening, 10 columns a page, labels ``1オ`` ``1ウ`` (丁 and side);
- 己未獨立宣言書 (1919), the opening, mixed hanja and hangul as printed, vertical, labels ``1`` ``2`` …;
- 狂人日记 (鲁迅, 民国七年 [1918]), the preface and first two sections as a modern reprint sets them:
  simplified characters, horizontal lines left to right, labels ``1`` ``2`` ….

The records imitate how each library would catalogue such an item; the pages are our own typesetting, not
scans of any library's copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML = "{http://www.w3.org/XML/1998/namespace}"


@dataclass(frozen=True)
class Item:
    key: str  # file stem of its images: pages/<key>/NN.jpg
    local_id: str
    institution: str
    lang_tag: str  # BCP 47 tag of the text
    titles: tuple[tuple[str, str], ...]  # (xml:lang, title): the original first, its romanization next
    authors: tuple[str, ...]
    date: str | None  # as the item gives it, era names kept (none for 論語: its date is not one year)
    year: int | None
    paragraphs: tuple[str, ...]
    columns: int  # columns (vertical) or lines (horizontal) a page
    chars: int  # characters a column or line
    labels: str  # "kanripo", "chou" (1オ 1ウ) or "number"
    font: int  # face index in the Noto Serif CJK collection: 0 JP, 1 KR, 2 SC, 3 TC
    running_head: str  # what the margin says beside the label
    notes: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    vertical: bool = True


WIDTH, HEIGHT = 1000, 1400
FRAME = (70, 110, 930, 1270)  # the woodblock frame: left, top, right, bottom


@dataclass
class Column:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h of the column (or line) in page pixels
    cells: list[tuple[int, int, int]] = field(default_factory=list)  # x, y, size of each character


@dataclass
class PageLayout:
    label: str
    image: str  # path relative to the TEI file
    columns: list[Column]
    paragraph_starts: list[int]  # indexes of columns that begin a paragraph


def page_label(item: Item, number: int) -> str:
    """The label of page ``number`` (0-based) as the item's source would write it."""
    if item.labels == "kanripo":
        return f"001-{number // 2 + 1}{'ab'[number % 2]}"
    if item.labels == "chou":
        return f"{number // 2 + 1}{'オウ'[number % 2]}"
    return str(number + 1)


def layout(item: Item) -> list[PageLayout]:
    """Cut the paragraphs into columns (a paragraph always starts a new one) and the columns into pages."""
    columns: list[tuple[str, bool]] = []
    for paragraph in item.paragraphs:
        for start in range(0, len(paragraph), item.chars):
            columns.append((paragraph[start : start + item.chars], start == 0))
    left, top, right, bottom = FRAME
    pages = []
    for number, first in enumerate(range(0, len(columns), item.columns)):
        chunk = columns[first : first + item.columns]
        placed, starts = [], []
        for index, (text, starts_paragraph) in enumerate(chunk):
            if starts_paragraph:
                starts.append(index)
            if item.vertical:
                pitch = (right - left) // item.columns
                size = (bottom - top) // item.chars
                x = right - (index + 1) * pitch
                cells = [(x + (pitch - size) // 2, top + row * size, size) for row in range(len(text))]
                box = (x + (pitch - size) // 2, top, size, size * len(text))
            else:
                pitch = (bottom - top) // item.columns
                size = (right - left) // item.chars
                y = top + index * pitch
                cells = [(left + col * size, y + (pitch - size) // 2, size) for col in range(len(text))]
                box = (left, y + (pitch - size) // 2, size * len(text), size)
            placed.append(Column(text, box, cells))
        pages.append(PageLayout(page_label(item, number), f"pages/{item.key}/{number + 1:02d}.jpg", placed, starts))
    return pages


ITEMS: tuple[Item, ...] = (
    Item(
        key="lunyu", local_id="nlcdig0001", institution="NLC", lang_tag="zh-Hant",
        titles=(("zh-Hant", "論語"), ("zh-Latn", "Lun yu")), authors=("孔子",),
        date=None, year=None, labels="kanripo", font=3, columns=8, chars=16, running_head="論語卷一",
        subjects=("儒家",), notes=("學而第一. 白文.",),
        paragraphs=(
            "論語卷第一",
            "學而第一",
            "子曰學而時習之不亦說乎有朋自遠方來不亦樂乎人不知而不慍不亦君子乎",
            "有子曰其為人也孝弟而好犯上者鮮矣不好犯上而好作亂者未之有也君子務本本立而道生孝弟也者其為仁之本與",
            "子曰巧言令色鮮矣仁",
            "曾子曰吾日三省吾身為人謀而不忠乎與朋友交而不信乎傳不習乎",
            "子曰道千乘之國敬事而信節用而愛人使民以時",
            "子曰弟子入則孝出則弟謹而信汎愛衆而親仁行有餘力則以學文",
            "子夏曰賢賢易色事父母能竭其力事君能致其身與朋友交言而有信雖曰未學吾必謂之學矣",
            "子曰君子不重則不威學則不固主忠信無友不如己者過則勿憚改",
            "曾子曰慎終追遠民德歸厚矣",
            "子禽問於子貢曰夫子至於是邦也必聞其政求之與抑與之與子貢曰夫子溫良恭儉讓以得之夫子之求之也其諸異乎人之求之與",
            "子曰父在觀其志父沒觀其行三年無改於父之道可謂孝矣",
        ),
    ),
    Item(
        key="hojoki", local_id="ndldig0001", institution="NDL", lang_tag="ja",
        titles=(("ja", "方丈記"), ("ja-Latn", "Hōjōki")), authors=("鴨長明",),
        date="建暦2 [1212]", year=1212, labels="chou", font=0, columns=10, chars=18, running_head="方丈記",
        subjects=("随筆",),
        paragraphs=(
            "方丈記",
            "ゆく河の流れは絶えずして、しかももとの水にあらず。淀みに浮かぶうたかたは、かつ消えかつ結びて、"
            "久しくとどまりたる例なし。世の中にある人と栖と、またかくのごとし。",
            "たましきの都のうちに、棟を並べ、甍を争へる、高き、いやしき、人の住まひは、世々を経て尽きせぬもの"
            "なれど、これをまことかと尋ぬれば、昔ありし家はまれなり。或は去年焼けて今年作れり。或は大家亡びて"
            "小家となる。住む人もこれに同じ。所も変らず、人も多かれど、いにしへ見し人は、二、三十人が中に、"
            "わづかにひとりふたりなり。朝に死に、夕に生まるるならひ、ただ水の泡にぞ似たりける。",
            "知らず、生まれ死ぬる人、いづかたより来たりて、いづかたへか去る。また知らず、仮の宿り、誰がために"
            "か心を悩まし、何によりてか目を喜ばしむる。その、あるじとすみかと、無常を争ふさま、いはばあさがほ"
            "の露に異ならず。或は露落ちて花残れり。残るといへども朝日に枯れぬ。或は花しぼみて露なほ消えず。"
            "消えずといへども夕べを待つことなし。",
        ),
    ),
    Item(
        key="tongnip", local_id="nlkdig0001", institution="NLK", lang_tag="ko",
        titles=(("ko", "宣言書"), ("ko-Latn", "Sŏnŏnsŏ"), ("ko", "기미독립선언서")), authors=("孫秉熙",),
        date="朝鮮建國四千二百五十二年三月一日 [1919]", year=1919, labels="number", font=1, columns=8, chars=18,
        running_head="宣言書", subjects=("3·1運動",), notes=("己未獨立宣言書. 民族代表 33人.",),
        paragraphs=(
            "宣言書",
            "吾等은玆에我朝鮮의獨立國임과朝鮮人의自主民임을宣言하노라此로써世界萬邦에告하야人類平等의大義를"
            "克明하며此로써子孫萬代에誥하야民族自存의正權을永有케하노라",
            "半萬年歷史의權威를仗하야此를宣言함이며二千萬民衆의誠忠을合하야此를佈明함이며民族의恒久如一한"
            "自由發展을爲하야此를主張함이며人類的良心의發露에基因한世界改造의大機運에順應幷進하기爲하야此를"
            "提起함이니是ㅣ天의明命이며時代의大勢ㅣ며全人類共存同生權의正當한發動이라天下何物이던지此를"
            "沮止抑制치못할지니라",
            "舊時代의遺物인侵略主義强權主義의犧牲을作하야有史以來累千年에처음으로異民族箝制의痛苦를嘗한지今에"
            "十年을過한지라我生存權의剝喪됨이무릇幾何ㅣ며心靈上發展의障礙됨이무릇幾何ㅣ며民族的尊榮의毁損됨이"
            "무릇幾何ㅣ며新銳와獨創으로써世界文化의大潮流에寄與補裨할奇緣을遺失함이무릇幾何ㅣ뇨",
        ),
    ),
    Item(
        key="kuangren", local_id="nlcdig0002", institution="NLC", lang_tag="zh-Hans",
        titles=(("zh-Hans", "狂人日记"), ("zh-Latn", "Kuang ren ri ji")), authors=("鲁迅",),
        date="民国七年 [1918]", year=1918, labels="number", font=2, columns=12, chars=18, running_head="狂人日记",
        vertical=False, subjects=("短篇小说--中国--现代",), notes=("原载《新青年》第四卷第五号.",),
        paragraphs=(
            "狂人日记",
            "某君昆仲，今隐其名，皆余昔日在中学时良友；分隔多年，消息渐阙。日前偶闻其一大病；适归故乡，迂道往访，"
            "则仅晤一人，言病者其弟也。劳君远道来视，然已早愈，赴某地候补矣。因大笑，出示日记二册，谓可见当日病状，"
            "不妨献诸旧友。持归阅一过，知所患盖“迫害狂”之类。语颇错杂无伦次，又多荒唐之言；亦不著月日，惟墨色字体"
            "不一，知非一时所书。间亦有略具联络者，今撮录一篇，以供医家研究。记中语误，一字不易；惟人名虽皆村人，不为"
            "世间所知，无关大体，然亦悉易去。至于书名，则本人愈后所题，不复改也。七年四月二日识。",
            "一",
            "今天晚上，很好的月光。",
            "我不见他，已是三十多年；今天见了，精神分外爽快。才知道以前的三十多年，全是发昏；然而须十分小心。不然，"
            "那赵家的狗，何以看我两眼呢？",
            "我怕得有理。",
            "二",
            "今天全没月光，我知道不妙。早上小心出门，赵贵翁的眼色便怪：似乎怕我，似乎想害我。还有七八个人，交头接耳"
            "的议论我，又怕我看见。一路上的人，都是如此。",
        ),
    ),
)


def tei_file(item: Item) -> str:
    """One file per library: its items are the <TEI>s of one <teiCorpus> (one item alone is a <TEI>)."""
    return f"{item.institution.lower()}-digitised.tei.xml"


def files() -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {}
    for item in ITEMS:
        grouped.setdefault(tei_file(item), []).append(item)
    return grouped


def tei_file_content(items: list[Item]) -> bytes:
    if len(items) == 1:
        return tei_document(items[0])
    corpus = _element("teiCorpus", [_element("teiHeader", [_element("fileDesc", [
        _element("titleStmt", [_element("title", [f"{items[0].institution} digitised items (Tongwen demo)"], {})], {}),
        _element("publicationStmt", [_element("p", ["Tongwen demo collection"], {})], {}),
        _element("sourceDesc", [_element("p", ["Typed and drawn by the Tongwen team."], {})], {}),
    ], {})], {})], {})
    for item in items:
        corpus.append(etree.fromstring(tei_document(item)))
    return etree.tostring(corpus, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def source_name(item: Item) -> str:
    return f"{item.institution.lower()}-digitised-demo"


def tei_document(item: Item) -> bytes:
    """The item as TEI P5: header (titles, author, the date and library in ``sourceDesc``), then the text with
    a ``<pb n facs/>`` per page and an ``<lb/>`` per column, the column's box in ``facs`` as ``#xywh=``."""
    E = lambda tag, *children, **attrs: _element(tag, children, attrs)  # noqa: E731
    header = E(
        "teiHeader",
        E("fileDesc",
          E("titleStmt", *[E("title", text, **{"xml:lang": lang}) for lang, text in item.titles],
            *[E("author", name) for name in item.authors]),
          E("extent", f"{len(layout(item))} pages"),
          E("publicationStmt", E("publisher", "Tongwen demo collection"), E("idno", item.local_id),
            E("availability", E("p", "Public domain. Page images drawn by the Tongwen team."))),
          E("sourceDesc", E("bibl", *[E("title", text) for _, text in item.titles[:1]],
                            *[E("author", name) for name in item.authors],
                            *([E("date", item.date, when=f"{item.year:04d}")] if item.date else []),
                            E("distributor", item.institution)))),
        E("profileDesc", E("langUsage", E("language", ident=item.lang_tag))),
    )
    body = E("body")
    paragraph = None
    for page in layout(item):
        for index, column in enumerate(page.columns):
            if paragraph is None or index in page.paragraph_starts:
                paragraph = E("p")
                body.append(paragraph)
            if index == 0:
                paragraph.append(E("pb", n=page.label, facs=page.image, **{"xml:id": f"{item.key}-p{page.image[-6:-4]}"}))
            lb = E("lb", facs="#xywh=" + ",".join(map(str, column.box)))
            lb.tail = column.text
            paragraph.append(lb)
    tei = E("TEI", header, E("text", body, **{"xml:lang": item.lang_tag}), **{"xml:id": item.local_id})
    return etree.tostring(tei, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _element(tag: str, children, attrs) -> etree._Element:
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS})
    for key, value in attrs.items():
        element.set(XML + key[4:] if key.startswith("xml:") else key, value)
    for child in children:
        if isinstance(child, str):
            element.text = child
        else:
            element.append(child)
    return element
