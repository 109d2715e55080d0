"""The column vocabulary of tabular exports (CSV, TSV, Excel): which header names hold which
field, as data. docs/formats.md ("Column names of tabular exports") lists the same table.

Header names are compared after folding case, accents and punctuation away ("Authors,
Primary" is "authorsprimary", "biblio.first_page" is "bibliofirstpage"). Within a field the
names are in order of preference: a row takes the field from the first of the file's
columns for it that is not empty in that row.
"""

from __future__ import annotations

import re

from screener.importers.fields import fold

# Canonical field -> header names, preferred first. The comments name the exports each
# name comes from; the two-letter names are RIS / Web of Science tags used as headers.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": (
        "Title",  # most tools
        "Article Title",  # Web of Science (Excel)
        "Document Title",
        "Primary Title",
        "Title Primary",  # RefWorks
        "display_name",  # OpenAlex
        "TI",
        "Original Title",  # Embase (titles not in English)
    ),
    "abstract": ("Abstract", "Abstract Note", "AB", "Original Abstract"),
    "authors": (
        "Authors",
        "Author",
        "Author(s)",  # Cochrane
        "Authors, Primary",  # RefWorks
        "Author Names",  # Embase
        "Author/s",  # Lens
        "First Authors",
        "authorships.author.display_name",  # OpenAlex
        "AU",
        "A1",
        "AF",
        "Author full names",  # Scopus and Web of Science (Excel), after their "Authors"
        "First Author",  # PubMed, after its "Authors"
    ),
    "year": (
        "Year",
        "Publication Year",
        "Published Year",  # Covidence
        "Pub Year",  # RefWorks
        "PubYear",  # Dimensions
        "publication_year",  # OpenAlex
        "Year of Publication",  # Ovid
        "PY",
        "YR",
        "Date Published",  # Lens
        "Publication Date",
        "Date of Publication",  # Embase
        "Pub Date Free Form",  # RefWorks
        "Date",
        "DA",
    ),
    # The venue: a journal, or the proceedings or book a paper appeared in. Duplicate
    # detection compares it, so conference papers need it as much as articles.
    "journal": (
        "Journal",
        "Source title",  # Scopus, Lens, Dimensions, Web of Science (Excel)
        "Publication Title",  # Zotero, ProQuest
        "Publication",  # Google Scholar
        "Periodical Full",  # RefWorks
        "Journal/Book",  # PubMed
        "Journal Name",  # Ovid
        "Journal Title",
        "Publication Name",
        "PublicationName",  # EndNote (via ASySD)
        "Secondary Title",  # EndNote
        "ParentTitle",  # EPPI-Reviewer
        "primary_location.source.display_name",  # OpenAlex
        "JO",
        "JF",
        "T2",
        "SO",
        "booktitle",  # BibTeX-style tables: the proceedings of a conference paper
        "Book Title",
        "Proceedings Title",
        "Title Secondary",  # RefWorks: a chapter's book, a paper's proceedings
        "Anthology title",  # Dimensions
        "Conference Title",  # Web of Science (Excel)
        "Conference name",  # Scopus, Zotero
        "Meeting Name",  # Zotero
    ),
    "journal_abbrev": (
        "Abbreviated Source Title",  # Scopus
        "Journal Abbreviation",  # Zotero
        "Journal ISO Abbreviation",  # Web of Science (Excel)
        "Periodical Abbrev",  # RefWorks
        "J2",
        "JA",
        "JI",
        "J9",
    ),
    "volume": ("Volume", "Vol", "biblio.volume", "VL"),
    "issue": ("Issue", "Issue Number", "biblio.issue", "Number", "IS"),
    "pages": ("Pages", "Page", "Pagination", "Page Range"),
    "start_page": (
        "Page start",  # Scopus
        "Start Page",  # Lens, RefWorks, Web of Science (Excel)
        "StartPage",  # Publish or Perish (Google Scholar)
        "First Page",  # Embase
        "biblio.first_page",  # OpenAlex
        "SP",
        "BP",
        "Art. No.",  # Scopus: an article number where there are no pages
        "Article Number",  # Web of Science (Excel)
        "AR",
    ),
    "end_page": (
        "Page end",
        "End Page",
        "EndPage",
        "Last Page",
        "Other Pages",  # RefWorks
        "biblio.last_page",
        "EP",
    ),
    "doi": ("DOI", "Digital Object Identifier", "ids.doi", "DO", "DI"),
    "pmid": (
        "PMID",
        "PubMed ID",
        "pubmed_id",
        "Medline PMID",  # Embase
        "ids.pmid",  # OpenAlex
        "PM",
    ),
    "issn": (
        "ISSN",
        "ISSNs",  # Lens
        "eISSN",
        "ISBN/ISSN",  # EndNote
        "ISSN/ISBN",  # RefWorks
        "StandardNumber",  # EPPI-Reviewer
        "primary_location.source.issn_l",  # OpenAlex
        "SN",
        "EI",
    ),
    "keywords": (
        "Keywords",
        "Author Keywords",
        "Index Keywords",  # Scopus
        "Keywords Plus",  # Web of Science (Excel)
        "Manual Tags",  # Zotero
        "Automatic Tags",
        "MeSH Terms",  # PubMed, Lens, Dimensions
        "MeSH Subject Headings",  # Ovid
        "Keyword Heading",  # Ovid
        "Subject Terms",  # CINAHL / EBSCO
        "Subjects",
        "Subject",  # ProQuest
        "Emtree Medical Index Terms",  # Embase
        "Emtree Drug Index Terms",
        "Emtree Medical Index Terms (Major Focus)",
        "Emtree Drug Index Terms (Major Focus)",
        "KW",
        "DE",
    ),
    "type": (
        "Document Type",
        "Item Type",  # Zotero
        "Publication Type",
        "Reference Type",  # EndNote, RefWorks
        "ReferenceType",
        "TypeName",  # EPPI-Reviewer
        "Type of Reference",
        "Type",
        "TY",
        "DT",
        "PT",
    ),
    "language": ("Language of Original Document", "Language", "Language of Article", "LA"),
    "url": (
        "URL",
        "Link",  # Scopus; "Url" (Zotero) is the same name to the matcher
        "External URL",
        "Document URL",  # ProQuest
        "ArticleURL",  # Publish or Perish
        "Links",  # RefWorks
        "Source Linkout",  # Dimensions
        "UR",
    ),
    # The record's own identifier in the exporting tool. Web of Science's "ID" column is
    # Keywords Plus, so its "UT" must come before "ID".
    "id": (
        "record_id",
        "EID",  # Scopus
        "UT",
        "UT (Unique WOS ID)",
        "Lens ID",
        "Covidence #",
        "Publication ID",  # Dimensions
        "ItemId",  # EPPI-Reviewer
        "(source) id",  # abstrackr
        "(internal) id",
        "ProQuest document ID",
        "Unique Identifier",  # Ovid
        "Accession Number",
        "Embase Accession ID",
        "ID",
        "key",  # Zotero, Rayyan
        "CustomId",
        "AN",
        "PMID",
    ),
    # A screening decision carried by the file (ASReview and its exports).
    "label": (
        "label_included",
        "included",
        "final_included",
        "asreview_label",
        "label_abstract_screening",
        "abstract_included",
        "label",
    ),
}

