from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "harbour.panels"
    label = "panels"
