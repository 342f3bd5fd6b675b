"""Running the portal with uvicorn."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from reaimhub.services.hub import Hub, open_hub
from reaimhub.settings import load_settings
from reaimhub.web.app import create_app

__all__ = ["app_from_environment", "serve"]


def app_from_environment() -> FastAPI:
    """The app of one web worker process (`reaimhub serve --workers N`): its own hub, opened from the
    environment's settings. Nothing a request reads is kept per process past the library's revision
    (search caches are checked against it on every use), so N processes answer alike."""
    return create_app(open_hub(load_settings()))


def serve(hub: Hub, host: str, port: int, workers: int = 1) -> None:
    """Serve the portal and API until interrupted, in `workers` processes. Prints the address first."""
    shown = f"[{host}]" if ":" in host else host
    print(f"REAIM Hub portal: http://{shown}:{port}/", flush=True)
    proxies = hub.settings.trusted_proxies.strip()
    uvicorn.run(
        create_app(hub) if workers == 1 else "reaimhub.web.server:app_from_environment",
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_level=hub.settings.log_level.lower(),
        proxy_headers=bool(proxies),  # a forwarded address is believed only from a named proxy
        forwarded_allow_ips=proxies or None,
    )
