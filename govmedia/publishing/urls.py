from django.urls import path

from govmedia.publishing import transparency_views, views

app_name = "publishing"

urlpatterns = [
    path("seal/public-key.pem", views.seal_public_key, name="seal_public_key"),
    path("seal/keys.json", views.seal_keys, name="seal_keys"),
    path("seal/verify/", views.seal_verify, name="seal_verify"),
    path("seal/records/<path:index_number>.json", views.seal_records, name="seal_records"),
    # The transparency log (docs/transparency-log.md).
    path("seal/checkpoints/", transparency_views.checkpoint_list, name="checkpoint_list"),
    path(
        "seal/checkpoints/index.json",
        transparency_views.checkpoint_index,
        name="checkpoint_index",
    ),
    path(
        "seal/checkpoints/latest.json",
        transparency_views.checkpoint_latest,
        name="checkpoint_latest",
    ),
    path(
        "seal/checkpoints/<int:pk>.json",
        transparency_views.checkpoint_json,
        name="checkpoint_json",
    ),
    path(
        "seal/proofs/inclusion/<int:seq>.json",
        transparency_views.inclusion_proof,
        name="inclusion_proof",
    ),
    path(
        "seal/proofs/consistency/<int:first>/<int:second>.json",
        transparency_views.consistency_proof,
        name="consistency_proof",
    ),
    path(
        "seal/govmedia_verify.py",
        transparency_views.standalone_verifier,
        name="standalone_verifier",
    ),
]
