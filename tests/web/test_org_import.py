"""Importing clusters, units and people from .xlsx and .csv: all rows or none."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from emulation.domain import orgsheet
from emulation.models import AuditEvent, Cluster, Person, Unit
from emulation.services import ServiceError
from emulation.services.org_import import (ImportReport, import_org_sheet, read_sheet,
                                           template_workbook)

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại", "Quận/Huyện", "Mã cụm"]
PEOPLE_HEADER = ["Mã cán bộ", "Họ và tên", "Giới tính", "Chức vụ", "Mã đơn vị", "Email", "Điện thoại"]


def xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(*rows, sep: str = ",", bom: bool = False, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(sep.join(cell for cell in row) for row in rows) + "\r\n"
    return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


def counts() -> tuple[int, int, int, int]:
    return (Cluster.select().count(), Unit.select().count(), Person.select().count(),
            AuditEvent.select().where(AuditEvent.action == "org.import").count())


def refused(kind: str, filename: str, data: bytes) -> ServiceError:
    before = counts()
    with pytest.raises(ServiceError) as caught:
        import_org_sheet(None, kind, filename, data)
    assert counts() == before, "a refused import wrote something"
    return caught.value


@pytest.fixture
def cum(make):
    return make.cluster(code="CUM-TX", name="Cụm Thanh Xuân")


# --- bad rows: exact row, message, nothing written --------------------------------------------

BAD_UNIT_ROWS = [
    ("missing name", ["TXB", "", "phường", "", ""], "Dòng 3 – cột «Tên đơn vị»: Ô này bắt buộc"),
    ("missing code", ["", "Phường A", "", "", ""], "Dòng 3 – cột «Mã đơn vị»: Ô này bắt buộc"),
    ("code with space", ["TX B", "Phường A", "", "", ""],
     "Dòng 3 – cột «Mã đơn vị»: mã «TX B» không hợp lệ"),
    ("code with diacritics", ["Cụm1", "Phường A", "", "", ""], "ví dụ «Cum1»"),
    ("code too long", ["A" * 41, "Phường A", "", "", ""], "Dòng 3 – cột «Mã đơn vị»: mã «AAAA"),
    ("name too long", ["TXB", "x" * 201, "", "", ""],
     "Dòng 3 – cột «Tên đơn vị»: nội dung dài 201 ký tự, vượt quá giới hạn 200"),
    ("kind too long", ["TXB", "Phường A", "k" * 41, "", ""], "Dòng 3 – cột «Loại»: nội dung dài 41"),
    ("unknown cluster", ["TXB", "Phường A", "", "", "C9"],
     "Dòng 3 – cột «Mã cụm»: không có cụm thi đua «C9». Hãy tạo cụm trước hoặc sửa mã."),
    ("cluster case", ["TXB", "Phường A", "", "", "cum-tx"],
     "Dòng 3 – cột «Mã cụm»: không có mã «cum-tx»; có phải ý bạn là «CUM-TX»?"),
    ("duplicate of row 2", ["KM", "Phường Khương Mai 2", "", "", ""],
     "Dòng 3 – cột «Mã đơn vị»: mã «KM» trùng với dòng 2."),
]


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
@pytest.mark.parametrize("case, bad, expected", BAD_UNIT_ROWS, ids=[c[0] for c in BAD_UNIT_ROWS])
def test_one_bad_unit_row_refuses_the_whole_file(app, cum, case, bad, expected, ext):
    rows = [UNIT_HEADER, ["KM", "Phường Khương Mai", "phường", "Quận Thanh Xuân", "CUM-TX"], bad,
            ["HD", "Phường Hạ Đình", "phường", "", ""]]
    data = xlsx(*rows) if ext == "xlsx" else csv_bytes(*rows)
    error = refused("units", f"don-vi.{ext}", data)
    assert error.message == "Chưa nhập: 1 dòng có lỗi. Không có dữ liệu nào được ghi."
    assert len(error.problems) == 1
    assert expected in error.problems[0]


BAD_PEOPLE_ROWS = [
    ("gender", ["P1", "Lê Văn A", "Trai", "", "U1", "", ""], 2, "cột «Giới tính»: giới tính «Trai»"),
    ("email", ["P1", "Lê Văn A", "Nam", "", "U1", "le.a@", ""], 2, "cột «Email»: email «le.a@»"),
    ("unknown unit", ["P1", "Lê Văn A", "", "", "U404", "", ""], 2,
     "cột «Mã đơn vị»: không có đơn vị «U404». Hãy tạo đơn vị trước"),
    ("missing unit", ["P1", "Lê Văn A", "", "", "", "", ""], 2, "cột «Mã đơn vị»: Ô này bắt buộc"),
    ("phone too long", ["P1", "Lê Văn A", "", "", "U1", "", "0" * 41], 2, "cột «Điện thoại»"),
]


@pytest.mark.parametrize("case, bad, row, expected", BAD_PEOPLE_ROWS,
                         ids=[c[0] for c in BAD_PEOPLE_ROWS])
def test_bad_person_row(app, make, case, bad, row, expected):
    make.unit(code="U1")
    error = refused("people", "can-bo.xlsx", xlsx(PEOPLE_HEADER, bad,
                                                  ["P2", "Trần Thị B", "Nữ", "", "U1", "", ""]))
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"Dòng {row} – ") and expected in error.problems[0]


def test_every_problem_is_listed_and_rows_counted(app, make):
    make.unit(code="U1")
    error = refused("people", "cb.csv", csv_bytes(
        PEOPLE_HEADER,
        ["P1", "", "X", "", "U9", "a@b", ""],       # row 2: four problems
        ["P2", "Trần B", "", "", "U1", "", ""],     # row 3: fine
        [""] * 7,                                   # row 4: blank, skipped
        ["P1", "Lê C", "", "", "U1", "", ""]))      # row 5: duplicate of row 2
    assert error.message.startswith("Chưa nhập: 2 dòng có lỗi.")
    assert [p.split(":")[0] for p in error.problems] == [
        "Dòng 2 – cột «Họ và tên»", "Dòng 2 – cột «Giới tính»", "Dòng 2 – cột «Mã đơn vị»",
        "Dòng 2 – cột «Email»", "Dòng 5 – cột «Mã cán bộ»"]
    assert "trùng với dòng 2" in error.problems[-1]


# --- whole-file refusals --------------------------------------------------------------------

# "Mã đơn vị,Tên đơn vị / TXB,Phường Bắc" as an old Vietnamese (TCVN3) editor saves it.
TCVN3_CSV = b"M\xb8 \xae\xadn v\xdc,T\xaan \xae\xadn v\xdc\r\nTXB,Ph\xad\xeang B\xberc\r\n"

FILE_REFUSALS = [
    ("units", "don-vi.txt", b"a,b", "không phải bảng tính .xlsx hay .csv"),
    ("units", "don-vi.xls", b"\xd0\xcf\x11\xe0", "Excel 97–2003 (.xls)"),
    ("units", "don-vi.xlsx", b"PK\x03\x04 not really a zip", "không đọc được như bảng tính Excel"),
    ("units", "don-vi.xlsx", b"", "không đọc được như bảng tính Excel"),
    ("units", "don-vi.csv", TCVN3_CSV, "CSV UTF-8"),
    ("units", "don-vi.csv", b"", "trống"),
    ("units", "don-vi.csv", csv_bytes(UNIT_HEADER), "chưa có dòng dữ liệu nào dưới dòng tiêu đề (dòng 1)"),
    ("units", "don-vi.csv", csv_bytes(["Tên đơn vị", "Loại"], ["Phường A", "phường"]),
     "thiếu cột bắt buộc: «Mã đơn vị». Dòng tiêu đề (dòng 1)"),
    ("people", "cb.csv", csv_bytes(["Họ và tên"], ["A"]),
     "thiếu cột bắt buộc: «Mã cán bộ», «Mã đơn vị»"),
    ("units", "don-vi.csv", csv_bytes(["Mã đơn vị", "Tên đơn vị", "code"], ["A", "B", "C"]),
     "Cột «Mã đơn vị» xuất hiện nhiều lần trong dòng tiêu đề (cột A và C)"),
]


@pytest.mark.parametrize("kind, filename, data, expected", FILE_REFUSALS,
                         ids=[f"{f[1]}-{f[3][:20]}" for f in FILE_REFUSALS])
def test_unreadable_files_are_refused(app, kind, filename, data, expected):
    assert expected in refused(kind, filename, data).message


def test_corrupt_zip_that_is_a_zip(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "không đọc được" in refused("clusters", "cum.xlsx", out.getvalue()).message


def test_too_many_rows(app, monkeypatch):
    from emulation.services import sheets
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    rows = [["Mã cụm", "Tên cụm"]] + [[f"C{i}", f"Cụm {i}"] for i in range(4)]
    assert "có hơn 3 dòng dữ liệu" in refused("clusters", "c.csv", csv_bytes(*rows)).message
    assert import_org_sheet(None, "clusters", "c.csv", csv_bytes(*rows[:4])).created == 3


def test_unknown_kind(app):
    with pytest.raises(ServiceError):
        import_org_sheet(None, "campaigns", "x.csv", b"a")


# --- valid files ----------------------------------------------------------------------------

def test_clusters_units_people_from_xlsx(app, make):
    report = import_org_sheet(None, "clusters", "cum.xlsx", xlsx(
        ["Mã cụm", "Tên cụm"], ["CUM-TX", "Cụm Thanh Xuân"], [None, None], ["CUM-HK", "Cụm Hoàn Kiếm"]))
    assert report == ImportReport("clusters", created=2, updated=0, rows=2)
    report = import_org_sheet(None, "units", "dv.xlsx", xlsx(
        UNIT_HEADER, ["TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX"],
        ["HB", "Phường Hàng Bạc", "phường", "Quận Hoàn Kiếm", None]))
    assert (report.created, report.rows) == (2, 2)
    txb = Unit.get(Unit.code == "TXB")
    assert (txb.name, txb.kind, txb.district, txb.cluster.code, txb.active) == (
        "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX", True)
    assert Unit.get(Unit.code == "HB").cluster is None
    import_org_sheet(None, "people", "cb.xlsx", xlsx(
        PEOPLE_HEADER,
        ["TXB-001", "Nguyễn Thị Lan", "Nữ", "Chuyên viên", "TXB", "lan@tx.gov.vn", "0912345678"],
        ["TXB-002", "Trần Văn Nam", "nam", "", "TXB", None, None],
        ["HB-001", "Lê An", None, "", "HB", "", ""]))
    lan = Person.get(Person.staff_code == "TXB-001")
    assert (lan.gender, lan.honorific, lan.unit.code, lan.email, lan.phone) == (
        "F", "Bà", "TXB", "lan@tx.gov.vn", "0912345678")
    assert [p.gender for p in Person.select().order_by(Person.staff_code)] == ["", "F", "M"]
    event = (AuditEvent.select().where(AuditEvent.action == "org.import")
             .order_by(AuditEvent.id.desc()).get())
    assert event.object_type == "people" and '"created": 3' in event.new and "cb.xlsx" in event.new


@pytest.mark.parametrize("sep, bom", [(",", False), (",", True), (";", True), (";", False), ("\t", True)])
def test_csv_with_bom_and_delimiters(app, cum, sep, bom):
    data = csv_bytes(UNIT_HEADER, ["TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX"],
                     sep=sep, bom=bom)
    assert import_org_sheet(None, "units", "dv.csv", data).created == 1
    assert Unit.get(Unit.code == "TXB").cluster_id == cum.id


def test_csv_quoted_cells_and_utf16(app):
    text = 'Mã cụm,Tên cụm\r\nC1,"Cụm 1, quận Ba Đình"\r\nC2,"Cụm ""2"""\r\n'
    import_org_sheet(None, "clusters", "c.csv", text.encode())
    assert Cluster.get(Cluster.code == "C1").name == "Cụm 1, quận Ba Đình"
    assert Cluster.get(Cluster.code == "C2").name == 'Cụm "2"'
    import_org_sheet(None, "clusters", "c.csv", "Mã cụm\tTên cụm\r\nC3\tCụm 3\r\n".encode("utf-16"))
    assert Cluster.get(Cluster.code == "C3").name == "Cụm 3"


def test_upsert_updates_by_code_and_keeps_active(app, make, cum):
    old = make.unit(code="TXB", name="Tên cũ", kind="xã", district="Huyện X", active=False)
    same = make.unit(code="KM", name="Phường Khương Mai", kind="phường", district="")
    report = import_org_sheet(None, "units", "dv.csv", csv_bytes(
        UNIT_HEADER, ["TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX"],
        ["KM", "Phường Khương Mai", "phường", "", ""], ["HD", "Phường Hạ Đình", "", "", ""]))
    assert (report.created, report.updated, report.unchanged, report.rows) == (1, 1, 1, 3)
    old = Unit.get_by_id(old.id)
    assert (old.name, old.kind, old.district, old.cluster_id, old.active) == (
        "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", cum.id, False)
    assert Unit.get_by_id(same.id).name == "Phường Khương Mai"
    assert Unit.select().count() == 3


def test_absent_columns_are_left_alone(app, make, cum):
    unit = make.unit(code="TXB", name="Cũ", kind="phường", district="Quận Thanh Xuân", cluster=cum)
    data = csv_bytes(["code", "name"], ["TXB", "Mới"], ["N1", "Mới 1"])
    import_org_sheet(None, "units", "dv.csv", data)
    unit = Unit.get_by_id(unit.id)
    assert (unit.name, unit.kind, unit.district, unit.cluster_id) == (
        "Mới", "phường", "Quận Thanh Xuân", cum.id)
    assert Unit.get(Unit.code == "N1").kind == ""


