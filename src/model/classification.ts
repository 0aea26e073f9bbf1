/** How one flow record is judged (schema FlowClassification): shared by every tracker's rows. */
export interface FlowClassification {
  transport: 'stateful' | 'stateless';
  /** Plain words: what the protocol keeps and who holds the application state. */
  description: string;
  applicationState: { client: string; server: string };
  stickyRouting: '4-tuple' | 'connection-id' | 'none';
}
