"""Printed sales documents: view models built from the domain, HTML templates, PDF rendering.

`views` turns a quotation, tax invoice, receipt or credit/debit note into a `DocumentView`
(formatted text only); `renderer.render_pdf(view)` lays it out with Jinja2 + WeasyPrint in
Thai fonts (Debian's fonts-thai-tlwg; mk/pdf.mk installs them).
"""
