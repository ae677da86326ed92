/*
 * Chat widget for the SoleCare assistant (Rasa REST channel).
 *
 * Embed with one tag; the stylesheet is loaded from next to this file:
 *   <script src="https://example.com/widget.js" data-bot-url="https://bot.example.com" defer></script>
 * Optional attributes: data-privacy-url, data-title, data-welcome.
 * Any element with [data-chat-open] opens the chat (and [data-chat-prefill] fills the input).
 *
 * Security rule for this file: message content (the bot's and the visitor's) only ever
 * reaches the page through textContent / createTextNode / checked attributes, never innerHTML.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  // A page that includes the tag twice must still get one widget.
  if (!script || document.querySelector(".scw-root")) return;

  var REQUEST_TIMEOUT_MS = 20000;
  var MAX_STORED_ENTRIES = 200;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h0a2.5 2.5 0 0 1-1-2V5.5z",
    close: "M6 6l12 12M18 6L6 18",
    restart: "M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5",
    send: "M4 12l16-8-6 16-2.5-6.5L4 12z"
  };

  var config = readConfig(script);
  var store = makeStore("solecare-chat:v1:" + config.botUrl);
  var state = { sessionId: store.get("session") || newSessionId(), entries: store.get("transcript") || [] };
  var ui = null;
  var pending = 0;
  var queue = Promise.resolve();
  // Bumped by "new conversation" so late replies for the old session are dropped.
  var generation = 0;

  function readConfig(tag) {
    var data = tag.dataset;
    return {
      botUrl: (data.botUrl || "http://localhost:5005").replace(/\/+$/, ""),
      privacyUrl: data.privacyUrl || "/privacy.html",
      title: data.title || "Chat with us",
      welcome: data.welcome ||
        "Hello! Ask me about our foot and leg massage products, or request a quote.",
      cssUrl: new URL("widget.css", tag.src).href
    };
  }

  // localStorage can throw (private mode, disabled storage, quota); the chat must still work.
  function makeStore(prefix) {
    var memory = {};
    return {
      get: function (key) {
        try {
          var raw = window.localStorage.getItem(prefix + ":" + key);
          return raw === null ? memory[key] : JSON.parse(raw);
        } catch (e) {
          return memory[key];
        }
      },
      set: function (key, value) {
        memory[key] = value;
        try {
          window.localStorage.setItem(prefix + ":" + key, JSON.stringify(value));
        } catch (e) { /* memory copy is enough for this page view */ }
      }
    };
  }

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function persist() {
    state.entries = state.entries.slice(-MAX_STORED_ENTRIES);
    store.set("session", state.sessionId);
    store.set("transcript", state.entries);
  }

  /* ---------- DOM helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  // Only http(s) URLs may become links or images: blocks javascript:, data: and friends.
  function safeUrl(raw) {
    try {
      var url = new URL(raw, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function appendLinkified(parent, text) {
    var pattern = /https?:\/\/[^\s<>"']+/gi;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      // Sentence punctuation right after a URL belongs to the sentence, not the link.
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      var href = safeUrl(raw);
      if (!href) continue;
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: raw }));
      last = match.index + raw.length;
      pattern.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function appendRichText(parent, text) {
    String(text).split(/\r?\n/).forEach(function (line, i) {
      if (i > 0) parent.appendChild(document.createElement("br"));
      // Odd parts of the split are the insides of **bold** markers.
      line.split(/\*\*(.+?)\*\*/).forEach(function (part, j) {
        if (!part) return;
        appendLinkified(j % 2 ? parent.appendChild(document.createElement("strong")) : parent, part);
      });
    });
  }

  /* ---------- rendering ---------- */

  function renderEntry(entry) {
    var row = el("div", { "class": "scw-row scw-row--" + entry.from });
    if (entry.text) {
      var bubble = el("div", { "class": "scw-bubble" });
      appendRichText(bubble, entry.text);
      row.appendChild(bubble);
    }
    var src = entry.image && safeUrl(entry.image);
    if (src) {
      row.appendChild(el("img", {
        "class": "scw-image", src: src, alt: entry.alt || "Image from the assistant",
        loading: "lazy", referrerpolicy: "no-referrer"
      }));
    }
    if (entry.buttons && entry.buttons.length) row.appendChild(renderButtons(entry));
    return row;
  }

  function renderButtons(entry) {
    var group = el("div", { "class": "scw-quick", role: "group", "aria-label": "Suggested replies" });
    entry.buttons.forEach(function (button) {
      var node = el("button", { type: "button", "class": "scw-quick__btn", text: button.title });
      node.disabled = Boolean(entry.used);
      node.addEventListener("click", function () { chooseButton(entry, button, group); });
      group.appendChild(node);
    });
    return group;
  }

  function appendToLog(node) {
    ui.log.insertBefore(node, ui.typing);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function renderTranscript() {
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    ui.log.appendChild(renderEntry({ from: "bot", text: config.welcome }));
    ui.log.appendChild(ui.typing);
    state.entries.forEach(function (entry) { appendToLog(renderEntry(entry)); });
  }

  function addEntry(entry) {
    state.entries.push(entry);
    persist();
    appendToLog(renderEntry(entry));
  }

  function setTyping(visible) {
    ui.typing.hidden = !visible;
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function showRetry(payload) {
    var button = el("button", { type: "button", "class": "scw-retry__btn", text: "Try again" });
    var row = el("div", { "class": "scw-row scw-row--system scw-retry" }, [
      el("p", { text: "Sorry, we couldn't reach our assistant. Please check your connection and try again." }),
      button
    ]);
    button.addEventListener("click", function () {
      row.parentNode.removeChild(row);
      enqueue(payload);
      ui.input.focus();
    });
    appendToLog(row);
  }

  /* ---------- talking to Rasa ---------- */

  function postToBot(sessionId, message) {
    var controller = new AbortController();
    // Without a timeout a stalled connection would leave the typing dots forever.
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    return fetch(config.botUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sessionId, message: message }),
      signal: controller.signal
    }).then(function (response) {
      if (response.status !== 200) throw new Error("Bot answered HTTP " + response.status);
      return response.json();
    }).then(function (replies) {
      if (!Array.isArray(replies)) throw new Error("Unexpected reply from the bot");
      return replies;
    }).finally(function () { clearTimeout(timer); });
  }

  function toEntry(reply) {
    var buttons = Array.isArray(reply.buttons) ? reply.buttons.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    }) : [];
    var entry = { from: "bot" };
    if (typeof reply.text === "string" && reply.text) entry.text = reply.text;
    if (typeof reply.image === "string") entry.image = reply.image;
    if (buttons.length) entry.buttons = buttons.map(function (b) { return { title: b.title, payload: b.payload }; });
    return entry.text || entry.image || entry.buttons ? entry : null;
  }

  // Messages are sent one after another so replies always appear in the order asked.
  function enqueue(payload) {
    var myGeneration = generation;
    var sessionId = state.sessionId;
    pending += 1;
    setTyping(true);
    queue = queue.then(function () {
      return postToBot(sessionId, payload).then(function (replies) {
        if (myGeneration !== generation) return;
        replies.map(toEntry).forEach(function (entry) { if (entry) addEntry(entry); });
      }, function () {
        if (myGeneration === generation) showRetry(payload);
      });
    }).then(function () {
      pending -= 1;
      setTyping(pending > 0 && myGeneration === generation);
    });
  }

  function sendText(text) {
    var message = text.trim();
    if (!message) return;
    addEntry({ from: "user", text: message });
    enqueue(message);
  }

  function chooseButton(entry, button, group) {
    if (entry.used) return;
    entry.used = true;
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
    addEntry({ from: "user", text: button.title });
    enqueue(button.payload);
    // The clicked button is now disabled, so keyboard focus would otherwise drop to <body>.
    ui.input.focus();
  }

  function startNewConversation() {
    var oldSession = state.sessionId;
    generation += 1;
    pending = 0;
    // Tell Rasa to forget the old tracker; the visitor does not wait for (or see) the answer.
    postToBot(oldSession, "/restart").catch(function () {});
    state.sessionId = newSessionId();
    state.entries = [];
    persist();
    renderTranscript();
    setTyping(false);
    ui.input.focus();
  }

  /* ---------- panel ---------- */

  function isOpen() { return ui && !ui.panel.hidden; }

  function openPanel(prefill) {
    ui.panel.hidden = false;
    ui.root.classList.add("scw-root--open");
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.setAttribute("aria-label", "Close chat");
    if (typeof prefill === "string" && prefill) ui.input.value = prefill;
    ui.log.scrollTop = ui.log.scrollHeight;
    ui.input.focus();
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.root.classList.remove("scw-root--open");
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-label", "Open chat");
    ui.launcher.focus();
  }

  function buildHeader() {
    var restart = el("button", { type: "button", "class": "scw-icon-btn", "aria-label": "Start a new conversation", title: "New conversation" }, [icon("restart")]);
    var close = el("button", { type: "button", "class": "scw-icon-btn", "aria-label": "Close chat", title: "Close" }, [icon("close")]);
    restart.addEventListener("click", startNewConversation);
    close.addEventListener("click", closePanel);
    return el("header", { "class": "scw-header" }, [
      el("div", { "class": "scw-header__text" }, [
        el("h2", { "class": "scw-title", id: "scw-title", text: config.title }),
        el("p", { "class": "scw-subtitle", text: "Automated assistant \u00b7 replies in seconds" })
      ]),
      restart, close
    ]);
  }

  function buildForm() {
    var input = el("input", { "class": "scw-input", type: "text", name: "message", autocomplete: "off", maxlength: "1000", placeholder: "Type your message\u2026", "aria-label": "Your message" });
    var form = el("form", { "class": "scw-form" }, [
      input,
      el("button", { type: "submit", "class": "scw-send", "aria-label": "Send message" }, [icon("send")])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendText(input.value);
      input.value = "";
      input.focus();
    });
    return { form: form, input: input };
  }

  function buildPrivacyNote() {
    var href = safeUrl(config.privacyUrl) || "/privacy.html";
    return el("p", { "class": "scw-privacy" }, [
      document.createTextNode("We keep this chat to answer your enquiry. "),
      el("a", { href: href, target: "_blank", rel: "noopener", text: "Privacy notice" })
    ]);
  }

  function buildUi() {
    var launcher = el("button", { type: "button", "class": "scw-launcher", "aria-label": "Open chat", "aria-expanded": "false", "aria-controls": "scw-panel" }, [icon("chat")]);
    var log = el("div", { "class": "scw-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    var typing = el("div", { "class": "scw-row scw-row--bot scw-typing", hidden: "" }, [
      el("div", { "class": "scw-bubble", "aria-label": "The assistant is typing" }, [el("span"), el("span"), el("span")])
    ]);
    var formParts = buildForm();
    var panel = el("section", { "class": "scw-panel", id: "scw-panel", role: "dialog", "aria-labelledby": "scw-title", hidden: "" }, [
      buildHeader(), log, formParts.form, buildPrivacyNote()
    ]);
    // Hidden until the stylesheet arrives, so visitors never see an unstyled flash.
    var root = el("div", { "class": "scw-root", hidden: "" }, [panel, launcher]);
    return { root: root, panel: panel, launcher: launcher, log: log, typing: typing, input: formParts.input };
  }

  function bindEvents() {
    ui.launcher.addEventListener("click", function () {
      if (isOpen()) closePanel(); else openPanel();
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closePanel(); }
    });
    document.addEventListener("click", function (event) {
      var trigger = event.target.closest && event.target.closest("[data-chat-open]");
      if (!trigger) return;
      event.preventDefault();
      openPanel(trigger.getAttribute("data-chat-prefill"));
    });
  }

  function loadStylesheet(onDone) {
    var link = el("link", { rel: "stylesheet", href: config.cssUrl });
    link.addEventListener("load", onDone);
    link.addEventListener("error", onDone);
    document.head.appendChild(link);
  }

  function init() {
    ui = buildUi();
    renderTranscript();
    bindEvents();
    document.body.appendChild(ui.root);
    persist();
    loadStylesheet(function () { ui.root.hidden = false; });
    window.SoleCareChat = { open: openPanel, close: closePanel };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
