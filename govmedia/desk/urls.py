from django.urls import path

from govmedia.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.index, name="index"),
    path("xiexin/<slug:slug>/", views.submit, name="submit"),
    path("chaxun/", views.track, name="track"),
    path("chaxun/pingjia/", views.rate, name="rate"),
    path("gongkai/", views.answers, name="answers"),
    path("gongkai/<str:number>/", views.answer_detail, name="answer"),
]
