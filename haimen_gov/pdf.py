"""Django templates → PDF bytes, with CJK fonts and no network access.

The portal prints two kinds of paper:

* ``pdf/official.html`` (and ``pdf/minutes.html``, which extends it): official documents laid out after
  GB/T 9704-2012 《党政机关公文格式》 — red issuing-organ mark, 发文字号, red rule, 2号小标宋 title, 3号仿宋 body on
  a 22 lines × 28 characters grid, 版记 at the foot of the last page, "— 1 —" page numbers.
* ``pdf/form.html``: request forms and processing slips (用印申请单, 议题申报表, 处理笺) — a table of fields and a
  table of the workflow opinions.

Rendering goes through WeasyPrint. Resources are fetched by :class:`LocalResources` only: static files (through
the staticfiles finders, then ``STATIC_ROOT``), ``file://`` URLs inside the project, ``data:`` URLs and optional
font files found on disk. Nothing ever goes to the network.

Fonts are system fonts resolved by fontconfig. The required ones come from Debian's ``fonts-noto-cjk``
("Noto Serif CJK SC" for 宋体/仿宋/小标宋 fallbacks, "Noto Sans CJK SC" for 黑体); :func:`missing_fonts` tells
whether they are installed and :func:`render_pdf` refuses to render without them, because WeasyPrint would
otherwise print boxes (tofu) for every Chinese character. FandolFang (仿宋, from ``texlive-lang-chinese``) and
FZXiaoBiaoSong-B05S (方正小标宋) are used first when present; texlive's Fandol fonts are not indexed by fontconfig
on Debian, so when the file exists it is declared with ``@font-face``.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import posixpath
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

#: Font families the templates cannot do without (Debian package ``fonts-noto-cjk``).
REQUIRED_FONTS: tuple[str, ...] = ("Noto Serif CJK SC", "Noto Sans CJK SC")
#: Font families used first when installed; the Noto fonts stand in for them otherwise.
OPTIONAL_FONTS: tuple[str, ...] = ("FandolFang", "FZXiaoBiaoSong-B05S")
FONTS_PACKAGE = "fonts-noto-cjk"

#: Where texlive-lang-chinese puts FandolFang; fontconfig does not index these directories on Debian.
OPTIONAL_FONT_FILES: dict[str, tuple[str, ...]] = {
    "FandolFang": (
        "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf",
        "/usr/share/texmf/fonts/opentype/public/fandol/FandolFang-Regular.otf",
    ),
}

#: Width of the GB/T 9704 text block (版心) in mm, used to fit the red issuing-organ mark on one line.
OFFICIAL_TEXT_WIDTH_MM = 156.0
MM_PER_PT = 25.4 / 72


class PDFError(RuntimeError):
    """Base class of the errors this module raises."""


class PDFFontsMissingError(PDFError):
    """The CJK fonts are not installed: the PDF would show boxes instead of Chinese characters."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        super().__init__(
            "Cannot render PDF: font(s) {} not found by fontconfig (fc-list). Install the Debian package {} "
            "(apt-get install {} fontconfig) and run fc-cache.".format(
                ", ".join(f'"{name}"' for name in self.missing), FONTS_PACKAGE, FONTS_PACKAGE
            )
        )


class BlockedResourceError(ValueError):
    """A template asked for a resource outside the allowed local files (e.g. a network URL)."""


# --------------------------------------------------------------------------------------------------------------
# Fonts


