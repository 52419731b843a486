"""Spreadsheets from outside: every malformed file gets a clear answer, formulas stay inert, caps hold, uploads go.

Through the admin's import page as staff use it (a file and a chosen format), the spreadsheet
readers, the export's escaping, the upload folder, and `manage.py import_clinics`.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from clinics import spreadsheets
from clinics.importing import ClinicResource, escape_cell
from clinics.models import Clinic, OpeningHours
from clinics.spreadsheets import escape_formula, unescape_formula
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:clinics_clinic_import"
CONFIRM_URL = "admin:clinics_clinic_process_import"
CSV, XLSX = "0", "1"  # the import page's format choices, in the order it offers them
DANGEROUS_NAMES = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def snapshot() -> tuple[list[Any], list[Any], list[Any]]:
    """Every clinic's exported fields and change stamp, every opening hour and service link."""
    fields = [f.name for f in Clinic._meta.concrete_fields]
    return (
        sorted(Clinic.objects.values_list(*fields)),
        sorted(OpeningHours.objects.values_list("clinic__slug", "weekday", "opens", "closes")),
        sorted(Clinic.services.through.objects.values_list("clinic__slug", "service__slug")),
    )


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "pw-ops-1234"))
    return client


def upload(client: Client, content: bytes, file_format: str = CSV, name: str = "clinics.csv") -> Any:
    return client.post(
        reverse(IMPORT_URL),
        {"format": file_format, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def uploads_left(settings: Any) -> list[str]:
    return sorted(path.name for path in Path(settings.IMPORT_UPLOAD_DIR).iterdir())


def exported_csv() -> str:
    return ClinicResource().export().export("csv")


def exported_xlsx() -> bytes:
    return ClinicResource().export().export("xlsx")


def workbook(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_entity_expansion() -> bytes:
    """A real workbook whose sheet declares nested entities, "billion laughs" in miniature (10**5, not 10**9:
    without defusedxml this test must fail, not exhaust the machine)."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["slug", "name"], ["a", "b"]])))
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 6))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{entities}]>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = doctype + data.replace(b">b<", b">&lol5;<")
            archive.writestr(item, data)
    return out.getvalue()


def zip_of(name: str, text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, text)
    return out.getvalue()


def with_accent_on_line_3_in_latin1() -> bytes:
    lines = exported_csv().replace("–", "-").splitlines()
    lines[2] = lines[2].replace(",", ",Café ", 1)
    return "\n".join(lines).encode("latin-1")


def headerless() -> bytes:
    return "\n".join(exported_csv().splitlines()[1:]).encode()


def only_headers() -> bytes:
    return exported_csv().splitlines()[0].encode() + b"\r\n"


def a_row_with_an_extra_cell() -> bytes:
    lines = exported_csv().splitlines()
    return f"{lines[0]}\n{lines[1]}\n{lines[2]},Suite 100\n".encode()


def two_name_columns() -> bytes:
    return b"slug,name,city,name\nmoline,Moline,Moline,Moline Clinic\n"


def json_of_the_clinics() -> bytes:
    return ClinicResource().export().export("json").encode()


def yaml_of_the_clinics() -> bytes:
    return ClinicResource().export().export("yaml").encode()


def html_of_the_clinics() -> bytes:
    return ClinicResource().export().export("html").encode()


MALFORMED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # name: (the file, the format chosen, what the page says)
    "headerless csv": (headerless, CSV, "The file has no “slug” column. The first row must hold the column names"),
    "html as csv": (html_of_the_clinics, CSV, "This looks like a web page (HTML) or XML file, not a CSV file."),
    "json as csv": (json_of_the_clinics, CSV, "This looks like a JSON file, not a CSV file."),
    "yaml as csv": (yaml_of_the_clinics, CSV, "This looks like a YAML file, not a CSV file."),
    "xlsx as csv": (exported_xlsx, CSV, "This is an Excel workbook (.xlsx) or another zipped file, not a CSV file."),
    "csv as xlsx": (lambda: exported_csv().encode(), XLSX, "This file isn't an Excel workbook (.xlsx), or it is"),
    "html as xlsx": (html_of_the_clinics, XLSX, "This file isn't an Excel workbook (.xlsx), or it is damaged."),
    "entity expansion in xlsx": (
        with_entity_expansion,
        XLSX,
        "This file isn't an Excel workbook (.xlsx), or it is damaged",
    ),
    "zip of text as xlsx": (lambda: zip_of("a.txt", "hello"), XLSX, "This file isn't an Excel workbook (.xlsx)"),
    "old xls as xlsx": (lambda: spreadsheets.OLE_MAGIC + bytes(500), XLSX, "This is an older Excel workbook (.xls)"),
    "latin-1 csv": (with_accent_on_line_3_in_latin1, CSV, "Line 3 of the file has characters the import can't read"),
    "utf-16 csv": (lambda: exported_csv().encode("utf-16"), CSV, "This file is saved as UTF-16 text"),
    "binary garbage as csv": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00garbage", CSV, "This is not a text file"),
    "binary garbage as xlsx": (lambda: bytes(range(256)) * 4, XLSX, "This file isn't an Excel workbook (.xlsx)"),
    "empty file": (lambda: b"", CSV, "The submitted file is empty."),
    "only headers": (only_headers, CSV, "The file has column names but no clinics under them."),
    "only headers xlsx": (lambda: workbook([["slug", "name"]]), XLSX, "The file has column names but no clinics"),
    "empty workbook": (lambda: workbook([]), XLSX, "The file is empty."),
    "semicolons": (lambda: b"name;city\nNo slug column;Moline\n", CSV, "separated by semicolons"),
    "extra cell": (a_row_with_an_extra_cell, CSV, "Row 3 has more cells than the first row has column names"),
    "two name columns": (two_name_columns, CSV, "The column “name” appears more than once in the first row."),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_gets_a_clear_message_and_changes_nothing(demo_data, staff_client, settings, case):
    content, file_format, message = MALFORMED[case]
    before = snapshot()
    response = upload(staff_client, content(), file_format)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page.replace("&#x27;", "'")
    assert "Traceback" not in page and "Error" + "(" not in page
    assert not response.context.get("confirm_form")
    assert snapshot() == before
    assert uploads_left(settings) == []


def test_workbooks_are_parsed_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_the_import_page_offers_only_csv_and_excel(staff_client):
    page = staff_client.get(reverse(IMPORT_URL))
    choices = [label for value, label in page.context["form"].fields["format"].choices if value != ""]
    assert choices == ["csv", "xlsx"]
    refused = upload(staff_client, yaml_of_the_clinics(), "2", "clinics.yaml")
    assert refused.status_code == 200
    assert "Select a valid choice." in refused.content.decode()


def test_the_import_page_says_its_limits_and_names_the_command(staff_client, settings):
    settings.ADMIN_IMPORT_MAX_ROWS = 321
    page = staff_client.get(reverse(IMPORT_URL)).content.decode()
    assert "up to 1.0\xa0MB and 321 rows" in page
    assert "manage.py import_clinics FILE" in page


# --- Caps -----------------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(demo_data, staff_client, settings, monkeypatch):
    read: list[bytes] = []
    monkeypatch.setattr(spreadsheets, "read_csv", lambda data, **kwargs: read.append(data))
    before = snapshot()
    lines = exported_csv().splitlines()
    big = (lines[0] + "\n" + "\n".join(lines[1:] * 400)).encode()
    assert len(big) > 1024 * 1024  # the default cap
    response = upload(staff_client, big)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The file is {len(big) / 1024 / 1024:.1f}\xa0MB; the admin imports files up to 1.0\xa0MB." in page
    assert "manage.py import_clinics FILE" in page
    assert read == []
    assert uploads_left(settings) == []
    assert snapshot() == before


def test_a_file_within_the_size_cap_is_read(demo_data, staff_client, settings):
    settings.ADMIN_IMPORT_MAX_BYTES = len(exported_csv().encode())
    assert upload(staff_client, exported_csv().encode()).context["confirm_form"]


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_file_over_the_row_cap_is_refused_before_any_row_is_checked(
    demo_data, staff_client, settings, monkeypatch, file_format
):
    checked: list[Any] = []
    monkeypatch.setattr(ClinicResource, "import_data", lambda *args, **kwargs: checked.append(args))
    settings.ADMIN_IMPORT_MAX_ROWS = 12  # the demo export has 13 rows
    content = exported_csv().encode() if file_format == CSV else exported_xlsx()
    before = snapshot()
    response = upload(staff_client, content, file_format)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has more than 12 rows; the admin imports up to 12." in page
    assert "manage.py import_clinics FILE" in page
    assert checked == []
    assert snapshot() == before


def test_the_default_row_cap_is_500(demo_data, staff_client):
    lines = exported_csv().splitlines()
    rows = [lines[1].replace("burlington", f"clinic-{n}", 1) for n in range(501)]
    response = upload(staff_client, "\n".join([lines[0], *rows]).encode())
    assert "The file has more than 500 rows" in response.content.decode()


def test_a_file_at_the_row_cap_with_blank_rows_at_the_end_is_previewed(demo_data, staff_client, settings):
    settings.ADMIN_IMPORT_MAX_ROWS = 13
    response = upload(staff_client, (exported_csv() + ",,,\r\n" * 40 + "\r\n" * 5).encode())
    assert response.context["confirm_form"]


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_opened(demo_data, staff_client, settings):
    settings.ADMIN_IMPORT_MAX_BYTES = 50_000  # so 1 MB unpacked is the most a workbook may hold
    content = workbook([["slug", "name"], *[[f"clinic-{n}", "x" * 5000] for n in range(300)]])
    assert len(content) < settings.ADMIN_IMPORT_MAX_BYTES
    page = upload(staff_client, content, XLSX).content.decode()
    assert "This workbook holds" in page and "more than the admin reads (976.6\xa0KB)" in page


# --- Rows ------------------------------------------------------------------------------------


def test_two_rows_with_one_slug_are_an_error_naming_both_rows(demo_data, staff_client):
    lines = exported_csv().splitlines()
    moline = next(n for n, line in enumerate(lines, start=1) if line.startswith("moline-valley-view,"))
    again = lines[moline - 1].replace("Moline", "Moline (again)", 1)
    before = snapshot()
    response = upload(staff_client, "\n".join([*lines, again]).encode())
    page = response.content.decode()
    assert f"Rows {moline} and {len(lines) + 1} both have the slug “moline-valley-view”" in page
    assert not response.context.get("confirm_form")
    assert snapshot() == before


def test_blank_rows_between_clinics_are_skipped_and_rows_keep_their_spreadsheet_numbers(demo_data, staff_client):
    lines = exported_csv().splitlines()
    bad = lines[2].replace(",IA,", ",ZZ,", 1)
    assert bad != lines[2]
    content = "\n".join([lines[0], lines[1], "", ",,,", bad]).encode()  # the bad row is row 5
    page = upload(staff_client, content).content.decode()
    assert '<th scope="row" class="import-problems__row">5</th>' in page
    assert "is not a valid choice" in page


def test_a_formula_in_a_csv_is_imported_as_its_text(db, staff_client):
    data = tablib.Dataset(headers=["slug", "name", "city", "state", "zip_code", "services", "hours"])
    for n, name in enumerate(DANGEROUS_NAMES):
        data.append([f"clinic-{n}", name, "Moline", "IL", "61265", "", ""])
    preview = upload(staff_client, data.export("csv").encode())
    assert preview.context["confirm_form"], preview.content.decode()
    staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial)
    assert sorted(Clinic.objects.values_list("name", flat=True)) == sorted(DANGEROUS_NAMES)


def test_a_formula_in_a_workbook_is_imported_as_its_text_never_its_result(db, staff_client):
    content = workbook([["slug", "name", "city", "state", "zip_code"], ["sum", "=1+1", "Moline", "IL", "61265"]])
    preview = upload(staff_client, content, XLSX, "clinics.xlsx")
    assert preview.context["confirm_form"], preview.content.decode()
    staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial)
    assert Clinic.objects.get(slug="sum").name == "=1+1"


# --- Export escapes formulas -----------------------------------------------------------------

TRICKY_TEXT = [*DANGEROUS_NAMES, "-Moline-", "@home", "'=quoted already", "''", "'Tis the season", "'", "plain"]


@pytest.mark.parametrize("text", [*TRICKY_TEXT, "", "'-", "''=", "=", "a=b"])
def test_escaping_round_trips_every_text(text):
    assert unescape_formula(escape_formula(text)) == text


@pytest.mark.parametrize(
    ("column", "value", "exported"),
    [
        ("longitude", "-90.515100", "-90.515100"),
        ("latitude", "41.5", "41.5"),
        ("longitude", "-2+3", "'-2+3"),  # a coordinate column holding anything but a number is text
        ("longitude", "-90.5\n", "'-90.5\n"),
        ("phone", "-90.5", "'-90.5"),  # only coordinates are numbers
        ("longitude", Decimal("-90.5"), Decimal("-90.5")),  # a number written natively into an .xlsx
    ],
)
def test_only_coordinates_that_are_plain_numbers_escape_escaping(column, value, exported):
    assert escape_cell(column, value) == exported


def dangerous_clinics(texts: list[str] = TRICKY_TEXT) -> list[Clinic]:
    """A clinic per text, in its name, street and notice; and a longitude below zero."""
    return [
        ClinicFactory(
            name=text,
            slug=f"clinic-{n}",
            street=text,
            notice=text,
            latitude=41.5,
            longitude=-90.515151,
            phone="309-555-0177",
        )
        for n, text in enumerate(texts)
    ]


def admin_export(client: Client, file_format: str) -> bytes:
    """Every column, as staff export them from the admin."""
    columns = {f"clinicresource_{name}": "on" for name in ClinicResource().get_export_order()}
    response = client.post(reverse("admin:clinics_clinic_export"), {"format": file_format, "resource": "0", **columns})
    assert response.status_code == 200
    return response.content


def is_inert(cell: str) -> bool:
    return not cell.startswith(spreadsheets.FORMULA_PREFIXES)


def test_csv_export_escapes_every_formula_and_leaves_numbers_and_phones_alone(db, staff_client):
    dangerous_clinics()
    content = admin_export(staff_client, CSV)
    assert content.startswith(codecs.BOM_UTF8)  # so Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == len(TRICKY_TEXT)
    for row in rows:
        original = TRICKY_TEXT[int(row["slug"].removeprefix("clinic-"))]
        for column in ("name", "street", "notice"):
            cell = row[column]
            assert is_inert(cell), (column, cell)
            starts_like_a_formula = original.startswith(spreadsheets.FORMULA_PREFIXES)
            assert cell == (
                "'" + original if starts_like_a_formula or original in ("''", "'=quoted already") else original
            )
        assert row["longitude"] == "-90.515151"
        assert row["latitude"] == "41.500000"
        assert row["phone"] == "309-555-0177"


def test_xlsx_export_writes_formulas_as_escaped_text_and_coordinates_as_numbers(db, staff_client):
    dangerous_clinics()
    book = openpyxl.load_workbook(io.BytesIO(admin_export(staff_client, XLSX)), data_only=False)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=True))
        original = TRICKY_TEXT[int(cells["slug"].value.removeprefix("clinic-"))]
        for column in ("name", "street", "notice"):
            cell = cells[column]
            assert cell.data_type == "s" and is_inert(cell.value), (column, cell.value)
            assert unescape_formula(cell.value) == original.replace("\r", "\n")  # an .xlsx has no CR
        assert cells["longitude"].data_type == "n" and Decimal(str(cells["longitude"].value)) == Decimal("-90.515151")
        assert cells["phone"].value == "309-555-0177"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_an_admin_export_imports_back_through_the_admin_unchanged(db, staff_client, file_format):
    texts = [text for text in TRICKY_TEXT if "\r" not in text]  # see the next test
    dangerous_clinics(texts)
    before = snapshot()
    content = admin_export(staff_client, file_format)
    preview = upload(staff_client, content, file_format, "clinics." + ("csv" if file_format == CSV else "xlsx"))
    assert preview.context["confirm_form"], preview.content.decode()
    assert preview.context["result"].totals["skip"] == len(texts)
    staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial)
    assert snapshot() == before
    assert sorted(Clinic.objects.values_list("name", flat=True)) == sorted(texts)


@pytest.mark.parametrize(("file_format", "comes_back_as"), [(CSV, "\r=1+1"), (XLSX, "\n=1+1")])
def test_a_carriage_return_at_the_start_comes_back_without_a_quote(db, staff_client, file_format, comes_back_as):
    """An .xlsx cannot hold a CR (its XML reads one as a line feed); it must not cost a quote as well."""
    dangerous_clinics(["\r=1+1"])
    preview = upload(staff_client, admin_export(staff_client, file_format), file_format)
    assert preview.context["confirm_form"], preview.content.decode()
    staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial)
    assert Clinic.objects.get().name == comes_back_as


# --- Uploads between the preview and the confirmation --------------------------------------


def test_a_confirmed_import_leaves_no_upload_behind(demo_data, staff_client, settings):
    preview = upload(staff_client, exported_csv().encode())
    assert len(uploads_left(settings)) == 1
    staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial)
    assert uploads_left(settings) == []


def test_an_unconfirmed_upload_is_deleted_once_it_is_older_than_the_limit(demo_data, staff_client, settings):
    settings.IMPORT_UPLOAD_MAX_AGE_MINUTES = 30
    preview = upload(staff_client, exported_csv().encode())
    [name] = uploads_left(settings)
    stored = Path(settings.IMPORT_UPLOAD_DIR) / name
    twenty_nine_minutes_ago = time.time() - 29 * 60
    os.utime(stored, (twenty_nine_minutes_ago, twenty_nine_minutes_ago))
    staff_client.get(reverse(IMPORT_URL))
    assert uploads_left(settings) == [name]
    thirty_one_minutes_ago = time.time() - 31 * 60
    os.utime(stored, (thirty_one_minutes_ago, thirty_one_minutes_ago))
    staff_client.get(reverse(IMPORT_URL))
    assert uploads_left(settings) == []

    before = snapshot()
    late = staff_client.post(reverse(CONFIRM_URL), preview.context["confirm_form"].initial, follow=True)
    assert late.status_code == 200
    assert "That preview has expired (previews are kept for 30 minutes), so nothing was imported." in (
        late.content.decode().replace("&#x27;", "'")
    )
    assert snapshot() == before


def test_uploads_are_private_to_the_app(demo_data, staff_client, settings):
    upload(staff_client, exported_csv().encode())
    [name] = uploads_left(settings)
    assert (Path(settings.IMPORT_UPLOAD_DIR) / name).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("name", ["../../etc/passwd", "passwd", "a" * 32, "0" * 31])
def test_a_confirmation_naming_another_file_touches_nothing(demo_data, staff_client, settings, name, tmp_path):
    outsider = Path(settings.IMPORT_UPLOAD_DIR) / "passwd"
    outsider.write_text("slug\nx\n")
    form = {"import_file_name": name, "original_file_name": "x.csv", "format": CSV, "resource": "0"}
    response = staff_client.post(reverse(CONFIRM_URL), form, follow=True)
    assert response.status_code == 200
    assert "That preview has expired" in response.content.decode()
    assert outsider.exists()


def test_a_confirmation_naming_a_format_not_offered_is_refused(demo_data, staff_client):
    preview = upload(staff_client, exported_csv().encode())
    form = {**preview.context["confirm_form"].initial, "format": "7"}
    response = staff_client.post(reverse(CONFIRM_URL), form)
    assert response.status_code == 200
    assert "Choose CSV or Excel (.xlsx)." in response.content.decode()


# --- manage.py import_clinics ----------------------------------------------------------------


def run_import(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_clinics", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def changed_export(tmp_path) -> Path:
    """The demo export with Moline renamed and one clinic added: 1 new, 1 updated, 12 unchanged."""
    data = ClinicResource().export()
    rows = data.dict
    for row in rows:
        if row["slug"] == "moline-valley-view":
            row["name"] = "Moline – renamed"
    added = {**rows[0], "slug": "rock-island", "name": "Rock Island", "latitude": "", "longitude": ""}
    out = tablib.Dataset(headers=data.headers)
    for row in [*rows, added]:
        out.append(list(row.values()))
    path = tmp_path / "clinics.xlsx"
    path.write_bytes(out.export("xlsx"))
    return path


def test_the_command_dry_run_checks_every_row_and_saves_nothing(demo_data, changed_export):
    before = snapshot()
    out, _ = run_import(str(changed_export), "--dry-run")
    assert "clinics.xlsx: 1 new, 1 updated, 12 unchanged, 0 with errors." in out
    assert "Dry run: every row passed the checks; nothing was saved." in out
    assert snapshot() == before


def test_the_command_imports_with_a_progress_bar_and_a_summary(demo_data, changed_export):
    out, err = run_import(str(changed_export))
    assert "clinics.xlsx: 1 new, 1 updated, 12 unchanged, 0 with errors." in out
    assert "Imported." in out
    assert "Importing: 100%" in err and "14/14" in err
    assert Clinic.objects.get(slug="moline-valley-view").name == "Moline – renamed"
    assert Clinic.objects.get(slug="rock-island").location_source == "zip"


def test_the_command_has_no_row_cap(db, tmp_path, settings):
    settings.ADMIN_IMPORT_MAX_ROWS = 2
    path = tmp_path / "three.csv"
    path.write_text("slug,name,city,state\na,A,Moline,IL\nb,B,Moline,IL\nc,C,Moline,IL\n")
    out, _ = run_import(str(path), "--no-progress")
    assert "3 new" in out
    assert Clinic.objects.count() == 3


def test_the_command_reports_each_bad_row_by_its_spreadsheet_row_and_imports_nothing(demo_data, tmp_path):
    lines = exported_csv().splitlines()
    lines[3] = lines[3].replace(",IA,", ",ZZ,", 1)  # row 4
    lines.append(lines[5])  # row 15 repeats row 6
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines))
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: correct the rows above"):
        call_command("import_clinics", str(path), "--no-progress", stdout=out, stderr=err)
    slug = lines[5].split(",")[0]
    assert "Row 4: state: Value 'ZZ' is not a valid choice." in err.getvalue()
    assert f"Row 15: slug: Rows 6 and 15 both have the slug “{slug}”" in err.getvalue()
    assert "2 with errors" in out.getvalue()
    assert "Importing" not in err.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("clinics.csv", "café".encode("latin-1"), (), "Line 1 of the file has characters the import can't read"),
        ("clinics.txt", b"slug\nx\n", (), "Can't tell the format of clinics.txt from its name: add --format"),
        ("clinics.txt", b"slug,name\n", ("--format", "csv"), "The file has column names but no clinics under them."),
        ("clinics.csv", b"name\nx\n", (), "The file has no “slug” column."),
    ],
)
def test_the_command_explains_an_unreadable_file(db, tmp_path, name, content, args, message):
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_clinics", str(path), *args, stdout=io.StringIO(), stderr=err)
    assert message in str(refused.value) + err.getvalue()


def test_the_command_explains_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match=r"Can't read .*missing\.csv: No such file or directory\."):
        run_import(str(tmp_path / "missing.csv"))
