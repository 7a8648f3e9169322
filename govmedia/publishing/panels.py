"""Editor panels: what the automatic check found, shown where the text is edited and reviewed."""

from __future__ import annotations

from wagtail.admin.panels import Panel


def latest_check_state(item):
    from govmedia.publishing.models.workflow import ContentCheckTaskState

    if not item or not item.pk:
        return None
    return (
        ContentCheckTaskState.objects.filter(workflow_state__object_id=str(item.pk))
        .order_by("-started_at")
        .first()
    )


class CheckReportPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "publishing/admin/check_report_panel.html"

        def is_shown(self):
            return latest_check_state(self.instance) is not None

        def get_context_data(self, parent_context=None):
            from govmedia.checks.engine import CheckReport
            from govmedia.checks.findings import CATEGORY_LABELS, SEVERITY_LABELS, Finding
            from govmedia.checks.service import highlight_html

            context = super().get_context_data(parent_context)
            state = latest_check_state(self.instance)
            report = state.report or {}
            findings = [Finding(**f) for f in report.get("findings", [])]
            context.update(
                {
                    "state": state,
                    "findings": [
                        {
                            "finding": f,
                            "category": CATEGORY_LABELS.get(f.category, f.category),
                            "severity": SEVERITY_LABELS.get(f.severity, f.severity),
                        }
                        for f in findings
                    ],
                    "highlighted": highlight_html(
                        CheckReport(text=report.get("text", ""), findings=findings)
                    ),
                }
            )
            return context