def installed_font_families() -> set[str]:
    """Family names fontconfig knows (every name of a multi-name family), or an empty set without ``fc-list``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        logger.warning("fc-list (fontconfig) not found: cannot check the PDF fonts")
        return set()
    try:
        result = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=60, check=False, encoding="utf-8"
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("fc-list failed: %s", exc)
        return set()
    families: set[str] = set()
    for line in result.stdout.splitlines():
        # "Noto Serif CJK SC,Noto Serif CJK SC Bold": one line per font, comma-separated names.
        families.update(name.strip().replace("\\-", "-") for name in line.split(",") if name.strip())
    return families


def missing_fonts(*, include_optional: bool = False) -> list[str]:
    """The required font families (and with ``include_optional``, the optional ones) fontconfig cannot find.

    An empty list means the PDFs will render with real CJK glyphs. Without ``fc-list`` nothing can be verified
    and every family is reported missing.
    """
    wanted = REQUIRED_FONTS + (OPTIONAL_FONTS if include_optional else ())
    families = installed_font_families()
    missing = [name for name in wanted if name not in families]
    if include_optional:
        # An optional font that is not indexed but that we declare with @font-face is not missing.
        declared = set(_optional_font_files())
        missing = [name for name in missing if name not in declared]
    return missing


@functools.cache
def _fonts_checked() -> bool:
    """Raise once per process if the required fonts are missing; cached only on success."""
    missing = missing_fonts()
    if missing:
        raise PDFFontsMissingError(missing)
    return True


def ensure_fonts() -> None:
    """Raise :class:`PDFFontsMissingError` with an installation hint if the CJK fonts are missing."""
    _fonts_checked()


@functools.cache
def _optional_font_files() -> dict[str, Path]:
    """Optional fonts that exist on disk but that fontconfig does not index: declared with @font-face."""
    indexed = installed_font_families()
    found: dict[str, Path] = {}
    for family, candidates in OPTIONAL_FONT_FILES.items():
        if family in indexed:
            continue
        for candidate in candidates:
            path = Path(candidate)
            if path.is_file():
                found[family] = path.resolve()
                break
    return found


def _font_face_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}'
        for family, path in _optional_font_files().items()
    )


# --------------------------------------------------------------------------------------------------------------
# Resources: local files only


class LocalResources:
    """Maps the URLs a PDF template uses onto local files, refusing everything else.

    Allowed: URLs under the static URL (``STATIC_URL`` joined to ``base_url``, or ``STATIC_URL`` itself when it is
    absolute), served from the staticfiles finders and then ``STATIC_ROOT``; ``file://`` URLs of files inside the
    project directory (``BASE_DIR``, hidden directories such as ``.git`` and ``.venv`` excluded); the optional font
    files. ``data:`` URLs are handled by the fetcher. Everything else, in particular http(s) to any host, is refused.
    """

    def __init__(self, base_url: str, *, extra_files: Iterable[Path] = ()) -> None:
        self.base_url = base_url
        self.project_dir = Path(settings.BASE_DIR).resolve()
        static_url = settings.STATIC_URL or "/static/"
        prefixes = {urljoin(base_url, static_url)}
        if urlsplit(static_url).scheme:
            prefixes.add(static_url)
        self.static_prefixes = sorted(prefixes, key=len, reverse=True)
        self.extra_files = {Path(path).resolve() for path in extra_files}

    def resolve(self, url: str) -> Path | None:
        """The local file ``url`` stands for, or None when it is not allowed or does not exist."""
        clean = url.split("#", 1)[0].split("?", 1)[0]
        for prefix in self.static_prefixes:
            if clean.startswith(prefix):
                return self._static_file(unquote(clean[len(prefix) :]))
        if urlsplit(clean).scheme.lower() == "file":
            return self._project_file(clean)
        return None

    def _static_file(self, relative: str) -> Path | None:
        normalized = posixpath.normpath(relative)
        if not relative or normalized.startswith(("/", "..")) or "\\" in normalized or "\0" in normalized:
            return None
        found = finders.find(normalized)
        if isinstance(found, list):  # find_all; not used, but keeps mypy and odd finders happy
            found = found[0] if found else None
        if found:
            return Path(found).resolve()
        static_root = getattr(settings, "STATIC_ROOT", None)
        if static_root:
            root = Path(static_root).resolve()
            candidate = (root / normalized).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def _project_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path in self.extra_files:
            return path
        if not path.is_relative_to(self.project_dir) or not path.is_file():
            return None
        if any(part.startswith(".") for part in path.relative_to(self.project_dir).parts):
            return None
        return path


def _quiet_progress_logger() -> None:
    # WeasyPrint logs "Step 1 - Fetching and parsing HTML"... at INFO for every document (and at import): not for
    # the portal's logs, unless LOGGING configures the logger explicitly.
    progress = logging.getLogger("weasyprint.progress")
    if progress.level == logging.NOTSET:
        progress.setLevel(logging.WARNING)


@functools.cache
def _fetcher_class() -> type[URLFetcher]:
    # WeasyPrint takes a second to import: keep it out of Django's start-up.
    _quiet_progress_logger()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyURLFetcher(URLFetcher):
        """WeasyPrint fetcher that reads local files through :class:`LocalResources` and never the network."""

        def __init__(self, resources: LocalResources) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.resources = resources

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path = self.resources.resolve(url)
            if path is None:
                raise BlockedResourceError(f"PDF resource refused (only local static/project files): {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return LocalOnlyURLFetcher


def local_url_fetcher(base_url: str) -> URLFetcher:
    """A WeasyPrint URL fetcher restricted to local static and project files (see :class:`LocalResources`)."""
    resources = LocalResources(base_url, extra_files=_optional_font_files().values())
    return _fetcher_class()(resources)  # type: ignore[call-arg]


def default_base_url(request: HttpRequest | None = None) -> str:
    """The request's site root (so links in the PDF point at the portal), else the project directory."""
    if request is not None:
        return request.build_absolute_uri("/")
    return Path(settings.BASE_DIR).resolve().as_uri() + "/"


