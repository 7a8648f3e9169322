"""Departments, people and channels in and out of .xlsx workbooks.

One workbook format per kind, a header row in Chinese and one record a row.
`import_workbook()` validates every row on its own: good rows are saved, bad
rows come back as `RowError`s (row number, column, reason) together with their
original values, so they can be written out again with an extra 错误原因 column,
fixed and re-imported alone. Importing the same file twice updates records
instead of duplicating them: departments match by 机构代码, people by 用户名
(one row per role), channels by 机构 + 类型 + 名称.

The admin upload view and the `import_orgs` / `export_orgs` commands both call
these functions.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from govmedia.orgs.models import (
    ORG_CODE_VALIDATOR,
    Channel,
    ChannelKind,
    ChannelStatus,
    Department,
    DepartmentKind,
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

PHONE_RE = re.compile(r"^[0-9+\-()（） ]{3,30}$")
USERNAME_RE = re.compile(r"^[\w.@+-]{1,150}$")
DEFAULT_UPDATE_EVERY_DAYS = 14


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not an .xlsx, no header row, missing columns)."""


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


def open_workbook(file: IO[bytes] | str) -> Workbook:
    """Open `file` as an .xlsx workbook or raise ImportFileError with a message for people."""
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        if not zipfile.is_zipfile(file):
            raise ImportFileError(
                _("文件不是有效的 Excel 工作簿（.xlsx）。请使用导入模板填写后上传。")
            )
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
    ) as exc:
        raise ImportFileError(
            _("文件不是有效的 Excel 工作簿（.xlsx），无法读取。请使用导入模板填写后上传。")
        ) from exc