def test_blank_cluster_cell_clears_the_cluster(app, make, cum):
    unit = make.unit(code="TXB", cluster=cum)
    import_org_sheet(None, "units", "dv.csv", csv_bytes(["Mã đơn vị", "Tên đơn vị", "Mã cụm"],
                                                        ["TXB", "Phường TXB", ""]))
    assert Unit.get_by_id(unit.id).cluster_id is None


def test_person_moves_unit_on_update(app, make):
    a, b = make.unit(code="UA"), make.unit(code="UB")
    person = make.person(unit=a, staff_code="S1", gender="M")
    report = import_org_sheet(None, "people", "cb.csv", csv_bytes(
        ["staff_code", "full_name", "unit", "gender"], ["S1", "Nguyễn Văn Một", "UB", "F"]))
    assert report.updated == 1
    person = Person.get_by_id(person.id)
    assert (person.unit_id, person.full_name, person.gender) == (b.id, "Nguyễn Văn Một", "F")


# --- headers and cells ----------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    ["Mã đơn vị", "Tên đơn vị", "Loại", "Quận/Huyện", "Mã cụm"],
    ["MA DON VI", "ten don vi", "loai", "Quan / Huyen", "ma_cum"],
    ["  Mã Đơn Vị (*) ", "TÊN ĐƠN VỊ *", "Loại đơn vị", "Quận", "Cụm thi đua"],
    ["code", "Name", "KIND", "District", "cluster"],
])
def test_header_aliases(app, cum, header):
    row = ["TXB", "Phường TXB", "phường", "Quận TX", "CUM-TX"]
    import_org_sheet(None, "units", "dv.xlsx", xlsx(header, row))
    unit = Unit.get(Unit.code == "TXB")
    assert [unit.code, unit.name, unit.kind, unit.district, unit.cluster.code] == row