# --------------------------------------------------------------------------------------------------------------
# Template context helpers


def fit_mark_font_size(text: str, *, width_mm: float = OFFICIAL_TEXT_WIDTH_MM - 6, max_pt: float = 42.0) -> float:
    """Font size (pt) that keeps a red issuing-organ mark (发文机关标志) on one line of the text block.

    GB/T 9704 only asks for a "醒目、美观、庄重" mark centred in the 156 mm block: the size is the largest that fits
    ``width_mm`` (3 mm air each side by default), capped at ``max_pt``. Latin letters and digits count half.
    """
    units = sum(0.5 if unicodedata.east_asian_width(char) in "NaH" else 1.0 for char in text.strip()) or 1.0
    return round(min(max_pt, width_mm / MM_PER_PT / units), 1)


def field_rows(fields: Iterable[Sequence[Any]], *, columns: int = 4) -> list[list[dict[str, Any]]]:
    """Group form ``fields`` into table rows: label/value pairs, two pairs a row when ``columns`` is 4.

    Each field is ``(label, value)`` or ``(label, value, wide)``; a wide field, or a value longer than 20
    characters or with a line break, takes a whole row. Cells are dicts with ``label``, ``value`` and ``colspan``
    (of the value cell).
    """
    if columns not in (2, 4):
        raise ValueError("columns must be 2 or 4")
    pairs_per_row = columns // 2
    rows: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []

    def flush() -> None:
        if current:
            # A half-filled row: the last value cell spans the remaining columns.
            current[-1]["colspan"] += (pairs_per_row - len(current)) * 2
            rows.append(list(current))
            current.clear()

    for field in fields:
        label, value = field[0], field[1]
        text = "" if value is None else str(value)
        wide = bool(field[2]) if len(field) > 2 else (len(text) > 20 or "\n" in text)
        if wide and pairs_per_row > 1:
            flush()
            rows.append([{"label": label, "value": value, "colspan": columns - 1}])
            continue
        current.append({"label": label, "value": value, "colspan": 1})
        if len(current) == pairs_per_row:
            flush()
    flush()
    return rows


