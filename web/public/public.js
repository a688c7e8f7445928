// The public page: response-time figures and a tracking-number lookup. The API
// returns no personal data; values still go in with textContent only.
"use strict";

(function () {
  const $ = function (id) { return document.getElementById(id); };

  // The API names departments and categories in this language.
  const lang = "?lang=" + encodeURIComponent(document.documentElement.lang || "en");


  async function loadFigures() {
    try {
      const res = await fetch("/public/api/figures" + lang, { headers: { "Accept": "application/json" } });
      if (!res.ok) throw new Error("HTTP " + res.status);
      window.pgFigures.render($("figures"), await res.json());
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
  });

  loadFigures();
  setInterval(loadFigures, 30000);
})();
