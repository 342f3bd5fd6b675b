"""World maps for the coalition tracker: a choropleth of per-state categories as standalone SVG.

Geometry is vendored (`data/geo/world.json`, Natural Earth via npm world-atlas; see `data/geo/SOURCES.md`)
so that rendering needs no network. `render_choropleth` is the entry point.
"""

from reaimhub.coalition.geo.choropleth import NOT_LISTED, OKABE_ITO, Category, render_choropleth, state_name

__all__ = ["NOT_LISTED", "OKABE_ITO", "Category", "render_choropleth", "state_name"]
