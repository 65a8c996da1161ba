"""Proofreading as you type: wires the background checker to the editor, menus and status bar.

`ProofreadingUI(window)` is made by `MainWindow.start_services` (after the rewrite UI, whose
review panel and context menu it joins). Harper's Linter is built off the GUI thread
(`ProofreadSession.start`). After every pause in typing (a single-shot timer) the document's
block texts go to the checker with the blocks on screen first; the checker re-lints only what
changed. Each result is accepted only if its block still holds the text it was made for, and
an edited block loses its underlines at once, so a stale finding is never painted.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction

from desktop_app.proofreading.block_issues import BlockIssues, from_utf16
from desktop_app.proofreading.filters import SPELLING
from desktop_app.proofreading.session import ProofreadSession
from ui.preferences.shortcuts import apply_shortcuts
from ui.proofreading.blocks import BlockMirror
from ui.proofreading.fix_review import FixReviews
from ui.proofreading.menu import add_issue_entries, issue_at
from ui.proofreading.underlines import Underliner, issue_cursor, visible_blocks

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 75  # a pause this long in typing sends the document to the checker
FORGET_ALL_BLOCKS = 5000  # an edit over more blocks than this has every finding reported again
SCROLL_CHECK_MS = 250  # after scrolling stops, the newly visible blocks go first


def _count_text(count: int) -> str:
    return "No issues" if count == 0 else f"{count:,} issue{'' if count == 1 else 's'}"


class ProofreadingUI(QObject):
    """Underlines, the issue menu, F7, View → Check Spelling and Grammar, Fix Grammar."""

    underlined = Signal(int)  # underlines now on screen (after each refresh)
    results_accepted = Signal(int)  # a block's fresh findings were taken (its number)

    def __init__(self, window, session: ProofreadSession | None = None) -> None:
        super().__init__(window)
        self.window, self.editor = window, window.editor
        prefs = window.settings.proofreading
        self.enabled = prefs.enabled
        self.session = session or ProofreadSession(prefs.dialect or None, prefs.style, self)
        self.issues = BlockIssues()
        self.mirror = BlockMirror(self.editor, self._on_blocks_changed)
        self.underliner = Underliner(self.editor, self.issues)
        self._file = window.file
        # Blocks (numbered as now) whose findings the checker must report again, even unchanged:
        # their underlines were dropped by an edit or refused as stale. None: every block.
        self._forget: set[int] | None = set()
        self._typing = False  # the last edit was typed at the cursor (see `refresh`)
        self.editor.cursorPositionChanged.connect(self._on_cursor_moved)
        self._check_timer = self._timer(CHECK_DELAY_MS, self.check_now)
        self._scroll_timer = self._timer(SCROLL_CHECK_MS, self.check_now)
        self._paint_timer = self._timer(0, self.refresh)
        self._build_actions()
        session = self.session
        session.result.connect(self._on_result)
        session.idle.connect(lambda *_: self._show_count())
        session.ready.connect(self._on_ready)
        session.failed.connect(self._on_failed)
        session.dictionary_changed.connect(lambda _word: self.schedule_check())
        self.editor.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        menus = getattr(getattr(window, "rewrite_ui", None), "menus", None)
        if menus is not None and hasattr(menus, "context_extensions"):
            menus.context_extensions.append(self.extend_context_menu)
        self.fixes = FixReviews(window, session) if window.rewrite_ui is not None else None
        window.status.set_proofread_state(
            "Proofreading: starting…" if self.enabled else "", "Loading the grammar checker"
        )
        session.start()
        if self.enabled:
            self.schedule_check()

    def _timer(self, interval: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _build_actions(self) -> None:
        window = self.window
        self.toggle_action = QAction("Check &Spelling and Grammar", window)
        self.toggle_action.setObjectName("view_check_spelling")
        self.toggle_action.setCheckable(True)
        self.toggle_action.setChecked(self.enabled)
        self.toggle_action.triggered.connect(lambda on: self.set_enabled(bool(on)))
        self.next_action = QAction("&Next Spelling or Grammar Issue", window)
        self.next_action.setObjectName("edit_next_issue")
        self.next_action.triggered.connect(lambda _c=False: self.next_issue())
        view = window.view_menu
        view.addSeparator()
        view.addAction(self.toggle_action)
        view.addAction(self.next_action)
        apply_shortcuts(window)  # F7, or the key the writer chose (desktop_app.shortcuts)

    # ----------------------------------------------------------------- checking
    def set_enabled(self, enabled: bool) -> None:
        """View → Check Spelling and Grammar (remembered)."""
        self.enabled = enabled
        self.toggle_action.setChecked(enabled)
        self.window.settings.proofreading.enabled = enabled
        self.window.persist_settings()
        if enabled:
            self.window.status.set_proofread_state("Checking…")
            self._forget = None  # the underlines were cleared: every finding comes again
            self.schedule_check(0)
        else:
            self._check_timer.stop()
            self.issues.clear()
            self.underliner.clear()
            self.window.status.set_proofread_state("")

    def schedule_check(self, delay: int | None = None) -> None:
        """Check after `delay` ms (default: the typing pause)."""
        if self.enabled:
            self._check_timer.start(CHECK_DELAY_MS if delay is None else delay)

    def check_now(self) -> None:
        """Hand the document to the checker now (the visible blocks first)."""
        if not self.enabled:
            return
        if self.window.file is not self._file:  # another document: its own ignore list
            self._file = self.window.file
            self.session.forget_ignored()
        self._scroll_timer.stop()
        if self._forget is None or self._forget:
            self.session.forget(None if self._forget is None else sorted(self._forget))
            self._forget = set()
        visible = visible_blocks(self.editor)
        self.session.check(self.editor.revision, list(self.mirror.texts), visible)

    def apply_settings(self) -> None:
        """Preferences changed the dialect or the style switch: check again with them."""
        prefs = self.window.settings.proofreading
        self.session.configure(prefs.dialect or None, prefs.style)
        self.schedule_check(0)

    def _on_blocks_changed(self, first: int, old_last: int, delta: int) -> None:
        if not self.enabled:
            return
        self._typing = self.editor.typing
        self.session.note_typing()
        had = self.issues.count
        self.issues.shift(first, old_last, delta)  # edited blocks lose their findings now
        self._note_forget(first, old_last, delta)
        if self.underliner.shown or had != self.issues.count:
            self.refresh()  # at once: an edited word's old underline is never painted again
        self._check_timer.start(CHECK_DELAY_MS)

    def _on_scrolled(self, _value: int) -> None:
        if self.enabled:
            self._paint_timer.start()
            if not self._check_timer.isActive():
                self._scroll_timer.start()

    def _on_result(self, result) -> None:
        if not self.enabled:
            return
        now = self.mirror.text(result.block_number)
        if self.issues.accept(result.block_number, result.text, result.issues, now):
            self._paint_timer.start()
            self.results_accepted.emit(result.block_number)
        elif self._forget is not None:
            self._forget.add(result.block_number)  # stale: its current text must come again

    def _note_forget(self, first: int, old_last: int, delta: int) -> None:
        if self._forget is None:
            return
        if old_last - first + delta > FORGET_ALL_BLOCKS:
            self._forget = None
            return
        kept = {b if b < first else b + delta for b in self._forget if not first <= b <= old_last}
        self._forget = kept | set(range(first, old_last + delta + 1))

    def refresh(self) -> None:
        """Underline what is on screen, and show the count."""
        if not self.enabled:
            return
        typing_at = None
        cursor = self.editor.textCursor()
        if self._typing and not cursor.hasSelection():
            typing_at = (cursor.blockNumber(), cursor.positionInBlock())
        self.underlined.emit(self.underliner.refresh(typing_at))
        self._show_count()

    def _on_cursor_moved(self) -> None:
        if self._typing and not self.editor.typing:  # moved away, not by typing: show all
            self._typing = False
            if self.enabled:
                self._paint_timer.start()

    def _show_count(self) -> None:
        if self.enabled and self.session.is_ready:
            count = self.issues.count
            self.window.status.set_proofread_state(_count_text(count), "Spelling and grammar")

    def _on_ready(self) -> None:
        self._show_count()

    def _on_failed(self, reason: str) -> None:
        log.warning("Proofreading: %s", reason)
        if not self.session.is_ready:
            self.window.status.set_proofread_state("Proofreading unavailable", reason)
        self.window.status.showMessage(f"Proofreading: {reason}", 8000)
        if self.fixes is not None:
            self.fixes.failed(reason)

    # ----------------------------------------------------------------- the writer's choices
    def extend_context_menu(self, menu, pos) -> None:
        """Put the clicked issue's suggestions, message, Ignore and Add at the menu's top."""
        if not self.enabled:
            return
        found = issue_at(self.editor, self.issues, self.mirror.text, pos)
        if found is None:
            return
        number, issue = found
        add = (lambda: self.add_to_dictionary(issue)) if issue.category == SPELLING else None
        add_issue_entries(
            menu,
            issue,
            lambda new: self.apply_suggestion(number, issue, new),
            lambda: self.ignore(issue),
            add,
        )

    def apply_suggestion(self, number: int, issue, new: str) -> bool:
        """Replace the issue's text with `new` as one undo step (if the text is unchanged)."""
        text = self.mirror.text(number)
        if text is None or text[issue.start : issue.end] != issue.text:
            return False
        self.editor.clear_ghost()
        cursor = issue_cursor(self.editor.document(), number, text, issue.start, issue.end)
        cursor.beginEditBlock()
        cursor.insertText(new)
        cursor.endEditBlock()
        return True

    def ignore(self, issue) -> None:
        """Ignore this issue everywhere in this document."""
        key = issue.ignore_key
        self.session.ignore(key)
        self.issues.drop_where(lambda found: found.ignore_key == key)
        self.refresh()
        self.schedule_check()

    def add_to_dictionary(self, issue) -> None:
        """Add the word to the personal dictionary (kept across restarts)."""
        word = issue.text.strip()
        self.session.add_word(word)
        key = word.casefold()
        self.issues.drop_where(
            lambda found: found.category == SPELLING and found.text.strip().casefold() == key
        )
        self.refresh()

    def next_issue(self) -> bool:
        """Select the next issue after the cursor (F7), wrapping round; False if there is none."""
        cursor = self.editor.textCursor()
        document = self.editor.document()
        block = document.findBlock(cursor.selectionStart())
        number = block.blockNumber()
        offset = from_utf16(block.text(), cursor.selectionStart() - block.position())
        # An issue right at the cursor is next, unless it is the one selected now.
        offset -= 0 if cursor.hasSelection() else 1
        found = self.issues.next_after(number, offset, self.mirror.text)
        if found is None:
            self.window.status.showMessage("No spelling or grammar issues found.", 3000)
            return False
        number, issue = found
        text = self.mirror.text(number) or ""
        self.editor.setTextCursor(issue_cursor(document, number, text, issue.start, issue.end))
        self.editor.ensureCursorVisible()
        self.window.status.showMessage(" ".join(issue.message.replace("`", "").split()), 6000)
        return True

    def fix_grammar(self, whole_document: bool = False):
        """Fix Grammar and Spelling with Harper; the review's id, or None."""
        if self.fixes is None:
            return None
        return self.fixes.start(whole_document)

    def shutdown(self) -> None:
        """Stop the checker thread."""
        for timer in (self._check_timer, self._scroll_timer, self._paint_timer):
            timer.stop()
        self.session.stop()
