/* Material's search reads the box on keyup only, so text pasted with the mouse, dictated by voice
   input or picked from an input method never searched. Every change to the box (outside an
   unfinished IME composition) is passed on as a keyup. */
(function () {
  function forward(ev) {
    var el = ev.target;
    if (el && el.classList && el.classList.contains("md-search__input") && !ev.isComposing)
      el.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  document.addEventListener("input", forward, true);
  document.addEventListener("compositionend", forward, true);
})();
