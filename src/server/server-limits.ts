/**
 * Limits only the server knows about (the page never needs them), kept together because they are tied:
 * the rules are checked by test/server/server-limits.test.ts. The shared ones are in protocol/limits.ts.
 */
import { MAX_CHANNELS_PER_CLIENT } from '../protocol/limits.ts';

// --- Who may connect ---

/**
 * WebSocket connections only the presenter may take: however many audience pages connect (the audience
 * URL is projected, anyone in the room has it), the presenter's reload still gets in. A presenter uses a
 * few pages at once (deck, clone for the projector, presenter view) and a reload overlaps its old socket.
 */
export const PRESENTER_RESERVED_CLIENTS = 8;
/**
 * WebSocket connections per (address, role), --max-per-address. One browser window is one connection;
 * a student with a few tabs fits, one machine looping over the audience cookie does not fill the room.
 * Counted per role so that audience pages from the presenter's own address (loopback included, where a
 * lab shell lives) cannot take the presenter's share.
 */
export const MAX_CLIENTS_PER_ADDRESS = 16;
/**
 * Sockets that have not become an authenticated WebSocket yet: HTTP requests (the deck's files, the
 * token exchange) and upgrades in progress. Beyond it a new socket is closed at once; per address, so
 * one machine holding idle sockets cannot lock the others out.
 */
export const MAX_PENDING_SOCKETS = 512;
export const MAX_PENDING_PER_ADDRESS = 128;
/** A request's headers must arrive within this (Node's default, 60 s, lets idle sockets pile up). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

// --- What a connection may ask for ---

/**
 * Attaches and resets, per connection: each sends a full screen (snapshot) and may start a shell. A
 * reload reattaches every channel at once, so the burst covers all of them twice; a loop of
 * attach/detach (1,500 screens a second before this limit) gets ATTACH_RATE_LIMITED, never a disconnect.
 */
export const ATTACH_RATE_PER_S = 4;
export const ATTACH_BURST = 2 * MAX_CHANNELS_PER_CLIENT;

/**
 * A connection past CONNECTION_BUFFER_CAP (protocol/limits.ts) is sent a close frame saying why, then
 * cut after this: a page that does not read will not read the close frame either.
 */
export const OVERFLOW_CLOSE_MS = 2000;
