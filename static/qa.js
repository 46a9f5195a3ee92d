// The live Q&A: the thread updates for everyone watching; questions and votes go over socket.io.
(function () {
  "use strict";
  const root = document.querySelector(".qa-live");
  if (!root || typeof window.io !== "function") { return; }
  const present = root.dataset.mode === "present";
  const list = document.getElementById("qa-questions");
  const announcer = document.getElementById("qa-announcer");
  const where = { event: root.dataset.event, session: root.dataset.session };
  const socket = window.io("/qa", { transports: ["websocket"] });
  let order = "votes";
  let known = new Set();
  let canVote = false;

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function item(question) {
    const li = element("li", { id: "question-" + question.id, class: "question status-" + question.status + (question.pinned ? " pinned" : "") });
    const head = element("div", { class: "question-head" });
    head.appendChild(element("span", { class: "votes", "data-votes": String(question.id) }, "▲ " + question.votes));
    const words = element("div");
    words.appendChild(element("p", { class: "question-body" }, question.body));
    if (!present) {
      const flags = [question.author, "asked " + question.phase + " the session"];
      if (question.pinned) { flags.push("pinned"); }
      if (question.status === "awaiting") { flags.push("awaiting moderation"); }
      if (question.status === "answered") { flags.push("answered"); }
      words.appendChild(element("p", { class: "meta" }, flags.join(" · ")));
    }
    if (present && question.status === "answered") { words.appendChild(element("p", { class: "answered-mark" }, "✓ Answered")); }
    head.appendChild(words);
    li.appendChild(head);
    if (!present && canVote && !question.mine && (question.status === "visible" || question.status === "answered")) {
      const button = element("button", { type: "button", class: "secondary small", "data-vote": String(question.id),
        "data-up": question.voted ? "false" : "true", "aria-label": (question.voted ? "Withdraw my vote: " : "Up-vote: ") + question.body.slice(0, 60) },
        question.voted ? "Withdraw my vote" : "Up-vote");
      li.appendChild(button);
    }
    if (!present) {
      question.answers.forEach(function (answer) {
        const box = element("div", { class: "answer" + (answer.by_presenter ? " by-presenter" : "") });
        box.appendChild(element("p", { class: "meta" }, answer.author + (answer.by_presenter ? " (presenter)" : "") + " answered:"));
        const body = element("div");
        body.innerHTML = answer.html; // sanitised on the server (nh3) when the answer was saved
        box.appendChild(body);
        li.appendChild(box);
      });
    }
    return li;
  }

  function pollCard(poll) {
    const card = element("div", { class: "card poll" });
    card.appendChild(element("h3", {}, poll.question + (poll.status === "closed" ? " (closed)" : "")));
    if (poll.status === "open" && canVote && !present) {
      const form = element("form", { class: "stack-form" });
      const group = element("fieldset", { class: "field" });
      group.appendChild(element("legend", { class: "visually-hidden" }, poll.question));
      poll.options.forEach(function (option, index) {
        const label = element("label", { class: "check" });
        const input = element("input", { type: poll.multiple ? "checkbox" : "radio", name: "poll-" + poll.id, value: String(index) });
        if (poll.mine.indexOf(index) >= 0) { input.checked = true; }
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + option));
        group.appendChild(label);
      });
      form.appendChild(group);
      form.appendChild(element("button", { type: "submit", class: "small" }, poll.mine.length ? "Change my answer" : "Answer"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const choices = Array.from(form.querySelectorAll("input:checked")).map(function (i) { return parseInt(i.value, 10); });
        socket.emit("poll_answer", Object.assign({ poll: poll.id, choices: choices }, where), function (answer) {
          if (announcer) { announcer.textContent = answer.ok ? "Your answer is counted." : answer.error; }
          refresh();
        });
      });
      card.appendChild(form);
    }
    if (poll.results) {
      const results = element("ul", { class: "poll-results" });
      poll.options.forEach(function (option, index) {
        const row = element("li");
        row.appendChild(element("span", {}, option));
        row.appendChild(element("meter", { min: "0", max: String(Math.max(poll.voters, 1)), value: String(poll.results[index]) }));
        row.appendChild(element("span", {}, String(poll.results[index])));
        results.appendChild(row);
      });
      card.appendChild(results);
    } else if (poll.status === "open") {
      card.appendChild(element("p", { class: "meta" }, present ? "Scan the code to answer; results are shown when the poll closes."
        : "Results are shown when the poll closes."));
    }
    return card;
  }

  function renderPolls(polls) {
    const box = document.getElementById("qa-polls");
    if (!box) { return; }
    const shown = polls.filter(function (p) { return p.status !== "draft"; });
    document.getElementById("qa-polls-section").hidden = shown.length === 0;
    box.textContent = "";
    shown.forEach(function (poll) { box.appendChild(pollCard(poll)); });
  }

  function render(answer) {
    if (!answer.ok) { return; }
    renderPolls(answer.polls || []);  // the projector shows them too, without a form
    canVote = answer.may_ask || answer.moderator;
    let questions = answer.questions;
    if (present) { questions = questions.filter(function (q) { return q.status === "visible" || q.status === "answered"; }).slice(0, 6); }
    const fresh = questions.filter(function (q) { return known.size && !known.has(q.id); });
    known = new Set(questions.map(function (q) { return q.id; }));
    list.textContent = "";
    questions.forEach(function (q) { list.appendChild(item(q)); });
    if (announcer && fresh.length) { announcer.textContent = "New question: " + fresh[0].body; }
  }

  function refresh() { socket.emit("thread", Object.assign({ order: order }, where), render); }

  socket.on("connect", function () { socket.emit("watch", Object.assign({ order: order }, where), render); });
  socket.on("thread_changed", refresh);
  socket.on("votes", function (update) {
    Object.keys(update.counts).forEach(function (id) {
      const badge = list.querySelector('[data-votes="' + id + '"]');
      if (badge) { badge.textContent = "▲ " + update.counts[id]; }
    });
    if (present || order === "votes") { refresh(); }
  });

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-vote]");
    if (!button) { return; }
    socket.emit("vote", Object.assign({ question: parseInt(button.dataset.vote, 10), up: button.dataset.up === "true" }, where), refresh);
  });

  root.querySelectorAll("button[data-order]").forEach(function (button) {
    button.addEventListener("click", function () {
      order = button.dataset.order;
      root.querySelectorAll("button[data-order]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      refresh();
    });
  });

  const form = document.getElementById("qa-ask");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const body = document.getElementById("qa-body");
      const error = document.getElementById("qa-error");
      socket.emit("ask", Object.assign({ body: body.value, anonymous: document.getElementById("qa-anonymous").checked }, where),
        function (answer) {
          if (answer.ok) { body.value = ""; error.textContent = ""; announcer.textContent = "Your question is posted."; refresh(); }
          else { error.textContent = answer.error; }
        });
    });
  }
})();
