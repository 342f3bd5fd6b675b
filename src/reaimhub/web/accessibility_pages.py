"""The accessibility statement (toegankelijkheidsverklaring, issue 13 item 2) in the Dutch government's model:
the organisation, what it covers, the standard (EN 301 549 / WCAG 2.1 AA), the compliance status with its
known limitations, how it was tested and when, feedback and contact, the enforcement procedure.

`/accessibility` shows it in the reader's language (English or Dutch, as every page: `?lang=`, the cookie,
the account, Accept-Language); `/toegankelijkheid` is the Dutch address of the same page. The organisation
and the contact address come from the settings REAIMHUB_OPERATOR and REAIMHUB_ACCESSIBILITY_CONTACT.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from reaimhub.i18n import format_date
from reaimhub.web.deps import HubDep
from reaimhub.web.language import request_locale
from reaimhub.web.templating import templates

__all__ = ["AXE_VERSION", "STATEMENT_DATE", "router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# When the statement was drawn up and last reviewed; review it (and this date) when the portal changes in a
# way its tests or its list of limitations do not cover.
STATEMENT_DATE = "2026-12-06"
# The axe-core release the browser tests run (tests/browser/vendor/README.md; a test keeps the two in step).
AXE_VERSION = "4.14.1"


def _contact_href(contact: str) -> str:
    """A mail address becomes a mailto: link; a web address is linked as it is."""
    if contact.startswith(("http://", "https://", "mailto:")):
        return contact
    return f"mailto:{contact}" if "@" in contact else ""


@router.get("/accessibility")
def accessibility_statement(request: Request, hub: HubDep) -> HTMLResponse:
    settings = hub.settings
    contact = settings.accessibility_contact.strip()
    href = _contact_href(contact)
    return templates.TemplateResponse(
        request,
        "accessibility.html",
        {
            "operator": settings.operator.strip(),
            "contact": contact if href else "",
            "contact_href": href,
            "site_url": settings.base_url,
            "statement_date": STATEMENT_DATE,
            "statement_date_text": format_date(STATEMENT_DATE, locale=request_locale(request)),
            "axe_version": AXE_VERSION,
        },
    )


@router.get("/toegankelijkheid")
def toegankelijkheidsverklaring() -> RedirectResponse:
    return RedirectResponse("/accessibility?lang=nl", status_code=307)
