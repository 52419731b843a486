from django.apps import AppConfig


class EmbedConfig(AppConfig):
    """The finder other sites' articles embed (/embed.js, /embed/finder/) and the builder for their snippets."""

    name = "embed"
    verbose_name = "Embeddable finder"
