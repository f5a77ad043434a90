"""Public pages of the red/black list (section 五.1): search, detail, change log, open data."""

from django.urls import path

from . import public_views

app_name = "credit"
urlpatterns = [
    path("", public_views.entry_search, name="search"),
    path("<int:pk>/", public_views.entry_detail, name="detail"),
    path("changes/", public_views.change_log, name="changes"),
    path("open-data/", public_views.open_data, name="open-data"),
    path("open-data/list-entries.<str:fmt>", public_views.open_data_file, name="open-data-file"),
]
