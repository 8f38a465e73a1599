/**
 * Acknowledgements of results wait for the next frame the connection writes anyway: they ride
 * inside the next command's frame, or go out in the same write as the heartbeat ping. An agent
 * forgets a result only once it is acknowledged, so a late ack costs nothing but journal space; a
 * frame of its own per agent cost a fan-out to 10,000 hosts 10,000 more frames to write on the
 * server and to read on the agents, just while everyone waits for the results. An agent with this
 * many waiting gets them at once, which bounds both the frame and the agent's journal. A lost ack
 * (connection gone) makes the agent re-send the result on reconnect, which is stored once and
 * acknowledged again.
 */
export const ACK_AT_ONCE = 256;

/** The result ids one connection has yet to acknowledge. */
export class PendingAcks {
  private ids?: string[];

  /** Adds an id; true when ACK_AT_ONCE are waiting and they should go out now. */
  add(id: string): boolean {
    (this.ids ??= []).push(id);
    return this.ids.length >= ACK_AT_ONCE;
  }

  /** The waiting ids (undefined when none), which are no longer waiting. */
  take(): string[] | undefined {
    const ids = this.ids;
    this.ids = undefined;
    return ids;
  }
}
