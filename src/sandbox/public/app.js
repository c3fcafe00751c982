/**
 * The sandbox page: Slack's channels as the emulator holds them, live over server-sent events.
 * Everything a person does (clicks, /promote, modals, the Home tab) goes to the server, which
 * sends it to the bot as a signed Slack request from that person.
 */
import { getJson, postJson, query } from "./api.js";
import { renderView } from "./block-kit.js";
import { MessageList } from "./channel-view.js";
import { h, toFragment } from "./dom.js";
import { confirmDialog, showModal } from "./overlays.js";
import { mountSamplePanel } from "./sample-panel.js";

const state = {
  workspace: undefined,
  ctx: { users: {}, channels: {} },
  person: undefined,
  channel: undefined,
  /** "channel" or "home" */
  pane: "channel",
  threadTs: undefined,
  localReplies: [],
  unread: new Map(),
};

const $ = (id) => document.getElementById(id);
let list;
let threadList;
let queue = Promise.resolve();

/** Events are handled one at a time, so a slow fetch never overwrites a newer answer. */
function serial(task) {
  queue = queue.then(task).catch((error) => showStatus(String(error.message ?? error), true));
  return queue;
}

async function boot() {
  state.workspace = await getJson("/sandbox/api/workspace");
  state.ctx = { users: state.workspace.users, channels: state.workspace.channelNames };
  state.person = savedPerson() ?? state.workspace.people[0].id;
  state.channel = state.workspace.channels[0]?.id;
  list = new MessageList($("messages"), state.ctx, onMessageAction);
  threadList = new MessageList($("thread-messages"), state.ctx, onMessageAction);
  renderPeople();
  renderSidebar();
  $("composer").addEventListener("submit", onCompose);
  $("thread-close").addEventListener("click", closeThread);
  mountSamplePanel($("samples"), { showStatus, environments: state.workspace.environments });
  await showChannel(state.channel);
  connectEvents();
  document.body.dataset.ready = "true";
}

