// The live Q&A (templates/sessions/live.html and present.html). The server renders the thread
// (sessions/live_thread.html, at the page's data-thread-url); this swaps it in with htmx whenever the /qa
// socket says the thread or its votes changed, and sends questions, votes and poll answers over the socket.
import { openSocket } from "../base/live.js";

const root = document.querySelector(".qa-live");
const socket = root && window.htmx ? openSocket("/qa") : null;
if (socket) { follow(root, socket); }

function follow(root, socket) {
  const mode = root.dataset.mode === "present" ? "present" : "live";
  const list = document.getElementById("qa-questions");
  const announcer = document.getElementById("qa-announcer");
  const where = { event: root.dataset.event, session: root.dataset.session };
  let order = "votes";
  let pending = null;
  let again = false;

  function questionIds() {
    return new Set(Array.from(list.querySelectorAll("li[id^='question-']"), function (li) { return li.id; }));
  }

  function refresh() {
    if (pending) { again = true; return pending; }  // a burst of changes is one more request, not one each
    const before = questionIds();
    const url = new URL(root.dataset.threadUrl, window.location.href);
    url.searchParams.set("mode", mode);
    url.searchParams.set("order", order);
    pending = window.htmx.ajax("GET", url.pathname + url.search, { target: list, swap: "innerHTML" }).then(function () {
      const fresh = Array.from(list.querySelectorAll("li[id^='question-']")).filter(function (li) { return !before.has(li.id); });
      if (announcer && before.size && fresh.length) {
        announcer.textContent = "New question: " + fresh[0].querySelector(".question-body").textContent;
      }
    }).finally(function () {
      pending = null;
      if (again) { again = false; refresh(); }
    });
    return pending;
  }

  function say(text) { if (announcer) { announcer.textContent = text; } }

  socket.on("connect", function () { socket.emit("watch", Object.assign({ order: order }, where), refresh); });
  socket.on("thread_changed", refresh);
  socket.on("votes", function (update) {
    Object.keys(update.counts).forEach(function (id) {
      const badge = list.querySelector("#question-" + CSS.escape(id) + " .votes");
      if (badge) { badge.textContent = "▲ " + update.counts[id]; }
    });
    if (mode === "present" || order === "votes") { refresh(); }  // the order itself may have changed
  });

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-vote]");
    if (!button) { return; }
    const vote = { question: parseInt(button.dataset.vote, 10), up: button.dataset.up === "true" };
    socket.emit("vote", Object.assign(vote, where), function (answer) { if (!answer.ok) { say(answer.error); } refresh(); });
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-poll]");
    if (!form) { return; }
    event.preventDefault();
    const choices = Array.from(form.querySelectorAll("input:checked"), function (input) { return parseInt(input.value, 10); });
    socket.emit("poll_answer", Object.assign({ poll: parseInt(form.dataset.poll, 10), choices: choices }, where), function (answer) {
      say(answer.ok ? "Your answer is counted." : answer.error);
      refresh();
    });
  });

  root.querySelectorAll("button[data-order]").forEach(function (button) {
    button.addEventListener("click", function () {
      order = button.dataset.order;
      root.querySelectorAll("button[data-order]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      refresh();
    });
  });

  const ask = document.getElementById("qa-ask");
  if (ask) {
    ask.addEventListener("submit", function (event) {
      event.preventDefault();
      const body = document.getElementById("qa-body");
      const error = document.getElementById("qa-error");
      const question = { body: body.value, anonymous: document.getElementById("qa-anonymous").checked };
      socket.emit("ask", Object.assign(question, where), function (answer) {
        if (answer.ok) { body.value = ""; error.textContent = ""; say("Your question is posted."); refresh(); }
        else { error.textContent = answer.error; }
      });
    });
  }
}
