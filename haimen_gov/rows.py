"""Row templates: the body of a hot list rendered by Jinja2 (issue 16).

Django's template engine walks its node tree for every row: a 25-row table of eight cells, each with a condition or
two, took about half of a list page's time. Jinja2 compiles each template to Python once, so the same rows cost a
fraction of that. Pages, forms and everything else stay Django templates; only the rows of the lists every clerk
opens many times a day are Jinja2, under ``templates/jinja2/`` (``*.jinja``), and a page puts them in with
``{{ rows_html }}`` from :func:`render_rows`.

A row template reads only what the selector worked out for each row (display strings, links, tones): no queries, no
URL reversing. Autoescaping is on, as in Django's engine; an undefined name is an error, not an empty cell.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def environment(**options: Any) -> jinja2.Environment:
    options.setdefault("undefined", jinja2.StrictUndefined)
    return jinja2.Environment(**options)


def render_rows(template_name: str, context: dict[str, Any]) -> SafeString:
    """``templates/jinja2/<template_name>`` rendered with ``context``: escaped HTML, to insert as it is."""
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # Jinja2 escaped every value (autoescape)
