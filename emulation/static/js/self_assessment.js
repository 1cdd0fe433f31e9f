// Self-assessment and review forms: live group subtotals and total as the officer (or the
// reviewer) types, a hint when a value is off-step or out of bounds, and a warning before
// leaving unsaved work. The server recomputes everything on save and is the authority.
(function () {
  "use strict";
  var form = document.getElementById("self-assessment") || document.getElementById("review-form");
  if (!form) { return; }
  var lang = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  var fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 3 });
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-kind]"));
  var dirty = false;

  function parse(text) {
    var t = (text || "").trim().replace(/\s/g, "");
    if (!t) { return null; }
    t = t.replace(",", ".");  // as the server reads it: comma or point is the decimal separator
    var v = Number(t);
    return isFinite(v) ? v : NaN;
  }

  function offStep(value, step) {
    var q = value / step;
    return Math.abs(q - Math.round(q)) > 1e-9;
  }

  function recompute() {
    var groups = {}, total = 0, filled = 0;
    inputs.forEach(function (input) {
      var v = parse(input.value), max = Number(input.dataset.max), step = Number(input.dataset.step);
      var bad = v !== null && (isNaN(v) || v < 0 || v > max || offStep(v, step));
      input.classList.toggle("invalid", bad);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      var block = input.closest(".criterion");
      var hint = block.querySelector(".js-hint"), server = block.querySelector(".error:not(.js-hint)");
      if (hint) {  // the server's message, while shown, already says what is wrong
        hint.hidden = !bad || Boolean(server && !server.hidden);
        hint.textContent = bad ? form.dataset.rangeHint.replace("{max}", fmt.format(max))
                                                     .replace("{step}", fmt.format(step)) : "";
      }
      if (v === null || bad) { return; }
      filled += 1;
      var signed = input.dataset.kind === "penalty" ? -v : v;
      groups[input.dataset.group] = (groups[input.dataset.group] || 0) + signed;
      total += signed;
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-subtotal]"), function (el) {
      el.textContent = fmt.format(groups[el.dataset.subtotal] || 0);
    });
    document.getElementById("total").textContent = fmt.format(total);
    var filledEl = document.getElementById("filled");
    if (filledEl) { filledEl.textContent = filled + "/" + inputs.length; }
  }

  form.addEventListener("input", function (event) {
    dirty = true;
    if (event.target.matches("input[data-kind]")) {  // a changed value: the server's message is stale
      var server = event.target.closest(".criterion").querySelector(".error:not(.js-hint)");
      if (server) { server.hidden = true; }
    }
    recompute();
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  recompute();
}());
