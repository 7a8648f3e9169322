"""监测方案 helpers: the expression check in Chinese and the names a department is known by."""

from __future__ import annotations

from govmedia.orgs.models import Department


def expression_error(text: str) -> str:
    """The problem with a keyword expression, in Chinese with its position; "" when it parses."""
    from govmedia.opinion import expr

    if not text.strip():
        return "请填写关键词表达式。"
    try:
        expr.compile_expression(text)
    except expr.ExpressionError as error:
        return f"关键词表达式有误：{error.message_zh}"
    return ""


def watched_names(department: Department) -> list[str]:
    """The department's name and short name and, when the leader list of checks exists, its leaders."""
    names = [department.name]
    if department.short_name:
        names.append(department.short_name)
    from govmedia.checks.models import Official

    # The leader table (checks' 领导职务) names the organisation in words: serving officials
    # of this department by either of its names.
    serving = Official.objects.filter(end_date__isnull=True, organisation__in=list(names))
    names.extend(serving.values_list("name", flat=True))
    return sorted(set(names), key=names.index)
