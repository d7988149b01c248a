// The survey form's type-ahead: as a respondent types part of a name, up to 8 colleagues' labels are fetched
// from this app (never elsewhere) and offered in the app's own combobox (the WAI-ARIA 1.2 pattern: a listbox
// popup under the field, chosen by arrow keys and Enter, or by a click or tap). The server decides what matches
// (names in any word order, accents, apostrophes, hyphens), so every label it returns is shown as it came: a
// browser datalist would filter them again against the typed text and hide most. When the link's search limits
// stop the suggestions, the server's message is shown beside the field. Labels go in with textContent, never as
// HTML. Without this script the form still works: a full label typed exactly is accepted.
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

  // "Add another name": a copy of the question's last name field (given its own suggestions list), up to the
  // number of names the round allows.
  function addMore(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const rows = button.closest("fieldset").querySelectorAll("p.add");
      if (rows.length >= Number(button.dataset.limit)) return;
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const input = copy.querySelector("input[data-suggest]");
      copy.querySelector("[role=listbox]").remove();
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
    const box = input.closest(".combo");
    let shown = box.parentElement.querySelector(".suggest-note");
    if (!shown && !text) return;
    if (!shown) {
      shown = document.createElement("span");
      shown.className = "suggest-note note";
      shown.setAttribute("role", "status");
      box.after(shown);
    }
    shown.textContent = text;
  }

  let school = null;
  let made = 0;  // listboxes made on this page: each gets its own id

  // One name field as a combobox: the field keeps the focus throughout; the highlighted suggestion is named by
  // aria-activedescendant, so a screen reader reads it as the arrow keys move.
  function suggest(input) {
    const list = document.createElement("ul");
    list.id = "suggestions-" + (++made);
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Colleagues matching what you typed");
    list.hidden = true;
    input.closest(".combo").append(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    let timer = null;
    let asked = 0;  // the latest search sent: an earlier one answering late is ignored
    let active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }
    function highlight(k) {
      const all = options();
      all.forEach(function (o, j) { o.setAttribute("aria-selected", String(j === k)); });
      active = k;
      if (k < 0) { input.removeAttribute("aria-activedescendant"); return; }
      input.setAttribute("aria-activedescendant", all[k].id);
      all[k].scrollIntoView({ block: "nearest" });
    }
    function show(labels) {
      list.replaceChildren.apply(list, labels.map(function (label, k) {
        const option = document.createElement("li");
        option.id = list.id + "-" + k;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = label;
        return option;
      }));
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = labels.length === 0;
      input.setAttribute("aria-expanded", String(labels.length > 0));
    }
    // The field takes the label exactly as offered (what the server accepts); a change, so the draft is saved.
    function choose(option) {
      input.value = option.textContent;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { asked++; show([]); return; }
      timer = setTimeout(function () {
        const mine = ++asked;
        const url = input.dataset.suggest + "?q=" + encodeURIComponent(q) +
          (school && school.value ? "&school=" + encodeURIComponent(school.value) : "");
        fetch(url, { credentials: "same-origin" })
          .then(function (r) {
            if (r.status === 429) return r.json().then(function (body) { note(input, body.message); return []; });
            note(input, "");
            return r.ok ? r.json() : [];
          })
          .then(function (labels) { if (mine === asked && document.activeElement === input) show(labels); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      const all = options();
      const open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 ? (step > 0 ? 0 : all.length - 1) : (active + step + all.length) % all.length);
      } else if (event.key === "Enter" && open) {
        event.preventDefault();  // choosing a name never submits the form
        choose(all[Math.max(active, 0)]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Tab" && open) {
        if (active >= 0) choose(all[active]); else close();  // focus moves on as usual
      }
    });
    input.addEventListener("blur", close);
    // pressing on a suggestion must not take the focus from the field (which would close the list first)
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      const option = event.target.closest("[role=option]");
      if (option) choose(option);
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
