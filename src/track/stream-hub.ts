/**
 * Reassembled TCP payload for every tracker that reads application bytes (DNS over TCP, HTTP):
 * the TCP tracker delivers each direction's in-order bytes to the hub, and the hub hands a flow to
 * the first listener, in registry order, that wants it.
 */
import type { TcpStreamInfo, TcpStreamListener } from './tcp/tracker.js';

export class TcpStreamHub implements TcpStreamListener {
  private readonly listeners: TcpStreamListener[] = [];

  add(listener: TcpStreamListener): void {
    this.listeners.push(listener);
  }

  wants(flow: TcpStreamInfo): boolean {
    return this.owner(flow) !== undefined;
  }

  data(flow: TcpStreamInfo, fromClient: boolean, bytes: Uint8Array, packet: number, time: number): boolean | void {
    return this.owner(flow)?.data(flow, fromClient, bytes, packet, time);
  }

  gap(flow: TcpStreamInfo, fromClient: boolean, packet: number, lostBytes: number): void {
    this.owner(flow)?.gap(flow, fromClient, packet, lostBytes);
  }

  end(flow: TcpStreamInfo): void {
    this.owner(flow)?.end?.(flow);
  }

  /** Listeners decide from the flow's ports and addresses, which never change: the answer is stable. */
  private owner(flow: TcpStreamInfo): TcpStreamListener | undefined {
    for (const listener of this.listeners) if (listener.wants(flow)) return listener;
    return undefined;
  }
}
