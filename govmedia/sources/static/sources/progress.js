// While a source is being read, poll its state every two seconds and show the
// progress; reload the page when the read is over so its entries appear.
(function () {
  "use strict";
  const section = document.querySelector("[data-source-status-url]");
  if (!section) return;
  const url = section.getAttribute("data-source-status-url");
  const status = section.querySelector("[data-source-status]");
  const progress = section.querySelector("[data-source-progress]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        status.textContent = state.status_label;
        progress.textContent = state.status === "running" ? "" : state.progress;
        if (state.busy) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
