// Draws every network map on the page from the JSON its data-endpoint returns.
// All text goes into the page as text (textContent), never as HTML: names come from the trust's own data.
// Node ids from the data (a school or staff id) are prefixed inside the map: vis-network keeps nodes in plain
// objects, where an id such as "__proto__", "constructor" or "toString" would clash with the object's own
// properties and the node would vanish. Each node keeps its real id as `key`.
(function () {
  "use strict";
  if (window.netmapMaps) return;  // a page with two maps loads this twice: draw each map once
  window.netmapMaps = [];
  const PREFIX = "node:";

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  function text(tag, value, className) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }

  function showPanel(panel, id, info) {
    panel.replaceChildren();
    if (!info) { panel.hidden = true; return; }
    panel.appendChild(text("h3", info.name));
    panel.appendChild(text("p", info.role + ", " + info.school));
    const facts = document.createElement("dl");
    [["Subjects", info.subjects || "–"], ["ONA role", info.ona_role], ["Collaborators", info.soft_degree],
     ["Schools reached", info.schools_reached], ["Betweenness", info.betweenness],
     ["Groups", info.groups || "–"]].forEach(function (pair) {
      facts.appendChild(text("dt", pair[0]));
      facts.appendChild(text("dd", String(pair[1])));
    });
    panel.appendChild(facts);
    const link = text("a", "Open their page");
    link.href = "/staff/" + encodeURIComponent(id);
    panel.appendChild(link);
    panel.hidden = false;
  }

  // Legend entries: a school colour (a dot), a kind of line (a line swatch; with a layer, a checkbox that shows or
  // hides that layer on this map) or a mark (an outlined dot).
  function legend(box, entries, map) {
    box.replaceChildren();
    entries.forEach(function (entry) {
      const item = text(entry.layer ? "label" : "span", entry.label, "legend-item");
      const swatch = document.createElement("i");
      if (entry.shape) {  // a role's shape on a staff map, drawn as a character (app.css .shape-*)
        swatch.className = "shape shape-" + entry.shape;
        swatch.style.color = entry.colour;
      } else if (entry.line) {
        swatch.className = "line " + entry.line;
        swatch.style.borderColor = entry.colour;
      } else {
        if (entry.mark) swatch.className = "mark " + entry.mark;
        swatch.style.backgroundColor = entry.colour;
      }
      item.prepend(swatch);
      if (entry.layer) {
        const tick = document.createElement("input");
        tick.type = "checkbox";
        tick.checked = true;
        tick.addEventListener("change", function () { setLayer(map, entry.layer, tick.checked); });
        item.prepend(tick);
      }
      box.appendChild(item);
    });
  }

  // The whole map in view, but no closer than life size: a map of a few schools would otherwise fill the box
  // with giant discs and letters.
  // With a frame from the server (the map's middle and the map units the box shows at fit, computed for this box:
  // netmap/layout/screen.py), the page fits to it, so that the names placed for that fit are the names shown.
  const MAX_FIT_SCALE = 1.0;
  const RESHAPED = 40;  // CSS pixels a map's box may grow or shrink by before its names are placed again
  function fit(network, frame, container) {
    if (frame && container && container.clientWidth && container.clientHeight) {
      const scale = Math.min(container.clientWidth / frame.w, container.clientHeight / frame.h, MAX_FIT_SCALE);
      network.moveTo({ position: { x: frame.x, y: frame.y }, scale: scale, animation: false });
      return;
    }
    network.fit({ animation: false });
    if (network.getScale() > MAX_FIT_SCALE) network.moveTo({ scale: MAX_FIT_SCALE, animation: false });
  }

  // The data's address with the map box's size: the server places the names for what this box shows at fit.
  function sized(container) {
    const url = new URL(container.dataset.endpoint, window.location.href);
    if (container.clientWidth && container.clientHeight) {
      url.searchParams.set("width", String(Math.round(container.clientWidth)));
      url.searchParams.set("height", String(Math.round(container.clientHeight)));
    }
    return url.pathname + url.search;
  }

  function draw(wrap) {
    const container = wrap.querySelector(".map");
    const panel = wrap.querySelector(".panel");
    const message = wrap.querySelector(".map-message");
    const started = performance.now();
    const asked = [container.clientWidth, container.clientHeight];
    const timings = {};  // for benchmarks/first_draw.py: JSON in, names' font ready, drawing built, first frame
    const font = namesFont(timings);  // fetched alongside the map's JSON
    fetch(sized(container), { credentials: "same-origin",
                              headers: { Accept: "application/json", "X-Map-Form": "packed" } })
      .then(function (response) {
        if (!response.ok) throw new Error("The map could not be loaded (" + response.status + ").");
        return response.json();
      })
      .then(function (data) {
        data = unpacked(data);
        timings.json = performance.now();
        if (!data.sizing) { timings.font = timings.json; return data; }  // a map without names waits for nothing
        return font.then(function () { return data; });
      })
      .then(function (data) {
        const nodes = new vis.DataSet(data.nodes.map(function (n) {
          return Object.assign({}, n, { id: PREFIX + n.id, key: n.id }, unlabelled(n));
        }));
        const edges = new vis.DataSet(data.edges.map(function (e, i) {
          return Object.assign({}, e, { id: i, from: PREFIX + e.from, to: PREFIX + e.to });
        }));
        timings.received = performance.now();
        const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
        fit(network, data.fit, container);
        const frame = container.querySelector(".vis-network");  // vis-network makes it focusable (tabIndex 0)
        if (frame) {
          frame.setAttribute("role", "region");
          frame.setAttribute("aria-label", container.dataset.label || "Network map");
        }
        const entry = { network: network, nodes: nodes, edges: edges, view: data.view, options: data.options,
                        turned: !!data.turned, firstDraw: null,
                        timings: Object.assign(timings, { built: performance.now() }) };
        const previous = window.netmapMaps.findIndex(function (m) { return m.wrap === wrap; });
        entry.wrap = wrap;
        if (previous >= 0) window.netmapMaps[previous] = entry; else window.netmapMaps.push(entry);
        if (data.sizing) names(wrap, entry, data);
        network.once("afterDrawing", function () {
          entry.firstDraw = performance.now() - started;
          entry.timings.drawn = performance.now();  // since navigation began
          container.dataset.drawn = "true";
          const font = ((data.options.nodes || {}).font || {}).size || 14;
          if (!data.sizing && data.view !== "staff" && data.view !== "people changes" && message && !data.message && network.getScale() * font < 8) {
            message.textContent = "Zoom in (scroll, or pinch) to read the schools' names; hover a school for " +
              "its figures, click it to open its page.";
            message.classList.add("hint");
          }
        });
        // Fit the map again when its box changes size (the page settling, printing) until the user moves it.
        let moved = false;
        network.on("dragStart", function () { moved = true; });
        network.on("zoom", function () { moved = true; });
        // A box of another shape than the one the names were placed for (a phone turned, a window resized) asks
        // for the map again, placed for the new box.
        if (window.ResizeObserver) {
          let later = null;
          const reshaped = function () {  // names set apart show from 98 % of the fit's scale on: below, ask again
            if (!data.fit || !container.clientWidth || !container.clientHeight) return false;
            const scale = Math.min(container.clientWidth / data.fit.w, container.clientHeight / data.fit.h,
                                   MAX_FIT_SCALE);
            return scale < 0.99 * data.fit.scale || Math.abs(container.clientWidth - asked[0]) > RESHAPED ||
              Math.abs(container.clientHeight - asked[1]) > RESHAPED;
          };
          entry.observer = new ResizeObserver(function () {
            if (moved) return;
            fit(network, data.fit, container);
            if (!reshaped()) return;
            clearTimeout(later);
            later = setTimeout(function () { if (!moved && reshaped()) redraw(wrap); }, 400);
          });
          entry.observer.observe(container);
        }
        network.on("click", function (params) {
          if (!params.nodes.length) { if (panel) panel.hidden = true; return; }
          const id = nodes.get(params.nodes[0]).key;
          if (data.view === "schools" || data.view === "wiring" || data.view === "changes") {
            window.location.href = "/schools/" + encodeURIComponent(id);  // the school's page: its figures, map, actions
          } else if (panel) {
            showPanel(panel, id, own(data.info, id));
          }
        });
        if (message) message.textContent = data.message || "";
        linksNote(wrap, message, data.note);
        if (data.nodes.length) tools(wrap, container);
        legend(wrap.querySelector(".legend"), data.legend, entry);
      })
      .catch(function (error) { if (message) message.textContent = error.message; });
  }

  // A map's JSON as the server builds it, from the compact form the page asks for (webapp/map_wire.py): nodes,
  // edges and people's details sent as columns, repeated values once, lines' ends as node indices.
  function unpacked(data) {
    if (!data.packed) return data;
    const nodes = rows(data.nodes);
    const edges = rows(data.edges).map(function (e) {
      if (typeof e.from === "number") e.from = nodes[e.from].id;
      if (typeof e.to === "number") e.to = nodes[e.to].id;
      return e;
    });
    const info = {};
    rows(data.info.rows).forEach(function (row, i) { info[data.info.ids[i]] = row; });
    return Object.assign({}, data, { nodes: nodes, edges: edges, info: info });
  }

  function rows(table) {
    const found = [];
    for (let i = 0; i < table.n; i++) found.push({});
    Object.keys(table.columns).forEach(function (key) {
      const column = table.columns[key];
      if (column.p) {
        column.p.forEach(function (value, i) { if (value !== null) found[i][key] = value; });
      } else {  // each row its own copy of a shared object, as if parsed from its own text
        const shared = column.v.map(function (value) { return typeof value === "object" && value !== null; });
        column.c.forEach(function (code, i) {
          if (code >= 0) found[i][key] = shared[code] ? JSON.parse(JSON.stringify(column.v[code])) : column.v[code];
        });
      }
    });
    return found;
  }

  // The names' font (netmap.layout.labels.LABEL_FONT, which app.css's @font-face serves from the app), loaded
  // before a map's first draw: names are placed by DejaVu Sans's widths, and a computer without it (Windows, macOS)
  // would draw them in a wider fallback that overlaps. A font that fails to load never holds the map back.
  function namesFont(timings) {
    const ready = document.fonts && document.fonts.load ? document.fonts.load('12px "DejaVu Sans"') : Promise.resolve();
    return ready.catch(function () { return null; }).then(function () {
      if (timings.font === undefined) timings.font = performance.now();
    });
  }

  // Names: the server gives each node the zoom scale from which its name clears every disc and every more
  // important name (netmap/layout/labels.py), and where the name goes; the page draws names at a constant screen
  // size and shows exactly those whose scale has been reached: nothing to work out here but a comparison.
  function unlabelled(n) {
    if (!n.name_at) return {};
    return n.shape === "text" ? { name: n.label, label: undefined, hidden: true } : { name: n.label, label: undefined };
  }

  function names(wrap, entry, data) {
    const sizing = data.sizing;
    const named = data.nodes.filter(function (n) { return n.name_at && n.name_at.at !== null; })
      .map(function (n) { return { key: n.id, name: n.label, lines: n.name_at.lines || [n.label], place: n.name_at }; });
    let line = wrap.querySelector(".map-names");
    if (!line) {
      line = text("p", "", "map-names");
      wrap.querySelector(".legend").before(line);
    }
    line.replaceChildren();
    if (sizing.offered.length) line.appendChild(sizeControl(wrap, sizing));
    else line.appendChild(text("span", "Size: " + sizing.words + ". "));
    const count = text("span", "");
    line.appendChild(count);
    entry.names = [];
    // fit again once drawn: before its first frame vis-network knows the discs' places, not their sizes
    entry.network.once("afterDrawing", function () { fit(entry.network, data.fit, wrap.querySelector(".map")); });
    entry.network.on("afterDrawing", function (ctx) {
      const scale = entry.network.getScale();
      const px = sizing.px / scale;
      const drawn = [];
      ctx.save();
      ctx.font = px + "px " + sizing.font;
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3 / scale;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = "#1d2733";
      named.forEach(function (n) { if (n.place.leader && n.place.at <= scale) leader(ctx, n.place, scale); });
      named.forEach(function (n) {
        const p = n.place;
        if (p.at > scale) return;
        const x = p.x + p.dx / scale, step = p.h / n.lines.length;
        let measured = 0;
        n.lines.forEach(function (line, k) {
          const y = p.y + (p.dy + (k + 0.5) * step) / scale;
          ctx.strokeText(line, x, y);
          ctx.fillText(line, x, y);
          measured = Math.max(measured, ctx.measureText(line).width * scale);
        });
        const corner = entry.network.canvasToDOM({ x: p.x + p.dx / scale, y: p.y + p.dy / scale });
        drawn.push({ key: n.key, left: corner.x, top: corner.y, width: p.w, height: p.h, px: sizing.px,
                     measured: measured, lines: n.lines.length, apart: !!p.leader });
      });
      ctx.restore();
      entry.names = drawn;
      const noun = sizing.noun, total = named.length;
      count.textContent = drawn.length >= total
        ? "Names of all " + total.toLocaleString() + " " + noun + " shown."
        : "Names of the " + drawn.length.toLocaleString() + " " + noun + " with " + sizing.most + " " + sizing.words +
          " shown; zoom in for more (hover any for its name).";
    });
  }

  // A name set apart from its disc (the server found no room beside it at fit): a dotted hairline from the disc's
  // rim to the nearest point of the name's box, and a dot on the rim; not a tie (the key says so).
  function leader(ctx, p, scale) {
    const disc = p.leader, left = p.x + p.dx / scale, top = p.y + p.dy / scale;
    const x = Math.min(Math.max(disc[0], left), left + p.w / scale);
    const y = Math.min(Math.max(disc[1], top), top + p.h / scale);
    const length = Math.hypot(x - disc[0], y - disc[1]);
    if (length <= disc[2]) return;
    const fromX = disc[0] + (x - disc[0]) * disc[2] / length, fromY = disc[1] + (y - disc[1]) * disc[2] / length;
    ctx.save();
    ctx.strokeStyle = "#1d2733";
    ctx.fillStyle = "#1d2733";
    ctx.lineWidth = 1 / scale;
    ctx.setLineDash([2 / scale, 2 / scale]);
    ctx.beginPath();
    ctx.moveTo(fromX, fromY);
    ctx.lineTo(x, y);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(fromX, fromY, 2 / scale, 0, 2 * Math.PI);
    ctx.fill();
    ctx.restore();
  }

  // The map in `wrap` fetched and drawn again (another size measure, another box).
  function redraw(wrap) {
    delete wrap.querySelector(".map").dataset.drawn;
    const old = window.netmapMaps.find(function (m) { return m.wrap === wrap; });
    if (old) {
      if (old.observer) old.observer.disconnect();
      old.network.destroy();
    }
    wrap.querySelectorAll(".map-tools").forEach(function (bar) { bar.remove(); });
    draw(wrap);
  }

  // A choice of what the map's discs are sized by (and whose names come first): the map is fetched again.
  function sizeControl(wrap, sizing) {
    const label = text("label", "Size: ", "size-control");
    const select = document.createElement("select");
    sizing.offered.forEach(function (pair) {
      const option = text("option", pair[1]);
      option.value = pair[0];
      option.selected = pair[0] === sizing.measure;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      const container = wrap.querySelector(".map");
      const url = new URL(container.dataset.endpoint, window.location.href);
      url.searchParams.set("size", select.value);
      container.dataset.endpoint = url.pathname + url.search;
      redraw(wrap);
    });
    label.appendChild(select);
    label.append(". ");
    return label;
  }

  // Under each map: the map drawn by the server with its title, date, key and names, as a picture (PNG) or a
  // page to print (PDF), and the map as a standalone HTML file.
  function tools(wrap, container) {
    const bar = text("p", "Download this map: ", "map-tools");
    const endpoint = container.dataset.endpoint + (container.dataset.endpoint.indexOf("?") < 0 ? "?" : "&");
    const links = [["picture with title and key (PNG)", "png"], ["page to print (PDF)", "pdf"],
                   ["interactive file (HTML, opens offline)", "html"]].map(function (pair) {
      const link = text("a", pair[0]);
      link.href = endpoint + "format=" + pair[1];
      link.className = "download";
      return link;
    });
    bar.append(links[0], " · ", links[1], " · ", links[2]);
    wrap.appendChild(bar);
  }

  // The school map's sentence on its lines (how many the backbone hides, and how to show them), under the map.
  function linksNote(wrap, message, note) {
    wrap.querySelectorAll(".map-note").forEach(function (old) { old.remove(); });  // a redraw (Size) says it once
    if (!note) return;
    const p = text("p", note, "map-note");
    if (message) message.after(p); else wrap.appendChild(p);
  }

  function setLayer(map, layer, visible) {
    map.edges.update(map.edges.get({ filter: function (e) { return e.layer === layer; } })
      .map(function (e) { return { id: e.id, hidden: !visible }; }));
    map.nodes.update(map.nodes.get({ filter: function (n) { return n.layer === layer; } })
      .map(function (n) { return { id: n.id, hidden: !visible }; }));  // the hard wiring's group hubs
  }

  function toggle(layer, visible) {
    window.netmapMaps.forEach(function (map) { setLayer(map, layer, visible); });
  }

  // The server's reason beside a search field when it gives no suggestions (as text, never as markup).
  function say(input, text) {
    let shown = input.parentElement.querySelector(".suggest-note");
    if (!shown && text) {
      shown = Object.assign(document.createElement("span"), { className: "suggest-note note", role: "status" });
      input.after(shown);
    }
    if (shown) shown.textContent = text;
  }

  // Person search: suggestions for any part of a name, fetched as the user types (names stay text: option values).
  function suggest(input) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length < 2) { list.replaceChildren(); return; }
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
          .then(function (r) {
            if (r.ok) { say(input, ""); return r.json(); }
            // a refusal (e.g. no purpose stated yet) says why beside the field instead of showing nothing
            return r.json().then(function (body) { say(input, body.error || ""); return []; }, function () { return []; });
          })
          .then(function (people) {
            list.replaceChildren.apply(list, people.map(function (p) {
              const option = document.createElement("option");
              option.value = p.name;
              option.label = p.name + " (" + p.school + ")";
              return option;
            }));
          });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map-wrap").forEach(draw);
    document.querySelectorAll("input[data-suggest]").forEach(suggest);
    const soft = document.getElementById("show-soft");
    const hard = document.getElementById("show-hard");
    if (soft) soft.addEventListener("change", function () { toggle("soft", soft.checked); });
    if (hard) hard.addEventListener("change", function () { toggle("hard", hard.checked); });
  });
})();
