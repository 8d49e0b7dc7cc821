/** What the job store asks of a database connection, on SQLite or PostgreSQL alike. */
export type SqlValue = string | number | boolean | null | Date;

export interface SqlResult {
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  changes: number;
}

/** What the store needs from a database connection. */
export interface Sql {
  readonly dialect: "sqlite" | "postgresql";
  all<T>(text: string, params?: SqlValue[]): Promise<T[]>;
  get<T>(text: string, params?: SqlValue[]): Promise<T | undefined>;
  run(text: string, params?: SqlValue[]): Promise<SqlResult>;
  /** Run `fn` in one transaction; nothing else uses the connection meanwhile. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
