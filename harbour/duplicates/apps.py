from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "harbour.duplicates"
    label = "duplicates"
