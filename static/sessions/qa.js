// The live Q&A (templates/sessions/live.html and present.html). The server renders the thread
// (sessions/live_parts.html, at the page's data-thread-url); this swaps it in with htmx whenever the /qa
// socket says the thread or its votes changed, and sends questions, votes and poll answers over the socket.
// A swap keeps what the person was doing: the button they were on, the poll options they ticked.
import { gettext } from "../base/i18n.js";
import { openSocket } from "../base/live.js";

const root = document.querySelector(".qa-live");
const socket = root && window.htmx ? openSocket("/qa") : null;
if (socket) { follow(root, socket); }

function follow(root, socket) {
  const mode = root.dataset.mode === "present" ? "present" : "live";
  const list = document.getElementById("qa-questions");
  const announcer = document.getElementById("qa-announcer");
  const feedback = document.getElementById("qa-feedback");  // visible: what went wrong, for everyone
  const where = { event: root.dataset.event, session: root.dataset.session };
  const mine = new Set();  // questions this page asked: their arrival is not news to the asker
  let order = "votes";
  let primed = false;  // the first view after connecting is not news either
  let pending = null;
  let again = false;

  function say(text) { if (announcer) { announcer.textContent = text; } }
  function complain(text) { if (feedback) { feedback.textContent = text; } say(text); }

  function questionIds() {
    return new Set(Array.from(list.querySelectorAll("li[id^='question-']"), function (li) { return li.id; }));
  }

  // What a swap would take away: the ticks in a poll not yet sent, and which vote button had the focus.
  function remember() {
    const ticked = {};
    document.querySelectorAll("form[data-poll][data-touched]").forEach(function (form) {
      ticked[form.dataset.poll] = Array.from(form.querySelectorAll("input:checked"), function (input) { return input.value; });
    });
    const focused = document.activeElement && document.activeElement.closest("button[data-vote]");
    return { ticked: ticked, vote: focused ? focused.dataset.vote : null };
  }

  function restore(kept) {
    Object.keys(kept.ticked).forEach(function (poll) {
      const form = document.querySelector('form[data-poll="' + CSS.escape(poll) + '"]');
      if (!form) { return; }
      form.dataset.touched = "true";
      form.querySelectorAll("input").forEach(function (input) { input.checked = kept.ticked[poll].indexOf(input.value) >= 0; });
    });
    if (kept.vote) {
      const button = list.querySelector('button[data-vote="' + CSS.escape(kept.vote) + '"]');
      if (button) { button.focus(); }
    }
  }

  function refresh() {
    if (pending) { again = true; return pending; }  // a burst of changes is one more request, not one each
    const before = questionIds();
    const kept = remember();
    const url = new URL(root.dataset.threadUrl, window.location.href);
    url.searchParams.set("mode", mode);
    url.searchParams.set("order", order);
    pending = window.htmx.ajax("GET", url.pathname + url.search, { target: list, swap: "innerHTML" }).then(function () {
      restore(kept);
      const fresh = Array.from(list.querySelectorAll("li[id^='question-']")).filter(function (li) {
        return !before.has(li.id) && !mine.has(li.id);
      });
      if (primed && fresh.length) { say(gettext("New question: %(question)s", { question: fresh[0].querySelector(".question-body").textContent })); }
      primed = true;
    }).finally(function () {
      pending = null;
      if (again) { again = false; refresh(); }
    });
    return pending;
  }

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
    const up = button.dataset.up === "true";
    socket.emit("vote", Object.assign({ question: parseInt(button.dataset.vote, 10), up: up }, where), function (answer) {
      if (answer.ok) { say(up ? gettext("Your vote is counted.") : gettext("Your vote is taken back.")); } else { complain(answer.error); }
      refresh();
    });
  });

  document.addEventListener("change", function (event) {
    const form = event.target.closest("form[data-poll]");
    if (form) { form.dataset.touched = "true"; }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-poll]");
    if (!form) { return; }
    event.preventDefault();
    const choices = Array.from(form.querySelectorAll("input:checked"), function (input) { return parseInt(input.value, 10); });
    socket.emit("poll_answer", Object.assign({ poll: parseInt(form.dataset.poll, 10), choices: choices }, where), function (answer) {
      if (answer.ok) { delete form.dataset.touched; say(gettext("Your answer is counted.")); } else { complain(answer.error); }
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
        if (answer.ok) {
          mine.add("question-" + answer.id);
          body.value = "";
          error.textContent = "";
          say(answer.waiting ? gettext("Your question is waiting for a moderator.") : gettext("Your question is posted."));
          refresh();
        } else {
          error.textContent = answer.error;
        }
      });
    });
  }
}