# What a PDF shows of stored text, whatever the database holds: a page of the slip takes bounded time to lay out even
# if a row was written before the inputs were bounded (workflow.limits.TEXT_MAX_LENGTH) or inserted behind the
# portal's back. The full text stays on the item page.
PDF_TEXT_LIMIT = 3000
PDF_OPINION_LIMIT = 300


def clip_text(value: Any, limit: int = PDF_TEXT_LIMIT) -> Any:
    """``value`` cut to ``limit`` characters with a note of how much was left out (non-strings unchanged)."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return f"{value[:limit]}……（以下 {len(value) - limit} 字从略，全文见平台事项页）"


def _clip_opinions(opinions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    shown = [{**op, "comment": clip_text(op.get("comment"))} for op in opinions[:PDF_OPINION_LIMIT]]
    if len(opinions) > PDF_OPINION_LIMIT:
        last = opinions[-1]
        shown.append(
            {
                "step": "……",
                "comment": f"另有 {len(opinions) - PDF_OPINION_LIMIT} 条意见从略，全文见平台事项页。",
                "at": last.get("at"),
            }
        )
    return shown


def prepare_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """Copy ``context`` and add the values the PDF templates derive from it.

    * ``issuer_font_size`` (pt) from ``issuer``, unless given;
    * ``field_rows`` from ``fields`` and ``field_columns`` (default 4), unless given;
    * ``opinions`` and ``fields`` clipped to what a page lays out in bounded time (``clip_text``).
    """
    result = dict(context or {})
    if result.get("opinions"):
        result["opinions"] = _clip_opinions(result["opinions"])
    if result.get("fields") is not None:
        result["fields"] = [(field[0], clip_text(field[1]), *field[2:]) for field in result["fields"]]
    if result.get("issuer") and "issuer_font_size" not in result:
        result["issuer_font_size"] = fit_mark_font_size(str(result["issuer"]))
    if result.get("fields") is not None and "field_rows" not in result:
        result["field_rows"] = field_rows(result["fields"], columns=int(result.get("field_columns") or 4))
    return result


# --------------------------------------------------------------------------------------------------------------
# Rendering


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes with the local-only fetcher and the optional font declarations."""
    _quiet_progress_logger()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    base_url = base_url or default_base_url()
    fetcher = local_url_fetcher(base_url)
    font_config = FontConfiguration()
    stylesheets = []
    font_faces = _font_face_css()
    if font_faces:
        stylesheets.append(CSS(string=font_faces, base_url=base_url, url_fetcher=fetcher, font_config=font_config))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf


def render_pdf(template_name: str, context: Mapping[str, Any] | None, *, request: HttpRequest | None = None) -> bytes:
    """Render the Django template ``template_name`` with ``context`` to PDF bytes.

    Raises :class:`PDFFontsMissingError` when the CJK fonts are not installed. With a ``request``, the context
    processors run and relative links in the PDF point at the portal.
    """
    ensure_fonts()
    html = render_to_string(template_name, prepare_context(context), request=request)
    return html_to_pdf(html, base_url=default_base_url(request))


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def content_disposition(filename: str, *, inline: bool = True) -> str:
    """``inline``/``attachment`` header value with an ASCII ``filename`` fallback and an RFC 5987 ``filename*``."""
    name = _UNSAFE_FILENAME.sub("_", filename).strip(" ._") or "document"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    stem = name[:-4]
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", unicodedata.normalize("NFKC", stem)).strip("._-")
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = "document"
    encoded = quote(name, safe="!#$&+^`|~-._")
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_stem}.pdf\"; filename*=UTF-8''{encoded}"


def pdf_response(
    template_name: str,
    context: Mapping[str, Any] | None,
    *,
    filename: str,
    request: HttpRequest | None = None,
    inline: bool = True,
) -> HttpResponse:
    """An ``application/pdf`` response of :func:`render_pdf`, shown in the browser (``inline``) or downloaded."""
    pdf = render_pdf(template_name, context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(pdf))
    response["X-Content-Type-Options"] = "nosniff"
    return response
