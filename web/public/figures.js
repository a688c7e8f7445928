// Renders response-time figures (GET /public/api/figures, or the oversight
// API's "figures") as tables. Shared by the public page and the staff console.
// Every value goes in with textContent. Departments and categories show their
// label (the API's "label", in the page's language), not their id. Each table
// scrolls sideways in its own box on a narrow screen, not the page.
"use strict";

window.pgFigures = (function () {
  function duration(ms) {
    if (ms === null || ms === undefined) return "—";
    const minutes = Math.round(ms / 60000);
    if (minutes < 60) return minutes + " min";
    const hours = ms / 3600000;
    if (hours < 48) return hours.toFixed(1) + " h";
    return (hours / 24).toFixed(1) + " d";
  }

  function cell(row, text, tag) {
    const c = document.createElement(tag || "td");
    c.textContent = text;
    row.appendChild(c);
    return c;
  }

  function table(title, groups, testid) {
    const section = document.createElement("section");
    section.className = "figures";
    const h = document.createElement("h3");
    h.textContent = title;
    section.appendChild(h);
    const box = document.createElement("div");
    box.className = "table-scroll";
    const t = document.createElement("table");
    t.className = "list";
    t.dataset.testid = testid;
    const head = document.createElement("tr");
    ["", "Received", "Answered", "Transferred on", "Closed", "Resolved", "Not resolved", "Satisfied (of rated)",
     "Overdue", "First response median", "First response p90", "Answer median", "Answer p90", "Closure median",
     "Held median", "Paused (pauses)", "Paused median"]
      .forEach(function (name) { cell(head, name, "th"); });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    t.appendChild(thead);
    const body = document.createElement("tbody");
    groups.forEach(function (g) {
      const r = document.createElement("tr");
      r.dataset.testid = "figures-row";
      r.dataset.key = g.key;
      cell(r, g.label || g.key || "all");
      cell(r, String(g.received));
      cell(r, String(g.answered));
      cell(r, String(g.transferred));
      cell(r, String(g.closed));
      cell(r, String(g.resolved));
      cell(r, String(g.not_resolved));
      cell(r, g.satisfied + " (of " + g.rated + ")");
      cell(r, String(g.overdue));
      cell(r, duration(g.first_response_ms.median));
      cell(r, duration(g.first_response_ms.p90));
      cell(r, duration(g.answer_ms.median));
      cell(r, duration(g.answer_ms.p90));
      cell(r, duration(g.closure_ms.median));
      cell(r, duration(g.held_ms.median));
      cell(r, g.paused + " (" + g.pauses + ")");
      cell(r, duration(g.paused_ms.median));
      body.appendChild(r);
    });
    t.appendChild(body);
    box.appendChild(t);
    section.appendChild(box);
    return section;
  }

  // Groups that wait markedly longer than everyone (the API's equity rule).
  function equity(f) {
    const section = document.createElement("section");
    section.className = "figures";
    section.dataset.testid = "figures-equity";
    const h = document.createElement("h3");
    h.textContent = "Who waits longer";
    section.appendChild(h);
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "Flagged: " + f.equity_rule + ".";
    section.appendChild(p);
    const list = document.createElement("ul");
    const clocks = { first_response: "first response", answer: "answer" };
    const dimensions = { channel: "Channel", category: "Category", district: "District",
      time_of_day: "Filed at (local time)" };
    f.equity.forEach(function (e) {
      const item = document.createElement("li");
      item.dataset.testid = "equity-flag";
      item.textContent = (dimensions[e.dimension] || e.dimension) + " " + (e.label || e.key) + ": median " +
        (clocks[e.clock] || e.clock) + " " + duration(e.median_ms) + " against " + duration(e.overall_median_ms) +
        " for all (" + e.count + " petitions)";
      list.appendChild(item);
    });
    if (!f.equity.length) {
      const none = document.createElement("li");
      none.textContent = "No group waits markedly longer.";
      list.appendChild(none);
    }
    section.appendChild(list);
    return section;
  }

  function render(container, f) {
    const note = document.createElement("p");
    note.className = "muted";
    note.dataset.testid = "figures-note";
    note.textContent = "Times are working time (" + f.time_zone + "): a petition's clock runs from filing and " +
      "is never reset; each department is charged only the time it held the petition. Held: until it " +
      "transferred, answered, rejected or closed it. A clock pauses only with a recorded reason (for example, " +
      "waiting for the citizen or another authority): paused time is left out of every time above and of the " +
      "deadlines, and shown apart as Paused.";
    const parts = [
      note,
      table("All petitions", [f.total], "figures-total"),
      table("By department (its own time)", f.by_department, "figures-department"),
      table("By category", f.by_category, "figures-category"),
      table("By channel", f.by_channel, "figures-channel"),
      table("By month (" + f.time_zone + ")", f.by_month, "figures-month"),
      table("By local time of filing", f.by_time_of_day, "figures-time-of-day")];
    if (f.by_district && f.by_district.length)  // only with districts in the config
      parts.push(table("By district", f.by_district, "figures-district"));
    parts.push(equity(f));
    container.replaceChildren.apply(container, parts);
  }

  return { render: render, duration: duration };
})();
