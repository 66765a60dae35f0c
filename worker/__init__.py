"""cuplik's worker: the RQ jobs and the media pipeline they run.

The stages of one teaser, in order (``pipeline.make_teaser``; a job is ``jobs.py``):

1. **probe** — ``limits`` (size, duration, pixels, rate from the headers, before any
   decoding) and ``probe`` (the ``MediaInfo``), through ``ffmpeg`` (the one hardened child).
2. **analyse** — ``analysis`` reads frames and sound once (``frames``) into per-second
   ``features``: picture quality, motion, faces, speech pauses, shot changes; saved at
   upload by the ingest job, or only around the chosen moments for a session recording.
3. **rank** — with a timeline (``timeline``: per-second series from ``domain.timeline``'s
   checked rows) ``lags`` and ``ranking`` choose the moments that sold, ``moments`` offers
   the others; without one ``footage_ranking`` chooses from picture and sound; ``reasons``
   words why, in the seller's language.
4. **edit list** — ``cuts`` (cut at pauses, dead air out), ``reframe`` (9:16 crops that keep
   the host and the product, ``product``), ``onscreen`` (faces, poster second) and
   ``design``/``overlays``/``caption_images`` (sticker, card, arrow, captions) fill the
   ``editlist.EditList``: everything the render needs, saved as JSON.
5. **render** — ``render`` runs one ffmpeg (``graph`` builds its filter graph), the sound
   mixed at sample level (``mix``, ``loudness``, the bed from ``music``); the output is
   verified before it replaces the served one.

Around them: ``progress`` (stage and ETA on the teaser row), ``reconciler`` (lost or stuck
work), ``webhooks`` (deliveries), ``failures`` (reason codes), ``errors`` (what is the
seller's input and what is ours).
"""
