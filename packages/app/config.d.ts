export interface Config {
  demo?: {
    /**
     * Offers the demo sign-in page (pick a demo user, no password) instead of the
     * guest sign-in. For local demos only.
     * @visibility frontend
     */
    enabled?: boolean;
    /**
     * The users of the demo sign-in page; the backend's `demo` auth provider signs
     * in only these.
     * @deepVisibility frontend
     */
    users?: Array<{
      /** The catalog user's name: user:default/<name>. */
      name: string;
      /** What they are in the demo, e.g. "Dataset owner". */
      role: string;
      /** What they may do. */
      description?: string;
    }>;
  };
}
