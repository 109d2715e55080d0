"""Small tables shaped like the exports of about twenty tools, written at test time from
the same three records: each vendor's header names, cell formats and extra columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

# The truth every vendor's table encodes. The second record is a conference paper (its
# venue is the proceedings), the third has no DOI, PMID, issue or abstract.
TRUTH = [
    {
        "title": "Secretome of mesenchymal stem cells in tendon healing",
        "authors": ("Chen, Wei", "Müller, Anna"),
        "year": 2021,
        "journal": "Biomaterials",
        "volume": "271",
        "issue": "4",
        "start": "120",
        "end": "129",
        "doi": "10.1016/j.biomaterials.2021.120714",
        "pmid": "33610000",
        "abstract": "Conditioned medium improved healing.",
    },
    {
        "title": "Exosome dosing in a rat model of bone defects",
        "authors": ("Ivanov, Petr",),
        "year": 2019,
        "journal": "Proceedings of the Tissue Engineering Congress",
        "volume": "2",
        "issue": "1",
        "start": "55",
        "end": "60",
        "doi": "10.1000/conf.2019.55",
        "pmid": "31000002",
        "abstract": "Three doses were compared.",
    },
    {
        "title": "Hydrogel delivery of conditioned medium: a pilot study",
        "authors": ("Garcia, Lucia", "Kim, Min-jun", "Rossi, Paolo"),
        "year": 2023,
        "journal": "Cytotherapy",
        "volume": "25",
        "issue": "",
        "start": "e101",
        "end": "",
        "doi": "",
        "pmid": "",
        "abstract": "",
    },
]


def _given_family(name: str) -> str:
    family, given = name.split(", ")
    return f"{given} {family}"


def _initials_first(name: str) -> str:
    family, given = name.split(", ")
    return f"{given[0]} {family}"


def _family_initials(name: str) -> str:
    family, given = name.split(", ")
    return f"{family} {given[0]}"


def _pages(r: dict) -> str:
    return f"{r['start']}-{r['end']}" if r["end"] else r["start"]


@dataclass(frozen=True)
class Vendor:
    """One tool's export: its columns (header -> cell of a truth record), the delimiter,
    lines before the header, and which fields it carries (the rest it cannot hold)."""

    columns: dict[str, Callable[[dict], str]]
    delimiter: str = ","
    preamble: tuple[str, ...] = ()
    lacks: frozenset[str] = frozenset()  # truth fields this export has no column for
    unused: tuple[str, ...] = ()  # its columns that screener keeps in raw but does not use
    database: str = ""  # the database its records name, if they do
    sections: dict[int, str] = field(default_factory=dict)  # heading lines before row i
    initials: str | None = None  # authors as "Family, I" + this ("" or "."): no given names

    def expected(self, truth: dict, name: str) -> object:
        """What a record of this export should hold for field ``name`` of ``truth``."""
        if name == "authors" and self.initials is not None:
            return tuple(
                f"{a.split(', ')[0]}, {a.split(', ')[1][0]}{self.initials}"
                for a in truth["authors"]
            )
        return truth[name]

    def text(self) -> str:
        out = io.StringIO()
        for line in self.preamble:
            out.write(line + "\n")
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\n")
        writer.writerow(list(self.columns))
        for i, record in enumerate(TRUTH):
            if i in self.sections:
                out.write(self.sections[i] + "\n")
            writer.writerow([cell(record) for cell in self.columns.values()])
        return out.getvalue()


def _const(value: str) -> Callable[[dict], str]:
    return lambda r: value


def _get(name: str) -> Callable[[dict], str]:
    return lambda r: str(r[name]) if r[name] else ""


def _authors(separator: str, form: Callable[[str], str] = str) -> Callable[[dict], str]:
    return lambda r: separator.join(form(a) for a in r["authors"])


TITLE, ABSTRACT, YEAR, JOURNAL = _get("title"), _get("abstract"), _get("year"), _get("journal")
VOLUME, ISSUE, DOI, PMID = _get("volume"), _get("issue"), _get("doi"), _get("pmid")
START, END = _get("start"), _get("end")


VENDORS: dict[str, Vendor] = {
    "covidence": Vendor(
        {
            "Title": TITLE,
            "Authors": _authors("; "),
            "Abstract": ABSTRACT,
            "Published Year": YEAR,
            "Published Month": _const("Mar"),
            "Journal": JOURNAL,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pages": _pages,
            "Accession Number": PMID,
            "DOI": DOI,
            "Ref": _const("1"),
            "Covidence #": lambda r: f"#{r['year']}",
            "Study": lambda r: f"{r['authors'][0].split(',')[0]} {r['year']}",
            "Notes": _const("check dose"),
            "Tags": _const("animal"),
        },
        lacks=frozenset({"pmid"}),
        unused=("Published Month", "Ref", "Study", "Notes", "Tags"),
    ),
    "rayyan": Vendor(
        {
            "key": lambda r: f"rayyan-{r['year']}",
            "title": TITLE,
            "authors": _authors(" and "),
            "journal": JOURNAL,
            "volume": VOLUME,
            "issue": ISSUE,
            "pages": _pages,
            "year": YEAR,
            "publisher": _const("Elsevier"),
            "abstract": ABSTRACT,
            "notes": _const('RAYYAN-INCLUSION: {"Alice"=>"Included"}'),
            "doi": DOI,
            "pubmed_id": PMID,
        },
        unused=("publisher", "notes"),
    ),
    "zotero": Vendor(
        {
            "Key": lambda r: f"Z{r['year']}",
            "Item Type": lambda r: (
                "conferencePaper" if "Proceedings" in r["journal"] else "journalArticle"
            ),
            "Publication Year": YEAR,
            "Author": _authors("; "),
            "Title": TITLE,
            "Publication Title": JOURNAL,
            "DOI": DOI,
            "Abstract Note": ABSTRACT,
            "Date": lambda r: f"{r['year']}-03",
            "Pages": _pages,
            "Issue": ISSUE,
            "Volume": VOLUME,
            "Extra": lambda r: f"PMID: {r['pmid']}" if r["pmid"] else "",
        },
    ),
    "endnote": Vendor(
        {
            "Author": _authors("; "),
            "Year": YEAR,
            "Title": TITLE,
            "Secondary Title": JOURNAL,
            "Volume": VOLUME,
            "Number": ISSUE,
            "Pages": _pages,
            "Abstract": ABSTRACT,
            "DOI": DOI,
            "Accession Number": PMID,
            "Name of Database": _const("Embase"),
            "Label": _const("to check"),
            "Custom 3": _const("batch 2"),
        },
        delimiter="\t",
        lacks=frozenset({"pmid"}),
        unused=("Label", "Custom 3"),
        database="Embase",
    ),
    "scopus": Vendor(
        {
            "Authors": _authors("; ", _family_initials),
            "Author full names": _authors("; "),
            "Title": TITLE,
            "Year": YEAR,
            "Source title": JOURNAL,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Art. No.": _const(""),
            "Page start": START,
            "Page end": END,
            "Cited by": _const("4"),
            "DOI": DOI,
            "Abstract": ABSTRACT,
            "PubMed ID": PMID,
            "Source": _const("Scopus"),
            "EID": lambda r: f"2-s2.0-{r['year']}",
        },
        unused=("Cited by",),
        database="Scopus",
        initials="",
    ),
    "embase": Vendor(
        {
            "Title": TITLE,
            "Author Names": lambda r: ", ".join(_family_initials(a) + "." for a in r["authors"]),
            "Source": lambda r: (
                f"{r['journal']} ({r['year']}) {r['volume']}"
                + (f":{r['issue']}" if r["issue"] else "")
                + f" ({_pages(r)}). Date of Publication: {r['year']}"
            ),
            "Abstract": ABSTRACT,
            "Medline PMID": PMID,
            "DOI": DOI,
            "Embase Accession ID": lambda r: f"L{r['year']}",
            "Copyright": _const("Copyright 2024"),
        },
        unused=("Copyright",),
        initials=".",
    ),
    "cinahl": Vendor(
        {
            "Title": TITLE,
            "Author": _authors("; "),
            "Source": JOURNAL,
            "Publication Date": lambda r: f"{r['year']}0301",
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pages": _pages,
            "Abstract": ABSTRACT,
            "DOI": DOI,
            "Accession Number": lambda r: f"C{r['year']}",
            "Database": _const("CINAHL Complete"),
            "PMID": PMID,
        },
        database="CINAHL",
    ),
    "pubmed": Vendor(
        {
            "PMID": PMID,
            "Title": TITLE,
            # PubMed ends the list with a dot; after a single "Family I" it cannot be told
            # from a dotted initial, so the test leaves it out there.
            "Authors": lambda r: (
                ", ".join(map(_family_initials, r["authors"]))
                + ("." if len(r["authors"]) > 1 else "")
            ),
            "Citation": lambda r: (
                f"{r['journal']}. {r['year']} Mar;{r['volume']}"
                + (f"({r['issue']})" if r["issue"] else "")
                + f":{_pages(r)}."
            ),
            "First Author": lambda r: _family_initials(r["authors"][0]),
            "Journal/Book": JOURNAL,
            "Publication Year": YEAR,
            "Create Date": lambda r: f"{r['year']}/03/02",
            "DOI": DOI,
        },
        lacks=frozenset({"abstract"}),
        unused=("Create Date",),
        initials="",
    ),
    "google_scholar": Vendor(
        {
            "Authors": _authors(", ", _initials_first),
            "Title": TITLE,
            "Publication": JOURNAL,
            "Volume": VOLUME,
            "Number": ISSUE,
            "Pages": _pages,
            "Year": YEAR,
            "Publisher": _const("Elsevier"),
        },
        lacks=frozenset({"doi", "pmid", "abstract", "authors"}),  # authors: initials only
        unused=("Publisher",),
    ),
    "cochrane": Vendor(
        {
            "Record Number": lambda r: f"CN-{r['year']}",
            "Title": TITLE,
            "Author(s)": _authors("; "),
            "Source": JOURNAL,
            "Year": YEAR,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pages": _pages,
            "DOI": DOI,
            "Accession Number": lambda r: f"CN-{r['year']}",
            "Abstract": ABSTRACT,
            "PubMed ID": PMID,
        },
        unused=("Record Number",),
    ),
    "openalex": Vendor(
        {
            "id": lambda r: f"https://openalex.org/W{r['year']}",
            "doi": lambda r: f"https://doi.org/{r['doi']}" if r["doi"] else "",
            "display_name": TITLE,
            "publication_year": YEAR,
            "authorships.author.display_name": _authors("|", _given_family),
            "primary_location.source.display_name": JOURNAL,
            "biblio.volume": VOLUME,
            "biblio.issue": ISSUE,
            "biblio.first_page": START,
            "biblio.last_page": END,
            "ids.pmid": lambda r: (
                f"https://pubmed.ncbi.nlm.nih.gov/{r['pmid']}" if r["pmid"] else ""
            ),
            "abstract": ABSTRACT,
            "cited_by_count": _const("12"),
        },
        unused=("cited_by_count",),
    ),
    "abstrackr": Vendor(
        {
            "(internal) id": lambda r: str(r["year"]),
            "(source) id": lambda r: f"S{r['year']}",
            "pubmed id": PMID,
            "keywords": _const("tendon"),
            "abstract": ABSTRACT,
            "title": TITLE,
            "journal": JOURNAL,
            "authors": _authors("; "),
            "alice": _const("1"),
        },
        lacks=frozenset({"year", "volume", "issue", "start", "end", "doi"}),
        unused=("alice",),
        sections={
            0: "citations labeled by alice",
            2: "citations that are not yet labeled by anyone",
        },
    ),
    "refworks": Vendor(
        {
            "Authors, Primary": _authors(";"),
            "Title Primary": TITLE,
            "Periodical Full": lambda r: "" if "Proceedings" in r["journal"] else r["journal"],
            "Title Secondary": lambda r: r["journal"] if "Proceedings" in r["journal"] else "",
            "Pub Year": YEAR,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Start Page": START,
            "Other Pages": END,
            "Abstract": ABSTRACT,
            "DOI": DOI,
            "Notes": _const("from RefWorks"),
            "Sub file/Database": _const("PubMed"),
        },
        delimiter="\t",
        lacks=frozenset({"pmid"}),
        unused=("Notes",),
        database="PubMed",
    ),
    "eppi_reviewer": Vendor(
        {
            "ItemId": lambda r: str(r["year"]),
            "ShortTitle": lambda r: f"{r['authors'][0].split(',')[0]} ({r['year']})",
            "Title": TITLE,
            "ParentTitle": JOURNAL,
            "Authors": _authors("; "),
            "Year": YEAR,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pages": _pages,
            "DOI": DOI,
            "Abstract": ABSTRACT,
            "TypeName": _const("Journal, Article"),
            "Comments": _const("screened twice"),
        },
        lacks=frozenset({"pmid"}),
        unused=("ShortTitle", "Comments"),
    ),
    "web_of_science": Vendor(
        {
            "Publication Type": _const("J"),
            "Authors": _authors("; ", _family_initials),
            "Author Full Names": _authors("; "),
            "Article Title": TITLE,
            "Source Title": JOURNAL,
            "Abstract": ABSTRACT,
            "Publication Year": YEAR,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Start Page": START,
            "End Page": END,
            "DOI": DOI,
            "Pubmed Id": PMID,
            "Times Cited, WoS Core": _const("3"),
            "UT (Unique WOS ID)": lambda r: f"WOS:{r['year']}",
        },
        delimiter="\t",
        unused=("Times Cited, WoS Core",),
        initials="",
    ),
    "dimensions": Vendor(
        {
            "Rank": _const("1"),
            "Publication ID": lambda r: f"pub.{r['year']}",
            "DOI": DOI,
            "PMID": PMID,
            "Title": TITLE,
            "Abstract": ABSTRACT,
            "Source title": lambda r: "" if "Proceedings" in r["journal"] else r["journal"],
            "Anthology title": lambda r: r["journal"] if "Proceedings" in r["journal"] else "",
            "PubYear": YEAR,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pagination": _pages,
            "Authors": _authors("; "),
            "Times cited": _const("2"),
        },
        preamble=('"About the data: Exported on Dec 07, 2026. Criteria: tendon secretome."',),
        unused=("Rank", "Times cited"),
    ),
    "lens": Vendor(
        {
            "Lens ID": lambda r: f"000-{r['year']}",
            "Title": TITLE,
            "Publication Year": YEAR,
            "Source Title": JOURNAL,
            "Author/s": _authors("; ", _given_family),
            "Abstract": ABSTRACT,
            "Volume": VOLUME,
            "Issue Number": ISSUE,
            "Start Page": START,
            "End Page": END,
            "PMID": PMID,
            "DOI": DOI,
            "Citing Works Count": _const("5"),
        },
        unused=("Citing Works Count",),
    ),
    "proquest": Vendor(
        {
            "Title": TITLE,
            "Authors": _authors("; "),
            "Abstract": ABSTRACT,
            "Publication title": JOURNAL,
            "Volume": VOLUME,
            "Issue": ISSUE,
            "Pages": _pages,
            "Publication year": YEAR,
            "DOI": DOI,
            "Database": _const("ProQuest Central"),
            "ProQuest document ID": lambda r: f"PQ{r['year']}",
            "Place of publication": _const("Oxford"),
        },
        lacks=frozenset({"pmid"}),
        unused=("Place of publication",),
        database="ProQuest",
    ),
    "ovid": Vendor(
        {
            "Unique Identifier": PMID,
            "Title": TITLE,
            "Authors": _authors("; "),
            "Source": lambda r: (
                f"{r['journal']}. {r['volume']}"
                + (f"({r['issue']})" if r["issue"] else "")
                + f":{_pages(r)}, {r['year']} Mar."
            ),
            "Year of Publication": YEAR,
            "Digital Object Identifier": DOI,
            "Abstract": ABSTRACT,
            "Database": _const("Ovid MEDLINE(R) ALL"),
        },
        lacks=frozenset({"pmid"}),
        database="MEDLINE",
    ),
}
