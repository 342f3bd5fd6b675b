"""Request dependencies shared by pages and API: the hub, and who is looking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from reaimhub.model import ANONYMOUS, Principal
from reaimhub.services.hub import Hub

__all__ = ["HubDep", "PrincipalDep", "current_principal", "get_hub"]


def current_principal(request: Request) -> Principal:
    """The viewer of this request. The one place that decides it: accounts will plug in here."""
    return ANONYMOUS


def get_hub(request: Request) -> Hub:
    hub = request.app.state.hub
    assert isinstance(hub, Hub)
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
