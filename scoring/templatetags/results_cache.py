"""{% cached page %}…{% endcached %}: the part of a page kept in the cache (scoring/caching.py).

    {% load results_cache %}
    {% cached page_cache %}
      … what the view computed lazily: nothing of one user, no {% csrf_token %} …
    {% endcached %}

With a hit the stored HTML is written and the content is not rendered (its lazy context is never
computed); otherwise the content is rendered and stored. Without a PageCache (None) the content
is rendered as if the tag were not there.
"""

from django import template

register = template.Library()


class CachedNode(template.Node):
    def __init__(self, nodelist: template.NodeList, page: template.base.FilterExpression):
        self.nodelist = nodelist
        self.page = page

    def render(self, context) -> str:
        page = self.page.resolve(context, ignore_failures=True)
        if page is not None and page.hit:
            # Node output is written as it is (never escaped): the HTML this template rendered.
            return page.html
        html = self.nodelist.render(context)
        if page is not None:
            page.store(html)
        return html


@register.tag
def cached(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% cached page_cache %} takes one argument")
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, parser.compile_filter(bits[1]))
