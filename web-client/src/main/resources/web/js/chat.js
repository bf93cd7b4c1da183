// The chat panel: the room's messages as plain text (textContent only, never HTML), a form to
// send, and an unread count on the Chat button while the panel is closed.

/** Messages shown at most; older ones are removed from the page. */
const MAX_SHOWN = 200;

export class ChatPanel {
  constructor({ panel, log, form, input, toggle, badge, close, send, ownId, onToggle = () => {} }) {
    this.panel = panel;
    this.log = log;
    this.input = input;
    this.toggle = toggle;
    this.badge = badge;
    this.send = send;
    this.ownId = ownId;
    this.onToggle = onToggle;
    this.unread = 0;
    toggle.addEventListener('click', () => this.setOpen(panel.hidden));
    close.addEventListener('click', () => this.setOpen(false));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = input.value;
      if (!text.trim()) return;
      if (this.send(text)) input.value = '';
    });
  }

  get open() {
    return !this.panel.hidden;
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-pressed', String(open));
    this.toggle.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    if (open) {
      this.setUnread(0);
      this.log.scrollTop = this.log.scrollHeight;
      this.input.focus();
    }
    this.onToggle(open);
  }

  /** Shows one message ({participantId, name, text, ts}); `history` ones (sent on join) are not unread. */
  add(msg, history = false) {
    if (!msg || typeof msg.text !== 'string') return;
    const li = document.createElement('li');
    const own = msg.participantId === this.ownId();
    if (own) li.classList.add('own');
    li.dataset.participant = msg.participantId || '';
    const meta = document.createElement('div');
    meta.className = 'chat-meta';
    const name = document.createElement('span');
    name.className = 'chat-name';
    name.textContent = own ? 'You' : String(msg.name || 'Someone');
    const time = document.createElement('time');
    const when = new Date(Number(msg.ts) || Date.now());
    time.dateTime = when.toISOString();
    time.textContent = ` ${when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
    meta.append(name, time);
    const text = document.createElement('p');
    text.className = 'chat-text';
    text.textContent = msg.text;
    li.append(meta, text);
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(li);
    while (this.log.children.length > MAX_SHOWN) this.log.firstElementChild.remove();
    if (atBottom || own) this.log.scrollTop = this.log.scrollHeight;
    if (!this.open && !own && !history) this.setUnread(this.unread + 1);
  }

  setUnread(n) {
    this.unread = n;
    this.badge.textContent = n > 99 ? '99+' : String(n);
    this.badge.hidden = n === 0;
  }

  clear() {
    this.log.replaceChildren();
    this.setUnread(0);
    if (this.open) this.setOpen(false);
  }
}
