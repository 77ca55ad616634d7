// The only hand-written script: turn a text selection into code point offsets,
// show the Annotate button, open a highlight's claim, the keyboard shortcuts
// (listed by annotator/shortcuts.py in the "?" overlay) and where the focus goes.
// Everything else is server-rendered HTML swapped by htmx.
(function () {
  "use strict";

  const articleText = () => document.getElementById("article-text");
  const popover = () => document.getElementById("annotate-popover");
  const paragraphs = (root) => Array.from(root.querySelectorAll(":scope > p[data-start]"));

  // Code point offset in the canonical text of a DOM boundary point (container, offset).
  // Each paragraph carries its start offset; inside it, the DOM text equals the article text,
  // but the DOM counts UTF-16 units, so count code points with Array.from.
  function boundaryOffset(root, container, offset) {
    if (container === root) {
      const paras = paragraphs(root);
      if (offset < paras.length) return Number(paras[offset].dataset.start);
      const last = paras[paras.length - 1];
      return Number(last.dataset.start) + Array.from(last.textContent).length;
    }
    const paragraph = paragraphOf(root, container);
    if (!paragraph) return null;
    return Number(paragraph.dataset.start) + Array.from(textBefore(paragraph, container, offset)).length;
  }

  // The article paragraph (a direct child of root) holding a DOM node, or null.
  function paragraphOf(root, node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const paragraph = element && element.closest("p[data-start]");
    return paragraph && paragraph.parentElement === root ? paragraph : null;
  }

  // The paragraph's text from its start up to a DOM boundary point inside it.
  function textBefore(paragraph, container, offset) {
    const range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(container, offset);
    return range.toString();
  }

  // The selected target {start, end, quote, rect}, trimmed of surrounding white space, or null.
  function selectedTarget() {
    const root = articleText();
    const selection = window.getSelection();
    if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0).cloneRange();
    if (!range.intersectsNode(root)) return null;
    // A selection that runs into the title or the panel keeps only its part inside the article.
    if (!root.contains(range.startContainer)) range.setStart(root, 0);
    if (!root.contains(range.endContainer)) range.setEnd(root, root.childNodes.length);
    let start = boundaryOffset(root, range.startContainer, range.startOffset);
    let end = boundaryOffset(root, range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    const chars = Array.from(paragraphs(root).map((p) => p.textContent).join("\n"));
    while (start < end && /\s/.test(chars[start])) start += 1;
    while (end > start && /\s/.test(chars[end - 1])) end -= 1;
    if (start >= end) return null;
    return { start, end, quote: chars.slice(start, end).join(""), rect: range.getBoundingClientRect() };
  }

  function hidePopover() {
    const form = popover();
    if (form) form.hidden = true;
    resumeLive();
  }

  function showPopover(target) {
    const form = popover();
    if (!form) return;
    // Offsets only: the server reads the quote from the text, so long selections keep short URLs.
    form.elements.start.value = target.start;
    form.elements.end.value = target.end;
    form.hidden = false;
    const width = form.offsetWidth;
    const left = Math.min(Math.max(8, target.rect.left + target.rect.width / 2 - width / 2),
                          document.documentElement.clientWidth - width - 8);
    form.style.left = `${left + window.scrollX}px`;
    form.style.top = `${target.rect.bottom + window.scrollY + 8}px`;
  }

  function updatePopover() {
    const target = selectedTarget();
    if (target) showPopover(target); else hidePopover();
  }

  function openSpan(spanId) {
    const root = articleText();
    const url = root.dataset.spanUrl.replace(/\/0$/, `/${spanId}`);
    htmx.ajax("GET", url, { target: "#panel" });
  }

  // Mark the highlights of the claim shown in the panel.
  function markActiveSpan() {
    const root = articleText();
    if (!root) return;
    const shown = document.querySelector("#panel [data-active-span]");
    const id = shown ? shown.dataset.activeSpan : null;
    root.querySelectorAll("mark.active").forEach((mark) => mark.classList.remove("active"));
    if (!id) return;
    root.querySelectorAll("mark[data-span-ids]").forEach((mark) => {
      if (mark.dataset.spanIds.split(" ").includes(id)) mark.classList.add("active");
    });
  }

  // A highlight's tone in words, read from its classes (spans.SpanSummary.tone), e.g. "Claim: False".
  function describe(mark, labels) {
    const classes = mark.classList;
    const key = Array.from(classes).find((c) => c.startsWith("verdict-"));
    const verdict = key && labels[key.slice("verdict-".length)];
    let said = classes.contains("settled") && verdict ? `Settled claim: final verdict ${verdict}`
      : verdict ? `Claim: ${verdict}`
      : classes.contains("disputed") ? "Claim: reviewers disagree"
      : "Claim: verdicts not shown to you";
    if (classes.contains("changed")) said += ", wording changed";
    const more = mark.dataset.spanIds.split(" ").length - 1;
    if (more) said += `; ${more} more claim${more === 1 ? "" : "s"} here`;
    return said;
  }

  // Highlights become buttons for keyboards and screen readers (attributes only: the article's
  // text stays its canonical text). Without the script they cannot open anything, so they stay marks.
  function enableMarks() {
    const root = articleText();
    if (!root) return;
    const labels = JSON.parse(root.dataset.verdictLabels || "{}");
    root.querySelectorAll("mark[data-span-ids]:not([role])").forEach((mark) => {
      mark.tabIndex = 0;
      mark.setAttribute("role", "button");
      mark.setAttribute("aria-description", describe(mark, labels));
    });
  }

  document.addEventListener("mouseup", (event) => {
    const ended = endDrag();
    const onPopover = popover() && popover().contains(event.target);
    setTimeout(() => {
      if (!onPopover) updatePopover();
      if (ended) afterDrag();
    }, 0);
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") updatePopover();
  });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) hidePopover();
  });
  // Keep the selection when the Annotate button is pressed.
  document.addEventListener("mousedown", (event) => {
    if (popover() && popover().contains(event.target)) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const mark = event.target.closest("#article-text mark[data-span-ids]");
    const selection = window.getSelection();
    if (mark && (!selection || selection.isCollapsed)) {
      openSpan(mark.dataset.spanIds.split(" ")[0]);
      return;
    }
    const remove = event.target.closest("[data-remove-source]");
    if (remove) {
      const row = remove.closest(".source-row");
      const rows = row.parentElement;
      row.remove();
      markDirty(rows.closest("form"));
      updateAddSource();
      const next = rows.querySelector("input");
      if (next) next.focus();
    }
  });

  // "+ Add source" is disabled while the form holds the maximum number of rows.
  function updateAddSource() {
    const button = document.getElementById("add-source");
    if (!button) return;
    const rows = document.querySelectorAll("#source-rows .source-row").length;
    button.disabled = rows >= Number(button.dataset.max);
  }

  function markDirty(form) {
    if (form) form.dataset.dirty = "true";
  }
  document.addEventListener("input", (event) => markDirty(event.target.closest("#panel form")));

  // ---- A selection in the making: nothing the person did not just do moves under the mouse ----
  // While the mouse button is down (a drag-selection may be under way, in the text or into it from
  // the title), the article text is not redrawn and the focus does not move: a text node that leaves
  // the document, or a focus that moves elsewhere, ends the drag where it is (the quote would read
  // "Talk" for "Talks remain out of reach").
  // Live updates also wait while a selection is offered (its Annotate button shows). All of it
  // comes once the selection is done, and nothing is lost: a live poll that was not asked, or whose
  // answer was left unswapped, is asked again (the server sends every change since the poller's
  // revision), and a redraw a request of the person's brought (a save's) is applied, in order.
  let dragging = false;
  let heldRedraws = [];  // [{id, html}]: out-of-band redraws of the article text, oldest first
  let heldFocus = null;  // the panel's focus move, when the panel settled during the drag
  let liveWaiting = false;  // a live poll was held back

  const selecting = () => dragging || !!(popover() && !popover().hidden);

  document.addEventListener("mousedown", (event) => {
    if (event.button === 0) dragging = true;
  }, true);

  // Ends the drag; true if there was one.
  function endDrag() {
    const was = dragging;
    dragging = false;
    return was;
  }
  // A release the page did not see (a native menu took it, or the window lost the focus) ends it too.
  const missedRelease = () => setTimeout(() => { updatePopover(); afterDrag(); }, 0);
  document.addEventListener("mousemove", (event) => {
    if (dragging && !(event.buttons & 1) && endDrag()) missedRelease();
  });
  window.addEventListener("blur", () => {
    if (endDrag()) missedRelease();
  });

  // After the drag (and after its selection was offered or dropped): what waited comes in.
  function afterDrag() {
    if (dragging) return;
    const focus = heldFocus;
    heldFocus = null;
    // The focus move was for a person waiting for the panel; one who selected words meanwhile has moved on.
    if (focus && window.getSelection().isCollapsed) focus();
    const redraws = heldRedraws.filter((r) => document.getElementById(r.id));
    heldRedraws = [];
    // Again out of band, so that the focus and an offered selection are kept as for any redraw.
    if (redraws.length) htmx.swap(document.body, redraws.map((r) => r.html).join(""), { swapStyle: "none" });
    resumeLive();
  }

  function resumeLive() {
    if (!liveWaiting || selecting()) return;
    liveWaiting = false;
    const poller = document.getElementById("live-poll");
    if (poller) htmx.trigger(poller, "resume");
  }

  const isLivePoll = (detail) => !!(detail && detail.elt && detail.elt.id === "live-poll");
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (isLivePoll(event.detail) && selecting()) {
      event.preventDefault();
      liveWaiting = true;
    }
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (isLivePoll(event.detail) && event.detail.shouldSwap && selecting()) {
      event.detail.shouldSwap = false;  // nor the new poller: the next poll asks from the same revision
      liveWaiting = true;
    }
  });

  // ---- Signing out ----
  // Once the sign-out form is sent, this page is leaving: an answer to a request still in flight (a
  // panel section loading) must not move it elsewhere. It would be a 401 whose redirect, to the sign-in
  // page with that section's address as where to go next, would win over the sign-out's own.
  let leaving = false;
  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-sign-out]")) leaving = true;
  }, true);
  document.addEventListener("htmx:beforeRequest", (event) => { if (leaving) event.preventDefault(); });
  document.addEventListener("htmx:beforeOnLoad", (event) => { if (leaving) event.preventDefault(); });

  // ---- Keyboard shortcuts ----

  const isField = (el) => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  // Highlights and suggested claims, in document order: what j and k walk.
  const items = () => {
    const root = articleText();
    return root ? Array.from(root.querySelectorAll("mark[data-span-ids], .suggestion[data-suggestion-id]")) : [];
  };
  const markOf = (spanId) => items().find((el) => el.dataset.spanIds && el.dataset.spanIds.split(" ").includes(spanId));
  let lastItem = null;  // the highlight or suggestion j/k last reached
  let returnTo = null;  // span id whose highlight gets the focus back when its panel closes
  let openedFrom = null;  // the highlight or suggestion that Enter opened, to return to
  let closedByKey = false;  // Esc closed the panel: bring the highlight into view (a click leaves the page still)

  function focusItem(el, scroll = true) {
    if (!el) return;
    if (!el.hasAttribute("tabindex")) el.tabIndex = -1;  // suggestions are focusable by script only
    el.focus({ preventScroll: !scroll });
    lastItem = el;
  }

  function step(by) {
    const list = items();
    if (!list.length) return;
    let at = list.indexOf(document.activeElement);
    if (at < 0 && lastItem) at = list.indexOf(lastItem);
    const next = at < 0 ? (by > 0 ? 0 : list.length - 1) : Math.min(Math.max(at + by, 0), list.length - 1);
    focusItem(list[next]);
  }

  function openItem(el) {
    openedFrom = el;
    if (el.dataset.spanIds) {
      openSpan(el.dataset.spanIds.split(" ")[0]);
      return;
    }
    // A suggestion opens through its list entry's Annotate button, or else as a selection.
    const id = el.dataset.suggestionId;
    const entry = Array.from(document.querySelectorAll(`[data-suggestion-id="${CSS.escape(id)}"]`))
      .find((other) => !articleText().contains(other));
    const button = entry && Array.from(entry.querySelectorAll("button, a"))
      .find((b) => b.textContent.trim().startsWith("Annotate"));
    if (button) { button.click(); return; }
    const range = document.createRange();
    range.selectNodeContents(el);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    annotateSelection();
  }

  // Selections are edited inside one paragraph, in its DOM (UTF-16) offsets; selectedTarget()
  // turns the result into code points, so emoji count as one character there.
  const localOffset = (p, container, offset) => textBefore(p, container, offset).length;

  function domPoint(p, local) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (local <= node.length) return [node, local];
      local -= node.length;
    }
    return [p, p.childNodes.length];
  }

  // The paragraph and the [a, b) of the selection, or of the focused highlight, or the first paragraph.
  function currentPlace() {
    const root = articleText();
    if (!root) return null;
    const selection = window.getSelection();
    if (selection && selection.rangeCount && !selection.isCollapsed) {
      const range = selection.getRangeAt(0);
      const p = paragraphOf(root, range.startContainer);
      if (p) {
        const end = p.contains(range.endContainer) ? localOffset(p, range.endContainer, range.endOffset)
                                                    : p.textContent.length;
        return { p, a: localOffset(p, range.startContainer, range.startOffset), b: end };
      }
    }
    const focused = items().includes(document.activeElement) ? document.activeElement : lastItem;
    if (focused && focused.isConnected) {
      const p = paragraphOf(root, focused);
      const a = localOffset(p, focused, 0);
      return { p, a, b: a };
    }
    const first = paragraphs(root).find((p) => p.textContent.trim());
    return first ? { p: first, a: 0, b: 0 } : null;
  }

  function selectLocal(p, a, b) {
    const range = document.createRange();
    range.setStart(...domPoint(p, a));
    range.setEnd(...domPoint(p, b));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    updatePopover();
  }

  // The article's sentences, as {p, a, b} trimmed of white space, in reading order.
  function sentences() {
    const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
    return paragraphs(articleText()).flatMap((p) => Array.from(segmenter.segment(p.textContent))
      .filter((s) => s.segment.trim())
      .map((s) => ({ p, a: s.index + s.segment.length - s.segment.trimStart().length,
                     b: s.index + s.segment.trimEnd().length })));
  }

  // "s": select the sentence at the selection or focus; pressed on a selected sentence, the next
  // one (by 1) or the previous one (by -1, "S").
  function selectSentence(by) {
    const at = currentPlace();
    if (!at) return;
    const all = sentences();
    let i = all.findIndex((s) => s.p === at.p && at.a < s.b);
    if (i < 0) i = all.findLastIndex((s) => s.p === at.p);
    if (i < 0) return;
    if (all[i].a === at.a && all[i].b === at.b) i = Math.min(Math.max(i + by, 0), all.length - 1);
    selectLocal(all[i].p, all[i].a, all[i].b);
  }

  // Move one end of the selection to the next or previous word boundary.
  function moveEdge(edge, by) {
    const at = currentPlace();
    if (!at) return;
    let { a, b } = at;
    const words = Array.from(new Intl.Segmenter(undefined, { granularity: "word" }).segment(at.p.textContent))
      .filter((s) => s.isWordLike).map((s) => [s.index, s.index + s.segment.length]);
    let word;
    if (edge === "end" && by > 0) { word = words.find(([, e]) => e > b); if (word) b = word[1]; }
    if (edge === "end" && by < 0) { word = words.filter(([, e]) => e < b && e > a).pop(); if (word) b = word[1]; }
    if (edge === "start" && by > 0) { word = words.find(([s]) => s > a && s < b); if (word) a = word[0]; }
    if (edge === "start" && by < 0) { word = words.filter(([s]) => s < a).pop(); if (word) a = word[0]; }
    selectLocal(at.p, a, b);
  }

  function say(text) {
    const region = document.getElementById("announce");
    if (region) region.textContent = text;
  }

  // "a": exactly what pressing the Annotate button does.
  function annotateSelection() {
    const target = selectedTarget();
    const form = popover();
    if (!form) { say("This version is read only: open the latest to annotate."); return; }
    if (!target) { say("Select words first: s selects a sentence."); return; }
    showPopover(target);
    returnTo = null;
    form.querySelector("button").click();
  }

  function chooseVerdict(digit) {
    const select = document.querySelector("#panel form.annotation-form select[name='verdict']");
    const choices = select ? Array.from(select.options).filter((o) => o.value) : [];
    const choice = choices[digit - 1];
    if (!choice) return false;
    select.value = choice.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    markDirty(select.form);
    const note = select.form.querySelector("textarea[name='note']");
    (note || select).focus();
    return true;
  }

  // Ctrl+Enter / Cmd+Enter: the panel form holding the focus (else the annotation form) presses its first button.
  function saveForm() {
    const active = document.activeElement;
    const form = (active && active.closest && active.closest("#panel form")) ||
      document.querySelector("#panel form.annotation-form");
    const button = form && form.querySelector("button[type='submit'], button:not([type])");
    if (!button) return false;
    button.click();
    return true;
  }

  let shortcutsOpener = null;
  function showShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog || dialog.open) return;
    shortcutsOpener = document.activeElement;
    dialog.showModal();  // modal: the rest of the page is inert until it closes, and Esc closes it
  }
  function trapFocus(dialog, event) {
    const stops = Array.from(dialog.querySelectorAll("a[href], button:not(:disabled), input, select, textarea, [tabindex='0']"));
    if (!stops.length) return;
    const at = stops.indexOf(document.activeElement);
    const next = event.shiftKey ? (at <= 0 ? stops.length - 1 : at - 1) : (at + 1) % stops.length;
    event.preventDefault();
    stops[next].focus();
  }
  document.addEventListener("close", (event) => {
    if (event.target.id === "shortcuts" && shortcutsOpener && shortcutsOpener.isConnected) shortcutsOpener.focus();
  }, true);

  function escape(event) {
    const pop = popover();
    if (pop && !pop.hidden) {
      hidePopover();
      window.getSelection().removeAllRanges();
      return;
    }
    const cancel = document.querySelector("#panel [data-cancel]");
    if (cancel) {
      const form = cancel.closest("form");
      if (form && form.dataset.dirty && !window.confirm("Discard what you typed in this annotation?")) return;
      closedByKey = true;
      cancel.click();
      return;
    }
    // A claim (or its history) closes to the panel's first link: the claims list, or back to the claim.
    const shown = document.querySelector("#panel [data-active-span]");
    if (shown && !isField(event.target)) {
      const back = document.querySelector("#panel .panel-nav a[hx-get]");
      if (back) { closedByKey = true; back.click(); }
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) {  // the modal closes itself on Esc; Tab cycles inside it
      if (event.key === "Tab") trapFocus(dialog, event);
      return;
    }
    if (event.key === "Escape") { escape(event); return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (saveForm()) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const verdictSelect = target.matches && target.matches("#panel form.annotation-form select[name='verdict']");
    if (/^[1-9]$/.test(event.key) && (verdictSelect || !isField(target))) {
      if (chooseVerdict(Number(event.key))) event.preventDefault();
      return;
    }
    if (isField(target)) return;  // typing in a field: no shortcuts
    const onItem = items().includes(target);
    const key = event.key;
    if (key === "Enter" || (key === " " && onItem)) {
      if (onItem) { event.preventDefault(); openItem(target); }
      return;
    }
    const actions = {
      "j": () => step(1), "k": () => step(-1), "s": () => selectSentence(1), "S": () => selectSentence(-1), "a": annotateSelection, "?": showShortcuts,
      "]": () => moveEdge("end", 1), "[": () => moveEdge("end", -1),
      "}": () => moveEdge("start", 1), "{": () => moveEdge("start", -1),
    };
    if (!articleText() && key !== "?") return;
    const action = actions[key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) showShortcuts();
  });

  // A live update or a save swaps paragraphs out of band: the focus and the selection that were in
  // them come back on the new elements (same claim or suggestion; same offsets if the text is the same).
  let kept = null;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const old = event.detail.target;
    const root = articleText();
    if (!old || !root || !(old === root || root.contains(old))) return;
    const fresh = event.detail.fragment && event.detail.fragment.firstElementChild;
    if (dragging && fresh && fresh.id === old.id) {  // held until the drag ends (see afterDrag)
      event.detail.shouldSwap = false;
      const copy = fresh.cloneNode(true);
      copy.setAttribute("hx-swap-oob", "true");
      heldRedraws = heldRedraws.filter((r) => r.id !== old.id).concat([{ id: old.id, html: copy.outerHTML }]);
      return;
    }
    if (kept) return;
    const active = document.activeElement;
    const selection = window.getSelection();
    // A selection counts while its Annotate button shows (not once the form is open).
    const offered = popover() && !popover().hidden;
    const place = offered && !selection.isCollapsed && old.contains(selection.anchorNode) ? currentPlace() : null;
    const item = items().includes(active) && old.contains(active) ? active : null;
    if (!item && !place) return;
    kept = {
      item: item && { spanIds: item.dataset.spanIds, suggestionId: item.dataset.suggestionId,
                      p: item.closest("p[data-start]").id },
      place: place && { p: place.p.id, text: place.p.textContent, a: place.a, b: place.b },
    };
  });

  function restoreKept() {
    if (!kept) return;
    const { item, place } = kept;
    kept = null;
    if (place && window.getSelection().isCollapsed) {
      const p = document.getElementById(place.p);
      if (p && p.textContent === place.text) selectLocal(p, place.a, place.b);
    }
    if (item && (!document.activeElement || document.activeElement === document.body)) {
      const p = document.getElementById(item.p);
      const same = p && Array.from(p.querySelectorAll("mark[data-span-ids], .suggestion[data-suggestion-id]"))
        .find((el) => (item.spanIds ? el.dataset.spanIds === item.spanIds : el.dataset.suggestionId === item.suggestionId));
      if (same) {
        if (!same.hasAttribute("tabindex")) same.tabIndex = -1;
        same.focus({ preventScroll: true });
        lastItem = same;
      }
    }
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    // A person's request clears the last message; requests that load or poll by themselves
    // (Checked before, live updates) leave it to be read.
    const elt = event.detail.elt;
    const trigger = (elt && elt.getAttribute && elt.getAttribute("hx-trigger")) || "";
    if (!/\b(load|every|revealed|intersect)\b/.test(trigger)) {
      ["notice", "announce", "announce-alert"].forEach((id) => {
        const region = document.getElementById(id);
        if (region) region.replaceChildren();
      });
    }
    if (event.target === popover()) {
      hidePopover();
    }
    // Remember the claim whose panel is about to be replaced, to give its highlight the focus back.
    const shown = document.querySelector("#panel [data-active-span]");
    if (shown && event.detail.target && event.detail.target.id === "panel") returnTo = shown.dataset.activeSpan;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    enableMarks();
    restoreKept();
    markActiveSpan();
    updateAddSource();
    if (!event.detail.target || event.detail.target.id !== "panel") return;
    // Focus moves into the panel (first error, the verdict, or its heading) when it opens,
    // and back to the claim's highlight when the panel closes to the claims list.
    const panel = document.getElementById("panel");
    const firstError = panel.querySelector("[aria-invalid='true']");
    const verdict = panel.querySelector("form.annotation-form select[name='verdict']");
    const closed = !panel.querySelector("[data-active-span], form.annotation-form");
    const mark = !closed ? null
      : (returnTo && markOf(returnTo)) || (openedFrom && openedFrom.isConnected ? openedFrom : null);
    const scrollToMark = closedByKey;  // read before it is reset: Esc scrolls the highlight back into view
    returnTo = null;
    closedByKey = false;
    if (closed) openedFrom = null;
    const moveFocus = () => {
      if (firstError) firstError.focus();
      else if (verdict) verdict.focus();
      else if (mark) focusItem(mark, scrollToMark);
      else {
        const heading = panel.querySelector("h2");
        // preventScroll: the panel is sticky, so its heading is in view; the page must not jump.
        if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
      }
    };
    // A focus that moves during a drag-selection ends it: the move waits for the drag (afterDrag).
    if (dragging) heldFocus = moveFocus; else moveFocus();
  });
  document.addEventListener("DOMContentLoaded", () => {
    enableMarks();
    markActiveSpan();
  });
})();
