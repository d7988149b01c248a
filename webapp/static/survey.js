// The survey form's type-ahead: as a respondent types part of a name, up to 8 colleagues' labels are fetched
// from this app (never elsewhere) and offered in the field's datalist; when the link's search limits stop
// the suggestions, the server's message is shown beside the field. Labels go in as option values (text),
// never as HTML. Without this script the form still works: a full label typed exactly is accepted.
// The form is also saved as a draft a moment after each change (a draft never replaces submitted answers). Every
// save quotes the version the page holds; the server answers with the new one, or refuses a stale page, a closed
// round or a bad name: the refusal is shown and nothing typed is touched.
(function () {
  "use strict";
  function autosave(form) {
    const status = document.getElementById("autosave-status");
    const version = form.querySelector("input[name=version]");
    let timer = null;
    let inflight = null;
    let stopped = false;
    function say(text, alert) {
      status.textContent = text;
      status.setAttribute("role", alert ? "alert" : "status");
    }
    function save() {
      const data = new FormData(form);
      data.set("action", "save");
      data.set("autosave", "1");
      // the page's own address: form.action would be the buttons named "action", not the attribute
      inflight = fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) {
          return r.json().then(function (body) {
            if (r.ok) {
              version.value = String(body.version);
              say("Draft saved at " + new Date().toLocaleTimeString().slice(0, 5) + ".", false);
            } else {
              if (r.status === 409 || r.status === 410) stopped = true;  // only a reload can save from here
              say("Not saved: " + body.error, true);
            }
          });
        })
        .catch(function () { say("Not saved yet: the connection failed. What you typed is still here.", true); })
        .finally(function () { inflight = null; });
    }
    form.addEventListener("change", function () {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(save, 1500);
    });
    // A button pressed while a draft save is under way waits for it (it quotes the version that save returns).
    form.addEventListener("submit", function (event) {
      clearTimeout(timer);
      if (inflight) {
        event.preventDefault();
        const button = event.submitter;
        inflight.then(function () { form.requestSubmit(button); });
      }
    });
    // Enter in a name field chooses a suggestion; it does not send the form.
    form.querySelectorAll("input[data-suggest]").forEach(function (input) {
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
    });
  }

  // "Add another name": a copy of the question's last name field (with its own suggestions list), up to the
  // number of names the round allows.
  function addMore(button) {
    button.hidden = false;
    let made = 0;
    button.addEventListener("click", function () {
      const rows = button.closest("fieldset").querySelectorAll("p.add");
      if (rows.length >= Number(button.dataset.limit)) return;
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const input = copy.querySelector("input[data-suggest]");
      const list = copy.querySelector("datalist");
      list.id = list.id + "-more-" + (++made);
      list.replaceChildren();
      input.setAttribute("list", list.id);
      input.value = "";
      copy.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      last.after(copy);
      suggest(input);
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
      input.focus();
      if (rows.length + 1 >= Number(button.dataset.limit)) button.hidden = true;
    });
  }

  // The message beside a name field (the server's, when suggestions stop), made on first use.
  function note(input, text) {
    let shown = input.parentElement.parentElement.querySelector(".suggest-note");
    if (!shown && !text) return;
    if (!shown) {
      shown = document.createElement("span");
      shown.className = "suggest-note note";
      shown.setAttribute("role", "status");
      input.parentElement.after(shown);
    }
    shown.textContent = text;
  }

  let school = null;
  function suggest(input) {
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
          .then(function (r) {
            if (r.status === 429) return r.json().then(function (body) { note(input, body.message); return []; });
            note(input, "");
            return r.ok ? r.json() : [];
          })
          .then(function (labels) {
            list.replaceChildren.apply(list, labels.map(function (label) {
              const option = document.createElement("option");
              option.value = label;
              return option;
            }));
          });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    school = document.querySelector("[data-school-filter]");
    const form = document.querySelector("form.survey[data-autosave]");
    if (form) autosave(form);
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    document.querySelectorAll("button.add-more").forEach(addMore);
  });
})();
