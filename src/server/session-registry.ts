/**
 * The live sessions, one per (room, lab), created on the first attach of their owner (the presenter, or
 * a student in their own room) and forgotten when they are disposed. Enforces the session cap, and ends them all on shutdown.
 */
import { errorValue, type ErrorValue } from '../protocol/errors.ts';
import type { DetachReason } from '../protocol/messages.ts';
import type { ResolvedConfig } from './config.ts';
import type { LabDefinition } from './labs.ts';
import type { Sandbox } from './sandbox.ts';
import type { ParseScheduler } from './screen.ts';
import { Session, type SessionOwner } from './session.ts';
import { recordSessionToFile } from './session-recording.ts';

export type OpenResult =
  { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly error: ErrorValue };

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  /** Sessions ended but whose processes may still be stopping: shutdown waits for them too. */
  private readonly closing = new Set<Promise<void>>();
  private stopping = false;
  /** Told whenever a session starts or ends (the class panel lists each student's open labs). */
  readonly listeners = new Set<() => void>();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly sandbox: Sandbox,
    /** Parses every session's screen (screen.ts); the lab server owns it. */
    private readonly parse: ParseScheduler,
  ) {}

  private static key(room: string, lab: string): string {
    return `${room}\u0000${lab}`;
  }

  get size(): number {
    return this.sessions.size;
  }

  list(): readonly Session[] {
    return [...this.sessions.values()];
  }

  find(room: string, lab: string): Session | undefined {
    return this.sessions.get(SessionRegistry.key(room, lab));
  }

  /** The session for (room, lab), started with this size (and for this owner: a student) if there is none yet. */
  open(room: string, lab: LabDefinition, cols: number, rows: number, owner?: SessionOwner): OpenResult {
    if (this.stopping) return { ok: false, error: errorValue('SHUTTING_DOWN') };
    const existing = this.find(room, lab.id);
    if (existing) return { ok: true, session: existing };
    if (this.sessions.size >= this.config.maxSessions) {
      return { ok: false, error: errorValue('SESSION_LIMIT', { detail: `${this.config.maxSessions} au plus` }) };
    }
    const key = SessionRegistry.key(room, lab.id);
    let session: Session;
    try {
      session = new Session({
        lab,
        room,
        cols,
        rows,
        config: this.config,
        sandbox: this.sandbox,
        parse: this.parse,
        ...(owner ? { owner } : {}),
        onDisposed: (ended) => {
          if (this.sessions.get(key) === ended) this.sessions.delete(key);
          for (const listener of this.listeners) listener();
          this.closing.add(ended.closed);
          void ended.closed.then(() => this.closing.delete(ended.closed));
        },
      });
    } catch (error) {
      return { ok: false, error: errorValue('LAB_START_FAILED', { detail: (error as Error).message }) };
    }
    this.sessions.set(key, session);
    for (const listener of this.listeners) listener();
    if (this.config.recordDir !== undefined) {
      try {
        recordSessionToFile(session, this.config.recordDir);
      } catch (error) {
        console.error(
          `lab server: cannot record into ${this.config.recordDir} (${(error as Error).message}); the session goes on unrecorded.`,
        );
      }
    }
    return { ok: true, session };
  }

  /** Ends every session and resolves when all their processes are gone. */
  async shutdown(reason: DetachReason = 'shutdown'): Promise<void> {
    this.stopping = true;
    for (const session of this.list()) session.end(reason);
    await Promise.all([...this.closing]);
  }
}
