// The conversation with Rasa's socket.io channel (session persistence on): the session id is
// kept in localStorage so a reload continues the same conversation, and what is said while
// the socket is down waits for the session to be confirmed.
import { io } from "socket.io-client";

export class Connection {
  constructor({ botUrl, sessionId, onMessage, onSession, onStatus }) {
    this.sessionId = sessionId || null;
    this.confirmed = false;
    this.waiting = [];
    this.socket = io(botUrl, { path: "/socket.io" });
    this.socket.on("connect", () => {
      onStatus(true);
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", (id) => {
      // The id as sent, or a new one when none was (or it was not acceptable).
      this.sessionId = String(id);
      this.confirmed = true;
      onSession(this.sessionId);
      for (const text of this.waiting.splice(0)) this.send(text);
    });
    this.socket.on("disconnect", () => {
      this.confirmed = false;
      onStatus(false);
    });
    this.socket.on("bot_uttered", onMessage);
  }

  send(text) {
    if (!this.confirmed) {
      this.waiting.push(text);
      return;
    }
    this.socket.emit("user_uttered", { message: text, session_id: this.sessionId });
  }

  close() {
    this.socket.close();
  }
}
