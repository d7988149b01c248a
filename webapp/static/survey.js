// The survey form's type-ahead: as a respondent types part of a name, up to 20 colleagues' labels are fetched
// from this app (never elsewhere) and offered in the field's datalist. Labels go in as option values (text),
// never as HTML. Without this script the form still works: a full label typed exactly is accepted.
// Until the answers are submitted, the form is also saved as a draft a moment after each change.
(function () {
  "use strict";
  function autosave(form) {
    const status = document.getElementById("autosave-status");
    let timer = null;
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const data = new FormData(form);
        data.set("action", "save");
        // the page's own address: form.action would be the buttons named "action", not the attribute
        fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (r) {
            status.textContent = r.ok ? "Draft saved at " + new Date().toLocaleTimeString().slice(0, 5) + "."
              : "Not saved yet: choose each name from the suggestions.";
          })
          .catch(function () { status.textContent = "Not saved yet: the connection failed."; });
      }, 1500);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const school = document.querySelector("[data-school-filter]");
    const form = document.querySelector("form.survey[data-autosave]");
    if (form) autosave(form);
    document.querySelectorAll("input[data-suggest]").forEach(function (input) {
      const list = document.getElementById(input.getAttribute("list"));
      let timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          const q = input.value.trim();
          if (q.length < 2) { list.replaceChildren(); return; }
          const url = input.dataset.suggest + "?q=" + encodeURIComponent(q) +
            (school && school.value ? "&school=" + encodeURIComponent(school.value) : "");
          fetch(url, { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (labels) {
              list.replaceChildren.apply(list, labels.map(function (label) {
                const option = document.createElement("option");
                option.value = label;
                return option;
              }));
            });
        }, 150);
      });
    });
  });
})();