function savedPerson() {
  try {
    const id = localStorage.getItem("tollgate.person");
    return state.workspace.people.some((p) => p.id === id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function renderPeople() {
  const select = $("person");
  select.replaceChildren(
    ...state.workspace.people.map((p) =>
      h("option", { value: p.id, selected: p.id === state.person }, p.realName),
    ),
  );
  select.addEventListener("change", () => {
    state.person = select.value;
    try {
      localStorage.setItem("tollgate.person", state.person);
    } catch {
      // Private browsing: the choice just is not remembered.
    }
    state.localReplies = [];
    serial(refreshAll);
  });
}

function renderSidebar() {
  const channels = state.workspace.channels.map((c) => {
    const unread = state.unread.get(c.id) ?? 0;
    const active = state.pane === "channel" && c.id === state.channel;
    return h(
      "button",
      {
        class: `nav-item${active ? " active" : ""}${unread ? " unread" : ""}`,
        type: "button",
        "data-channel-id": c.id,
        title: c.purpose,
        onclick: () => serial(() => showChannel(c.id)),
      },
      `# ${c.name}`,
      unread ? h("span", { class: "badge" }, String(unread)) : undefined,
    );
  });
  const home = h(
    "button",
    {
      class: `nav-item${state.pane === "home" ? " active" : ""}`,
      type: "button",
      id: "nav-home",
      onclick: () => serial(showHome),
    },
    "🤖 Tollgate (Home)",
  );
  $("channel-nav").replaceChildren(...channels);
  $("app-nav").replaceChildren(home);
}

async function showChannel(channelId) {
  state.pane = "channel";
  state.channel = channelId;
  state.unread.delete(channelId);
  closeThread();
  const channel = state.workspace.channels.find((c) => c.id === channelId);
  $("channel-title").textContent = `# ${channel?.name ?? channelId}`;
  $("channel-purpose").textContent = channel?.purpose ?? "";
  $("channel-pane").hidden = false;
  $("home-pane").hidden = true;
  renderSidebar();
  await refreshChannel();
}

async function refreshChannel() {
  if (state.channel === undefined) return;
  const [messages, ephemerals] = await Promise.all([
    getJson(query("/sandbox/api/messages", { channel: state.channel })),
    getJson(query("/sandbox/api/ephemerals", { user: state.person })),
  ]);
  const mine = [...ephemerals, ...state.localReplies].filter((e) => e.channel === state.channel);
  list.renderAll(messages, mine);
}

async function refreshAll() {
  renderSidebar();
  if (state.pane === "home") await refreshHome();
  else await refreshChannel();
  if (state.threadTs !== undefined) await refreshThread();
  await refreshModals();
}

async function showHome() {
  state.pane = "home";
  closeThread();
  $("channel-pane").hidden = true;
  $("home-pane").hidden = false;
  renderSidebar();
  await refreshHome();
  // Opening the tab is what makes Slack send app_home_opened; the bot then publishes the view.
  await act({ type: "home" });
}

async function refreshHome() {
  const { home } = await getJson(query("/sandbox/api/views", { user: state.person }));
  const body = $("home-body");
  if (!home) {
    body.replaceChildren(h("p", { class: "muted" }, "Waiting for Tollgate to publish your Home tab…"));
    return;
  }
  body.replaceChildren(toFragment(renderView(home, state.ctx).body, (action) => onViewAction(home, action)));
}

async function refreshModals() {
  const { modals } = await getJson(query("/sandbox/api/views", { user: state.person }));
  showModal($("modal-root"), modals[modals.length - 1], state.ctx, {
    close: (view) => serial(() => act({ type: "view_close", viewId: view.id })),
    submit: (view) => serial(() => act({ type: "view_submit", viewId: view.id })),
    action: (view, action) => onViewAction(view, action),
  });
}

async function openThread(ts) {
  state.threadTs = ts;
  $("thread-pane").hidden = false;
  await refreshThread();
}

async function refreshThread() {
  const messages = await getJson(
    query("/sandbox/api/thread", { channel: state.channel, ts: state.threadTs }),
  );
  threadList.renderAll(messages, []);
}

function closeThread() {
  state.threadTs = undefined;
  $("thread-pane").hidden = true;
}

async function onMessageAction(message, action) {
  if (action.openThread !== undefined) return serial(() => openThread(action.openThread));
  if (action.url !== undefined) window.open(action.url, "_blank", "noopener");
  if (action.confirm !== undefined && !(await confirmDialog(action.confirm))) return;
  const click = {
    type: "click",
    channel: message.channel ?? state.channel,
    ts: message.ts,
    actionId: action.actionId,
  };
  return serial(() => act(action.value === undefined ? click : { ...click, value: action.value }));
}

async function onViewAction(view, action) {
  if (action.confirm !== undefined && !(await confirmDialog(action.confirm))) return;
  const click = { type: "view_click", viewId: view.id, actionId: action.actionId };
  return serial(() => act(action.value === undefined ? click : { ...click, value: action.value }));
}

async function act(request) {
  const answer = await postJson("/sandbox/api/act", { user: state.person, ...request });
  if (answer.status !== 200) showStatus(`Slack request answered HTTP ${answer.status}`, true);
  if (answer.ack) addLocalReply(answer.ack);
  if (request.type === "view_close" || request.type === "view_submit") await refreshModals();
  return answer;
}

function addLocalReply(text) {
  const reply = { channel: state.channel, message_ts: `${Date.now() / 1000}`, text, user: state.person };
  state.localReplies.push(reply);
  if (state.pane === "channel") list.appendEphemeral(reply);
}

function onCompose(event) {
  event.preventDefault();
  const input = $("composer-input");
  const value = input.value.trim();
  if (value === "") return;
  const match = /^(\/\w+)\s*(.*)$/s.exec(value);
  if (match === null) {
    addLocalReply("Only slash commands reach Tollgate here. Try `/promote help`.");
    return;
  }
  input.value = "";
  serial(() => act({ type: "command", channel: state.channel, command: match[1], text: match[2] }));
}

function connectEvents() {
  const events = new EventSource("/sandbox/api/events");
  let opened = false;
  events.addEventListener("open", () => {
    $("live").textContent = "● live";
    $("live").className = "live on";
    // After a reconnect, anything missed while away is picked up by one refresh.
    if (opened) serial(refreshAll);
    opened = true;
  });
  events.addEventListener("error", () => {
    $("live").textContent = "○ reconnecting";
    $("live").className = "live off";
  });
  events.addEventListener("message", (event) => serial(() => onChange(JSON.parse(event.data))));
}

async function onChange(change) {
  switch (change.kind) {
    case "message_posted":
    case "message_updated":
      return onMessageChange(change);
    case "message_deleted":
      if (change.channel === state.channel) list.remove(change.ts);
      return;
    case "ephemeral_posted":
    case "response_url_posted":
      if (change.channel === state.channel && state.pane === "channel") await refreshChannel();
      return;
    case "home_published":
      if (change.userId === state.person && state.pane === "home") await refreshHome();
      return;
    default:
      if (change.userId === state.person) await refreshModals();
  }
}

async function onMessageChange(change) {
  if (change.channel !== state.channel || state.pane !== "channel") {
    if (change.kind === "message_posted") {
      state.unread.set(change.channel, (state.unread.get(change.channel) ?? 0) + 1);
      renderSidebar();
    }
    return;
  }
  const message = await getJson(query("/sandbox/api/message", { channel: change.channel, ts: change.ts }));
  const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  if (isReply) {
    const parent = await getJson(
      query("/sandbox/api/message", { channel: change.channel, ts: message.thread_ts }),
    );
    list.upsert(parent);
    if (state.threadTs === message.thread_ts) await refreshThread();
    if (message.reply_broadcast !== true) return;
  }
  list.upsert(message);
  if (state.threadTs === message.ts) await refreshThread();
}

let statusTimer;
function showStatus(text, error = false) {
  const status = $("status");
  status.textContent = text;
  status.className = error ? "status error" : "status";
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    status.textContent = "";
  }, 6000);
}

boot().catch((error) => showStatus(`Could not load the sandbox: ${error.message}`, true));
