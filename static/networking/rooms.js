// Networking rooms in the browser (templates/networking/lounge.html, room.html): the lounge floor plan and a
// room's people and chat. Everything user-written is inserted as text; only web addresses become links.
import { element } from "../base/dom.js";
import { gettext } from "../base/i18n.js";
import { openSocket } from "../base/live.js";

// A room's page (or, for "", the lounge itself) under the lounge the page names in data-lounge-url.
function roomUrl(page, slug) {
  const lounge = new URL(page.dataset.loungeUrl.replace(/\/?$/, "/"), window.location.href);
  return slug ? new URL(encodeURIComponent(slug) + "/", lounge).href : lounge.href;
}

(function () {
  if (typeof window.io !== "function") { return; }

  const LINK = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

  function linkified(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    text.replace(LINK, function (url, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      const link = document.createElement("a");
      link.href = url; link.rel = "nofollow noopener"; link.target = "_blank"; link.textContent = url;
      fragment.appendChild(link);
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function personItem(person, moderate) {
    const item = element("li", { "data-person": String(person.id) });
    item.appendChild(element("img", { src: person.avatar, alt: "", width: "40", height: "40" }));
    const words = element("span");
    words.appendChild(element("strong", {}, person.name));
    if (person.pronouns) { words.appendChild(document.createTextNode(" (" + person.pronouns + ")")); }
    words.appendChild(element("br"));
    const details = [person.affiliation].concat(person.expertise.length ? [person.expertise.join(", ")] : []).filter(Boolean);
    words.appendChild(element("span", { class: "meta" }, details.join(" · ")));
    item.appendChild(words);
    if (moderate) {  // on their own line under the name, lined up with it, never wrapped under the picture
      const actions = element("div", { class: "person-actions" });
      ["mute", "remove", "ban"].forEach(function (action) {
        const button = element("button", { type: "button", class: "secondary small", "data-action": action,
          "data-user": String(person.id), "aria-label": action.charAt(0).toUpperCase() + action.slice(1) + " " + person.name },
          action.charAt(0).toUpperCase() + action.slice(1));
        actions.appendChild(button);
      });
      item.appendChild(actions);
    }
    return item;
  }

  // Times in the zone the person chose (the page says which), like the times the server wrote into the page.
  function zone() {
    const page = document.querySelector("[data-zone]");
    return page ? page.dataset.zone : undefined;
  }

  function newNonce() {
    // crypto.getRandomValues works on plain http too, unlike crypto.randomUUID.
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function messageItem(message, moderate) {
    const item = element("li", { "data-message": String(message.id) });
    item.appendChild(element("strong", {}, message.author.name));
    const time = new Date(message.created_at);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(element("time", { datetime: message.created_at },
      time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone() })));
    const body = element("p");
    if (message.deleted) { body.appendChild(element("em", {}, gettext("Removed by a moderator."))); }
    else { body.appendChild(linkified(message.body)); }
    item.appendChild(body);
    if (moderate && !message.deleted) {
      item.appendChild(element("button", { type: "button", class: "secondary small", "data-delete": String(message.id),
        "aria-label": gettext("Delete the message from %(name)s", { name: message.author.name }) }, gettext("Delete")));
    }
    return item;
  }

  function lounge(plan) {
    const socket = openSocket("/rooms");
    function render(roomId, people) {
      const card = plan.querySelector('[data-room="' + roomId + '"]');
      if (!card) { return; }
      const capacity = parseInt(card.dataset.capacity || "0", 10);
      const seats = card.querySelector(".seats");
      seats.textContent = "";
      people.forEach(function (person) {
        const seat = element("li", { class: "seat taken" });
        seat.appendChild(element("img", { src: person.avatar, alt: "", width: "36", height: "36" }));
        seat.appendChild(element("span", {}, person.name));
        seats.appendChild(seat);
      });
      for (let free = capacity - people.length; free > 0; free -= 1) {
        seats.appendChild(element("li", { class: "seat free", "aria-hidden": "true" }));
      }
      card.querySelector(".occupancy").textContent = capacity
        ? gettext("%(taken)s of %(seats)s seats taken", { taken: people.length, seats: capacity })
        : gettext("%(taken)s here", { taken: people.length });
      card.querySelector(".join-label").textContent = capacity && people.length >= capacity ? gettext("Join the waiting list") : gettext("Join");
    }
    socket.on("connect", function () {
      socket.emit("watch_lounge", { event: plan.dataset.lounge }, function (answer) {
        if (answer && answer.ok) {
          Object.keys(answer.occupancy).forEach(function (roomId) { render(roomId, answer.occupancy[roomId]); });
        }
      });
    });
    socket.on("occupancy", function (update) { render(update.room, update.people); });
  }

  function room(page) {
    const roomId = parseInt(page.dataset.room, 10);
    const status = document.getElementById("room-status");
    const peopleList = document.getElementById("people-list");
    const messages = document.getElementById("messages");
    const announcer = document.getElementById("chat-announcer");
    const typing = document.getElementById("typing");
    const form = document.getElementById("chat-form");
    const error = document.getElementById("chat-error");
    const older = document.getElementById("older-messages");
    let moderator = false;
    let seated = false;
    let typingTimer = null;
    let lastTypingSent = 0;
    const socket = openSocket("/rooms");

    const chatClosed = document.getElementById("chat-closed");

    // The chat box is offered only to someone seated: on the waiting list (or removed) a message could only fail.
    function offerChat(open) {
      if (!form) { return; }
      form.hidden = !open;
      chatClosed.hidden = open;
    }

    function show(snapshot) {
      seated = true;
      offerChat(true);
      moderator = snapshot.moderator;
      page.dataset.me = String(snapshot.me);
      status.textContent = snapshot.muted ? gettext("You are in the room, but muted by the moderators.") : gettext("You are in the room.");
      peopleList.textContent = "";
      snapshot.people.forEach(function (person) { peopleList.appendChild(personItem(person, moderator && person.id !== snapshot.me)); });
      document.getElementById("people-count").textContent = String(snapshot.people.length);
      messages.textContent = "";
      snapshot.messages.forEach(function (message) { messages.appendChild(messageItem(message, moderator)); });
      messages.scrollTop = messages.scrollHeight;  // a conversation opens at its newest message
      older.hidden = snapshot.messages.length < 50;
      const video = document.getElementById("video-link");
      if (snapshot.room.video_url) { video.href = snapshot.room.video_url; video.hidden = false; }
    }

    function join() {
      socket.emit("join", { event: page.dataset.event, room: roomId }, function (answer) {
        if (!answer.ok) { status.textContent = answer.error; return; }
        if (answer.waitlisted) {
          offerChat(false);
          status.textContent = gettext("The room is full. You are number %(position)s on the waiting list; you will be let in when a seat frees.", { position: answer.position });
          return;
        }
        show(answer);
      });
    }

    socket.on("connect", join);
    socket.on("admitted", function (snapshot) { show(snapshot); announcer.textContent = gettext("A seat freed up: you are in the room."); });
    socket.on("presence", function (event) {
      if (event.joined) {
        if (!peopleList.querySelector('[data-person="' + event.joined.id + '"]')) {
          peopleList.appendChild(personItem(event.joined, moderator));
        }
        announcer.textContent = event.joined.name + " joined.";
      } else if (event.left) {
        const gone = peopleList.querySelector('[data-person="' + event.left + '"]');
        if (gone) { announcer.textContent = gone.querySelector("strong").textContent + " left."; gone.remove(); }
      }
      document.getElementById("people-count").textContent = String(peopleList.children.length);
    });
    socket.on("message", function (message) {
      if (messages.querySelector('[data-message="' + message.id + '"]')) { return; }  // already shown
      // Follow the conversation, unless the person scrolled up to read something older.
      const following = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
      messages.appendChild(messageItem(message, moderator));
      if (following || String(message.author.id) === page.dataset.me) { messages.scrollTop = messages.scrollHeight; }
      announcer.textContent = message.author.name + ": " + message.body;
      typing.textContent = "";
    });
    socket.on("message_deleted", function (event) {
      const item = messages.querySelector('[data-message="' + event.id + '"]');
      if (item) { item.replaceWith(messageItem({ id: event.id, author: { name: item.querySelector("strong").textContent },
        created_at: item.querySelector("time").getAttribute("datetime"), deleted: true }, false)); }
    });
    socket.on("typing", function (event) {
      typing.textContent = event.user.name + " is typing…";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
    });
    socket.on("removed", function () { seated = false; offerChat(false); status.textContent = gettext("A moderator removed you from this room."); });
    socket.on("moderation", function (event) {
      if (event.action === "mute" && page.dataset.me === String(event.user)) { status.textContent = gettext("The moderators have muted you."); }
    });

    if (form) {
      const body = document.getElementById("chat-body");
      let pending = null;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        error.textContent = "";
        if (!seated) { error.textContent = gettext("You are not in the room."); return; }
        // The same words sent again (after an error or a dropped connection) keep their nonce: stored once.
        if (!pending || pending.body !== body.value) { pending = { body: body.value, nonce: newNonce() }; }
        socket.emit("send", { room: roomId, body: pending.body, nonce: pending.nonce }, function (answer) {
          if (answer.ok) { pending = null; body.value = ""; body.focus(); } else { error.textContent = answer.error; }
        });
      });
      body.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); return; }
        if (Date.now() - lastTypingSent > 3000 && seated) { lastTypingSent = Date.now(); socket.emit("typing", { room: roomId }, function () {}); }
      });
    }

    page.addEventListener("click", function (event) {
      const target = event.target.closest("button");
      if (!target) { return; }
      if (target.dataset.delete) {
        socket.emit("moderate", { room: roomId, action: "delete", message: parseInt(target.dataset.delete, 10) }, function () {});
      } else if (target.dataset.action) {
        socket.emit("moderate", { room: roomId, action: target.dataset.action, user: parseInt(target.dataset.user, 10) },
          function (answer) { status.textContent = answer.ok ? gettext("Done.") : answer.error; });
      }
    });

    const speedForm = document.getElementById("speed-form");
    if (speedForm) {
      speedForm.addEventListener("submit", function (event) {
        event.preventDefault();
        socket.emit("speed_round", { room: roomId, minutes: parseFloat(document.getElementById("speed-minutes").value),
          size: parseInt(document.getElementById("speed-size").value, 10) }, function (answer) {
          status.textContent = answer.ok
            ? (answer.groups.length === 1 ? gettext("Round %(round)s started with 1 group.", { round: answer.round })
              : gettext("Round %(round)s started with %(groups)s groups.", { round: answer.round, groups: answer.groups.length }))
            : answer.error;
        });
      });
    }
    socket.on("speed_group", function (group) {
      const names = new Intl.ListFormat(document.documentElement.lang || "en", { type: "conjunction" })
        .format(group.partners.map(function (p) { return p.name; }));
      status.textContent = gettext("Round %(round)s: you are with %(names)s. Taking you to your room…", { round: group.round, names: names });
      setTimeout(function () {
        window.location.href = roomUrl(page, group.slug);
      }, 1500);
    });
    socket.on("speed_round_over", function (event) {
      window.location.href = roomUrl(page, event.back_to);
    });
    const countdown = document.getElementById("countdown");
    if (countdown) {
      const endsAt = new Date(countdown.dataset.endsAt).getTime();
      const announcer = document.getElementById("countdown-announcer");
      const tick = function () {
        const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
        countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " left in this round";
        if (left === 60 || left === 10) { announcer.textContent = left + " seconds left in this round."; }
        if (left === 0) { window.location.href = countdown.dataset.back; return; }
        setTimeout(tick, 1000);
      };
      tick();
    }

    const leave = document.getElementById("leave-room");  // guests are never seated, so they have none
    if (leave) {
      leave.addEventListener("click", function () {
        socket.emit("leave", { room: roomId }, function () { window.location.href = roomUrl(page, ""); });
      });
    }

    older.addEventListener("click", function () {
      const first = messages.querySelector("[data-message]");
      if (!first) { return; }
      const url = new URL(page.dataset.messagesUrl, window.location.href);
      url.searchParams.set("before", first.dataset.message);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (earlier) {
          earlier.slice().reverse().forEach(function (message) { messages.insertBefore(messageItem(message, moderator), messages.firstChild); });
          older.hidden = earlier.length < 50;
          announcer.textContent = earlier.length + " earlier messages shown.";
        });
    });
  }

  const plan = document.querySelector("[data-lounge]");
  if (plan) { lounge(plan); }
  const page = document.querySelector(".room-page");
  if (page) { room(page); }
})();
