// Times as the city reads them: in the service's zone (config deadlines.time_zone,
// which the APIs send as time_zone), "2026-12-05 21:30:15 (UTC+08:00)"; in UTC as
// "2026-12-05 13:30:15 UTC". The APIs themselves carry UTC ISO 8601 times.
"use strict";

window.pgLocalTime = function (iso, zone) {
  if (!iso) return "";
  const utc = function () { return iso.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC"); };
  const d = new Date(iso);
  if (!zone || zone === "UTC" || isNaN(d.getTime())) return utc();
  try {
    const parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "longOffset",
    }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    const offset = (parts.timeZoneName || "GMT").replace("GMT", "") || "+00:00";
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" +
      parts.second + " (UTC" + offset + ")";
  } catch (e) {
    return utc();  // a zone this browser does not know: UTC, named as such
  }
};
