// Live progress of certificate batches: polls [data-progress-url] every second while a batch
// runs, moves each row's bar and count, and reloads the page once every batch has finished
// (the download links then appear).
(function () {
  "use strict";
  var card = document.querySelector("[data-progress-url]");
  if (!card) { return; }
  var url = card.dataset.progressUrl, running = false;
  function update(batch) {
    var row = card.querySelector('[data-batch="' + batch.mode + '"]');
    if (!row) { return; }
    var pct = batch.total ? Math.floor(100 * batch.rendered / batch.total / 5) * 5 : 0;
    var bar = row.querySelector(".progress .bar"), box = row.querySelector(".progress"), count = row.querySelector('[data-field="count"]');
    if (bar) { bar.className = "bar w" + pct; }
    if (box) { box.setAttribute("aria-valuenow", batch.rendered); box.setAttribute("aria-valuemax", batch.total); }
    if (count) { count.textContent = batch.rendered + "/" + batch.total; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var active = data.batches.some(function (b) { return b.state === "queued" || b.state === "running"; });
        data.batches.forEach(update);
        if (active) { running = true; setTimeout(poll, 1000); }
        else if (running) { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
