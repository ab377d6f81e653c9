"""Mail templates with Jinja2: per template name and language, a subject, a plain-text body
and an HTML body (autoescaped), falling back to English when a language has none.

Layout inside the package folder:

    <folder>/<name>/<language>.subject.txt   one line (line breaks are folded)
    <folder>/<name>/<language>.txt           the plain-text body
    <folder>/<name>/<language>.html          the HTML body (optional)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

from chassis.mail.message import OutgoingMail

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None
    language: str

    def to(self, *addresses: str, cc: tuple[str, ...] = ()) -> OutgoingMail:
        """The mail of this content to `addresses`."""
        return OutgoingMail(
            to=tuple(addresses),
            subject=self.subject,
            text=self.text,
            html=self.html,
            cc=cc,
            language=self.language,
        )


class MailTemplates:
    """The templates of one package folder, e.g. `MailTemplates("approvals", "templates/mail")`."""

    def __init__(self, package: str, folder: str = "templates", *, loader: BaseLoader | None = None) -> None:
        self._env = Environment(
            loader=loader or PackageLoader(package, folder),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    @classmethod
    def from_directory(cls, directory: Path) -> MailTemplates:
        """Templates from a folder outside any package (tests, tools)."""
        return cls("", loader=FileSystemLoader(str(directory)))

    def language_of(self, name: str, language: str) -> str:
        """`language` when the template has it, else the fallback ("en")."""
        try:
            self._env.get_template(f"{name}/{language}.subject.txt")
            return language
        except TemplateNotFound:
            return FALLBACK_LANGUAGE

    def render(self, name: str, language: str, context: Mapping[str, Any]) -> RenderedMail:
        """Subject, text and HTML of template `name` in `language` (or English)."""
        language = self.language_of(name, language or FALLBACK_LANGUAGE)
        subject = self._env.get_template(f"{name}/{language}.subject.txt").render(context)
        text = self._env.get_template(f"{name}/{language}.txt").render(context)
        try:
            html: str | None = self._env.get_template(f"{name}/{language}.html").render(context)
        except TemplateNotFound:
            html = None
        return RenderedMail(" ".join(subject.split()), text, html, language)
