from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "harbour.matching"
    label = "matching"
