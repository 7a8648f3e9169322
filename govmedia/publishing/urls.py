from django.urls import path

from govmedia.publishing import views

app_name = "publishing"

urlpatterns = [
    path("seal/public-key.pem", views.seal_public_key, name="seal_public_key"),
    path("seal/keys.json", views.seal_keys, name="seal_keys"),
    path("seal/verify/", views.seal_verify, name="seal_verify"),
    path("seal/records/<path:index_number>.json", views.seal_records, name="seal_records"),
]
