// The only hand-written script: turn a text selection into code point offsets,
// show the Annotate button, open a highlight's claim, and cancel with Escape.
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
    const element = container.nodeType === Node.ELEMENT_NODE ? container : container.parentElement;
    const paragraph = element && element.closest("p[data-start]");
    if (!paragraph || paragraph.parentElement !== root) return null;
    const range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(container, offset);
    return Number(paragraph.dataset.start) + Array.from(range.toString()).length;
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

  document.addEventListener("mouseup", (event) => {
    if (popover() && popover().contains(event.target)) return;
    setTimeout(updatePopover, 0);
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

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const pop = popover();
    if (pop && !pop.hidden) {
      hidePopover();
      window.getSelection().removeAllRanges();
      return;
    }
    const cancel = document.querySelector("#panel [data-cancel]");
    if (!cancel) return;
    const form = cancel.closest("form");
    if (form && form.dataset.dirty && !window.confirm("Discard what you typed in this annotation?")) return;
    cancel.click();
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const notice = document.getElementById("notice");
    if (notice) notice.replaceChildren();
    if (event.target === popover()) {
      hidePopover();
    }
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    markActiveSpan();
    updateAddSource();
    if (!event.detail.target || event.detail.target.id !== "panel") return;
    const firstError = document.querySelector("#panel [aria-invalid='true']");
    const verdict = document.querySelector("#panel select[name='verdict']");
    if (firstError) firstError.focus();
    else if (verdict && !verdict.value) verdict.focus();
  });
  document.addEventListener("DOMContentLoaded", markActiveSpan);
})();
