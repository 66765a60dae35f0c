"""cuplik: domain — the product rules as pure Python (standard library only, no I/O).

Modules: ``errors`` (DomainError and subclasses), ``money`` (Money), ``timezones``,
``wording`` (sticker and schedule text), ``accounts``, ``plans`` (LIVE plans and
readiness), ``schedule`` (teaser posting rules), ``teasers`` (automatic teasers),
``metrics`` (SessionTotals and session metrics), ``performance`` (overview, teaser
performance), ``recording`` (RecordingQuality), ``transcript`` (keyword evidence),
``highlights`` (the 29 checks), ``hub`` (Inspiration Hub), ``actions`` (recommended
actions). "No data" is always ``None``.
"""
