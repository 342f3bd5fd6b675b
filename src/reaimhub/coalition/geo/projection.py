"""The Equal Earth map projection (Šavrič, Patterson and Jenny, 2018), forward only.

Equal Earth is equal-area, so the drawn size of a state is proportional to its real area: no state looks
bigger or smaller than it is, which matters on a map that is read as "how much of the world". Formula from
B. Šavrič, T. Patterson, B. Jenny, "The Equal Earth map projection", International Journal of Geographical
Information Science 33(3), 2019, doi:10.1080/13658816.2018.1504949 (the same constants as d3-geo's
`geoEqualEarth`). Unit sphere: x in [-X_MAX, X_MAX], y in [-Y_MAX, Y_MAX], north up (y grows northward).
"""

from __future__ import annotations

import math

__all__ = ["X_MAX", "Y_MAX", "equal_earth"]

_A1 = 1.340264
_A2 = -0.081106
_A3 = 0.000893
_A4 = 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project (longitude, latitude) in degrees to Equal Earth (x, y) on the unit sphere, y northward."""
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


X_MAX = equal_earth(180.0, 0.0)[0]  # ≈ 2.7066
Y_MAX = equal_earth(0.0, 90.0)[1]  # ≈ 1.3173
