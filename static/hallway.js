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
    window.hallway = { socket: socket };
  }

  connect();
})();
