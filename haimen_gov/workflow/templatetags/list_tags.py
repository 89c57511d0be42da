"""``{% rows %}``: the row loop of a list page's table (issue 16).

A list page's rows arrive as dicts of texts worked out once in Python (``ListPage.row``). Django's ``{% for %}``
then still spends some thirty function calls on each ``{{ r.title }}`` (resolving the name through the context,
localizing, escaping through the lazy-string wrapper): two thirds of a page's table. ``{% rows %}`` is that loop
with a short path for its plainest outputs::

    {% rows r in page %}<tr><td>{{ r.title }}</td>…</tr>{% empty %}<tr><td>没有符合条件的记录</td></tr>{% endrows %}

``{{ r.key }}`` (the loop's name and one key, no filter) whose value is text is written escaped (as Django escapes
it) straight from the row; any other value (a number, a date, None, a missing key, a row that is not a dict) and
every other tag in the body (``{% if r.urgent %}`` …) render as Django renders them, with ``r`` in the context.
There is no ``forloop``.
"""

from __future__ import annotations

from html import escape as html_escape
from typing import Any

from django import template
from django.template.base import FilterExpression, Node, NodeList, TextNode, Variable, VariableNode
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class RowsNode(Node):
    child_nodelists = ("nodelist", "empty")

    def __init__(self, name: str, sequence: FilterExpression, nodelist: NodeList, empty: NodeList) -> None:
        self.name, self.sequence, self.nodelist, self.empty = name, sequence, nodelist, empty
        # The body as parts: text as it is, (key, node) for a plain {{ name.key }}, any other node to render.
        self.parts: list[str | tuple[str, Node] | Node] = [self._part(node) for node in nodelist]

    def _part(self, node: Node) -> str | tuple[str, Node] | Node:
        if isinstance(node, TextNode):
            return node.s
        if isinstance(node, VariableNode):
            expression = node.filter_expression
            var = expression.var
            if (
                not expression.filters
                and isinstance(var, Variable)
                and var.lookups is not None
                and len(var.lookups) == 2
                and var.lookups[0] == self.name
                and not var.translate
            ):
                return (var.lookups[1], node)
        return node

    def render(self, context: Context) -> SafeString:
        rows: Any = self.sequence.resolve(context, ignore_failures=True)
        if not rows:
            return self.empty.render(context)
        escape = context.autoescape
        out: list[Any] = []  # text: Node.render_annotated is typed as returning int | str
        with context.push():
            for row in rows:
                context[self.name] = row
                plain = isinstance(row, dict)
                for part in self.parts:
                    if type(part) is str:
                        out.append(part)
                    elif type(part) is tuple:
                        key, node = part
                        value = row.get(key) if plain else None
                        if type(value) is str:
                            out.append(html_escape(value) if escape else value)
                        else:  # a number, a date, a SafeString, None or missing: as Django writes it
                            out.append(node.render_annotated(context))
                    else:
                        out.append(part.render_annotated(context))  # type: ignore[union-attr]
        return mark_safe("".join(out))


@register.tag
def rows(parser: template.base.Parser, token: template.base.Token) -> RowsNode:
    """``{% rows r in page %}…{% empty %}…{% endrows %}``: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) != 4 or bits[2] != "in":
        raise template.TemplateSyntaxError("'rows' is used as {% rows r in page %}…{% endrows %}")
    nodelist = parser.parse(("empty", "endrows"))
    empty = NodeList()
    if parser.next_token().contents == "empty":
        empty = parser.parse(("endrows",))
        parser.delete_first_token()
    return RowsNode(bits[1], parser.compile_filter(bits[3]), nodelist, empty)
