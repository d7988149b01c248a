// The survey form's type-ahead: as a respondent types part of a name, up to 20 colleagues' labels are fetched
// from this app (never elsewhere) and offered in the field's datalist. Labels go in as option values (text),
// never as HTML. Without this script the form still works: a full label typed exactly is accepted.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    const school = document.querySelector("[data-school-filter]");
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
