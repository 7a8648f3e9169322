"""Departments, people and channels in and out of tables (.xlsx, .csv, .tsv).

One table format per kind, a header row in Chinese and one record a row; the
file is read by `govmedia.core.tabular`, so .xlsx, UTF-8 or GBK .csv/.tsv, and
headers with the "*" the import page shows on required columns all work.
`import_workbook()` reads the rows, then puts each one through the ModelForms in
`orgs.forms`, so a row meets exactly the validation of the admin's forms: good
rows are saved, bad rows come back as `RowError`s (row number, column, reason)
together with their original values, so they can be written out again with an
extra 错误原因 column, fixed and re-imported alone. Importing the same file twice
updates records instead of duplicating them: departments match by 机构代码,
people by 用户名 (one row per role), channels by 机构 + 类型 + 名称.

The admin upload view and the `import_orgs` / `export_orgs` commands both call
these functions.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from govmedia.core import tabular
from govmedia.orgs.forms import (
    ChannelImportForm,
    DepartmentImportForm,
    ImportRowForm,
    MembershipImportForm,
    PersonImportForm,
    table_error_message,
)
from govmedia.orgs.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Department,
    Membership,
    Role,
)

DEPARTMENTS = "departments"
PEOPLE = "people"
CHANNELS = "channels"
KINDS = (DEPARTMENTS, PEOPLE, CHANNELS)

KIND_LABELS = {DEPARTMENTS: "机构", PEOPLE: "人员", CHANNELS: "渠道"}

# Header rows, in order. Columns marked required must be present in the header row.
HEADERS: dict[str, list[str]] = {
    DEPARTMENTS: ["名称", "简称", "类型", "上级机构", "机构代码", "排序"],
    PEOPLE: ["姓名", "用户名", "电话", "机构", "角色", "初始密码"],
    CHANNELS: [
        "机构",
        "类型",
        "名称",
        "网址",
        "账号",
        "责任人",
        "责任人电话",
        "更新周期（天）",
        "状态",
    ],
}
REQUIRED_HEADERS: dict[str, set[str]] = {
    DEPARTMENTS: {"名称", "类型", "机构代码"},
    PEOPLE: {"姓名", "用户名", "机构", "角色"},
    CHANNELS: {"机构", "类型", "名称"},
}
ERROR_HEADER = "错误原因"
# Written after a required column's name in templates and exports, as the import page shows it.
REQUIRED_MARK = "*"


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header row, missing columns)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.message}"


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Original cell values of every bad row, keyed by row number, in header order.
    bad_rows: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def failed_rows(self) -> int:
        return len({e.row for e in self.errors})

    def errors_by_row(self) -> dict[int, list[RowError]]:
        grouped: dict[int, list[RowError]] = {}
        for error in sorted(self.errors, key=lambda e: e.row):
            grouped.setdefault(error.row, []).append(error)
        return grouped

    def bad_rows_workbook(self) -> bytes:
        """The bad rows as a workbook in the import format, plus a 错误原因 column."""
        headers = HEADERS[self.kind]
        rows = []
        for row_number, errors in self.errors_by_row().items():
            values = list(self.bad_rows.get(row_number, [None] * len(headers)))
            reason = "；".join(f"{e.column}：{e.message}" for e in errors)
            rows.append([*values, reason])
        return workbook_bytes(_build_workbook(self.kind, [*headers, ERROR_HEADER], rows))


# ---------------------------------------------------------------- reading


Row = tuple[int, dict[str, str], list[Any]]


def read_rows(kind: str, file: IO[bytes] | str | Path, name: str | None = None) -> list[Row]:
    """(row number, {header: text}, original texts in header order) for every non-empty row."""
    try:
        table = tabular.read_records(
            file, HEADERS[kind], required=REQUIRED_HEADERS[kind], name=name
        )
    except tabular.TableError as exc:
        if exc.reason == tabular.REASON_MISSING_COLUMNS:
            message = _("表头缺少以下列：%(columns)s。请使用%(label)s导入模板。") % {
                "columns": "、".join(exc.columns),
                "label": KIND_LABELS[kind],
            }
        else:
            message = table_error_message(exc)
        raise ImportFileError(message) from exc
    return [
        (
            record.number,
            {h: record.values.get(h, "") for h in HEADERS[kind]},
            record.cells(HEADERS[kind]),
        )
        for record in table.records
    ]


# ---------------------------------------------------------------- importing


def import_workbook(
    kind: str, file: IO[bytes] | str | Path, name: str | None = None
) -> ImportReport:
    """Import one table of `kind`; raises ImportFileError when the file itself is unusable.

    `name` (an upload's file name) tells .csv from .tsv when `file` carries no name.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    rows = read_rows(kind, file, name)
    report = ImportReport(kind=kind)
    importer = {
        DEPARTMENTS: _import_departments,
        PEOPLE: _import_people,
        CHANNELS: _import_channels,
    }[kind]
    importer(rows, report)
    return report


def _fail(report: ImportReport, row: int, originals: list[Any], errors: Iterable[RowError]) -> None:
    report.errors.extend(errors)
    report.bad_rows[row] = originals


def _form_errors(row: int, *forms: ImportRowForm, skip: Iterable[str] = ()) -> list[RowError]:
    """The forms' errors as RowErrors, each (column, message) once, none for `skip` columns."""
    seen: set[tuple[str, str]] = set()
    errors = []
    for form in forms:
        for column, message in form.column_errors():
            if column in skip or (column, message) in seen:
                continue
            seen.add((column, message))
            errors.append(RowError(row, column, message))
    return errors


def _choice_value(choices: type[TextChoices], text: str) -> str:
    """The stored value of a choice given by its label or value; `text` itself if neither."""
    for member in choices:
        if text in (str(member.label), member.value):
            return member.value
    return text


def _compact_code(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def _department_lookup() -> dict[str, Department]:
    """Departments by name and by compact code."""
    lookup: dict[str, Department] = {}
    for department in Department.objects.all():
        lookup[department.name] = department
        lookup[department.code_compact] = department
    return lookup


def _find_department(lookup: dict[str, Department], value: str) -> Department | None:
    return lookup.get(value) or lookup.get(_compact_code(value))


def _repeat_error(
    seen: dict, key: tuple | None, row: int, column: str, what: str
) -> list[RowError]:
    """The error of a row that repeats an earlier row of the same file (`what` names the columns)."""
    if key is None or key not in seen:
        return []
    return [
        RowError(
            row, column, _("与第%(row)d行重复（%(what)s）。") % {"row": seen[key], "what": what}
        )
    ]


def _row_department(
    lookup: dict[str, Department], value: str, row: int, errors: list[RowError]
) -> Department | None:
    """The department a people or channel row names, or None with an error for a missing one."""
    if not value:
        return None  # the form reports the empty cell
    department = _find_department(lookup, value)
    if department is None:
        errors.append(
            RowError(row, "机构", _("机构“%(name)s”不存在，请先导入机构。") % {"name": value})
        )
    return department


def _department_data(cells: dict[str, str], parent: Department | None) -> dict[str, str]:
    return {
        "name": cells["名称"],
        "short_name": cells["简称"],
        "kind": cells["类型"],
        "parent": str(parent.pk) if parent else "",
        "code": cells["机构代码"],
        "order": cells["排序"] or "0",
    }


def _import_departments(rows: list[Row], report: ImportReport) -> None:
    lookup = _department_lookup()
    seen_codes: dict[tuple[str], int] = {}
    seen_names: dict[tuple[str], int] = {}
    pending: list[Row] = []
    failed_keys: set[str] = set()

    # First every row on its own, without its parent, which may come later in the file.
    for row, cells, originals in rows:
        name, compact = cells["名称"], _compact_code(cells["机构代码"])
        errors = _repeat_error(
            seen_codes, (compact,) if compact else None, row, "机构代码", _("机构代码")
        )
        errors += _repeat_error(seen_names, (name,) if name else None, row, "名称", _("名称"))
        existing = lookup.get(compact) if compact else None
        form = DepartmentImportForm(
            _department_data(cells, None), instance=copy.copy(existing) if existing else None
        )
        errors += _form_errors(row, form)
        if errors:
            _fail(report, row, originals, errors)
            failed_keys.update(k for k in (name, compact) if k)
            continue
        seen_codes[(compact,)] = row
        seen_names[(name,)] = row
        pending.append((row, cells, originals))

    # Then save in passes until nothing moves, each row once its parent exists.
    while pending:
        pending_keys = {key for _row, cells, _o in pending for key in _keys(cells)}
        waiting = []
        for row, cells, originals in pending:
            parent_ref = cells["上级机构"]
            parent = None
            if parent_ref:
                parent = _find_department(lookup, parent_ref)
                if parent is None:
                    if {parent_ref, _compact_code(parent_ref)} & pending_keys:
                        waiting.append((row, cells, originals))
                        continue
                    if {parent_ref, _compact_code(parent_ref)} & failed_keys:
                        message = _("上级机构“%(parent)s”所在行有错误，未能导入。")
                    else:
                        message = _("上级机构“%(parent)s”不存在。")
                    error = RowError(row, "上级机构", message % {"parent": parent_ref})
                    _fail(report, row, originals, [error])
                    failed_keys.update(_keys(cells))
                    continue
            department = _save_department(row, cells, originals, parent, lookup, report)
            if department is None:
                failed_keys.update(_keys(cells))
                continue
            lookup[department.name] = department
            lookup[department.code_compact] = department
        if len(waiting) == len(pending):
            for row, cells, originals in waiting:
                message = _("上级机构“%(parent)s”与本行形成循环，无法确定层级。")
                error = RowError(row, "上级机构", message % {"parent": cells["上级机构"]})
                _fail(report, row, originals, [error])
            break
        pending = waiting


def _keys(cells: dict[str, str]) -> set[str]:
    return {cells["名称"], _compact_code(cells["机构代码"])} - {""}


def _save_department(
    row: int,
    cells: dict[str, str],
    originals: list[Any],
    parent: Department | None,
    lookup: dict[str, Department],
    report: ImportReport,
) -> Department | None:
    existing = lookup.get(_compact_code(cells["机构代码"]))
    form = DepartmentImportForm(
        _department_data(cells, parent), instance=copy.copy(existing) if existing else None
    )
    if not form.is_valid():
        _fail(report, row, originals, _form_errors(row, form))
        return None
    try:
        with transaction.atomic():
            department = form.save()
    except IntegrityError:
        _fail(report, row, originals, [RowError(row, "名称", _("名称或机构代码与已有机构冲突。"))])
        return None
    if existing:
        report.updated += 1
    else:
        report.created += 1
    return department


def _import_people(rows: list[Row], report: ImportReport) -> None:
    User = get_user_model()
    lookup = _department_lookup()
    seen: dict[tuple[str, int, str], int] = {}
    for row, cells, originals in rows:
        errors: list[RowError] = []
        username = cells["用户名"]
        department = _row_department(lookup, cells["机构"], row, errors)
        user = User.objects.filter(username=username).first() if username else None
        person_form = PersonImportForm(
            {
                "first_name": cells["姓名"],
                "username": username,
                # An initial password is for new people; an import never resets one.
                "password": "" if user else cells["初始密码"],
            },
            instance=user,
        )
        role = _choice_value(Role, cells["角色"])
        membership_form = MembershipImportForm(
            {
                "department": str(department.pk) if department else "",
                "role": cells["角色"],
                "phone": cells["电话"],
            }
        )
        errors += _form_errors(row, person_form, membership_form, skip={"机构"} if errors else ())
        key = (username, department.pk, role) if department and role and username else None
        errors += _repeat_error(seen, key, row, "用户名", _("同一人员、机构和角色"))
        if errors:
            _fail(report, row, originals, errors)
            continue
        assert key is not None and department is not None
        seen[key] = row
        with transaction.atomic():
            user = person_form.save()
            membership = Membership.objects.filter(
                user=user, department=department, role=role
            ).first()
            if membership is None:
                Membership.objects.create(
                    user=user, department=department, role=role, phone=cells["电话"]
                )
                report.created += 1
            else:
                if membership.phone != cells["电话"]:
                    membership.phone = cells["电话"]
                    membership.save(update_fields=["phone"])
                report.updated += 1


def _import_channels(rows: list[Row], report: ImportReport) -> None:
    lookup = _department_lookup()
    seen: dict[tuple[int, str, str], int] = {}
    default_every = str(Channel._meta.get_field("update_every_days").get_default())
    for row, cells, originals in rows:
        errors: list[RowError] = []
        department = _row_department(lookup, cells["机构"], row, errors)
        kind, name = _choice_value(ChannelKind, cells["类型"]), cells["名称"]
        key = (department.pk, kind, name) if department and kind and name else None
        errors += _repeat_error(seen, key, row, "名称", _("同一机构、类型和名称"))
        existing = (
            Channel.objects.filter(department=department, kind=kind, name=name).first()
            if key
            else None
        )
        form = ChannelImportForm(
            {
                "department": str(department.pk) if department else "",
                "kind": cells["类型"],
                "name": name,
                "url": cells["网址"],
                "account_id": cells["账号"],
                "responsible": cells["责任人"],
                "responsible_phone": cells["责任人电话"],
                "update_every_days": cells["更新周期（天）"] or default_every,
                "status": cells["状态"] or ChannelStatus.ACTIVE.value,
            },
            instance=existing,
        )
        errors += _form_errors(row, form, skip={"机构"} if errors else ())
        if errors:
            _fail(report, row, originals, errors)
            continue
        seen[key] = row  # type: ignore[index]
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            _fail(report, row, originals, [RowError(row, "名称", _("与已有渠道冲突。"))])
            continue
        if existing:
            report.updated += 1
        else:
            report.created += 1


# ---------------------------------------------------------------- exporting


def _build_workbook(kind: str, headers: list[str], rows: Iterable[list[Any]]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = KIND_LABELS[kind]
    required = REQUIRED_HEADERS[kind]
    sheet.append([f"{h}{REQUIRED_MARK}" if h in required else h for h in headers])
    for cell, header in zip(sheet[1], headers, strict=True):
        cell.font = Font(bold=True)
        if header in required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for column_cells in sheet.iter_cols(min_row=1, max_row=1):
        sheet.column_dimensions[column_cells[0].column_letter].width = 18
    for row in rows:
        # Codes, phones and usernames stay text, so Excel does not turn them into numbers.
        sheet.append(["" if v is None else v for v in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(kind: str) -> bytes:
    """An empty workbook with the header row, to fill in and import."""
    return workbook_bytes(_build_workbook(kind, HEADERS[kind], []))


def export_rows(kind: str, queryset=None) -> list[list[Any]]:
    if kind == DEPARTMENTS:
        departments = queryset if queryset is not None else Department.objects.all()
        return [
            [
                d.name,
                d.short_name,
                d.get_kind_display(),
                d.parent.name if d.parent else "",
                d.code,
                d.order,
            ]
            for d in departments.select_related("parent")
        ]
    if kind == PEOPLE:
        memberships = queryset if queryset is not None else Membership.objects.all()
        return [
            [
                m.user.get_full_name() or m.user.get_username(),
                m.user.get_username(),
                m.phone,
                m.department.name,
                m.get_role_display(),
                "",
            ]
            for m in memberships.select_related("user", "department").order_by(
                "user__username", "department__order", "role"
            )
        ]
    if kind == CHANNELS:
        channels = queryset if queryset is not None else Channel.objects.all()
        return [
            [
                c.department.name,
                c.get_kind_display(),
                c.name,
                c.url,
                c.account_id,
                c.responsible,
                c.responsible_phone,
                c.update_every_days,
                c.get_status_display(),
            ]
            for c in channels.select_related("department")
        ]
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def export_workbook(kind: str, queryset=None) -> bytes:
    """Every record of `kind` (or of `queryset`) in the import format, so it re-imports cleanly.

    Departments are written parents first, so the file also imports into an empty database
    in a single pass; the importer would resolve any order anyway.
    """
    rows = export_rows(kind, queryset)
    if kind == DEPARTMENTS:
        rows = _parents_first(rows)
    return workbook_bytes(_build_workbook(kind, HEADERS[kind], rows))


def _parents_first(rows: list[list[Any]]) -> list[list[Any]]:
    by_name = {r[0]: r for r in rows}
    ordered: list[list[Any]] = []
    placed: set[str] = set()

    def place(row: list[Any], depth: int = 0) -> None:
        if row[0] in placed or depth > len(rows):
            return
        parent = by_name.get(row[3])
        if parent is not None:
            place(parent, depth + 1)
        placed.add(row[0])
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered
