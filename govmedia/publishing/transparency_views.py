"""Public pages of the transparency log: checkpoints, proofs and the standalone verifier.

Addresses are documented in docs/transparency-log.md; everything here is
public and read-only, so witnesses and the standalone verifier need no account.
"""

from __future__ import annotations

from pathlib import Path

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from govmedia.publishing import merkle, transparency
from govmedia.publishing.models import Checkpoint

VERIFIER = Path(__file__).resolve().parent / "static" / "publishing" / "govmedia_verify.py"
PER_PAGE = 50


def _json(data: object, *, filename: str = "") -> JsonResponse:
    response = JsonResponse(
        data, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(checkpoint: Checkpoint) -> str:
    return f"govmedia-checkpoint-{checkpoint.tree_size}-{checkpoint.pk}.json"


def checkpoint_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Checkpoint.objects.order_by("-made_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "publishing/checkpoints.html",
        {"page": page, "latest": transparency.latest_checkpoint()},
    )


def checkpoint_index(request: HttpRequest) -> JsonResponse:
    page = Paginator(Checkpoint.objects.order_by("-made_at", "-pk"), PER_PAGE * 10).get_page(
        request.GET.get("page")
    )
    return _json(
        {
            "page": page.number,
            "pages": page.paginator.num_pages,
            "checkpoints": [
                {
                    "id": c.pk,
                    "tree_size": c.tree_size,
                    "timestamp": c.timestamp,
                    "url": request.build_absolute_uri(
                        reverse("publishing:checkpoint_json", args=[c.pk])
                    ),
                }
                for c in page
            ],
        }
    )


def checkpoint_latest(request: HttpRequest) -> JsonResponse:
    checkpoint = transparency.latest_checkpoint()
    if checkpoint is None:
        raise Http404("no checkpoint yet")
    return _json(checkpoint.as_signed(), filename=_filename(checkpoint))


@cache_control(max_age=86400, public=True)
def checkpoint_json(request: HttpRequest, pk: int) -> JsonResponse:
    checkpoint = get_object_or_404(Checkpoint, pk=pk)
    return _json(checkpoint.as_signed(), filename=_filename(checkpoint))


def _size_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404(f"{name} must be a whole number") from None


def inclusion_proof(request: HttpRequest, seq: int) -> JsonResponse:
    """Proof that record #seq is in the tree of `?tree_size=` (default: the latest checkpoint)."""
    size = _size_param(request, "tree_size")
    if size is None:
        latest = transparency.latest_checkpoint()
        size = latest.tree_size if latest else None
    try:
        return _json(
            transparency.inclusion_proof(seq, size), filename=f"inclusion-{seq}-{size}.json"
        )
    except merkle.ProofError as error:
        raise Http404(str(error)) from None


def consistency_proof(request: HttpRequest, first: int, second: int) -> JsonResponse:
    """Proof that the tree of size `second` extends the tree of size `first`."""
    try:
        return _json(
            transparency.consistency_proof(first, second),
            filename=f"consistency-{first}-{second}.json",
        )
    except merkle.ProofError as error:
        raise Http404(str(error)) from None


@cache_control(max_age=3600, public=True)
def standalone_verifier(request: HttpRequest) -> FileResponse:
    return FileResponse(
        VERIFIER.open("rb"),
        as_attachment=True,
        filename="govmedia_verify.py",
        content_type="text/x-python; charset=utf-8",
    )