def test_unknown_columns_ignored_and_title_rows_above_header(app):
    data = xlsx(["DANH SÁCH CỤM THI ĐUA NĂM 2026"], [], ["STT", "Mã cụm", "Tên cụm", "Ghi chú"],
                [1, "C1", "Cụm 1", "x"])
    rows = read_sheet("c.xlsx", data, "clusters")
    assert rows == [(4, {"code": "C1", "name": "Cụm 1"})]


def test_numeric_code_cells_become_text(app, make):
    make.unit(code="101")
    data = xlsx(PEOPLE_HEADER, [7, "Lê A", "M", "", 101.0, "", 912345678])
    rows = read_sheet("cb.xlsx", data, "people")
    assert rows[0][1]["staff_code"] == "7" and rows[0][1]["unit"] == "101"
    assert rows[0][1]["phone"] == "912345678"
    import_org_sheet(None, "people", "cb.xlsx", xlsx(PEOPLE_HEADER, [7, "Lê A", "M", "", 101.0, "", None]))
    assert Person.get(Person.staff_code == "7").unit.code == "101"


def test_decomposed_vietnamese_is_normalised(app):
    import unicodedata
    nfd = unicodedata.normalize("NFD", "Cụm Hoàn Kiếm")
    header = [unicodedata.normalize("NFD", "Mã cụm"), "Tên cụm"]
    import_org_sheet(None, "clusters", "c.csv", csv_bytes(header, ["HK", nfd]))
    assert Cluster.get(Cluster.code == "HK").name == "Cụm Hoàn Kiếm"


