"""A picture's key as a value: what it shows (scope, subject, name) and whether it is the phone variant.

Keys are written as paths (`territory/doubs/pillars`, `narrow/hub/fablab/locator`, `home/map`,
`pillar/health/region`, `choropleth/health/epci`): that text names the picture's file and the pages
look pictures up by it. It is parsed here, once, into a `PictureKey`; everything else reads fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NARROW = "narrow"  # prefix of a picture's variant drawn for phones (the site shows it below 720 px)
ENGLISH = "en"  # prefix of a picture's English edition (its words in English: title, alt text, table, drawing)
SCOPES = ("home", "territory", "hub", "pillar", "choropleth")


@dataclass(frozen=True, order=True)
class PictureKey:
    """`scope` is where the picture belongs (the home page, a territory, a hub, a pillar's ranking,
    a pillar's map); `subject` the territory, hub or pillar it is about ("" on the home page); `name`
    which picture of that subject (`pillars`, `locator`, `map`…, a level for a ranking or a map); `lang`
    the language of its words (`en/territory/doubs/pillars` is the English edition's)."""

    scope: str
    subject: str
    name: str
    narrow: bool = False
    lang: str = "fr"

    @classmethod
    def parse(cls, text: str) -> PictureKey:
        """The key of `text`; ValueError when it is not the key of any picture kind."""
        parts = text.split("/")
        lang = ENGLISH if parts[0] == ENGLISH else "fr"
        if lang != "fr":
            parts = parts[1:]
        narrow = bool(parts) and parts[0] == NARROW
        if narrow:
            parts = parts[1:]
        if parts and parts[0] == "home" and len(parts) == 2 and parts[1]:
            return cls("home", "", parts[1], narrow, lang)
        if len(parts) == 3 and parts[0] in SCOPES[1:] and all(parts):
            return cls(parts[0], parts[1], parts[2], narrow, lang)
        raise ValueError(f"not a picture key: {text!r}")

    @classmethod
    def home(cls, name: str) -> PictureKey:
        return cls("home", "", name)

    @property
    def text(self) -> str:
        """The key as written (file names, the pictures' mapping, the pages)."""
        path = f"home/{self.name}" if self.scope == "home" else f"{self.scope}/{self.subject}/{self.name}"
        path = f"{NARROW}/{path}" if self.narrow else path
        return path if self.lang == "fr" else f"{self.lang}/{path}"

    def __str__(self) -> str:
        return self.text

    @property
    def wide(self) -> PictureKey:
        """The picture this one is the phone variant of (itself when it is not one)."""
        return replace(self, narrow=False) if self.narrow else self

    @property
    def variant(self) -> PictureKey:
        """Its variant drawn for phones."""
        return replace(self, narrow=True)

    @property
    def french(self) -> PictureKey:
        """The same picture with French words (itself when it is French)."""
        return replace(self, lang="fr") if self.lang != "fr" else self

    def in_lang(self, lang: str) -> PictureKey:
        """The same picture with its words in `lang`."""
        return replace(self, lang=lang)


def both(key: PictureKey) -> list[PictureKey]:
    """A picture and its variant for phones."""
    return [key, key.variant]