def _normalise_header(value: Any) -> str:
    text = _text(value)
    return text.replace("(", "（").replace(")", "）").replace(" ", "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(kind: str, file: IO[bytes] | str) -> list[tuple[int, dict[str, str], list[Any]]]:
    """(row number, {header: text}, original values in header order) for every non-empty row."""
    workbook = open_workbook(file)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ImportFileError(_("工作簿是空的，第一行应为表头。"))
        positions: dict[str, int] = {}
        wanted = {_normalise_header(h): h for h in HEADERS[kind]}
        for index, cell in enumerate(header_row):
            header = wanted.get(_normalise_header(cell))
            if header and header not in positions:
                positions[header] = index
        missing = [h for h in HEADERS[kind] if h in REQUIRED_HEADERS[kind] and h not in positions]
        if missing:
            raise ImportFileError(
                _("表头缺少以下列：%(columns)s。请使用%(label)s导入模板。")
                % {"columns": "、".join(missing), "label": KIND_LABELS[kind]}
            )
        result = []
        for row_number, values in enumerate(rows, start=2):
            originals = [
                values[positions[h]] if h in positions and positions[h] < len(values) else None
                for h in HEADERS[kind]
            ]
            cells = {h: _text(v) for h, v in zip(HEADERS[kind], originals, strict=True)}
            if not any(cells.values()):
                continue
            result.append((row_number, cells, originals))
        return result
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip fails only while it is read
        raise ImportFileError(
            _("工作簿内容已损坏，无法读取。请另存为新的 .xlsx 文件后再上传。")
        ) from exc
    finally:
        workbook.close()


# ---------------------------------------------------------------- importing


def import_workbook(kind: str, file: IO[bytes] | str) -> ImportReport:
    """Import one workbook of `kind`; raises ImportFileError when the file itself is unusable."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    rows = read_rows(kind, file)
    report = ImportReport(kind=kind)
    importer = {
        DEPARTMENTS: _import_departments,
        PEOPLE: _import_people,
        CHANNELS: _import_channels,
    }[kind]
    importer(rows, report)
    return report


class _RowErrors(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def _fail(report: ImportReport, row: int, originals: list[Any], errors: Iterable[RowError]) -> None:
    report.errors.extend(errors)
    report.bad_rows[row] = originals


def _choice(value: str, choices: type, column: str, row: int, errors: list[RowError]) -> str | None:
    for member in choices:
        if value in (str(member.label), member.value):
            return member.value
    allowed = "、".join(str(m.label) for m in choices)
    errors.append(
        RowError(
            row,
            column,
            _("“%(value)s”不是可用的类型，应为：%(allowed)s。")
            % {"value": value, "allowed": allowed},
        )
    )
    return None


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


def _check_repeat(
    seen: dict, key: tuple | None, row: int, column: str, what: str, errors: list[RowError]
) -> None:
    """Note a row that repeats an earlier row of the same file (`what` names the matching columns)."""
    if key is not None and key in seen:
        errors.append(
            RowError(
                row, column, _("与第%(row)d行重复（%(what)s）。") % {"row": seen[key], "what": what}
            )
        )


def _required_department(
    lookup: dict[str, Department], value: str, row: int, errors: list[RowError]
) -> Department | None:
    """The department a people or channel row names, or None with the row's error noted."""
    if not value:
        errors.append(RowError(row, "机构", _("机构不能为空。")))
        return None
    department = _find_department(lookup, value)
    if department is None:
        errors.append(
            RowError(row, "机构", _("机构“%(name)s”不存在，请先导入机构。") % {"name": value})
        )
    return department


def _check_phone(value: str, column: str, row: int, errors: list[RowError]) -> None:
    if value and not PHONE_RE.match(value):
        errors.append(
            RowError(row, column, _("电话号码“%(value)s”格式不正确。") % {"value": value})
        )


def _import_departments(rows, report: ImportReport) -> None:
    lookup = _department_lookup()
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    pending: list[tuple[int, dict[str, Any], list[Any]]] = []
    failed_keys: set[str] = set()

    for row, cells, originals in rows:
        errors: list[RowError] = []
        name = cells["名称"]
        code = cells["机构代码"].upper()
        if not name:
            errors.append(RowError(row, "名称", _("名称不能为空。")))
        elif len(name) > 120:
            errors.append(RowError(row, "名称", _("名称不能超过120个字。")))
        if len(cells["简称"]) > 60:
            errors.append(RowError(row, "简称", _("简称不能超过60个字。")))
        kind = None
        if not cells["类型"]:
            errors.append(RowError(row, "类型", _("类型不能为空。")))
        else:
            kind = _choice(cells["类型"], DepartmentKind, "类型", row, errors)
        if not code:
            errors.append(RowError(row, "机构代码", _("机构代码不能为空。")))
        else:
            try:
                ORG_CODE_VALIDATOR(code)
            except ValidationError:
                errors.append(
                    RowError(
                        row,
                        "机构代码",
                        _("“%(code)s”不是有效的18位统一社会信用代码或9位组织机构代码。")
                        % {"code": code},
                    )
                )
        order = 0
        if cells["排序"]:
            try:
                order = int(cells["排序"])
                if order < 0:
                    raise ValueError
            except ValueError:
                errors.append(RowError(row, "排序", _("排序应为不小于0的整数。")))
        compact = _compact_code(code)
        if code and compact in seen_codes:
            errors.append(
                RowError(
                    row,
                    "机构代码",
                    _("与第%(row)d行的机构代码重复。") % {"row": seen_codes[compact]},
                )
            )
        if name and name in seen_names:
            errors.append(
                RowError(row, "名称", _("与第%(row)d行的名称重复。") % {"row": seen_names[name]})
            )
        if name and code and not errors:
            by_name = lookup.get(name)
            if by_name is not None and by_name.code_compact != compact:
                errors.append(
                    RowError(
                        row,
                        "名称",
                        _("名称已被机构代码为 %(code)s 的机构使用。") % {"code": by_name.code},
                    )
                )
        if errors:
            _fail(report, row, originals, errors)
            failed_keys.update(k for k in (name, compact) if k)
            continue
        seen_codes[compact] = row
        seen_names[name] = row
        record = {
            "name": name,
            "short_name": cells["简称"],
            "kind": kind,
            "code": code,
            "order": order,
            "parent": cells["上级机构"],
        }
        pending.append((row, record, originals))

    # A parent may come later in the file than its child: save in passes until nothing moves.
    pending_keys = {}
    for row, record, _originals in pending:
        pending_keys[record["name"]] = row
        pending_keys[_compact_code(record["code"])] = row
    while pending:
        waiting = []
        for row, record, originals in pending:
            parent_ref = record["parent"]
            parent = None
            if parent_ref:
                parent = _find_department(lookup, parent_ref)
                if parent is None:
                    if parent_ref in pending_keys or _compact_code(parent_ref) in pending_keys:
                        waiting.append((row, record, originals))
                        continue
                    if parent_ref in failed_keys or _compact_code(parent_ref) in failed_keys:
                        message = _("上级机构“%(parent)s”所在行有错误，未能导入。")
                    else:
                        message = _("上级机构“%(parent)s”不存在。")
                    _fail(
                        report,
                        row,
                        originals,
                        [RowError(row, "上级机构", message % {"parent": parent_ref})],
                    )
                    failed_keys.update((record["name"], _compact_code(record["code"])))
                    continue
            try:
                department = _save_department(record, parent, lookup, report)
            except _RowErrors as exc:
                for error in exc.errors:
                    error.row = row
                _fail(report, row, originals, exc.errors)
                failed_keys.update((record["name"], _compact_code(record["code"])))
                continue
            lookup[department.name] = department
            lookup[department.code_compact] = department
        if len(waiting) == len(pending):
            for row, record, originals in waiting:
                _fail(
                    report,
                    row,
                    originals,
                    [
                        RowError(
                            row,
                            "上级机构",
                            _("上级机构“%(parent)s”与本行形成循环，无法确定层级。")
                            % {"parent": record["parent"]},
                        )
                    ],
                )
            break
        pending = waiting
        pending_keys = {}
        for row, record, _originals in pending:
            pending_keys[record["name"]] = row
            pending_keys[_compact_code(record["code"])] = row


def _save_department(
    record: dict[str, Any], parent: Department | None, lookup, report: ImportReport
) -> Department:
    existing = lookup.get(_compact_code(record["code"]))
    department = existing or Department()
    department.name = record["name"]
    department.short_name = record["short_name"]
    department.kind = record["kind"]
    department.code = record["code"]
    department.order = record["order"]
    department.parent = parent
    try:
        department.clean()
    except ValidationError:
        raise _RowErrors([RowError(0, "上级机构", _("上级机构不能是本机构或其下级。"))]) from None
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:
        raise _RowErrors([RowError(0, "名称", _("名称或机构代码与已有机构冲突。"))]) from None
    if existing:
        report.updated += 1
    else:
        report.created += 1
    return department


def _import_people(rows, report: ImportReport) -> None:
    User = get_user_model()
    lookup = _department_lookup()
    seen: dict[tuple[str, int, str], int] = {}
    for row, cells, originals in rows:
        errors: list[RowError] = []
        full_name, username = cells["姓名"], cells["用户名"]
        if not full_name:
            errors.append(RowError(row, "姓名", _("姓名不能为空。")))
        elif len(full_name) > 150:
            errors.append(RowError(row, "姓名", _("姓名不能超过150个字。")))
        if not username:
            errors.append(RowError(row, "用户名", _("用户名不能为空。")))
        elif not USERNAME_RE.match(username):
            errors.append(RowError(row, "用户名", _("用户名只能包含字母、数字和 @ . + - _ 字符。")))
        _check_phone(cells["电话"], "电话", row, errors)
        department = _required_department(lookup, cells["机构"], row, errors)
        role = None
        if not cells["角色"]:
            errors.append(RowError(row, "角色", _("角色不能为空。")))
        else:
            role = _choice(cells["角色"], Role, "角色", row, errors)
        user = User.objects.filter(username=username).first() if username else None
        password = cells["初始密码"]
        if password and user is None:
            try:
                validate_password(password, User(username=username, first_name=full_name))
            except ValidationError as exc:
                errors.append(RowError(row, "初始密码", " ".join(exc.messages)))
        key = (username, department.pk, role) if department and role and username else None
        _check_repeat(seen, key, row, "用户名", _("同一人员、机构和角色"), errors)
        if errors:
            _fail(report, row, originals, errors)
            continue
        seen[key] = row
        with transaction.atomic():
            if user is None:
                user = User(username=username, first_name=full_name)
                # Without an initial password the person cannot sign in until an administrator sets one.
                if password:
                    user.set_password(password)
                else:
                    user.set_unusable_password()
                user.save()
            elif user.first_name != full_name:
                user.first_name = full_name
                user.save(update_fields=["first_name"])
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


CHANNEL_COLUMNS = {
    "department": "机构",
    "kind": "类型",
    "name": "名称",
    "url": "网址",
    "account_id": "账号",
    "responsible": "责任人",
    "responsible_phone": "责任人电话",
    "update_every_days": "更新周期（天）",
    "status": "状态",
}


def _import_channels(rows, report: ImportReport) -> None:
    lookup = _department_lookup()
    url_validator = URLValidator(schemes=["http", "https"])
    seen: dict[tuple[int, str, str], int] = {}
    for row, cells, originals in rows:
        errors: list[RowError] = []
        department = _required_department(lookup, cells["机构"], row, errors)
        kind = None
        if not cells["类型"]:
            errors.append(RowError(row, "类型", _("类型不能为空。")))
        else:
            kind = _choice(cells["类型"], ChannelKind, "类型", row, errors)
        name = cells["名称"]
        if not name:
            errors.append(RowError(row, "名称", _("名称不能为空。")))
        elif len(name) > 120:
            errors.append(RowError(row, "名称", _("名称不能超过120个字。")))
        url = cells["网址"]
        if url:
            try:
                url_validator(url)
            except ValidationError:
                errors.append(
                    RowError(
                        row,
                        "网址",
                        _("网址“%(url)s”无效，应以 http:// 或 https:// 开头。") % {"url": url},
                    )
                )
        for column, limit in (("账号", 120), ("责任人", 60)):
            if len(cells[column]) > limit:
                errors.append(
                    RowError(row, column, _("不能超过%(limit)d个字。") % {"limit": limit})
                )
        _check_phone(cells["责任人电话"], "责任人电话", row, errors)
        every = DEFAULT_UPDATE_EVERY_DAYS
        if cells["更新周期（天）"]:
            try:
                every = int(cells["更新周期（天）"])
                if every < 1:
                    raise ValueError
            except ValueError:
                errors.append(RowError(row, "更新周期（天）", _("更新周期应为正整数（天数）。")))
        status = ChannelStatus.ACTIVE.value
        if cells["状态"]:
            status = _choice(cells["状态"], ChannelStatus, "状态", row, errors)
        key = (department.pk, kind, name) if department and kind and name else None
        _check_repeat(seen, key, row, "名称", _("同一机构、类型和名称"), errors)
        if errors:
            _fail(report, row, originals, errors)
            continue
        seen[key] = row
        channel = Channel.objects.filter(department=department, kind=kind, name=name).first()
        existing = channel is not None
        channel = channel or Channel(department=department, kind=kind, name=name)
        channel.url = url
        channel.account_id = cells["账号"]
        channel.responsible = cells["责任人"]
        channel.responsible_phone = cells["责任人电话"]
        channel.update_every_days = every
        channel.status = status
        try:
            channel.clean()
        except ValidationError as exc:
            _fail(
                report,
                row,
                originals,
                [
                    RowError(row, CHANNEL_COLUMNS.get(f, f), " ".join(m))
                    for f, m in exc.message_dict.items()
                ],
            )
            continue
        try:
            with transaction.atomic():
                channel.save()
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
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if cell.value in REQUIRED_HEADERS[kind]:
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