def test_xlsx_row_numbers_count_blank_rows(app):
    rows = read_sheet("c.xlsx", xlsx(["Mã cụm", "Tên cụm"], [], [None, " "], ["C1", "Cụm 1"]), "clusters")
    assert rows == [(4, {"code": "C1", "name": "Cụm 1"})]


def test_sheet_lengths_match_the_model():
    models = {"clusters": Cluster, "units": Unit, "people": Person}
    for kind, columns in orgsheet.COLUMNS.items():
        for column in columns:
            field = getattr(models[kind], column.key)
            if column.key in ("cluster", "unit"):
                field = field.rel_model.code
            if column.key != "gender":
                assert column.max_length == field.max_length, (kind, column.key)


# --- template -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["clusters", "units", "people"])
def test_template_round_trips(app, make, kind):
    if kind == "units":
        make.cluster(code="CUM-TX")
    if kind == "people":
        make.unit(code="TXB")
    data = template_workbook(kind)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert [c.value for c in sheet[1]] == [c.label for c in orgsheet.COLUMNS[kind]]
    assert import_org_sheet(None, kind, "mau.xlsx", data).created == 1


# --- CLI ------------------------------------------------------------------------------------

def test_cli_import_and_template(app, runner, tmp_path, cum):
    good = tmp_path / "dv.csv"
    good.write_bytes(csv_bytes(UNIT_HEADER, ["TXB", "Phường TXB", "phường", "", "CUM-TX"]))
    result = runner.invoke(args=["org", "import", "units", str(good)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 1 dòng: 1 thêm mới, 0 cập nhật." in result.output
    assert Unit.select().where(Unit.code == "TXB").exists()

    bad = tmp_path / "dv2.csv"
    bad.write_bytes(csv_bytes(UNIT_HEADER, ["HD", "Phường HD", "", "", "C9"]))
    result = runner.invoke(args=["org", "import", "units", str(bad)])
    assert result.exit_code == 1
    assert "Chưa nhập: 1 dòng có lỗi." in result.stderr
    assert "Dòng 2 – cột «Mã cụm»: không có cụm thi đua «C9»" in result.stderr
    assert not Unit.select().where(Unit.code == "HD").exists()

    out = tmp_path / "mau.xlsx"
    assert runner.invoke(args=["org", "template", "people", str(out)]).exit_code == 0
    assert load_workbook(out).active["A1"].value == "Mã cán bộ"
    assert runner.invoke(args=["org", "import", "campaigns", str(good)]).exit_code == 2
