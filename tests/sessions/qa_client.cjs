// The official socket.io JavaScript client speaks /qa exactly as the README documents it.
// Usage: node qa_client.cjs <base url> <cookie header> <event> <session>; prints one JSON line of what it saw.
const path = require("path");
const { io } = require(path.join(__dirname, "..", "..", "node_modules", "socket.io-client"));

const [base, cookie, event, session] = process.argv.slice(2);
const socket = io(base + "/qa", { transports: ["websocket"], extraHeaders: { Cookie: cookie }, reconnection: false });
const call = (name, payload) => socket.timeout(10000).emitWithAck(name, payload);

socket.on("connect", async () => {
  try {
    const watched = await call("watch", { event, session });
    const asked = await call("ask", { body: "Asked from Node: does the rule of five apply to e-books?", anonymous: false });
    const thread = await call("thread", { order: "time" });
    const mine = thread.questions.find((q) => q.id === asked.id);
    console.log(JSON.stringify({ watched: watched.ok, asked: asked.ok, id: asked.id, body: mine && mine.body,
                                 mine: mine && mine.mine, votes: mine && mine.votes }));
  } catch (error) {
    console.log(JSON.stringify({ error: String(error) }));
  }
  socket.close();
});
socket.on("connect_error", (error) => { console.log(JSON.stringify({ error: String(error) })); process.exit(1); });
