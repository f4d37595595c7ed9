from django.urls import path

from schools import views

urlpatterns = [
    path(
        "schools/resources/<int:resource_id>/download-all/",
        views.download_all,
        name="schools_download_all",
    ),
]
