"""The API documentation at ``/schema``: RapiDoc, served by Hallway from npm like htmx.

Litestar's own viewers load their scripts, styles and icons from CDNs and start with an inline script; Hallway's
Content-Security-Policy (scripts from itself only) blocks both, which left a blank page. RapiDoc is one web
component that reads the schema from a URL, so the page needs no inline script at all.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import RapidocRenderPlugin

VIEWER_SCRIPT = "/static/vendor/rapidoc-min.js"


class LocalRapidoc(RapidocRenderPlugin):
    """RapiDoc from Hallway's own static files, in a page with a language, a title and Hallway's colours."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(f"{openapi_schema['info']['title']} API")
        spec = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<script src="{VIEWER_SCRIPT}" defer></script>
</head>
<body>
<main>
<rapi-doc spec-url="{spec}" heading-text="{title}" theme="light" primary-color="#1d5c8c" render-style="read"
  load-fonts="false" regular-font="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" mono-font="ui-monospace, monospace"
  show-header="false" allow-server-selection="false" allow-authentication="false" allow-spec-url-load="false"
  allow-spec-file-load="false">
<noscript><p>The API documentation needs JavaScript. The schema itself is at
<a href="{spec}">{spec}</a>.</p></noscript>
</rapi-doc>
</main>
</body>
</html>
""".encode()


def api_documentation() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Hallway", version="0.1.0", path="/schema", render_plugins=[LocalRapidoc(js_url=VIEWER_SCRIPT, path="/")]
    )
