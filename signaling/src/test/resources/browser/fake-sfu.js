// A stand-in for the SFU inside the page, for page tests that need no server.
// It replaces window.WebSocket: `join` gets `joined`, the client's offer is answered by a
// second RTCPeerConnection in the same page (a loopback "server"), and window.__fakeSfu lets a
// test push server messages and publish synthetic participants whose media really flows.
(() => {
  const fake = window.__fakeSfu = {
    sent: [],            // every message the page sent, parsed
    sockets: [],         // every socket the page opened
    participants: [],    // what `joined` reports
    joinError: null,     // {code, message}: answer `join` with this error instead
    peer: null,          // the loopback server's RTCPeerConnection
    publishers: 0,
    // Accept the page's simulcast (a=rid recv + a=simulcast:recv in every SDP sent for its
    // m-lines), as the simulcast SFU does. Off: declined, as Chromium (and the SFU before
    // simulcast) answers, so the page sends one encoding.
    acceptSimulcast: false,
    simulcastRids: new Map(), // mid -> rids the page offered to send
    rejectVideo: false,  // answer the page's video m-line rejected (port 0), as a server without its codec would
  };

  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      fake.sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        if (this.onopen) this.onopen({});
      }, 30);
    }
    send(data) {
      if (this.readyState !== 1) throw new DOMException('not open', 'InvalidStateError');
      const msg = JSON.parse(data);
      fake.sent.push(msg);
      handle(this, msg).catch((e) => console.error('fake sfu:', e));
    }
    deliver(msg) {
      setTimeout(() => {
        if (this.readyState === 1 && this.onmessage) this.onmessage({ data: JSON.stringify(msg) });
      }, 5);
    }
    close(code = 1000, reason = '') {
      if (this.readyState === 3) return;
      this.readyState = 3;
      setTimeout(() => { if (this.onclose) this.onclose({ code, reason, wasClean: code === 1000 }); }, 0);
    }
  }
  FakeSocket.CONNECTING = 0; FakeSocket.OPEN = 1; FakeSocket.CLOSING = 2; FakeSocket.CLOSED = 3;
  window.WebSocket = FakeSocket;

  /** Like the real SFU, every SDP names a participant's stream by the participant's id. */
  fake.streamIds = new Map();
  function munge(sdp) {
    let out = sdp;
    for (const [streamId, id] of fake.streamIds) out = out.split(streamId).join(id);
    return out;
  }

  const sections = (sdp) => sdp.split(/(?=^m=)/m);

  /** Remembers, per mid, the rids of the page's `a=rid:X send` lines (two or more: simulcast). */
  function noteSimulcast(offer) {
    for (const sec of sections(offer)) {
      const mid = /^a=mid:(\S+)/m.exec(sec);
      const rids = [...sec.matchAll(/^a=rid:(\S+) send/gm)].map((m) => m[1]);
      if (mid && rids.length > 1) fake.simulcastRids.set(mid[1], rids);
    }
  }

  /** Adds the receive side of the page's simulcast to the page's m-lines of an SDP we send it. */
  function withSimulcast(sdp) {
    if (!fake.acceptSimulcast) return sdp;
    return sections(sdp).map((sec) => {
      const mid = /^a=mid:(\S+)/m.exec(sec);
      const rids = mid && fake.simulcastRids.get(mid[1]);
      if (!rids || /^a=simulcast:/m.test(sec)) return sec;
      return sec + rids.map((r) => `a=rid:${r} recv\r\n`).join('') + `a=simulcast:recv ${rids.join(';')}\r\n`;
    }).join('');
  }

  /** The SDP with its video m-lines rejected (port 0, out of the BUNDLE group), as RFC 3264 section 6 writes it. */
  function rejectVideo(sdp) {
    const mids = [];
    const out = sections(sdp).map((sec) => {
      if (!sec.startsWith('m=video')) return sec;
      const mid = /^a=mid:(\S+)/m.exec(sec);
      if (mid) mids.push(mid[1]);
      return sec.replace(/^m=video \d+/, 'm=video 0');
    }).join('');
    return out.replace(/^a=group:BUNDLE (.*)$/m, (l, list) => 'a=group:BUNDLE ' + list.split(' ').filter((m) => !mids.includes(m)).join(' '));
  }

  fake.socket = () => fake.sockets[fake.sockets.length - 1];
  fake.deliver = (msg) => fake.socket().deliver(msg);
  /** The server drops the connection, as a crash or a network cut would. */
  fake.drop = () => { const s = fake.socket(); if (s.peer) s.peer.close(); s.close(1006, 'dropped'); };
  fake.sentOfType = (type) => fake.sent.filter((m) => m.type === type);

  async function handle(sock, msg) {
    switch (msg.type) {
      case 'join':
        if (fake.joinError) return sock.deliver({ type: 'error', ...fake.joinError });
        sock.participantId = 'me-' + fake.sockets.length;
        return sock.deliver({ type: 'joined', participantId: sock.participantId, room: msg.room,
          participants: fake.participants });
      case 'offer': {
        if (fake.glareOnce) {
          // Glare: the server's own offer is already out, so it refuses the client's.
          const { id, name } = fake.glareOnce;
          fake.glareOnce = null;
          newPeer(sock);
          await offerParticipant(sock, id, name);
          return sock.deliver({ type: 'error', code: 'NEGOTIATION_IN_PROGRESS',
            message: 'The server is offering; answer its offer, then offer again.' });
        }
        const peer = sock.peer || newPeer(sock);
        noteSimulcast(msg.sdp);
        await peer.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
        await peer.setLocalDescription();
        const answer = withSimulcast(munge(peer.localDescription.sdp));
        return sock.deliver({ type: 'answer', sdp: fake.rejectVideo ? rejectVideo(answer) : answer });
      }
      case 'answer':
        return sock.peer.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
      case 'candidate':
        if (sock.peer && msg.candidate) await sock.peer.addIceCandidate(msg);
        return undefined;
      case 'ping':
        return sock.deliver({ type: 'pong' });
      default:
        return undefined;
    }
  }

  function newPeer(sock) {
    const peer = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    peer.onicecandidate = (ev) => {
      if (ev.candidate && ev.candidate.candidate) {
        sock.deliver({ type: 'candidate', candidate: ev.candidate.candidate, sdpMid: ev.candidate.sdpMid,
          sdpMLineIndex: ev.candidate.sdpMLineIndex });
      }
    };
    sock.peer = peer;
    fake.peer = peer;
    return peer;
  }

  /** A synthetic camera: a coloured canvas with the name and a moving bar, plus a tone. */
  function syntheticMedia(name, hue) {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    const g = canvas.getContext('2d');
    let frame = 0;
    setInterval(() => {
      g.fillStyle = `hsl(${hue}, 45%, 35%)`; g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff'; g.font = 'bold 36px sans-serif'; g.textAlign = 'center';
      g.fillText(name, 160, 130);
      g.fillRect((frame++ * 4) % 320, 200, 40, 8);
    }, 33);
    const video = canvas.captureStream(30).getVideoTracks()[0];
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    osc.frequency.value = 220 + hue;
    const dest = ac.createMediaStreamDestination();
    osc.connect(dest); osc.start();
    return new MediaStream([dest.stream.getAudioTracks()[0], video]);
  }

  /**
   * The server offers the page one participant's audio and video, with msid stream id = id, as
   * the real SFU does; resolves when the page has answered.
   */
  async function offerParticipant(sock, id, name) {
    const peer = sock.peer;
    const stream = syntheticMedia(name, (fake.publishers++ * 97) % 360);
    for (const track of stream.getTracks()) peer.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    await peer.setLocalDescription();
    fake.streamIds.set(stream.id, id);
    const sdp = withSimulcast(munge(peer.localDescription.sdp));
    sock.deliver({ type: 'participantJoined', participant: { id, name, audioMuted: false, videoMuted: false } });
    sock.deliver({ type: 'offer', sdp });
  }

  fake.publish = async (id, name) => {
    const sock = fake.socket();
    const peer = sock.peer;
    await offerParticipant(sock, id, name);
    const deadline = Date.now() + 5000;
    while (peer.signalingState !== 'stable' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return peer.signalingState;
  };
})();
