// A survey round's page: while its links are being emailed in the background, the progress line is refreshed
// every two seconds from this app's own JSON (counts only), until the sending has finished. Without this script
// the page still shows the progress as it was when loaded; reloading it shows it afresh.
(function () {
  "use strict";
  function refresh(line) {
    fetch(line.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job || job.total === undefined) { return; }
        ["sent", "failed", "remaining"].forEach(function (key) {
          line.querySelector('[data-count="' + key + '"]').textContent = job[key].toLocaleString("en-GB");
        });
        if (job.running) {
          setTimeout(function () { refresh(line); }, 2000);
        } else {
          line.querySelector('[data-count="state"]').textContent =
            job.stopped_by ? "Stopped: reload the page for why." : "Finished.";
        }
      })
      .catch(function () { setTimeout(function () { refresh(line); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const line = document.getElementById("sending-progress");
    if (line && line.dataset.url) { setTimeout(function () { refresh(line); }, 2000); }
  });
})();
