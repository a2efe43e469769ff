"""The side panel's path lists: the model's top pain paths and, beside them, the observed variants.

The model's paths are exact and loop-free (``journeymap paths``); each says how
many customers were observed on exactly that route when the journey carries
observed variants (``engine.observed.with_observed``: 0 when nobody was, "at
most N" when it may hide in "other"). The observed list holds the variants
customers really walked (``journeymap variants``: loops included, each visit's
pain counted, peak-end), most common first, and the "other" row. A switch
shows one list at a time; both are highlighted on the map the same way.
"""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.display import observed_text
from journeymap.export.mappage.svg import number, percent


def short_route(steps: list[str], keep: int = 3) -> str:
    """A route for the side panel: long ones keep their first and last ``keep`` steps.

    Parameters
    ----------
    steps : list of str
        The step names.
    keep : int, default 3
        How many steps to keep at each end.

    Returns
    -------
    str
        The steps joined by arrows, the middle of a long route counted instead.

    Examples
    --------
    >>> short_route(["a", "b", "c"])
    'a → b → c'
    >>> short_route([str(i) for i in range(10)], keep=2)
    '0 → 1 → … 6 more … → 8 → 9'
    """
    if len(steps) <= 2 * keep + 1:
        return " → ".join(steps)
    hidden = len(steps) - 2 * keep
    return " → ".join([*steps[:keep], f"… {hidden} more …", *steps[-keep:]])


def model_list(paths: list[dict[str, Any]], names: dict[str, str]) -> str:
    """The model's top pain paths, each with its observed customers when known.

    Parameters
    ----------
    paths : list of dict
        Rows of a ``paths`` document (``with_observed`` adds the observed customers).
    names : dict of str to str
        Node id -> name.

    Returns
    -------
    str
        The ``<ol class="paths">`` list, or a note when there is no path.

    Examples
    --------
    >>> row = {"rank": 1, "nodes": ["entry", "a", "ok"], "customers": 6.0, "pain": 2.0, "pain_mass": 1.2}
    >>> drawn = model_list([row], {"a": "Call", "ok": "Bought"})
    >>> '<span class="route">Call → Bought</span>' in drawn, "pain mass 1.2" in drawn
    (True, True)
    >>> model_list([], {})
    '<p class="empty">No path from entry to an outcome.</p>'
    """
    if not paths:
        return '<p class="empty">No path from entry to an outcome.</p>'
    items = []
    for p in paths:
        steps = [names[n] for n in p["nodes"][1:]]
        seen = observed_text(p)
        items.append(
            f'<li data-path-rank="{p["rank"]}" tabindex="0" role="button" aria-pressed="false" '
            f'title="{escape(" → ".join(steps), quote=True)}">'
            f'<span class="rank">#{p["rank"]}</span> <span class="figures">{p["customers"]:,.0f} customers · '
            f"pain {number(p['pain'])} · pain mass {number(p['pain_mass'])}</span>"
            + (f'<span class="observed-count">{escape(seen)}</span>' if seen else "")
            + f'<span class="route">{escape(short_route(steps))}</span></li>'
        )
    return '<ol class="paths" data-list="model">' + "".join(items) + "</ol>"


def observed_list(document: dict[str, Any]) -> str:
    """The observed variants (``engine.observed.variants_document``) and the "other" row.

    Parameters
    ----------
    document : dict
        A ``variants`` document with each variant's ``names``.

    Returns
    -------
    str
        The ``<ol class="paths observed">`` list (hidden until the switch shows it).

    Examples
    --------
    >>> walk = {"rank": 1, "names": ["Call", "Call", "Bought"], "nodes": ["a", "a", "ok"], "share": 0.5,
    ...         "customers": 4.0, "pain": 2.0, "peak_end": -1.0}
    >>> drawn = observed_list({"variants": [walk], "other": {"customers": 4.0, "variants": 2}})
    >>> "1 repeated visit" in drawn, "4 customers in 2 other variants" in drawn
    (True, True)
    """
    items = []
    for v in document["variants"]:
        route = v["names"]
        share = f" ({percent(v['share'])})" if v["share"] is not None else ""
        peak_end = "—" if v["peak_end"] is None else number(v["peak_end"])
        loops = len(v["nodes"]) - len(set(v["nodes"]))
        items.append(
            f'<li data-variant-rank="{v["rank"]}" tabindex="0" role="button" aria-pressed="false" '
            f'title="{escape(" → ".join(route), quote=True)}">'
            f'<span class="rank">#{v["rank"]}</span> <span class="figures">'
            f'<span class="customers">{number(v["customers"])}</span> customers{share} · '
            f"pain {number(v['pain'])} · peak-end {peak_end}"
            + (f" · {loops} repeated visit{'s' if loops != 1 else ''}" if loops else "")
            + f'</span><span class="route">{escape(short_route(route))}</span></li>'
        )
    other = document["other"]
    if other["customers"]:
        plural = "s" if other["variants"] != 1 else ""
        items.append(
            f'<li class="other" data-variant-rank="other"><span class="figures">{number(other["customers"])} '
            f"customers in {other['variants']} other variant{plural}</span></li>"
        )
    return '<ol class="paths observed" data-list="observed" hidden>' + "".join(items) + "</ol>"


def switch() -> str:
    """The model / observed switch above the lists.

    Returns
    -------
    str
        A group of two toggle buttons (``data-path-view`` ``model`` and ``observed``).

    Examples
    --------
    >>> switch().count("<button")
    2
    """
    return (
        '<div class="path-views" role="group" aria-label="Paths to show">'
        '<button type="button" data-path-view="model" aria-pressed="true">Model</button>'
        '<button type="button" data-path-view="observed" aria-pressed="false">Observed</button></div>'
    )
