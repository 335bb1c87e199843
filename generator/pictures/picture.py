"""A picture as a value (its SVG, or where to read it, with its words) and what names and specifies one.

`Picture` is what the pages and reports place; a kept picture's drawing (`KeptDrawing`) is read from the
picture cache only when its bytes are asked for. `picture_keys`, `picture_spec` and `render` are the
registry's entry points (`kinds`); `run` specifies, keeps and draws an atlas's pictures with them.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.errors import AtlasError
from generator.faults import writing
from generator.model import Atlas
from generator.pictures.cache import _store, _words_json, cache_key, is_digest
from generator.pictures.keys import ENGLISH, NARROW, PictureKey
from generator.pictures.kinds import KEY_LISTS, KINDS, narrow_spec, spec_function
from generator.pictures.legend import legend_html
from generator.pictures.mpl import style
from generator.pictures.spec import Spec
from generator.typography import APOSTROPHE, french_quotes_text

Words = tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[tuple[str, str], ...]]
WORDS = ("title", "alt", "table_headers", "table_rows", "legend")


class Picture:
    """A picture as the pages and reports place it: `key` (stable id: "home/map", "territory/<id>/pillars"),
    `filename` (relative to the docs root: "assets/pictures/<key>.svg"), its drawing (`svg`), its words:
    `title` (a short caption), `alt` (the text alternative generated from the data, plain text), the data
    table beside it (`table_headers`, `table_rows`, formatted in its language), `legend` ((symbol, words),
    written beside it, generator.pictures.legend); `digest` (its cache key: a hash of its spec, words
    included, and of the code that draws it) and `lang` (the language of its words, and of its drawing's
    unless it has none).

    A kept picture's drawing (`KeptDrawing`) and words (`words=`, a function giving them) are read when first
    asked for: after one edit, the 18,000 pictures of the national atlas are placed by pages kept as they were
    and written as files known unchanged by their cache key, and only a few are asked for their words or bytes.
    Equal pictures are those with the same words, key, file, cache key and language (not compared by bytes)."""

    __slots__ = ("key", "filename", "drawing", "digest", "lang", "_words")

    key: str
    filename: str
    drawing: bytes | KeptDrawing
    digest: str
    lang: str

    def __init__(self, key: str, filename: str, drawing: bytes | KeptDrawing, title: str = "", alt: str = "",
                 table_headers: tuple[str, ...] = (), table_rows: tuple[tuple[str, ...], ...] = (),
                 digest: str = "", lang: str = "fr", legend: tuple[tuple[str, str], ...] = (),
                 words: Callable[[str], Words] | None = None) -> None:
        put = object.__setattr__  # a value: set once, here (18,000 kept pictures made at each build)
        put(self, "key", key)
        put(self, "filename", filename)
        put(self, "drawing", drawing)
        put(self, "digest", digest)
        put(self, "lang", lang)
        put(self, "_words", words or (title, alt, table_headers, table_rows, legend))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a picture is a value: {name} cannot be set")

    def _told(self) -> Words:
        words = self._words
        if callable(words):
            words = words(self.key)
            object.__setattr__(self, "_words", words)
        return words

    @property
    def title(self) -> str:
        return self._told()[0]

    @property
    def alt(self) -> str:
        return self._told()[1]

    @property
    def table_headers(self) -> tuple[str, ...]:
        return self._told()[2]

    @property
    def table_rows(self) -> tuple[tuple[str, ...], ...]:
        return self._told()[3]

    @property
    def legend(self) -> tuple[tuple[str, str], ...]:
        return self._told()[4]

    def _compared(self) -> tuple[Any, ...]:
        return (self.key, self.filename, *self._told()[:4], self.digest, self.lang, self.legend)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Picture) and self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        return (f"Picture(key={self.key!r}, filename={self.filename!r}, title={self.title!r}, "
                f"digest={self.digest!r}, lang={self.lang!r})")

    @property
    def svg(self) -> bytes:
        """Its SVG bytes. A kept picture's are read from the picture cache only when asked for: after one
        edit the writer knows 16,000 of the docs folder's picture files unchanged by their cache key and
        never asks (reading them all back was 0.3 s of the regeneration)."""
        drawing = self.drawing
        return drawing if isinstance(drawing, bytes) else drawing()

    @property
    def size(self) -> int:
        """The length of its SVG, known without reading a kept picture's drawing (kept with its spec)."""
        drawing = self.drawing
        return len(drawing) if isinstance(drawing, bytes) else drawing.size

    def legend_html(self, pdf: bool = False) -> str:
        """Its legend as HTML, for the pages and reports (which do not import the picture code)."""
        return legend_html(self.legend, pdf) if self.legend else ""


