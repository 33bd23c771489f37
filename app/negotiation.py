"""Proactive content negotiation on the `Accept` header (RFC 9110, section 12.5.1)."""

from collections.abc import Sequence


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _specificity(media_range: str, offered: str) -> int:
    if media_range == offered:
        return 3
    kind, _, _ = offered.partition("/")
    if media_range == f"{kind}/*":
        return 2
    if media_range == "*/*":
        return 1
    return 0


def best_match(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered type the client prefers most (server order breaks ties), or None if it accepts none."""
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges = _ranges(accept)
    best: tuple[float, int, str] | None = None
    for index, media in enumerate(offered):
        matches = [(spec, q) for r, q in ranges if (spec := _specificity(r, media))]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality <= 0:
            continue
        candidate = (quality, -index, media)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else None
