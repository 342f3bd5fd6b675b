"""How current the data are, for API clients: the same rule and figures as the portal shows
(services/freshness.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from reaimhub.services.freshness import coalition_freshness, rollcall_freshness
from reaimhub.web import schemas
from reaimhub.web.deps import HubDep, PrincipalDep

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["coalition"])


@router.get(
    "/freshness",
    summary="How current the coalition data and the UN roll calls are",
    response_model=list[schemas.FreshnessOut],
    responses=schemas.error_responses({}),
)
def freshness(hub: HubDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    """Each dataset that can go out of date, with its period, latest date, last import and, when it is
    older than REAIMHUB_STALE_AFTER_DAYS, a warning. Coalition dates count only what the caller may see."""
    return [coalition_freshness(hub, principal).as_json(), rollcall_freshness(hub, principal).as_json()]
