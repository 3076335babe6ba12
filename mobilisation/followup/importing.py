"""Reading and checking a register file (CSV, XLSX, ODS): each row and field in error, nothing written here.

The check is the whole of the register's rules, applied to every row before anything is written (SECURITY.md 15):
the closed fields and their formats, the commune inside the importer's registers (16), the consent that a reason
needs, a person twice in the file. People already registered (same name, first name, birth date and commune) are
not errors: the preview offers to merge them. `services.imports` stores the report and does the writing.

Built for large files: one pass over the rows, plain functions per field, no model instance nor query per row
(the commune and duplicate lookups are two queries for the whole file). A file of 100,000 rows is checked in
seconds; django-import-export, which builds and validates a model instance per row, is measured beside it in
`make bench`.
"""

import csv
import dataclasses
import datetime
import functools
import io
import re
import zipfile

import phonenumbers
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from mobilisation.core.text import search_key

from .enums import Category, ConsentChannel, ConsentGiver, Provenance

FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "ods": "LibreOffice (ODS)"}
MAX_ERRORS_KEPT = 1000
MAX_CONTACTS = 3
PREVIEW_ROWS = 20


class UnreadableFile(Exception):
    """The file cannot be read at all (not a table, broken archive, unknown encoding): a French message."""


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple = ()


CONTACT_COLUMNS = tuple(
    column
    for n in range(1, MAX_CONTACTS + 1)
    for column in (
        Column(f"contact_{n}_name", f"Personne à prévenir {n}", aliases=(f"contact {n}", f"nom personne a prevenir {n}")),
        Column(f"contact_{n}_link", f"Lien {n}", aliases=(f"lien personne a prevenir {n}", f"lien avec la personne {n}")),
        Column(
            f"contact_{n}_phone", f"Téléphone personne à prévenir {n}", aliases=(f"telephone contact {n}", f"tel personne a prevenir {n}")
        ),
    )
)

COLUMNS = (
    Column("commune", "Commune (code INSEE ou nom)", True, ("commune", "code insee", "insee", "code commune", "commune de residence")),
    Column("last_name", "Nom", True, ("nom de famille", "nom d usage")),
    Column("first_name", "Prénom", True, ("prenoms",)),
    Column("birth_date", "Date de naissance", True, ("ne le", "nee le", "naissance")),
    Column("category", "Qualité", True, ("categorie", "qualite de l inscription")),
    Column("address", "Adresse", True, ("adresse postale", "numero et voie")),
    Column("address_complement", "Complément d’adresse", aliases=("complement", "complement adresse")),
    Column("phone", "Téléphone", True, ("tel", "telephone 1", "numero de telephone")),
    Column("phone_2", "Autre téléphone", aliases=("telephone 2", "tel 2", "portable")),
    Column("lives_alone", "Vit seule", aliases=("vit seul", "vit seul e", "personne seule", "isolee")),
    Column("home_care_service", "Service intervenant à domicile", aliases=("service a domicile", "aide a domicile", "saad", "ssiad")),
    Column("home_care_phone", "Téléphone du service à domicile", aliases=("telephone du service", "tel service a domicile")),
    Column("provenance", "Origine de l’inscription", True, ("origine", "provenance", "demande faite par")),
    Column("requester_name", "Nom du demandeur", aliases=("demandeur", "nom du tiers", "nom du representant")),
    Column("request_date", "Date de la demande", True, ("date de demande", "date de transmission", "date d inscription")),
    *CONTACT_COLUMNS,
    Column("reason", "Motif de fragilité ou de santé", aliases=("motif", "motif de fragilite")),
    Column("reason_consent_by", "Consentement donné par", aliases=("consentement par",)),
    Column("reason_consent_channel", "Consentement recueilli", aliases=("consentement recueilli par", "mode de consentement")),
    Column("reason_consent_at", "Consentement donné le", aliases=("date du consentement",)),
)
LABELS = {column.key: column.label for column in COLUMNS}
MAX_LENGTHS = {"last_name": 150, "first_name": 150, "address": 250, "address_complement": 250, "home_care_service": 200}
MAX_LENGTHS |= {"requester_name": 150, "reason": 2000}
MAX_LENGTHS |= {f"contact_{n}_name": 150 for n in range(1, MAX_CONTACTS + 1)} | {
    f"contact_{n}_link": 60 for n in range(1, MAX_CONTACTS + 1)
}


NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _key(text):
    """A header or a closed-list value folded for matching: « Qualité » and « qualite » meet (a file repeats them)."""
    return " ".join(NOT_ALPHANUMERIC.sub(" ", search_key(str(text))).split())


def _choices(enum, extra):
    """Folded label, code and usual spellings → value."""
    table = {}
    for member in enum:
        table[_key(member.label)] = member.value
        table[_key(member.value)] = member.value
    for spelling, value in extra.items():
        table[_key(spelling)] = value
    return table


CATEGORIES = _choices(
    Category,
    {
        "65 ans et plus": Category.AGED_65,
        "65 ans": Category.AGED_65,
        "personne agee": Category.AGED_65,
        "60 ans inapte": Category.AGED_60_UNFIT,
        "60 ans et plus inapte au travail": Category.AGED_60_UNFIT,
        "inapte au travail": Category.AGED_60_UNFIT,
        "adulte handicape": Category.DISABLED_ADULT,
        "handicap": Category.DISABLED_ADULT,
        "personne handicapee": Category.DISABLED_ADULT,
    },
)
PROVENANCES = _choices(
    Provenance,
    {
        "la personne": Provenance.PERSON,
        "elle meme": Provenance.PERSON,
        "lui meme": Provenance.PERSON,
        "representant legal": Provenance.REPRESENTATIVE,
        "tuteur": Provenance.REPRESENTATIVE,
        "curateur": Provenance.REPRESENTATIVE,
        "un tiers": Provenance.THIRD_PARTY,
        "famille": Provenance.THIRD_PARTY,
        "voisin": Provenance.THIRD_PARTY,
        "medecin": Provenance.THIRD_PARTY,
        "conseil departemental": Provenance.DEPARTEMENT,
        "apa": Provenance.DEPARTEMENT,
        "pch": Provenance.DEPARTEMENT,
    },
)
GIVERS = _choices(ConsentGiver, {"la personne": ConsentGiver.PERSON, "representant legal": ConsentGiver.REPRESENTATIVE})
CHANNELS = _choices(
    ConsentChannel,
    {
        "ecrit": ConsentChannel.WRITTEN,
        "par ecrit": ConsentChannel.WRITTEN,
        "telephone": ConsentChannel.PHONE,
        "en personne": ConsentChannel.IN_PERSON,
    },
)
YES = {"oui", "o", "x", "1", "vrai", "true", "yes"}
NO = {"non", "n", "0", "faux", "false", "no", ""}
HEADER_INDEX = {}
for _column in COLUMNS:
    for _spelling in (_column.label, _column.key.replace("_", " "), *_column.aliases):
        HEADER_INDEX.setdefault(_key(_spelling), _column.key)


# Reading


