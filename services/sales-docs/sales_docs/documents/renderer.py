"""HTML → PDF with Jinja2 and WeasyPrint, in Thai fonts from Debian's fonts-thai-tlwg.

One template lays out every document type (the view says what to print). Pango/HarfBuzz shape
the Thai text; the PDF embeds subsets of the fonts. Known limit (DESIGN §9): the text layer of
the PDF may map SARA AA (า) to SARA AM (ำ), so copying "ภาษี" from a viewer may give "ภำษี";
the printed glyphs are right. Tests assert what is really extractable.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources

import jinja2
from weasyprint import HTML

from sales_docs.documents.views import DocumentView

_PACKAGE = "sales_docs.documents"


@functools.cache
def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader(_PACKAGE, "templates")
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


@functools.cache
def _asset(name: str) -> bytes:
    return resources.files(_PACKAGE).joinpath("templates", name).read_bytes()


def placeholder_logo_uri() -> str:
    """The placeholder logo as a data: URI (a real company logo replaces it per tenant)."""
    return "data:image/svg+xml;base64," + base64.b64encode(_asset("logo-placeholder.svg")).decode("ascii")


def render_html(view: DocumentView) -> str:
    """The document as HTML (also what a browser preview could show)."""
    template = _environment().get_template("document.html")
    return template.render(
        view=view,
        css=_asset("document.css").decode("utf-8"),
        logo_uri=view.logo_uri or placeholder_logo_uri(),
    )


def render_pdf(view: DocumentView) -> bytes:
    """The document as an A4 PDF."""
    pdf: bytes = HTML(string=render_html(view), base_url=".").write_pdf()
    return pdf


def render_png(pdf: bytes, page: int = 0, scale: float = 2.0) -> bytes:
    """One page of a PDF as a PNG (pypdfium2), for review images and previews."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=scale)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()
