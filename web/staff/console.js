// Staff console: login, petition list with filters, detail with timeline and
// conversation, actions. Polls every few seconds so actions taken from Telegram
// or Slack show up. All data is inserted with textContent, never as HTML.
"use strict";

(function () {
  const api = "/staff/console/api";
  const pollMs = 4000;
  // Departments and categories come with labels in the page's language.
  const lang = document.documentElement.lang || "en";
  let me = null;          // {name, supervisor, departments, csrf_token, time_zone}
  let selected = null;    // tracking number shown in the detail panel
  let view = "petitions";
  let timer = null;

  const $ = function (id) { return document.getElementById(id); };

  function showError(text) {
    const e = $("error");
    e.textContent = text || "";
    e.hidden = !text;
  }

  async function call(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      if (me) headers["X-CSRF-Token"] = me.csrf_token;
    }
    const res = await fetch(path, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && path !== "/staff/login") {
      loggedOut();
      throw new Error("Your session has ended; please log in again.");
    }
    if (!res.ok) throw new Error((data && data.error) || ("HTTP " + res.status));
    return data;
  }

  // In the city's zone, which /me names (deadlines.time_zone).
  function when(iso) { return window.pgLocalTime(iso, me && me.time_zone); }

  // ---- login ----

  function loggedIn(data) {
    me = data;
    $("login").hidden = true;
    $("app").hidden = false;
    $("logout").hidden = false;
    const who = $("who");
    who.hidden = false;
    const departments = me.department_labels || me.departments;
    who.textContent = me.name + (departments.length ? " (" + departments.join(", ") + ")" : "") +
      (me.supervisor ? " · supervisor" : "");
    $("tab-oversight").hidden = !me.supervisor;
    $("erase-form").hidden = !me.supervisor;  // erasure is the coordinating office's decision
    showError("");
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, pollMs);
  }

  function loggedOut() {
    me = null;
    selected = null;
    clearInterval(timer);
    $("login").hidden = false;
    $("app").hidden = true;
    $("logout").hidden = true;
    $("who").hidden = true;
    $("detail").hidden = true;
  }

  $("login").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const err = $("login-error");
    err.hidden = true;
    try {
      const data = await call("POST", "/staff/login",
        { name: $("login-name").value, password: $("login-password").value });
      $("login-password").value = "";
      loggedIn(data);
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
    }
  });

  $("logout").addEventListener("click", async function () {
    try { await call("POST", "/staff/logout"); } catch (e) { /* gone already */ }
    loggedOut();
  });

  // ---- list ----

  function query() {
    const q = new URLSearchParams();
    if ($("filter-status").value) q.set("status", $("filter-status").value);
    if ($("filter-department").value.trim()) q.set("department", $("filter-department").value.trim());
    if ($("filter-overdue").checked) q.set("overdue", "true");
    q.set("lang", lang);
    return "?" + q.toString();
  }

  async function loadList() {
    const data = await call("GET", api + "/petitions" + query());
    const rows = $("rows");
    const fresh = data.petitions.map(function (p) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "petition-row";
      tr.dataset.tracking = p.tracking;
      tr.dataset.status = p.status;
      tr.dataset.department = p.department;
      tr.tabIndex = 0;
      if (p.tracking === selected) tr.className = "selected";
      if (p.overdue) tr.classList.add("overdue");
      [p.tracking, p.status, p.department_label || p.department, when(p.submitted_at)].forEach(function (text, i) {
        const td = document.createElement("td");
        td.textContent = text;
        if (i === 0) td.dataset.testid = "row-tracking";
        if (i === 1) td.dataset.testid = "row-status";
        if (i === 2) td.dataset.testid = "row-department";
        tr.appendChild(td);
      });
      tr.addEventListener("click", function () { select(p.tracking); });
      tr.addEventListener("keydown", function (e) { if (e.key === "Enter") select(p.tracking); });
      return tr;
    });
    rows.replaceChildren.apply(rows, fresh);
    $("empty").hidden = fresh.length > 0;
  }

  ["filter-status", "filter-department", "filter-overdue"].forEach(function (id) {
    $(id).addEventListener("change", function () { loadList().catch(function (e) { showError(e.message); }); });
  });
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });

  // ---- detail ----

  function select(tracking) {
    selected = tracking;
    $("act-result").textContent = "";
    loadDetail().catch(function (e) { showError(e.message); });
    loadList().catch(function () {});
  }

  async function loadDetail() {
    if (!selected) return;
    const p = await call("GET", api + "/petitions/" + encodeURIComponent(selected) + "?lang=" + lang);
    $("detail").hidden = false;
    $("d-tracking").textContent = p.tracking;
    const status = $("d-status");
    status.textContent = p.status;
    status.dataset.status = p.status;
    $("d-category").textContent = p.category_label || p.category;
    $("d-department").textContent = p.department_label || p.department;
    $("d-channel").textContent = p.channel;
    $("d-assignee").textContent = p.assignee || "—";
    $("d-location").textContent = p.location || (p.map_point ? p.map_point.latitude + ", " + p.map_point.longitude : "—");
    $("d-deadline").textContent = when(p.deadline_at) + (p.overdue ? " (overdue)" : "");
    const clock = $("d-clock");
    clock.textContent = p.paused ? "paused since " + when(p.paused_since) : "running";
    clock.dataset.paused = p.paused ? "true" : "false";
    $("pause-form").hidden = !!p.paused;
    document.querySelector('[data-action="resume"]').hidden = !p.paused;

    // Each pause with its reason, and when (and by whom, or by which action) it resumed.
    const pauses = $("d-pauses");
    const spans = [];
    p.timeline.forEach(function (e) {
      if (e.kind === "pause") spans.push({ pause: e });
      else if (e.kind === "resume" && spans.length && !spans[spans.length - 1].resume) spans[spans.length - 1].resume = e;
    });
    pauses.replaceChildren.apply(pauses, spans.map(function (s) {
      const li = document.createElement("li");
      li.dataset.testid = "pause-entry";
      const head = document.createElement("span");
      head.className = "meta";
      head.textContent = when(s.pause.at) + " – " + (s.resume ? when(s.resume.at) : "now (paused)") + " · " +
        (s.pause.actor_name || s.pause.actor) +
        (s.resume ? " · resumed by " + (s.resume.actor_name || s.resume.actor) + (s.resume.note ? " (" + s.resume.note + ")" : "") : "");
      const reason = document.createElement("p");
      reason.textContent = s.pause.note;
      li.append(head, reason);
      return li;
    }));

    const conv = $("d-conversation");
    conv.replaceChildren.apply(conv, p.conversation.map(function (m) {
      const li = document.createElement("li");
      li.className = "msg " + m.from;
      li.dataset.testid = "conversation-entry";
      li.dataset.kind = m.kind;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = (m.from === "staff" ? (m.name || "staff") : "citizen") + " · " + m.kind.replace("_", " ") +
        " · " + when(m.at);
      const text = document.createElement("p");
      text.textContent = m.text;
      li.append(meta, text);
      return li;
    }));

    const tl = $("d-timeline");
    tl.replaceChildren.apply(tl, p.timeline.map(function (e) {
      const li = document.createElement("li");
      li.dataset.testid = "timeline-entry";
      li.dataset.kind = e.kind;
      li.dataset.status = e.status;
      const head = document.createElement("span");
      head.className = "meta";
      head.textContent = when(e.at) + " · " + e.kind + (e.kind === "transition" ? " → " + e.status : "") + " · " +
        (e.actor_name || e.actor) + (e.channel ? " via " + e.channel : "") +
        (e.department ? " · " + (e.department_label || e.department) : "");
      li.appendChild(head);
      if (e.note) {
        const note = document.createElement("p");
        note.textContent = e.note;
        li.appendChild(note);
      }
      return li;
    }));
  }

  // `verb`: "actions" (the lifecycle) or "erase".
  async function act(body, form, verb) {
    if (!selected) return;
    const result = $("act-result");
    try {
      const p = await call("POST", api + "/petitions/" + encodeURIComponent(selected) + "/" + (verb || "actions"), body);
      result.textContent = (body.action || verb) + ": done, now " + p.status;
      result.dataset.result = "ok";
      if (form) form.reset();
    } catch (e) {
      result.textContent = (body.action || verb) + ": " + e.message;
      result.dataset.result = "refused";
    }
    await Promise.all([loadDetail(), loadList()]).catch(function (e) { showError(e.message); });
  }

  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { act({ action: b.dataset.action }); });
  });
  function onSubmit(id, make) {
    $(id).addEventListener("submit", function (ev) { ev.preventDefault(); act(make(), $(id)); });
  }
  onSubmit("answer-form", function () { return { action: "answer", text: $("answer-text").value }; });
  onSubmit("transfer-form", function () {
    return { action: "transfer", department: $("transfer-department").value.trim(), text: $("transfer-reason").value };
  });
  onSubmit("reject-form", function () { return { action: "reject", text: $("reject-reason").value }; });
  onSubmit("note-form", function () { return { action: "note", text: $("note-text").value }; });
  onSubmit("assign-form", function () { return { action: "assign", assignee: $("assign-name").value.trim() }; });
  onSubmit("pause-form", function () { return { action: "pause", text: $("pause-reason").value }; });
  $("erase-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    act({ reason: $("erase-reason").value }, $("erase-form"), "erase");
  });

  // ---- oversight ----

  function rows(body, items, testid, cells) {
    body.replaceChildren.apply(body, items.map(function (item) {
      const tr = document.createElement("tr");
      tr.dataset.testid = testid;
      cells(item).forEach(function (text) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  async function loadAudit() {
    const data = await call("GET", api + "/audit?limit=50");
    rows($("o-audit"), data.audit, "audit-row", function (a) {
      return [when(a.at), a.who + " (" + a.via + ")", a.source,
              a.method + " " + a.resource + (a.action ? " · " + a.action : ""), a.tracking || "—", String(a.status)];
    });
  }

  async function loadOversight() {
    loadAudit().catch(function (e) { showError(e.message); });
    const data = await call("GET", api + "/oversight?lang=" + lang);
    window.pgFigures.render($("o-figures"), data.figures);
    rows($("o-overdue"), data.overdue, "overdue-row", function (o) {
      return [o.tracking, o.department_label || o.department, o.missed, window.pgFigures.duration(o.late_ms),
              o.assignee || "—"];
    });
  }

  function show(which) {
    view = which;
    $("petitions-view").hidden = which !== "petitions";
    $("oversight-view").hidden = which !== "oversight";
    $("tab-petitions").setAttribute("aria-pressed", String(which === "petitions"));
    $("tab-oversight").setAttribute("aria-pressed", String(which === "oversight"));
    refresh();
  }
  $("tab-petitions").addEventListener("click", function () { show("petitions"); });
  $("tab-oversight").addEventListener("click", function () { show("oversight"); });

  // ---- polling ----

  function refresh() {
    if (!me) return;
    const work = view === "oversight" ? [loadOversight()] : [loadList(), loadDetail()];
    Promise.all(work).then(function () { showError(""); }, function (e) { showError(e.message); });
  }

  // Already logged in (a reload): the cookie still names a session.
  call("GET", api + "/me?lang=" + lang).then(loggedIn, function () { loggedOut(); });
})();
