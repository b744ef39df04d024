// A reply frame for the faces that send answers as JSON (the browser shell, the local channel): a shared
// answer's text is written once (main/store/shared-result.ts), the frame around it per call.
import { resultText } from '../store/shared-result.ts';
import type { Reply } from './wire.ts';

/** A reply frame's text, as JSON.stringify({ type: 'reply', id, reply }) would write it. */
export function replyFrameText(id: number, reply: Reply): string {
  if (!reply.ok || reply.result === undefined) return JSON.stringify({ type: 'reply', id, reply });
  return `{"type":"reply","id":${JSON.stringify(id)},"reply":{"ok":true,"result":${resultText(reply.result)}}}`;
}