# A name that means the field only when the file has no column named in COLUMNS for it.
# "Source" is the journal in Cochrane Library and EBSCO exports, the whole citation in
# Embase and Ovid ("Nature (2019) 54:3 (83-86)"), the database in Scopus's, and something
# else again in hand-made tables that also have a "journal" column.
LAST_RESORT: dict[str, tuple[str, ...]] = {"journal": ("Source",)}

# Columns that name the database a record came from (what `import` records as the search's
# database when --database is not given). "Source" is read so too when it is not the venue.
DATABASE_COLUMNS = ("Database", "Name of Database", "Sub file/Database", "Data Source", "DB")

# Columns read for what they contain, to fill fields the row left empty: a citation
# (PubMed's "Citation"), a link resolver's address (Embase), or notes (Zotero's "Extra",
# which carries "PMID: 123").
COMPOUND: dict[str, str] = {"Citation": "citation", "Open URL Link": "openurl", "Extra": "notes"}

# Fields whose cells hold several values (separated by ";", "|", newlines...); several
# columns of one of them are all read (Scopus author and index keywords).
LIST_FIELDS = ("authors", "keywords", "issn")


def key(name: str) -> str:
    """A header name as compared: accents folded, case and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


# Database names as exports and file names spell them -> the name a project records.
DATABASES: tuple[tuple[str, str], ...] = (
    ("pubmed central", "PubMed Central"),
    ("pubmed", "PubMed"),
    ("medline", "MEDLINE"),
    ("pmc", "PubMed Central"),
    ("embase", "Embase"),
    ("scopus", "Scopus"),
    ("web of science", "Web of Science"),
    ("wos", "Web of Science"),
    ("sciencedirect", "ScienceDirect"),
    ("cochrane", "Cochrane Library"),
    ("psycinfo", "APA PsycInfo"),
    ("cinahl", "CINAHL"),
    ("proquest", "ProQuest"),
    ("ebsco", "EBSCOhost"),
    ("ovid", "Ovid"),
    ("lens", "The Lens"),
    ("openalex", "OpenAlex"),
    ("dimensions", "Dimensions"),
    ("google scholar", "Google Scholar"),
    ("biorxiv", "bioRxiv"),
    ("medrxiv", "medRxiv"),
)


def database_named(text: str) -> str | None:
    """The database ``text`` names as a word ("Scopus", "embase_2024-01.ris"), or None."""
    folded = re.sub(r"[_\-.]+", " ", text.casefold())
    for word, name in DATABASES:
        if re.search(rf"\b{re.escape(word)}\b", folded):
            return name
    return None