def format_of(filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise UnreadableFile(
            "Déposez un fichier CSV, XLSX (Excel) ou ODS (LibreOffice) : l’extension du fichier ne correspond à aucun d’eux."
        )
    return extension


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("Le fichier CSV n’est ni en UTF-8 ni en Windows-1252 : enregistrez-le en « CSV UTF-8 ».")


def _read_csv(data):
    text = _decode(data)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(";,\t", key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            "Le fichier n’a pas pu être lu comme un classeur Excel (XLSX) : ouvrez-le et enregistrez-le à nouveau."
        ) from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_ods(data):
    import tablib

    try:
        dataset = tablib.Dataset().load(io.BytesIO(data), format="ods", headers=False)
    except Exception as error:  # noqa: BLE001 - odfpy raises anything on a broken file: the user gets one message
        raise UnreadableFile(
            "Le fichier n’a pas pu être lu comme un classeur LibreOffice (ODS) : ouvrez-le et enregistrez-le à nouveau."
        ) from error
    return [list(row) for row in dataset]


def read_table(data, fmt):
    """The file's rows as lists of cells (text, numbers, dates), its first row the headers; empty rows dropped."""
    rows = {"csv": _read_csv, "xlsx": _read_xlsx, "ods": _read_ods}[fmt](data)
    rows = [row for row in rows if any(cell not in (None, "") and str(cell).strip() for cell in row)]
    if not rows:
        raise UnreadableFile("Le fichier est vide : il faut une ligne d’en-têtes puis une ligne par personne.")
    return rows


def map_headers(headers):
    """{column key: position} and the problems of the header row (missing required columns, unknown, repeated)."""
    positions, unknown, problems = {}, [], []
    for position, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        if not text:
            continue
        key = HEADER_INDEX.get(_key(text))
        if key is None:
            unknown.append(text)
        elif key in positions:
            problems.append(f"La colonne « {LABELS[key]} » apparaît deux fois : gardez-en une seule.")
        else:
            positions[key] = position
    missing = [column.label for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        problems.append("Colonnes obligatoires absentes : " + ", ".join(f"« {label} »" for label in missing) + ".")
    return positions, unknown, problems


# Cells


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


DATE_PATTERNS = (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"), re.compile(r"(\d{4})-(\d{2})-(\d{2})"))


def parse_date(value):
    """A date from a spreadsheet cell or a text (JJ/MM/AAAA or AAAA-MM-JJ); raises ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _date_of(_text(value))


@functools.lru_cache(maxsize=20_000)
def _date_of(text):
    text = text.split(" ")[0] if " " in text else text
    if match := DATE_PATTERNS[0].fullmatch(text):
        day, month, year = map(int, match.groups())
    elif match := DATE_PATTERNS[1].fullmatch(text):
        year, month, day = map(int, match.groups())
    else:
        raise ValueError
    return datetime.date(year, month, day)


def parse_phone(value):
    """The number of a cell as the model field stores it (a PhoneNumber, French by default); raises ValueError."""
    text = _text(value)
    if isinstance(value, int | float) and not text.startswith("0") and len(text) == 9:
        text = "0" + text  # a spreadsheet that read 0296… as a number lost its leading zero
    return _phone_number(text)


@functools.lru_cache(maxsize=20_000)
def _phone_number(text):
    """Parsed once per distinct text: a register repeats its home-care services' and its contacts' numbers."""
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ValueError from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError
    result = PhoneNumber()
    result.merge_from(number)
    return result


# Rows


@dataclasses.dataclass
class Row:
    """A row that passed the check: the values to store, ready for a Person and its contacts."""

    number: int
    commune: str
    values: dict
    contacts: list
    identity: tuple  # (commune, folded name, birth date): the duplicate key
    commune_name: str = ""

    def display(self):
        return {
            "row": self.number,
            "name": f"{self.values['last_name'].upper()} {self.values['first_name']}",
            "birth_date": self.values["birth_date"].strftime("%d/%m/%Y"),
            "commune": self.commune,
            "commune_name": self.commune_name,
            "category": Category(self.values["category"]).label,
        }


@dataclasses.dataclass
class Report:
    total: int = 0
    rows: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)  # [row, column label, message]
    error_count: int = 0
    rows_in_error: int = 0
    out_of_scope: int = 0
    file_problems: list = dataclasses.field(default_factory=list)
    unknown_columns: list = dataclasses.field(default_factory=list)

    def add(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append([row, column, message])

    @property
    def clean(self):
        return not self.file_problems and not self.error_count


class RowChecker:
    """The rules of one row, with what the whole file shares: the communes of the importer's registers (by INSEE
    code and by folded name), the other communes of the region (to tell "outside your registers" from "unknown")."""

    def __init__(self, *, allowed, others, today=None):
        self.allowed = allowed  # {INSEE code: name}
        self.others = others  # {INSEE code: name} of the communes outside the importer's registers
        self.by_name = {}
        for code, name in allowed.items():
            self.by_name.setdefault(_key(name), []).append(code)
        self.other_names = {_key(name) for name in others.values()}
        self.today = today or timezone.localdate()
        self.seen = {}

    def commune(self, value):
        """(INSEE code, None) of a commune of the importer's registers, or (None, message, refused)."""
        text = _text(value)
        if isinstance(value, int | float) and len(text) == 4:
            text = "0" + text
        code = text.upper()
        if code in self.allowed:
            return code, None, False
        if code in self.others:
            return None, f"la commune {self.others[code]} ({code}) n’est pas dans votre registre : ligne refusée.", True
        codes = self.by_name.get(_key(text), [])
        if len(codes) == 1:
            return codes[0], None, False
        if len(codes) > 1:
            return None, f"plusieurs communes de votre registre s’appellent « {text[:60]} » : donnez le code INSEE.", False
        if _key(text) in self.other_names:
            return None, f"la commune « {text[:60]} » n’est pas dans votre registre : ligne refusée.", True
        return None, f"« {text[:60]} » n’est ni un code INSEE ni le nom d’une commune de votre registre.", False

    def check(self, number, cells, positions, report):
        """Check one row; returns a Row, or None after adding its errors to the report."""
        before = report.error_count

        def get(key):
            position = positions.get(key)
            return cells[position] if position is not None and position < len(cells) else None

        def error_for(key):
            def add(message):
                report.add(number, LABELS[key], message)

            return add

        values = {}
        for key, limit in MAX_LENGTHS.items():
            text = _text(get(key))
            if len(text) > limit:
                error_for(key)(f"{len(text)} caractères : {limit} au plus.")
            values[key] = text[:limit]
        for key in ("last_name", "first_name", "address"):
            if not values[key]:
                error_for(key)("obligatoire.")

        commune = None
        raw_commune = get("commune")
        if _text(raw_commune):
            commune, message, refused = self.commune(raw_commune)
            if message:
                error_for("commune")(message)
        else:
            error_for("commune")("obligatoire.")

        values["birth_date"] = self._date(get("birth_date"), error_for("birth_date"), required=True)
        if values["birth_date"] and (values["birth_date"] > self.today or values["birth_date"].year < self.today.year - 120):
            error_for("birth_date")("une date de naissance passée, de moins de 120 ans.")
        values["request_date"] = self._date(get("request_date"), error_for("request_date"), required=True)
        if values["request_date"] and values["request_date"] > self.today:
            error_for("request_date")("la date de la demande ne peut pas être dans le futur.")

        values["category"] = self._choice(
            get("category"), CATEGORIES, error_for("category"), "65 ans et plus, 60 ans inapte, adulte handicapé"
        )
        values["provenance"] = self._choice(
            get("provenance"), PROVENANCES, error_for("provenance"), "la personne, représentant légal, tiers, Département, CARSAT"
        )
        if values["provenance"] and Provenance(values["provenance"]).names_requester and not values["requester_name"]:
            error_for("requester_name")("obligatoire quand la demande vient d’un représentant légal ou d’un tiers.")

        for key, required in (("phone", True), ("phone_2", False), ("home_care_phone", False)):
            values[key] = self._phone(get(key), error_for(key), required=required)

        alone = _key(_text(get("lives_alone")))
        if not alone:
            values["lives_alone"] = None  # not said: False for a new person, unchanged on a merge
        elif alone in YES:
            values["lives_alone"] = True
        elif alone in NO:
            values["lives_alone"] = False
        else:
            error_for("lives_alone")("répondez oui ou non.")

        contacts = []
        for n in range(1, MAX_CONTACTS + 1):
            name, link = values.pop(f"contact_{n}_name"), values.pop(f"contact_{n}_link")
            raw_phone = get(f"contact_{n}_phone")
            if not (name or link or _text(raw_phone)):
                continue
            if not name:
                error_for(f"contact_{n}_name")("donnez le nom de la personne à prévenir.")
            if not link:
                error_for(f"contact_{n}_link")("donnez le lien avec la personne (fille, voisin…).")
            phone = self._phone(raw_phone, error_for(f"contact_{n}_phone"), required=True)
            contacts.append({"name": name, "link": link, "phone": phone, "position": len(contacts) + 1})

        values["reason_consent_by"] = values["reason_consent_channel"] = ""
        values["reason_consent_at"] = None
        if values["reason"]:
            values["reason_consent_by"] = self._choice(
                get("reason_consent_by"), GIVERS, error_for("reason_consent_by"), "la personne, représentant légal"
            )
            values["reason_consent_channel"] = self._choice(
                get("reason_consent_channel"), CHANNELS, error_for("reason_consent_channel"), "écrit, téléphone, en personne"
            )
            values["reason_consent_at"] = self._date(get("reason_consent_at"), error_for("reason_consent_at"), required=True)
            if values["reason_consent_at"] and values["reason_consent_at"] > self.today:
                error_for("reason_consent_at")("la date du consentement ne peut pas être dans le futur.")
            if not (values["reason_consent_by"] and values["reason_consent_channel"] and values["reason_consent_at"]):
                report.add(number, LABELS["reason"], "un motif n’est importé qu’avec son consentement : qui, comment et quand.")
        else:
            values["reason"] = None

        if refused:
            report.out_of_scope += 1
        if report.error_count > before:
            report.rows_in_error += 1
            return None
        identity = (commune, search_key(f"{values['last_name']} {values['first_name']}"), values["birth_date"])
        if identity in self.seen:
            report.add(
                number, LABELS["last_name"], f"même personne (nom, prénom, date de naissance, commune) qu’à la ligne {self.seen[identity]}."
            )
            report.rows_in_error += 1
            return None
        self.seen[identity] = number
        return Row(number=number, commune=commune, values=values, contacts=contacts, identity=identity, commune_name=self.allowed[commune])

    def _date(self, value, error, *, required):
        if value is None or _text(value) == "":
            if required:
                error("obligatoire.")
            return None
        try:
            return parse_date(value)
        except (ValueError, OverflowError):
            error(f"« {_text(value)[:30]} » n’est pas une date (JJ/MM/AAAA).")
            return None

    def _phone(self, value, error, *, required):
        if value is None or _text(value) == "":
            if required:
                error("obligatoire.")
            return ""
        try:
            return parse_phone(value)
        except ValueError:
            error(f"« {_text(value)[:30]} » n’est pas un numéro de téléphone valide (par exemple 02 96 39 00 00).")
            return ""

    def _choice(self, value, table, error, expected):
        text = _text(value)
        if not text:
            error(f"obligatoire ({expected}).")
            return ""
        found = table.get(_key(text))
        if found is None:
            error(f"« {text[:40]} » n’est pas une valeur attendue ({expected}).")
            return ""
        return found


def check_table(table, checker, progress=None, every=5000):
    """The Report of a read table; `progress(rows_done)` is called every `every` rows."""
    report = Report(total=len(table) - 1)
    positions, report.unknown_columns, report.file_problems = map_headers(table[0])
    if report.file_problems:
        return report
    if not report.total:
        report.file_problems.append("Le fichier n’a que sa ligne d’en-têtes : aucune personne à importer.")
        return report
    for index, cells in enumerate(table[1:], start=2):
        row = checker.check(index, cells, positions, report)
        if row is not None:
            report.rows.append(row)
        if progress and (index - 1) % every == 0:
            progress(index - 1)
    return report


def template_rows():
    """The template's header and one example row (a fictitious person, the fiction phone range)."""
    example = {
        "commune": "22050",
        "last_name": "Exemple",
        "first_name": "Jeanne",
        "birth_date": "12/03/1941",
        "category": "65 ans et plus",
        "address": "1 rue de l’Exemple",
        "phone": "02 61 91 00 00",
        "lives_alone": "oui",
        "provenance": "la personne elle-même",
        "request_date": timezone.localdate().strftime("%d/%m/%Y"),
        "contact_1_name": "Paul Exemple",
        "contact_1_link": "fils",
        "contact_1_phone": "02 61 91 00 01",
    }
    return [column.label for column in COLUMNS], [example.get(column.key, "") for column in COLUMNS]