class KeptDrawing:
    """A kept picture's drawing, read from the picture cache when first asked for, then held. A cache that
    lost it since (removed by hand, pruned by another build) is not an error: the picture is drawn again
    from its spec and stored again. The atlas is held weakly (`atlas serve` keeps pictures from one save
    to the next, not the atlases they were taken with): `draw_pictures` hands a picture it takes again
    its new atlas, on which its spec is the same (what it read is as it was)."""

    __slots__ = ("atlas", "cache_dir", "digest", "key", "_size", "_svg")

    def __init__(self, atlas: Atlas, cache_dir: Path, digest: str, key: str, size: int | None = None) -> None:
        self.atlas = weakref.ref(atlas)
        self.cache_dir, self.digest, self.key, self._size = cache_dir, digest, key, size
        self._svg: bytes | None = None

    @property
    def size(self) -> int:
        """Its length in bytes: as kept with its spec, else read."""
        return self._size if self._svg is None and self._size is not None else len(self())

    def __call__(self) -> bytes:
        if self._svg is None:
            svg = _kept_svg(self.cache_dir, self.digest)
            if svg is None:
                atlas = self.atlas()
                if atlas is None:
                    raise AtlasError(f"picture {self.key}: the picture cache lost its drawing; build again")
                spec = picture_spec(atlas, self.key)
                svg = render(spec.kind, spec.data)
                with writing(self.cache_dir, "the picture cache"):  # under its spec's key, made again
                    self.cache_dir.mkdir(parents=True, exist_ok=True)
                    _store(self.cache_dir, cache_key(spec), _words_json(spec), svg)
            self._svg = svg
        return self._svg


def picture_keys(atlas: Atlas) -> list[str]:
    """Every picture that exists for this atlas (e.g. no network picture for a territory without hubs),
    each with its English twin."""
    french = {key.text for keys in KEY_LISTS for key in keys(atlas)}
    return sorted(french | {f"{_EN}{text}" for text in french})  # a twin's key: its French key under en/


def picture_file(key: PictureKey) -> str:
    """Where a picture is in the docs folder: `assets/pictures/<key>.svg`; an English one in the English
    edition's folder (`en/assets/pictures/…`), which the French site does not hold."""
    path = f"assets/pictures/{key.french.text}.svg"
    return path if key.lang == "fr" else f"{key.lang}/{path}"


def picture_spec(atlas: Atlas, key: str | PictureKey, wide: dict[PictureKey, Spec] | None = None) -> Spec:
    """What the picture `key` is made of, without drawing it. `wide`, when given, keeps the specs of wide
    pictures already computed, so that a narrow variant does not compute its picture's spec again."""
    text = key.text if isinstance(key, PictureKey) else key
    try:
        parsed = key if isinstance(key, PictureKey) else PictureKey.parse(key)
        plain = parsed.wide
        found = wide.get(plain) if wide is not None else None
        if found is None:
            found = spec_function(plain)(atlas, plain)
            if found is None:
                raise KeyError(text)
            found = typeset(found, plain.lang)
            if wide is not None:
                wide[plain] = found
        return narrow_spec(found) if parsed.narrow else found
    except (KeyError, IndexError, ValueError) as error:
        raise AtlasError(f"no picture {text!r} in this atlas; picture_keys(atlas) lists the ones that exist") from error


def typeset(spec: Spec, lang: str) -> Spec:
    """A spec whose drawn words (its data) follow the pages' typography (generator.typography): in French the
    straight quotes of names « » and their apostrophes ’ (« Côte d’Azur »); in English the apostrophes ’ only
    (its catalogue writes ’ already), so that an English twin whose only words are names with an apostrophe
    keeps sharing its French drawing (377 locators and networks of the shipped atlas). Its title and tables are
    typeset on the page by the post-pass (generator.html_whitespace); its alt text, an attribute, is left as
    written here and typeset where it is placed (typography.attribute_text: the page, the report), so that the
    picture's cache key does not change with the typography."""
    french = lang == "fr"

    def words(value: Any) -> Any:
        if isinstance(value, str):
            if ("'" not in value and ('"' not in value or not french)) or "://" in value:  # an address: as it is
                return value
            return french_quotes_text(value) if french else value.replace("'", APOSTROPHE)
        if isinstance(value, dict):
            return {k: words(v) for k, v in value.items()}
        if isinstance(value, list):
            return [words(v) for v in value]
        if isinstance(value, tuple):
            return tuple(words(v) for v in value)
        return value

    data = words(spec.data)
    return spec if data == spec.data else dataclasses.replace(spec, data=data)


