/* DOM helpers every console script uses: loaded before them (index.html). */
(function () {
  "use strict";

  /** A new element with an optional class and text. */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /** The element with this id. */
  function $(id) { return document.getElementById(id); }

  window.Yue = window.Yue || {};
  window.Yue.dom = { el, $ };
})();
