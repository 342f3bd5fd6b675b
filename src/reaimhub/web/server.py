"""Running the portal with uvicorn."""

from __future__ import annotations

import uvicorn

from reaimhub.services.hub import Hub
from reaimhub.web.app import create_app

__all__ = ["serve"]


def serve(hub: Hub, host: str, port: int) -> None:
    """Serve the portal and API until interrupted. Prints the address first."""
    shown = f"[{host}]" if ":" in host else host
    print(f"REAIM Hub portal: http://{shown}:{port}/", flush=True)
    proxies = hub.settings.trusted_proxies.strip()
    uvicorn.run(
        create_app(hub),
        host=host,
        port=port,
        log_level=hub.settings.log_level.lower(),
        proxy_headers=bool(proxies),  # a forwarded address is believed only from a named proxy
        forwarded_allow_ips=proxies or None,
    )
