// The citizen web chat. The dialog runs on the server: this page only draws
// the conversation's history and posts what the citizen types or presses.
// Every text from the server or the citizen is inserted with textContent,
// never parsed as markup.
(function () {
  'use strict';

  var root = document.getElementById('chat');
  var list = document.getElementById('messages');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var sendButton = document.getElementById('send');
  var statusLine = document.getElementById('status');
  var errorBanner = document.getElementById('error');
  var locationBar = document.getElementById('location-bar');
  var locationButton = document.getElementById('share-location');
  var locationHint = document.getElementById('location-hint');

  var channel = root.getAttribute('data-channel') || 'web';
  // The page's own words. It starts in the browser's language; the dialog's
  // replies then say theirs (a citizen may switch), and the page follows.
  var labels = {
    zh: {
      page: '市民诉求 — 在线对话', conversation: '对话',
      title: '市民诉求', message: '您的消息', placeholder: '输入消息…', send: '发送',
      connecting: '正在连接…', live: '已连接', polling: '已连接（轮询）', offline: '离线，正在重试…',
      locating: '正在获取位置…', locationFailed: '无法获取位置，请直接输入地址。', typeAddress: '也可以直接输入地址。',
      sendFailed: '发送失败，请重试。', you: '您', waiting: '等待发送…', notSent: '未发送'
    },
    en: {
      page: 'City petitions — chat', conversation: 'Conversation',
      title: 'City petitions', message: 'Your message', placeholder: 'Type your message…', send: 'Send',
      connecting: 'Connecting…', live: 'Connected', polling: 'Connected (polling)', offline: 'Offline, retrying…',
      locating: 'Finding your location…', locationFailed: 'Could not get your location: please type the address.',
      typeAddress: 'Or type the address.', sendFailed: 'Could not send: please try again.', you: 'You',
      waiting: 'Waiting to send…', notSent: 'Not sent'
    }
  };
  var ui = labels.en;

  // Puts every fixed text of the page (title, heading, input, Send) in `language`.
  function useLanguage(language) {
    var zh = /^zh/i.test(language || '');
    ui = zh ? labels.zh : labels.en;
    document.documentElement.lang = zh ? 'zh-CN' : 'en';
    document.title = ui.page;
    document.getElementById('title').textContent = ui.title;
    document.getElementById('input-label').textContent = ui.message;
    list.setAttribute('aria-label', ui.conversation);
    input.placeholder = ui.placeholder;
    sendButton.textContent = ui.send;
    var shown = statusLine.getAttribute('data-state');
    if (ui[shown]) statusLine.textContent = ui[shown];
  }

  var state = {
    urls: { post: '/webhook/' + channel, history: '/chat/' + channel + '/history', socket: '/chat/' + channel + '/ws' },
    last: 0,              // highest seq drawn
    labels: {},           // button data -> label, from every gateway frame seen
    counter: 0,
    socket: null,
    backoff: 1000,
    pollTimer: null,
    reconnectTimer: null,
    lastGatewayBubble: null,
    // Messages not yet acknowledged, oldest first: {id, body, shown}. Kept in
    // localStorage too, so a reload does not lose them.
    queue: [],
    flushing: false,
    retryTimer: null,
    retryDelay: 0
  };
  var queueKey = 'pg_chat_queue_' + channel;

  // ---- small helpers ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(key) {
    statusLine.textContent = ui[key];
    statusLine.setAttribute('data-state', key);
  }

  function showError(message) {
    errorBanner.textContent = message;
    errorBanner.hidden = !message;
  }

  function newId() {
    state.counter += 1;
    return 'm-' + Date.now().toString(36) + '-' + state.counter;
  }

  function timeOf(ms) {
    try {
      return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    } catch (e) {
      return '';
    }
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function atBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  // ---- drawing ----

  function citizenText(frame) {
    if (frame.kind === 'button') return state.labels[frame.data] || frame.data;
    if (frame.kind === 'location') {
      return '\uD83D\uDCCD ' + Number(frame.latitude).toFixed(5) + ', ' + Number(frame.longitude).toFixed(5);
    }
    return frame.text || '';
  }

  function drawButtons(bubble, rows) {
    var box = el('div', 'bubble-buttons');
    box.setAttribute('data-testid', 'button-group');
    rows.forEach(function (row) {
      var line = el('div', 'button-row');
      row.forEach(function (b) {
        state.labels[b.data] = b.label;
        var button = el('button', 'choice', b.label);
        button.type = 'button';
        button.setAttribute('data-testid', 'choice-button');
        button.setAttribute('data-data', b.data);
        button.addEventListener('click', function () {
          send({ button: b.data }, b.label);
        });
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    bubble.appendChild(box);
  }

  // Only the newest gateway message's buttons and location request are live:
  // older ones would only earn a "that button is old" reply.
  function retireOlderButtons(current) {
    if (state.lastGatewayBubble && state.lastGatewayBubble !== current) {
      state.lastGatewayBubble.querySelectorAll('button.choice').forEach(function (b) { b.disabled = true; });
    }
    state.lastGatewayBubble = current;
  }

  function offerLocation(label) {
    if (label && navigator.geolocation) {
      locationButton.textContent = label;
      locationHint.textContent = ui.typeAddress;
      locationBar.hidden = false;
    } else {
      locationBar.hidden = true;
    }
  }

  function bubbleFor(from, text, seq, at) {
    var bubble = el('li', 'bubble');
    bubble.setAttribute('data-testid', 'bubble');
    bubble.setAttribute('data-from', from);
    if (seq) bubble.setAttribute('data-seq', String(seq));
    var body = el('p', 'bubble-text', text);
    body.setAttribute('data-testid', 'bubble-text');
    bubble.appendChild(body);
    if (at) {
      var time = el('time', 'bubble-time', timeOf(at));
      time.dateTime = new Date(at).toISOString();
      bubble.appendChild(time);
    }
    return bubble;
  }

  function drawEntry(entry) {
    var frame = entry.frame || {};
    var stick = atBottom();
    if (entry.from === 'citizen') {
      // The page's own greeting to start the dialog is not something the citizen said.
      if (frame.id === 'start') return;
      var pending = list.querySelector('li[data-pending="true"][data-client-id="' + cssEscape(frame.id || '') + '"]');
      var bubble = bubbleFor('citizen', citizenText(frame), entry.seq, entry.at);
      bubble.setAttribute('data-client-id', frame.id || '');
      if (pending) list.replaceChild(bubble, pending);
      else list.appendChild(bubble);
    } else {
      if (frame.language) useLanguage(frame.language);
      var reply = bubbleFor('gateway', frame.text || '', entry.seq, entry.at);
      if (frame.buttons && frame.buttons.length) drawButtons(reply, frame.buttons);
      list.appendChild(reply);
      retireOlderButtons(reply);
      offerLocation(frame.location_label);
    }
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/[^A-Za-z0-9_-]/g, '');
  }

  function addEntry(entry) {
    if (!entry || typeof entry.seq !== 'number' || entry.seq <= state.last) return;
    state.last = entry.seq;
    drawEntry(entry);
  }

  // ---- sending: a queue kept until the gateway acknowledges ----

  function saveQueue() {
    try {
      localStorage.setItem(queueKey, JSON.stringify(state.queue));
    } catch (e) { /* private mode or full: the queue still lives in the page */ }
  }

  function loadQueue() {
    try {
      var saved = JSON.parse(localStorage.getItem(queueKey) || '[]');
      if (Array.isArray(saved)) {
        state.queue = saved.filter(function (m) { return m && typeof m.id === 'string' && m.body; });
      }
    } catch (e) {
      state.queue = [];
    }
  }

  function pendingBubble(id) {
    return list.querySelector('li[data-pending="true"][data-client-id="' + cssEscape(id) + '"]');
  }

  // A queued message's bubble: "queued" until the gateway answers 200, then
  // "sent"; the stored entry replaces it when the history brings it.
  function markBubble(id, delivery, attempts) {
    var bubble = pendingBubble(id);
    if (!bubble) return;
    bubble.setAttribute('data-delivery', delivery);
    if (attempts !== undefined) bubble.setAttribute('data-attempts', String(attempts));
    var note = bubble.querySelector('.bubble-note');
    var text = delivery === 'queued' && attempts > 1 ? ui.waiting : delivery === 'failed' ? ui.notSent : '';
    if (!text && note) note.remove();
    if (text) {
      if (!note) {
        note = el('small', 'bubble-note');
        note.setAttribute('data-testid', 'bubble-note');
        bubble.appendChild(note);
      }
      note.textContent = text;
    }
  }

  function drawQueued(m) {
    if (m.shown === null || list.querySelector('li[data-client-id="' + cssEscape(m.id) + '"]')) return;
    var bubble = bubbleFor('citizen', m.shown);
    bubble.setAttribute('data-pending', 'true');
    bubble.setAttribute('data-client-id', m.id);
    bubble.setAttribute('data-delivery', 'queued');
    list.appendChild(bubble);
    list.scrollTop = list.scrollHeight;
  }

  // One try: 'sent', 'retry' (the gateway is away, busy or unsure) or 'refused'.
  function postOnce(body) {
    return fetch(state.urls.post, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (res.ok) return 'sent';
      if (res.status === 401) return startSession().then(function () { return 'retry'; });
      if (res.status >= 500 || res.status === 429 || res.status === 408) return 'retry';
      return 'refused';
    }, function () {
      return 'retry';
    });
  }

  // Sends the queue in order, one message at a time. A message stays first in
  // the queue until the gateway acknowledges it; a resend carries the same id,
  // which the gateway processes once. Retries wait longer each time (up to
  // 30 s) and never give up while the page is open.
  function flush() {
    if (state.flushing || state.retryTimer || !state.queue.length) return;
    var m = state.queue[0];
    m.attempts = (m.attempts || 0) + 1;
    markBubble(m.id, 'queued', m.attempts);
    state.flushing = true;
    postOnce(m.body).then(function (outcome) {
      state.flushing = false;
      if (outcome === 'retry') {
        state.retryDelay = Math.min(state.retryDelay ? state.retryDelay * 1.5 : 1000, 30000);
        setStatus('offline');
        state.retryTimer = setTimeout(function () { state.retryTimer = null; flush(); }, state.retryDelay);
        return;
      }
      state.retryDelay = 0;
      state.queue.shift();
      saveQueue();
      if (outcome === 'sent') {
        markBubble(m.id, 'sent', m.attempts);
        showError('');
        if (!state.socket) poll();  // no socket: fetch the reply now rather than at the next tick
      } else {
        markBubble(m.id, 'failed', m.attempts);
        showError(ui.sendFailed);
      }
      flush();
    });
  }

  // The gateway answered something else: a waiting message need not wait out its delay.
  function retryNow() {
    if (!state.retryTimer) return;
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    flush();
  }

  function send(content, shown, fixedId) {
    var id = fixedId || newId();
    var body = { id: id };
    Object.keys(content).forEach(function (k) { body[k] = content[k]; });
    if (navigator.language) body.language = navigator.language.slice(0, 35);
    var m = { id: id, body: body, shown: shown };
    state.queue.push(m);
    saveQueue();
    drawQueued(m);
    flush();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text }, text);
    input.focus();
  });

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });

  locationButton.addEventListener('click', function () {
    locationHint.textContent = ui.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var where = { latitude: pos.coords.latitude, longitude: pos.coords.longitude };
      locationBar.hidden = true;
      send({ location: where }, citizenText({ kind: 'location', latitude: where.latitude, longitude: where.longitude }));
    }, function () {
      locationHint.textContent = ui.locationFailed;
      input.focus();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // ---- receiving: WebSocket, with polling while it is down ----

  function loadHistory() {
    return getJson(state.urls.history + '?after=' + state.last).then(function (page) {
      page.entries.forEach(addEntry);
      if (page.more) return loadHistory();
    });
  }

  function poll() {
    return loadHistory().then(function () {
      if (!state.socket) setStatus('polling');
      retryNow();
    }).catch(function () {
      setStatus('offline');
    });
  }

  function startPolling() {
    if (state.pollTimer) return;
    state.pollTimer = setInterval(poll, 2000);
  }

  function stopPolling() {
    if (state.pollTimer) clearInterval(state.pollTimer);
    state.pollTimer = null;
  }

  function connect() {
    state.reconnectTimer = null;
    var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var socket;
    try {
      socket = new WebSocket(scheme + '//' + location.host + state.urls.socket);
    } catch (e) {
      startPolling();
      return;
    }
    var opened = false;
    socket.onopen = function () {
      opened = true;
      state.socket = socket;
      state.backoff = 1000;
      socket.send(JSON.stringify({ after: state.last }));
      stopPolling();
      setStatus('live');
      retryNow();
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === 'entry') addEntry(frame.entry);
      else if (frame.type === 'error') showError(frame.error);
    };
    socket.onclose = function () {
      if (state.socket === socket) state.socket = null;
      startPolling();
      poll();
      if (!opened) setStatus('polling');
      // Back off, with jitter, so a restarted gateway is not stormed.
      var wait = state.backoff * (0.75 + Math.random() / 2);
      state.backoff = Math.min(state.backoff * 2, 30000);
      if (!state.reconnectTimer) state.reconnectTimer = setTimeout(connect, wait);
    };
  }

  function startSession() {
    return getJson('/chat/' + channel + '/session').then(function (s) {
      state.urls = { post: s.post, history: s.history, socket: s.socket };
      if (s.limits && s.limits.text) input.maxLength = s.limits.text;
      return s;
    });
  }

  function start() {
    useLanguage(navigator.language);
    setStatus('connecting');
    startSession().then(loadHistory).then(function () {
      // What an earlier visit could not send goes first, in its order.
      loadQueue();
      state.queue.forEach(drawQueued);
      // A new conversation: say hello for the citizen, so the dialog greets them.
      var greeting = state.queue.some(function (m) { return m.id === 'start'; });
      if (state.last === 0 && !greeting) send({ text: '/start' }, null, 'start');
      else flush();
      connect();
    }).catch(function () {
      setStatus('offline');
      setTimeout(start, 3000);
    });
  }

  start();
})();
