"""Proofreading in the window: underlines, the issue menu, F7, and Fix Grammar's review.

`ProofreadingUI(window)` (controller) wires `desktop_app.proofreading.session.ProofreadSession`
to the editor; `blocks` mirrors the document's block texts, `underlines` paints the wavy lines
as extra selections (never in the document, its undo stack or its highlighting), `menu` adds
an issue's suggestions to the context menu, and `fix_review` shows Fix Grammar and Spelling's
fixes in the review panel with a tick box each.
"""
