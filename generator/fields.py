"""Every field of the fact-sheet format, declared once (format 1.1, /work/shared/spec/fact-sheets.md).

Each `Field` says its kind of value, whether it is required, its help text, its French and English
labels, an example, whether its Markdown is translatable in `en:`, its place in the quality checklist
and its open-data column. Derived from this table, never written again elsewhere: the validator's
field checks (`generator.validate`), the JSON Schema files (`generator.schema`), the reference page
(`generator.schema_reference`), the skeletons of `atlas new` (`generator.scaffold`), the model's
construction (`generator.load`), the quality checklist (`generator.quality`) and the open-data columns
(`generator.opendata`). Adding a field to a sheet is one entry here, then a line in the templates that
show it (the model reads a field without an attribute of its own as `territory.<name>`/`hub.<name>`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.model import DERIVED_INDICATORS, DIRECTIONS, LEVELS, PILLAR_LABELS, PILLARS, STATUSES, VOCABULARY_LISTS
from generator.specs import (
    CommuneCode,
    Coords,
    Date,
    Enum,
    Fact,
    FactValue,
    Field,
    Integer,
    ListOf,
    MapOf,
    Markdown,
    Number,
    Record,
    Slug,
    Text,
    Url,
    Year,
)

_SOURCED = "\n  value: 0\n  year: 2022\n  source: ma-source"
_INDICATORS = "\n  - label: Médecins pour 10 000 habitants\n    value: 0\n    year: 2023\n    source: ma-source"

SOURCE = Record({
    "title": Field(Text(nonblank=True), True, "Titre du document", "Titre", "Title"),
    "publisher": Field(Text(), False, "Qui l'a publié", "Éditeur", "Publisher"),
    "url": Field(Url(), False, "Où un lecteur peut le vérifier (http ou https)", "Adresse", "Address"),
    "accessed": Field(Date(), False, "Date de consultation (AAAA-MM-JJ)", "Consulté le", "Accessed"),
})
SOURCES = MapOf(SOURCE)
_SOURCES_EXAMPLE = ("\n  ma-source:\n    title: Titre du document\n    publisher: Éditeur\n    url: https://exemple.org/page\n"
                    "    accessed: 2025-01-10")


def translations(fields: Mapping[str, Field]) -> Field:
    """The `en:` block of a map: an English version of each of its translatable Markdown fields."""
    return Field(Record({n: Field(Markdown()) for n, f in fields.items() if f.translatable}), False,
                 "Version anglaise des champs Markdown", "Version anglaise", "English version")


def _with_en(fields: dict[str, Field]) -> Record:
    return Record({**fields, "en": translations(fields)})


PILLAR = _with_en({
    "rating": Field(Integer(0, 5), False, "Évaluation de 0 à 5 ; absente : non évalué (jamais affiché comme 0)",
                    "Appréciation", "Rating"),
    "rationale": Field(Markdown(), False, "Pourquoi cette note (obligatoire avec rating)", "Justification",
                       "Rationale", translatable=True),
    "summary": Field(Markdown(), False, "Ce qui ressort pour ce pilier", "En bref", "Summary", translatable=True),
    "indicators": Field(ListOf(Fact(FactValue(), indicator=True)), False,
                        "Faits mesurés (label, value, unit, year, source)", "Indicateurs", "Indicators"),
})

TERRITORY = _with_en({
    "id": Field(Slug(), False, "Doit être égal au nom du dossier", "Identifiant", "Id"),
    "name": Field(Text(nonblank=True), True, "Nom officiel, avec les accents", "Nom", "Name",
                  column="nom officiel"),
    "level": Field(Enum(LEVELS), True, "Niveau administratif", "Niveau", "Level",
                   column="niveau : region, departement, epci, commune ou pays"),
    "code": Field(Text(nonblank=True), False, "Code officiel (INSEE ou SIREN), entre guillemets", "Code", "Code",
                  example='"00000"', quality=1, column="code officiel (INSEE, ou SIREN pour un EPCI)"),
    "parent": Field(Slug("territory"), False, "Identifiant du territoire englobant", "Territoire englobant",
                    "Parent territory", example="id-du-territoire-englobant", attr="parent_id",
                    column="identifiant du territoire parent"),
    "population": Field(Fact(Integer(0)), False, "Habitants", "Population", "Population", example=_SOURCED,
                        quality=2, column="nombre d'habitants",
                        column_fact=("année de la population", "identifiant de la source de la population")),
    "area_km2": Field(Fact(Number(positive=True)), False, "Superficie en km²", "Superficie", "Area",
                      example="12.5", quality=3, column="superficie en km²"),
    "coordinates": Field(Coords(), False, "Ville principale : [latitude, longitude]", "Coordonnées",
                         "Coordinates", example="[47.2378, 6.0241]", quality=4, column="(WGS 84)"),
    "summary": Field(Markdown(), False, "Un ou deux paragraphes de présentation (Markdown)", "Présentation",
                     "Overview", example="|\n  Un ou deux paragraphes de présentation.", translatable=True,
                     quality=5),
    "pillars": Field(Record({k: Field(PILLAR, False, PILLAR_LABELS[k], PILLAR_LABELS[k]) for k in PILLARS}), False,
                     "Les cinq piliers", "Piliers", "Pillars",
                     example="\n  health:\n    rating: 3\n    rationale: Pourquoi cette note.\n"
                             "    summary: Ce qui ressort.\n    indicators:" + _INDICATORS.replace("\n", "\n    ")),
    "measures": Field(MapOf(Fact(Number())), False,
                      "Mesures officielles : identifiant du catalogue territories/indicators.yml -> valeur ou fait",
                      "Mesures", "Measures"),
    "sources": Field(SOURCES, False, "Sources propres à cette fiche", "Sources", "Sources", example=_SOURCES_EXAMPLE),
    "updated": Field(Date(), True, "Date de dernière vérification (AAAA-MM-JJ)", "Mise à jour", "Updated",
                     column="date de mise à jour de la fiche (AAAA-MM-JJ)"),
    "contributors": Field(ListOf(Text(nonblank=True)), False, "Qui l'a rédigée ou vérifiée", "Contributeurs",
                          "Contributors", example="[Votre nom]"),
})

HUB = _with_en({
    "id": Field(Slug(), False, "Doit être égal au nom du fichier", "Identifiant", "Id"),
    "name": Field(Text(nonblank=True), True, "Nom du lieu", "Nom", "Name", column="nom du lieu"),
    "types": Field(ListOf(Slug("hub_types"), min_items=1), True, "Types de lieu (vocabulaire hub_types)", "Types",
                   "Types", column="types (identifiants du vocabulaire, séparés par « ; »)"),
    "status": Field(Fact(Enum(STATUSES), identity=True), True,
                    "active (en activité), project (en projet) ou closed (fermé) ; en fait daté et sourcé : "
                    "{value, year (année où une source l'a constaté), source}", "Statut", "Status",
                    column="statut : active, project ou closed",
                    column_fact=("année où la source a constaté le statut", "identifiant de la source du statut")),
    "founded": Field(Fact(Year(), identity=True), False, "Année d'ouverture", "Année d'ouverture", "Opened in",
                     example="2015", quality=4, column="année d'ouverture"),
    "closed_in": Field(Fact(Year(), identity=True), False, "Année de fermeture (seulement avec status: closed)",
                       "Année de fermeture", "Closed in", example="2020", column="année de fermeture"),
    "address": Field(Fact(Text(), identity=True), False, "Adresse postale", "Adresse", "Address",
                     example="1 rue ..., 00000 Ville", quality=1, column="adresse postale"),
    "commune": Field(CommuneCode(), False, "Code INSEE de la commune, entre guillemets", "Commune", "Municipality",
                     example='"00000"'),
    "coordinates": Field(Fact(Coords(), precision=True, identity=True), False,
                         "Emplacement : [latitude, longitude], ou {value, precision, source}", "Coordonnées",
                         "Coordinates", example="[47.2378, 6.0241]", quality=2, column="(WGS 84)"),
    "website": Field(Url(), False, "Adresse http(s)", "Site web", "Website", example="https://exemple.org", quality=3,
                     column="site web"),
    "services": Field(ListOf(Slug("services")), False, "Services (vocabulaire services)", "Services", "Services",
                      example="[incubation, prototyping]", quality=5,
                      column="services (identifiants, séparés par « ; »)"),
    "themes": Field(ListOf(Slug("themes")), False, "Thèmes (vocabulaire themes)", "Thèmes", "Themes",
                    example="[numerique]", quality=6, column="thèmes (identifiants, séparés par « ; »)"),
    "pillars": Field(ListOf(Enum(PILLARS)), False, "Piliers de son territoire qu'il sert", "Piliers", "Pillars",
                     example="[knowledge]", quality=7, column="piliers servis (séparés par « ; »)"),
    "networks": Field(ListOf(Slug("networks")), False, "Réseaux (vocabulaire networks)", "Réseaux", "Networks",
                      example="[french-tech]", quality=8, column="réseaux (identifiants, séparés par « ; »)"),
    "partners": Field(ListOf(Slug("hub")), False,
                      "Identifiants des lieux avec lesquels il travaille (liens non orientés)", "Partenaires",
                      "Partners", example="[id-d-un-autre-lieu]",
                      column="partenaires (identifiants des lieux, dans les deux sens, séparés par « ; »)"),
    "figures": Field(ListOf(Fact(FactValue(), indicator=True)), False, "Chiffres : membres, start-up accompagnées…",
                     "Chiffres", "Figures", example=_INDICATORS.replace("Médecins pour 10 000 habitants", "Membres"),
                     quality=10),
    "description": Field(Markdown(), False, "Ce qu'il est et ce qu'il fait (Markdown)", "Description",
                         "Description", example="|\n  Ce qu'il est et ce qu'il fait.", translatable=True, quality=9),
    "sources": Field(SOURCES, False, "Sources propres à cette fiche", "Sources", "Sources", example=_SOURCES_EXAMPLE),
    "updated": Field(Date(), True, "Date de dernière vérification (AAAA-MM-JJ)", "Mise à jour", "Updated",
                     column="date de mise à jour de la fiche (AAAA-MM-JJ)"),
})

INDICATOR = Record({
    "label": Field(Text(nonblank=True), True, "Ce qui est mesuré, en français", "Libellé", "Label"),
    "pillar": Field(Enum(PILLARS), True, "Le pilier qu'il mesure", "Pilier", "Pillar"),
    "unit": Field(Text(), False, "Unité", "Unité", "Unit"),
    "definition": Field(Markdown(), False, "Définition et méthode de calcul (Markdown)", "Définition", "Definition"),
    "direction": Field(Enum(DIRECTIONS), True, "higher : plus c'est haut, mieux c'est ; lower : l'inverse", "Sens",
                       "Direction"),
    "levels": Field(ListOf(Enum(LEVELS), min_items=1), True, "Niveaux où il est mesuré et noté", "Niveaux", "Levels"),
    "source": Field(Slug("source"), False, "Source par défaut d'une mesure (territories/sources.yml)", "Source",
                    "Source"),
    "derived": Field(Enum(DERIVED_INDICATORS), False, "Calculé par l'atlas lui-même, au lieu d'une source", "Calcul",
                     "Derived"),
    "year": Field(Year(), False, "Année par défaut d'une mesure", "Année", "Year"),
    "en": Field(Record({
        "label": Field(Text(nonblank=True), False, "Libellé en anglais", "Libellé", "Label"),
        "definition": Field(Markdown(), False, "Définition en anglais (Markdown)", "Définition", "Definition"),
    }), False, "Version anglaise du libellé et de la définition, montrée par l'édition anglaise du site et ses "
        "rapports (à défaut, le texte français)", "Version anglaise", "English version"),
})
INDICATORS = MapOf(INDICATOR)

VOCABULARY_ENTRY = Record({
    "label": Field(Text(nonblank=True), True, "Libellé en français", "Libellé", "Label"),
    "description": Field(Markdown(), False, "Ce que cela veut dire, pour un lecteur", "Description", "Description"),
    "url": Field(Url(), False, "Page officielle", "Page officielle", "Official page"),
    "en": Field(Record({
        "label": Field(Text(nonblank=True), False, "Libellé en anglais", "Libellé", "Label"),
        "description": Field(Markdown(), False, "Description en anglais", "Description", "Description"),
    }), False, "Version anglaise du libellé et de la description, montrée par l'édition anglaise du site "
        "(à défaut, le texte français)",
        "Version anglaise", "English version"),
})
VOCABULARY = Record({name: Field(MapOf(VOCABULARY_ENTRY), False) for name in VOCABULARY_LISTS})

# territories/moved.yml (optional): the former id of a hub whose sheet was merged into another, or renamed ->
# the id of the hub that has its sheet now; its former page leads there (Pages.moved_hub_outputs)
MOVED = MapOf(Slug("hub"))

SHEET_SPECS: Mapping[str, Record | MapOf] = {
    "territory": TERRITORY, "hub": HUB, "vocabulary": VOCABULARY, "sources": SOURCES, "indicators": INDICATORS,
    "moved": MOVED,
}
TITLES = {
    "territory": "Fiche territoire", "hub": "Fiche lieu d'innovation",
    "vocabulary": "Vocabulaire contrôlé", "sources": "Sources partagées",
    "indicators": "Catalogue des indicateurs mesurés",
    "moved": "Lieux déplacés : ancien identifiant d'un lieu fusionné ou renommé, et identifiant du lieu qui a "
             "sa fiche (facultatif)",
}


def identity_facts(record: Record = HUB) -> tuple[str, ...]:
    """The fields a sheet may write bare or as a sourced fact, whose bare value is not a fact (hub status...)."""
    return tuple(n for n, f in record.fields.items() if isinstance(f.spec, Fact) and f.spec.identity)


def checklist(record: Record) -> Iterator[tuple[str, Field]]:
    """The fields of the quality checklist, in its order (the quality page lists what is missing so)."""
    ranked = sorted((f.quality, name, f) for name, f in record.fields.items() if f.quality is not None)
    for _rank, name, f in ranked:
        yield name, f


def label(kind: str, name: str, lang: str = "fr") -> str:
    """A field's label in the edition's language (`label("hub", "website", "en")` -> "Website"), for the
    pages and PDFs that name a field; French where no English label is declared."""
    f = SHEET_SPECS[kind].fields[name]  # type: ignore[union-attr]
    return f.label_en if lang == "en" and f.label_en else f.label
