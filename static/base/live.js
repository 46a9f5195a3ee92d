// One way to open a socket.io connection: WebSocket only, so every worker can serve any client without
// sticky sessions (see server/live.py). Returns null when the socket.io client did not load.
export function openSocket(namespace) {
  if (typeof window.io !== "function") { return null; }
  return namespace ? window.io(namespace, { transports: ["websocket"] }) : window.io({ transports: ["websocket"] });
}
