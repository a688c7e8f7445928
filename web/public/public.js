// The public page: response-time figures and a tracking-number lookup. The API
// returns no personal data; values still go in with textContent only.
"use strict";

(function () {
  const $ = function (id) { return document.getElementById(id); };

  // The API names departments and categories in this language.
  const lang = "?lang=" + encodeURIComponent(document.documentElement.lang || "en");


  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function renderDayHeads(heads) {
    const body = $("day-heads");
    body.replaceChildren.apply(body, heads.map(function (h) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "day-head";
      tr.append(cell(h.day), cell(String(h.petitions)), cell(h.digest, "digest"));
      return tr;
    }));
  }

  // What the chain check says, in words.
  async function showChain(number, receipt, zone) {
    const out = $("t-chain");
    const said = $("t-receipt");
    said.hidden = true;
    const query = receipt ? "?receipt=" + encodeURIComponent(receipt.toLowerCase()) : "";
    const res = await fetch("/public/api/verify/" + encodeURIComponent(number) + query,
                            { headers: { "Accept": "application/json" } });
    if (!res.ok) {
      out.textContent = res.status === 400 ? "A check code is 16 to 64 hexadecimal digits." : "The timeline could not be checked.";
      return;
    }
    const v = await res.json();
    const at = function (e) { return "entry " + (e.index + 1) + " (" + window.pgLocalTime(e.at, zone) + ", " + e.status + ")"; };
    out.textContent = v.intact
      ? "Timeline intact: all " + v.entries + " entries check out against their seals."
      : "Timeline broken at " + at(v.broken_at) + ": " + v.broken_at.reason + ".";
    if (v.receipt) {
      said.textContent = v.receipt.found
        ? "Your check code seals " + at(v.receipt.entry) + "."
        : "Your check code is not in this timeline.";
      said.hidden = false;
    }
  }

  async function loadFigures() {
    try {
      const res = await fetch("/public/api/figures" + lang, { headers: { "Accept": "application/json" } });
      if (!res.ok) throw new Error("HTTP " + res.status);
      const figures = await res.json();
      window.pgFigures.render($("figures"), figures);
      renderDayHeads(figures.day_heads || []);
      $("figures-error").hidden = true;
    } catch (e) {
      $("figures-error").textContent = "Figures are not available right now.";
      $("figures-error").hidden = false;
    }
  }

  $("track-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const err = $("track-error");
    err.hidden = true;
    $("track-result").hidden = true;
    const number = $("track-number").value.trim();
    const res = await fetch("/public/api/track/" + encodeURIComponent(number) + lang,
                            { headers: { "Accept": "application/json" } });
    if (!res.ok) {
      err.textContent = res.status === 404 ? "No petition has this tracking number." : "Lookup failed, try again.";
      err.hidden = false;
      return;
    }
    const p = await res.json();
    $("t-tracking").textContent = p.tracking;
    $("t-status").textContent = p.status;
    $("t-category").textContent = p.category_label || p.category;
    $("t-department").textContent = p.department_label || p.department;
    const list = $("t-timeline");
    list.replaceChildren.apply(list, p.timeline.map(function (e) {
      const li = document.createElement("li");
      li.dataset.testid = "track-timeline-entry";
      li.textContent = window.pgLocalTime(e.at, p.time_zone) + " · " + e.kind.replace("_", " ") + (e.kind === "transition" ? " → " + e.status : "");
      return li;
    }));
    $("track-result").hidden = false;
    await showChain(p.tracking, $("track-receipt").value.trim(), p.time_zone);
  });

  loadFigures();
  setInterval(loadFigures, 30000);
})();
