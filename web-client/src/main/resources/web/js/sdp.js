// Just enough SDP reading to learn which participant each receive m-line carries.

/**
 * Splits an SDP into media sections and returns, per section, its mid, kind, direction and
 * the msid stream id (the publishing participant's id, see docs/signaling.md).
 */
export function mediaSections(sdp) {
  const sections = [];
  let current = null;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('m=')) {
      current = { kind: line.slice(2).split(' ')[0], mid: null, direction: 'sendrecv', streamId: null, port: Number(line.split(' ')[1]) };
      sections.push(current);
    } else if (current) {
      if (line.startsWith('a=mid:')) current.mid = line.slice(6);
      else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) current.direction = line.slice(2);
      else if (line.startsWith('a=msid:')) current.streamId = line.slice(7).split(' ')[0];
    }
  }
  return sections;
}

