"""The annual disclosure report's admin page: the tables for a year and department, the editor's parts, .xlsx and .docx."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from govmedia.core.audit import log_state_change
from govmedia.desk import annual_report
from govmedia.desk.admin_views import forbidden
from govmedia.desk.models import AnnualReportText
from govmedia.desk.stats_views import XLSX, scope
from govmedia.orgs.models import Department

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AUDIT_SAVE = "desk.annual_report"
FIRST_YEAR = 2008  # 《政府信息公开条例》 took effect on 2008-05-01


class ChooseForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    department = forms.ModelChoiceField(label="机构", queryset=Department.objects.none())

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["department"].queryset = departments


def _number(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=14, decimal_places=2
    )


class EditorForm(forms.ModelForm):
    """The editor's parts: the three texts, table 二's uncounted cells, table 四."""

    class Meta:
        model = AnnualReportText
        fields = ["overview", "problems", "other_matters"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.instance
        for _title, columns, rows in annual_report.PROACTIVE_SECTIONS:
            for key, label in rows:
                for i, column in enumerate(columns):
                    name = f"p_{key}_{i}"
                    self.fields[name] = _number(f"{label}·{column}")
                    self.fields[name].initial = text.proactive.get(f"{key}.{i}")
        for g, group in enumerate(annual_report.REVIEW_GROUPS):
            for c, column in enumerate(annual_report.REVIEW_COLUMNS):
                i = g * 5 + c
                self.fields[f"r_{i}"] = forms.IntegerField(
                    label=f"{group}·{column}", required=False, min_value=0
                )
                self.fields[f"r_{i}"].initial = text.review_litigation.get(str(i))

    def save(self, commit=True):
        text = super().save(commit=False)
        proactive = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("p_") and value is not None:
                key, i = name[2:].rsplit("_", 1)
                proactive[f"{key}.{i}"] = int(value) if value == int(value) else float(value)
        text.proactive = proactive
        text.review_litigation = {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("r_") and value is not None
        }
        if commit:
            text.save()
        return text


def annual_page(request):
    allowed = scope(request.user)
    if allowed is not None and not allowed:
        return forbidden(request, "只有监管员和各单位工作人员可以编制政府信息公开工作年度报告。")
    departments = Department.objects.order_by("name")
    if allowed is not None:
        departments = departments.filter(pk__in=allowed)
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year - 1))
    if "department" not in data and departments.exists():
        data["department"] = str(departments.first().pk)
    choose = ChooseForm(data, departments=departments)
    if not choose.is_valid():
        return TemplateResponse(request, "desk/stats/annual.html", {"choose": choose})
    year, department = choose.cleaned_data["year"], choose.cleaned_data["department"]
    text = AnnualReportText.objects.filter(year=year, department=department).first()
    text = text or AnnualReportText(year=year, department=department)
    if request.method == "POST":
        form = EditorForm(request.POST, instance=text)
        if form.is_valid():
            created = text.pk is None
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            log_state_change(
                saved, AUDIT_SAVE, before="" if created else "已保存", after="已保存",
                user=request.user, year=year, department=str(department),
            )  # fmt: skip
            flash.success(request, f"已保存{department}{year}年度报告的填写内容。")
            return redirect(f"{request.path}?year={year}&department={department.pk}")
    else:
        form = EditorForm(instance=text)
    report = annual_report.build(year, department)
    export = request.GET.get("export")
    filename = f"annual-report-{year}-{department.pk}"
    if export == "xlsx":
        return _download(annual_report.xlsx(report), XLSX, f"{filename}.xlsx")
    if export == "docx":
        return _download(annual_report.docx(report), DOCX, f"{filename}.docx")
    return TemplateResponse(
        request,
        "desk/stats/annual.html",
        {
            "choose": choose,
            "report": report,
            "form": form,
            "title": annual_report.title(report),
            "applicant_columns": annual_report.APPLICANT_COLUMNS,
            "review_groups": annual_report.REVIEW_GROUPS,
            "review_columns": annual_report.REVIEW_COLUMNS,
            "query": f"year={year}&department={department.pk}",
        },
    )


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
