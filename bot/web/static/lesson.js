// The lesson view: "Copy" buttons put a citation on the clipboard (or select it, to copy by hand).
"use strict";

(function () {
  const status = document.getElementById("copied");

  function select(node) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(button) {
    const target = document.getElementById(button.dataset.copy);
    if (!target) return;
    const name = button.parentElement.firstChild.textContent.trim();
    try {
      await navigator.clipboard.writeText(target.textContent);
      status.textContent = name + " copied.";
    } catch (error) {
      select(target); // no clipboard (an insecure page, or refused): the text is selected instead
      status.textContent = name + " selected: press Ctrl+C (⌘C) to copy it.";
    }
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", () => copy(button));
  }
})();
