"""The reference page type and the one-row table of `make bench`.

`MinimalPage` is what `wagtail start` gives a new project as its home page: a
page type with no fields of its own and a plain template (no base.html, no
menus, no settings). It is the root page of its own Site (`reference.bench`,
see content.py), so Wagtail's `serve` view finds it the way a new site finds
its home page.

`BenchRow` is the table the submissions reference inserts into: one row per
accepted POST, so the rows stored can be counted against the 303s answered.
"""

from django.db import models
from wagtail.models import Page


class MinimalPage(Page):
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "minimal page (benchmark reference)"


class BenchRow(models.Model):
    name = models.CharField(max_length=100)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name}: {self.score}"
