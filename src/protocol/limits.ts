/**
 * Every constant the lab server and the browser pane must agree on, in one place, because they are
 * coupled: the rules that tie them are checked by test/protocol/limits.test.ts (like VS Code's
 * FlowControlConstants, not like WeTTY's two flowcontrol.ts files that only a comment kept in step).
 */

/** Bumped on any incompatible change to messages.ts or frame.ts; `hello` must carry it. */
export const PROTOCOL_VERSION = 1;

/** Room used when `attach` names none: the classroom's shared sessions. */
export const DEFAULT_ROOM = 'main';

const KiB = 1024;
const MiB = 1024 * KiB;

// --- Flow control (bytes of raw pty output, i.e. binary frame payloads; snapshots are not counted) ---

/**
 * The pane acks at least every ACK_SIZE bytes it has written into xterm.js (in the write callback), and
 * may ack more often. It never needs to ack a remainder smaller than this, which is why ACK_SIZE must
 * be <= LOW_WATERMARK: otherwise an unacked remainder could keep the pty paused forever.
 */
export const ACK_SIZE = 64 * KiB;
/** The writer's pty resumes when its unacked bytes fall to this. */
export const LOW_WATERMARK = 128 * KiB;
/** The writer's pty is paused when its unacked bytes exceed this (VS Code: 100000 chars, WeTTY: 2 MiB). */
export const HIGH_WATERMARK = 512 * KiB;
/**
 * A viewer with more unacked bytes than this stops receiving live output ("lagging"); once it has acked
 * down to LOW_WATERMARK it gets a fresh snapshot and the live stream again. It never slows the writer.
 */
export const VIEWER_HIGH_WATERMARK = 1 * MiB;
/** Output coalesced into one binary frame while a send is pending (idle output goes out at once). */
export const BATCH_MAX_BYTES = 256 * KiB;
/**
 * The server's headless terminal (for snapshots) parses slower than a pty can write: the pty is also
 * paused while more than SCREEN_HIGH_WATERMARK bytes wait to be parsed, until SCREEN_LOW_WATERMARK.
 * A snapshot parses what waits at once: the high watermark bounds that pause (~20 ms at 30 MB/s).
 */
export const SCREEN_HIGH_WATERMARK = 512 * KiB;
export const SCREEN_LOW_WATERMARK = 128 * KiB;
/** Largest single read node-pty delivers; used to bound the overshoot past a watermark. */
export const PTY_READ_MAX_BYTES = 64 * KiB;

// --- Sizes ---

/** A client text frame above this gets a TOO_LARGE error reply (the connection stays usable). */
export const MAX_MESSAGE_BYTES = 64 * KiB;
/** A frame above this is cut by the WebSocket layer itself (close 1009): nothing is parsed. */
export const MAX_PAYLOAD_BYTES = 1 * MiB;
/** Terminal geometry accepted from clients. */
export const MIN_COLS = 2;
export const MAX_COLS = 500;
export const MIN_ROWS = 2;
export const MAX_ROWS = 200;
/**
 * The terminal of every demo: the pane's grid on a demo slide, the size labs:check checks output against
 * and recordings are made at. 90 columns hold a guest kernel's longest line and OpenStack tables fitted by
 * cliff (CLIFF_FIT_WIDTH); the pane fits its font to this grid, and its column of the slide
 * (theme/pane.css) is wide enough that the font is at least DEMO_MIN_FONT_PX on a 1280x800 projector
 * (checked by test/e2e/demo-fit.e2e.ts).
 */
export const DEMO_TERMINAL = { cols: 90, rows: 36 } as const;
/** The smallest terminal text, CSS px, that a room reads from its back row. */
export const DEMO_MIN_FONT_PX = 13;
/** Remark slide indices (every incremental step counts) accepted in `slide`. */
export const MAX_SLIDE_INDEX = 10_000;
/** Channel numbers are one byte in binary frames. */
export const MAX_CHANNEL = 255;
/** Largest delta one `ack` may carry (anything bigger is a broken client; the server clamps anyway). */
export const MAX_ACK_BYTES = 64 * MiB;
/**
 * Scrollback lines kept by the server's headless terminal and replayed in a snapshot (the pane keeps
 * its own, longer scrollback while connected). Each line costs ~1.6 KB per session and must be parsed at
 * the end of every flood (plain-runs.ts keeps 2 x rows + this many lines): with fifty sessions, 1000
 * lines meant 80 MB of old-generation heap and GC pauses of 100 ms.
 */
export const SNAPSHOT_SCROLLBACK = 250;

// --- Caps ---

export const MAX_SESSIONS = 64;
export const MAX_CLIENTS = 256;
/** Lab sessions one WebSocket (one page) may have attached at once. */
export const MAX_CHANNELS_PER_CLIENT = 8;
/**
 * A connection whose WebSocket send buffer grows past this is closed (a page that stopped reading):
 * flow control keeps a reading page within MAX_CHANNELS_PER_CLIENT x (VIEWER_HIGH_WATERMARK +
 * PTY_READ_MAX_BYTES + BATCH_MAX_BYTES), 10.5 MiB, plus its snapshots, which the server's attach rate
 * limit paces. It was 24 MiB: eight pages that did not read held 72 MiB within 8 s.
 */
export const CONNECTION_BUFFER_CAP = 12 * MiB;
/** Typed input, per connection: sustained rate and burst (a paste of MAX_MESSAGE_BYTES must fit). */
export const INPUT_RATE_BYTES_PER_S = 256 * KiB;
export const INPUT_BURST_BYTES = 512 * KiB;
/**
 * Messages of any kind, per connection; above it the connection is closed (1008) after an error.
 * Must leave room for acks: a page reading 110 MB/s (the pty ceiling here) acks ~1700 times a second.
 */
export const MESSAGE_RATE_PER_S = 4000;
export const MESSAGE_BURST = 8000;

// --- Times (milliseconds) ---

/** The first message must be `hello` within this. */
export const HELLO_TIMEOUT_MS = 10_000;
/** WebSocket ping interval; a connection that misses two pongs is dropped (laptop lid, dead Wi-Fi). */
export const HEARTBEAT_MS = 15_000;
/** A session nobody is attached to lives this long, so a reload or a network blip resumes it. */
export const GRACE_MS = 120_000;
/** A session that got no input for this long ends, even with viewers attached (forgotten classroom). */
export const IDLE_MS = 2 * 60 * 60 * 1000;
/** A viewer that stays lagging this long is dropped (`detached`, reason `slow`). */
export const SLOW_VIEWER_MS = 30_000;
/**
 * After the shell exits, output may still be in flight (node-pty #72/#726); VS Code waits 250 ms
 * (ShutdownConstants.DataFlushTimeout) before reporting the exit.
 */
export const DATA_FLUSH_MS = 250;
/** SIGHUP first; whatever is still alive after this gets SIGKILL (VS Code: MaximumShutdownTime 5000). */
export const KILL_AFTER_MS = 3000;
/** A shell that exits this soon after it started failed to start: the pane is told why. */
export const START_FAILURE_WINDOW_MS = 1500;
