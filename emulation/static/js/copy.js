// Copy buttons: <button data-copy="ID" data-copied="message"> copies the value of the field #ID
// and announces the message in [data-copy-status="ID"]. Without the clipboard API the text is
// selected and copied with the older command, which still leaves it selected for Ctrl+C.
(function () {
  "use strict";
  function announce(id, text) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) { status.textContent = text; }
  }
  function fallback(field) {
    field.focus();
    field.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.dataset.copy, field = document.getElementById(id), done = button.dataset.copied || "";
      if (!field) { return; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { announce(id, done); }, function () {
          if (fallback(field)) { announce(id, done); }
        });
      } else if (fallback(field)) {
        announce(id, done);
      }
    });
  });
}());
