"""The PDF pack: WeasyPrint typesets the pack's HTML as tagged PDF/UA-1, with the fonts of this machine (DejaVu,
embedded) and nothing fetched from anywhere."""

from __future__ import annotations

from exports.system import load_weasyprint


def write_pdf(html: str, fetcher=None) -> bytes:
    """The PDF of ``html``. Its dates come from the HTML's dcterms.created/modified (the pack's stamp), and it has
    no random file identifier, so the same HTML gives the same bytes."""
    from exports.fetch import LocalOnlyFetcher
    from exports.svg_text import install

    weasyprint = load_weasyprint()
    install()  # the charts' labels shaped a run at a time, not a letter at a time
    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher or LocalOnlyFetcher(), media_type="print")
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False, uncompressed_pdf=False)
