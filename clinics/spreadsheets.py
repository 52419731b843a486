"""Clinic spreadsheets as files: read CSV and Excel (.xlsx) safely, and keep formulas inert.

Every file here may be hostile, so reading never trusts it: a file that cannot be read raises
``UnreadableFile`` with a sentence for staff (never a traceback, never a 500); rows are counted
while they are read, so a file over the admin's row cap is refused before any row is validated;
an Excel workbook is checked for how big it unpacks to before it is opened (a small zip can hold
gigabytes), its XML is parsed with defusedxml (openpyxl uses it when installed), and its formulas
are read as the text that was typed, never run and never replaced by a result cached in the file.

What the columns mean is the resource's business (clinics/importing.py); this module knows only
sheets: a first row of column names, then one row per record.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats import base_formats

logger = logging.getLogger(__name__)

# --- Formulas ------------------------------------------------------------------------------

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets when a
# CSV is opened (OWASP, "CSV Injection"): "=cmd|' /C calc'!A0", "+1+cmd|...", "-2+3", "@SUM(...)", and
# a tab or carriage return before any of them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Escaped too: a line feed, which is what an .xlsx gives back for a carriage return (its XML reads every
# CR as LF), so that an escaped "\r=1+1" imports from a workbook as "\n=1+1", not with a quote.
ESCAPED_PREFIXES = (*FORMULA_PREFIXES, "\n")
QUOTE = "'"


def _quoted(text: str) -> bool:
    """Whether ``text`` is an escaped cell: a quote before a formula character or before another quote."""
    return text.startswith(QUOTE) and text[1:].startswith((*ESCAPED_PREFIXES, QUOTE))


def escape_formula(text: str) -> str:
    """The text with a leading quote if a spreadsheet would run it as a formula (OWASP's advice).

    Text that already looks escaped (a quote, then a formula character or a quote) gets one more
    quote too, so ``unescape_formula`` gives back exactly the original: every text round-trips.
    """
    if text.startswith(ESCAPED_PREFIXES) or _quoted(text):
        return QUOTE + text
    return text


def unescape_formula(text: str) -> str:
    """The reverse of ``escape_formula``: an exported "'-Moline-" imports as "-Moline-" again."""
    return text[1:] if _quoted(text) else text


# --- Reading -------------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and .ods, .docx: any zip)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls from Excel 97-2003, and password-protected .xlsx
MAX_COLUMNS = 200  # the clinic list has about twenty; a first row wider than this is not a clinic list
# An .xlsx may unpack to this many times the admin's size cap (real workbooks: 5 to 10 times).
XLSX_UNPACKED_RATIO = 20

SAVE_AS_CSV = "In Excel, use File › Save As and choose “CSV UTF-8 (Comma delimited)”."
FORMATS_OFFERED = "The import reads CSV files and Excel workbooks (.xlsx)."


class UnreadableFile(ValueError):
    """A file that is not a clinic list we can read; the message says why and what to do, in plain words."""


class TooManyRows(UnreadableFile):
    """More rows than the admin imports at once (the import_clinics command has no such cap)."""


def too_big_for_the_admin(what: str) -> str:
    return (
        f"{what} Large imports would take too long in the browser: split the file into smaller ones, or ask "
        "someone with access to the server to run “manage.py import_clinics FILE”, which imports a file of "
        "any size with the same checks."
    )


def check_upload_size(size: int, max_bytes: int) -> None:
    """Refuse an upload by its size alone, before any of it is read."""
    if size > max_bytes:
        raise UnreadableFile(
            too_big_for_the_admin(
                f"The file is {filesizeformat(size)}; the admin imports files up to {filesizeformat(max_bytes)}."
            )
        )


def read_sheet(data: bytes, file_format: str, *, max_rows: int | None, max_unpacked: int | None) -> tablib.Dataset:
    """The rows of a CSV or .xlsx file, the first row as column names; ``UnreadableFile`` if it cannot be read.

    ``max_rows`` (rows after the column names) and ``max_unpacked`` (bytes an .xlsx may unpack to) are
    the admin's caps; None reads any size.
    """
    if file_format == "csv":
        return read_csv(data, max_rows=max_rows)
    if file_format == "xlsx":
        return read_xlsx(data, max_rows=max_rows, max_unpacked=max_unpacked)
    raise ValueError(f"Unknown spreadsheet format {file_format!r}")


def read_csv(data: bytes, *, max_rows: int | None) -> tablib.Dataset:
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))

    def records() -> Iterator[list[Any]]:
        try:
            yield from reader
        except csv.Error as exc:
            logger.info("Unreadable CSV at line %s: %s", reader.line_num, exc)
            raise UnreadableFile(
                f"Line {reader.line_num} of the file can't be read as CSV (a cell may be too long, or a quote "
                f"left open). {SAVE_AS_CSV}"
            ) from None

    return _dataset(records(), max_rows=max_rows, extra_cells_allowed=False)


def _decode_csv(data: bytes) -> str:
    """UTF-8 text (with or without Excel's byte-order mark); anything else is refused with what it looks like."""
    if not data:
        raise UnreadableFile("The file is empty.")
    if data.startswith(ZIP_MAGIC):
        raise UnreadableFile(
            "This is an Excel workbook (.xlsx) or another zipped file, not a CSV file. If it is an Excel "
            "workbook, choose the format “xlsx” and import it again."
        )
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(_old_excel_message())
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            f"This file is saved as UTF-16 text (Excel's “Unicode Text”), which the import can't read. {SAVE_AS_CSV}"
        )
    if b"\x00" in data:
        raise UnreadableFile(f"This is not a text file, so it can't be a CSV file. {FORMATS_OFFERED}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"Line {line} of the file has characters the import can't read: the file was probably saved as "
            f"“CSV (Comma delimited)”, which uses an older text encoding. {SAVE_AS_CSV}"
        ) from None
    start = text.lstrip()[:1]
    other = {"<": "a web page (HTML) or XML file", "{": "a JSON file", "[": "a JSON file"}.get(start)
    if other is None and text.lstrip().startswith(("---", "- ", "%YAML")):
        other = "a YAML file"
    if other:
        raise UnreadableFile(f"This looks like {other}, not a CSV file. {FORMATS_OFFERED}")
    return text


def _old_excel_message() -> str:
    return (
        "This is an older Excel workbook (.xls), or a workbook protected by a password, which the import can't "
        "read. In Excel, remove the password if there is one and save it as “Excel Workbook (.xlsx)” or as "
        "“CSV UTF-8 (Comma delimited)”."
    )


def read_xlsx(data: bytes, *, max_rows: int | None, max_unpacked: int | None) -> tablib.Dataset:
    """The first worksheet; formulas as their text ("=A1*2"), dates and numbers as Excel stored them."""
    import openpyxl  # only when reading Excel files, as django-import-export does

    if not data:
        raise UnreadableFile("The file is empty.")
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(_old_excel_message())
    not_a_workbook = UnreadableFile(
        "This file isn't an Excel workbook (.xlsx), or it is damaged. If it is a CSV file, choose the format “csv” "
        "and import it again."
    )
    if not data.startswith(ZIP_MAGIC):
        raise not_a_workbook
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise not_a_workbook from None
    if max_unpacked is not None and unpacked > max_unpacked:
        raise UnreadableFile(
            too_big_for_the_admin(
                f"This workbook holds {filesizeformat(unpacked)} of data once unpacked, more than the admin reads "
                f"({filesizeformat(max_unpacked)})."
            )
        )
    try:
        # data_only=False: a formula cell is read as its formula text, not as the value the file claims it had.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # any failure to parse a file from outside means the same to staff
        logger.info("Unreadable .xlsx: %r", exc)
        raise not_a_workbook from None
    try:
        if not book.worksheets:
            raise UnreadableFile("This workbook has no worksheet to import.")
        sheet = book.worksheets[0]
        first = next(iter(sheet.iter_rows(min_row=1, max_row=1, values_only=True)), ())
        width = min(len(_trim_blank_tail(first)), MAX_COLUMNS + 1)
        rest = sheet.iter_rows(min_row=2, max_col=width or MAX_COLUMNS, values_only=True)
        rows = (list(row) for row in _chain_first(first[:width], rest))
        return _dataset((_cells(row) for row in rows), max_rows=max_rows, extra_cells_allowed=True)
    except UnreadableFile:
        raise
    except Exception as exc:
        logger.info("Unreadable .xlsx sheet: %r", exc)
        raise not_a_workbook from None
    finally:
        book.close()


def _chain_first(first: Sequence[Any], rest: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield first
    yield from rest


def _cells(row: list[Any]) -> list[Any]:
    """Cell values as the import reads them: an empty cell is "" (as in a CSV), a formula its text."""
    values = []
    for value in row:
        if value is None:
            value = ""
        elif not isinstance(value, str | int | float | bool) and hasattr(value, "text"):
            value = str(value.text)  # openpyxl's ArrayFormula: an array formula's text
        values.append(value)
    return values


def _blank(row: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _trim_blank_tail(row: Sequence[Any]) -> Sequence[Any]:
    end = len(row)
    while end and _blank(row[end - 1 : end]):
        end -= 1
    return row[:end]


def _dataset(rows: Iterator[list[Any]], *, max_rows: int | None, extra_cells_allowed: bool) -> tablib.Dataset:
    """A Dataset from a sheet's rows: column names from the first, rows counted as they come.

    Blank rows at the end are dropped; blank rows between clinics are kept (as blank rows, which the
    import skips), so row numbers stay those of the spreadsheet. A row with more cells than there are
    column names is refused in a CSV (a comma inside a value has probably lost its quotes); in a
    workbook only the named columns are read.
    """
    first = next(rows, None)
    if first is None:
        raise UnreadableFile("The file is empty.")
    headers = ["" if name is None else str(name).strip() for name in _trim_blank_tail(first)]
    if not headers:
        if all(_blank(row) for row in rows):
            raise UnreadableFile("The file is empty.")
        raise UnreadableFile(
            "The first row of the file is empty. It should hold the column names (slug, name, city, …): export "
            "the clinics to get a file with every column."
        )
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            f"The first row has more than {MAX_COLUMNS} columns, so it isn't a list of clinics. It should hold "
            "the column names (slug, name, city, …): export the clinics to get a file with every column."
        )
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    pending_blank: list[list[Any]] = []
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            pending_blank.append([""] * width)
            continue
        if len(row) > width:
            if not extra_cells_allowed and not _blank(row[width:]):
                raise UnreadableFile(
                    f"Row {number} has more cells than the first row has column names ({width}). A value with a "
                    "comma in it may have lost its quotes; save the file from Excel again, or fix that row."
                )
            row = row[:width]
        if max_rows is not None and len(dataset) + len(pending_blank) + 1 > max_rows:
            raise TooManyRows(
                too_big_for_the_admin(f"The file has more than {max_rows} rows; the admin imports up to {max_rows}.")
            )
        for blank in pending_blank:
            dataset.append(blank)
        pending_blank.clear()
        dataset.append(row + [""] * (width - len(row)))
    if not len(dataset):
        raise UnreadableFile(
            "The file has column names but no clinics under them. Add a row for each clinic below the column names."
        )
    return dataset


# --- Formats, as django-import-export's admin offers them ----------------------------------


class CSVFormat(base_formats.CSV):
    """CSV as staff save it from Excel ("CSV UTF-8"), read by ``read_csv`` within the admin's caps."""

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return read_csv(data, max_rows=settings.ADMIN_IMPORT_MAX_ROWS)


class XLSXFormat(base_formats.XLSX):
    """Excel workbooks, read by ``read_xlsx`` within the admin's caps (written by django-import-export)."""

    def create_dataset(self, in_stream: bytes, **kwargs: Any) -> tablib.Dataset:
        return read_xlsx(
            in_stream,
            max_rows=settings.ADMIN_IMPORT_MAX_ROWS,
            max_unpacked=settings.ADMIN_IMPORT_MAX_BYTES * XLSX_UNPACKED_RATIO,
        )


# The only formats the admin offers: what staff use, and nothing that parses YAML or HTML from an upload.
# The command's --format names them too. Exports use django-import-export's own classes, which it
# recognises to write numbers and booleans into an .xlsx as such (not as text).
FORMATS: dict[str, type[base_formats.Format]] = {"csv": CSVFormat, "xlsx": XLSXFormat}
IMPORT_FORMATS: list[type[base_formats.Format]] = [CSVFormat, XLSXFormat]
EXPORT_FORMATS: list[type[base_formats.Format]] = [base_formats.CSV, base_formats.XLSX]
