// Hallway's page glue: CSRF for htmx requests and the shared live connection.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]');

  document.addEventListener("htmx:configRequest", function (event) {
    if (csrf) { event.detail.headers["x-csrftoken"] = csrf.content; }
  });

  function showAnnouncement(payload) {
    const region = document.getElementById("announcements");
    if (!region || !payload || typeof payload.text !== "string") { return; }
    const item = document.createElement("p");
    item.className = "announcement";
    item.textContent = payload.author ? payload.author + ": " + payload.text : payload.text;
    region.appendChild(item);
  }

  function connect() {
    if (typeof window.io !== "function") { return; }
    // WebSocket only: every worker can serve any client without sticky sessions.
    const socket = window.io({ transports: ["websocket"] });
    socket.on("announcement", showAnnouncement);
    socket.on("notification", function (payload) {
      const badge = document.getElementById("unread-badge");
      const count = document.getElementById("unread-count");
      if (badge && count) { count.textContent = String(payload.unread); badge.hidden = payload.unread < 1; }
      showAnnouncement({ text: payload.text });
    });
    window.hallway = { socket: socket };
  }

  connect();
})();

// Offer the viewer's own time zone in the schedule's zone switch.
(function () {
  "use strict";
  const select = document.querySelector("select[data-viewer-zone]");
  if (!select || !window.Intl) { return; }
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!own || Array.from(select.options).some(function (o) { return o.value === own; })) { return; }
  const option = document.createElement("option");
  option.value = own;
  option.textContent = own.replace(/_/g, " ") + " (this device)";
  select.appendChild(option);
})();
