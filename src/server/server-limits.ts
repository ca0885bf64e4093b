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

// --- A student's share of the machine (hands-on class, --hands-on) ---

/** Students a class takes by default (--max-students); at most as many as labs/setup-user.sh made accounts. */
export const DEFAULT_MAX_STUDENTS = 30;
/** Labs one student may have open at once (each is a shell, and maybe a VM). */
export const STUDENT_MAX_SESSIONS = 4;
/**
 * RLIMIT_NPROC of a student's account (processes and threads of that uid, machine-wide): a fork bomb
 * stops there. A qemu guest under TCG uses about 10 threads, libvirt's session daemons about 20.
 */
export const STUDENT_MAX_PROCESSES = 256;
/** RLIMIT_FSIZE: no file of a student's grows past this (`qemu-img create -f raw disk 10G` fails at once). */
export const STUDENT_MAX_FILE_BYTES = 4 * 1024 ** 3;
/** Memory of all a student's processes (cgroup, when the machine lets the server make one). */
export const STUDENT_MEMORY_BYTES = 1536 * 1024 ** 2;
/**
 * CPU weight of a student's processes against everything else (cgroup v1 cpu.shares, default 1024): a
 * student's `yes` gets a quarter of what a default process gets, on top of the labs' nice 10.
 */
export const STUDENT_CPU_SHARES = 256;
/** A provision hook (a student's OpenStack project) that takes longer than this failed. */
export const PROVISION_TIMEOUT_MS = 120_000;
/** The class panel's `class` messages: at most one per this, however busy the class is. */
export const ROSTER_INTERVAL_MS = 250;
/** Running VMs of all students together by default (--max-vms): a TCG guest takes a core while it boots. */
export const DEFAULT_MAX_VMS = 4;
/** How often the class's running VMs are counted against --max-vms. */
export const VM_CHECK_MS = 2000;
