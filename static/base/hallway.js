// Hallway's page glue on every page: CSRF for htmx requests, the shared live connection (announcements,
// notifications) and the viewer's own time zone in the schedule's zone switch.
import { csrfHeaders } from "./csrf.js";
import { openSocket } from "./live.js";

document.addEventListener("htmx:configRequest", function (event) {
  Object.assign(event.detail.headers, csrfHeaders());
});

function showAnnouncement(payload) {
  const region = document.getElementById("announcements");
  if (!region || !payload || typeof payload.text !== "string") { return; }
  const item = document.createElement("p");
  item.className = "announcement";
  item.textContent = payload.author ? payload.author + ": " + payload.text : payload.text;
  region.appendChild(item);
}

const socket = openSocket();
if (socket) {
  socket.on("announcement", showAnnouncement);
  socket.on("notification", function (payload) {
    const badge = document.getElementById("unread-badge");
    const count = document.getElementById("unread-count");
    if (badge && count) { count.textContent = String(payload.unread); badge.hidden = payload.unread < 1; }
    showAnnouncement({ text: payload.text });
  });
  window.hallway = { socket: socket };
}

const zones = document.querySelector("select[data-viewer-zone]");
if (zones && window.Intl) {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (own && !Array.from(zones.options).some(function (o) { return o.value === own; })) {
    const option = document.createElement("option");
    option.value = own;
    option.textContent = own.replace(/_/g, " ") + " (this device)";
    zones.appendChild(option);
  }
}