def picture_specs(atlas: Atlas, keys: Iterable[str]) -> dict[str, Spec]:
    """The specs of many pictures, each wide picture's spec computed once for it and its narrow variant."""
    wide: dict[PictureKey, Spec] = {}
    return {key: picture_spec(atlas, key, wide) for key in keys}


def render(kind: str, data: dict[str, Any]) -> bytes:
    """Draw one picture in the atlas style and return its SVG bytes."""
    drawing = KINDS[kind]
    if not drawing.matplotlib:
        return drawing.draw(data)  # copying matplotlib's settings in and out cost more than most of these
    with style():
        return drawing.draw(data)


def _picture(spec: Spec, svg: bytes | KeptDrawing, digest: str = "", filename: str | None = None) -> Picture:
    key = PictureKey.parse(spec.key)
    return Picture(key=spec.key, filename=filename or picture_file(key), drawing=svg, title=spec.title, alt=spec.alt,
                   table_headers=spec.table_headers, table_rows=spec.table_rows, digest=digest, lang=key.lang,
                   legend=spec.legend)


def _lang_of(key: str) -> str:
    """The language of a picture key's words (`PictureKey.parse(key).lang` without parsing: 18,000 keys a
    build; a key's language is its first part, `keys.PictureKey.text`)."""
    return ENGLISH if key.startswith(_EN) else "fr"


_EN, _NARROW = ENGLISH + "/", NARROW + "/"


def _group_of(key: str) -> str:
    """The group a picture is specified and kept with: its French wide picture's key (a picture, its
    variant for phones and their English twins read the same sheets, and a twin is compared with it)."""
    return key.removeprefix(_EN).removeprefix(_NARROW)  # PictureKey.parse(key).wide.french.text


def _kept_svg(cache_dir: Path, digest: str) -> bytes | None:
    """A kept picture's drawing from the cache (its words are kept with its spec: not read here)."""
    if not is_digest(digest):
        return None
    try:
        with open(cache_dir / f"{digest}.svg", "rb") as handle:
            svg = handle.read()
    except OSError:
        return None
    return svg if svg.startswith(b"<?xml") and svg.rstrip().endswith(b"</svg>") else None


def _kept_picture(key: str, drawing: bytes | KeptDrawing, words: dict[str, Any] | KeptWords, digest: str,
                  filename: str | None = None) -> Picture:
    lang = _lang_of(key)  # picture_file's path, from the key's text (18,000 keys parsed were 0.05 s)
    filename = filename or (f"{lang}/assets/pictures/{key[len(_EN):]}.svg" if lang != "fr" else
                            f"assets/pictures/{key}.svg")
    if isinstance(words, KeptWords):
        return Picture(key, filename, drawing, "", "", (), (), digest, lang, (), words)
    return Picture(key=key, filename=filename, drawing=drawing, title=words["title"],
                   alt=words["alt"], table_headers=words["table_headers"], table_rows=words["table_rows"],
                   digest=digest, lang=lang, legend=words.get("legend", ()))  # tuples (_kept_words)


class KeptWords:
    """The words of a kept group's pictures, read from its shard of the kept specs (`kept`) when a page first
    asks for those of one of them (`words(key)`): the shard's entry when it holds the group's kept cache keys
    (which hash the words), else (the shard lost or rewritten by another build since) the picture's spec made
    again on the atlas it was taken with."""

    __slots__ = ("shard", "group", "keys", "atlas")

    def __init__(self, shard: Path, group: str, keys: dict[str, str], atlas: Atlas) -> None:
        self.shard, self.group, self.keys = shard, group, keys
        self.atlas = weakref.ref(atlas)

    def __call__(self, key: str) -> Words:
        from generator.pictures.kept_files import read_shard

        entry = read_shard(self.shard).get(self.group)
        if isinstance(entry, list) and len(entry) == 4 and entry[1] == self.keys and isinstance(entry[2], dict):
            words = entry[2].get(_lang_of(key))
            if isinstance(words, dict) and all(name in words for name in WORDS[:4]):
                return (words["title"], words["alt"], words["table_headers"], words["table_rows"],
                        words.get("legend", ()))
        atlas = self.atlas()
        if atlas is None:
            raise AtlasError(f"picture {key}: the kept specs lost its words; build again")
        spec = picture_spec(atlas, key)  # as the kept words were made (_kept_words: tuples)
        return (spec.title, spec.alt, tuple(spec.table_headers), tuple(tuple(row) for row in spec.table_rows),
                tuple(tuple(entry) for entry in spec.legend))
